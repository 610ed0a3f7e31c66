// `npm run bench`: speed and memory targets, as ratios measured side by side in one run (machines here are
// shared and noisy, so no absolute times are judged). All traffic goes to an emulator on 127.0.0.1, bounded in
// count and time. Prints a table and exits 1 when a target is missed.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import { imagekit } from '../src/core/providers/imagekit';
import { imgix } from '../src/core/providers/imgix';
import { HttpClient } from '../src/core/http';
import { planPurge } from '../src/core/planner';
import { executePlan } from '../src/core/purge';
import { classifierFrom, scanText } from '../src/core/scanner';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/emulator';
import { coalesceBench } from './coalesce';

const root = path.resolve(__dirname, '../..');
const KEY = 'private_emulator_test_key_imagekit';
const IX_KEY = 'emulator_test_key_imgix';

interface Row {
  name: string;
  measured: string;
  target: string;
  ok: boolean;
}
const rows: Row[] = [];

function record(name: string, value: number, target: number, cmp: '>=' | '<=', unit: string, detail: string): void {
  const ok = cmp === '>=' ? value >= target : value <= target;
  rows.push({ name, measured: `${value.toFixed(2)}${unit}  (${detail})`, target: `${cmp} ${target}${unit}`, ok });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, repeat = 5): number {
  const t: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const s = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  return median(t);
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const s = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - s) / 1e6;
}

function urls(n: number, prefix = 'bench'): string[] {
  return Array.from({ length: n }, (_, i) => `https://ik.imagekit.io/demo/${prefix}/cat-${i % 20}/item-${i}.jpg`);
}

// ---- Purges: our CLI and core against the SDK loops users write, side by side, on one emulator per scenario ----

/* eslint-disable @typescript-eslint/no-require-imports */
type Provider = 'imagekit' | 'imgix';
interface PurgeRow {
  scenario: string;
  client: string;
  n: number;
  delivered: number;
  lost: number;
  refusals: number;
  wallMs: number;
  /** wall ÷ bound (limited) or wall ÷ the fastest SDK loop that delivered everything (unlimited). */
  ratio?: number;
}
const purgeRows: PurgeRow[] = [];
const LATENCY_MS = 20;

function ikUrls(n: number, tag: string): string[] {
  return Array.from({ length: n }, (_, i) => `https://ik.imagekit.io/demo/${tag}/item-${i}.jpg`);
}
function ixUrls(n: number, tag: string): string[] {
  return Array.from({ length: n }, (_, i) => `https://assets.imgix.net/${tag}/item-${i}.png`);
}

/** What reached the emulator for this provider since the last reset: purges accepted (distinct URLs) and 429s. */
function tally(emu: Emulator, provider: Provider): { delivered: number; refusals: number } {
  const log = emu.requests({ provider }).filter((r) => r.method === 'POST');
  const ok = new Set<string>();
  for (const r of log) if (r.status !== null && r.status >= 200 && r.status < 300) ok.add(JSON.stringify(r.body));
  return { delivered: ok.size, refusals: log.filter((r) => r.status === 429).length };
}

type Loop = (urls: string[], emu: Emulator) => Promise<unknown>;

const pLimit8 = async <T>(items: T[], f: (x: T) => Promise<unknown>): Promise<void> => {
  const limit = pLimit(8);
  await Promise.all(items.map((x) => limit(() => f(x).catch(() => undefined))));
};
const sequential = async <T>(items: T[], f: (x: T) => Promise<unknown>): Promise<void> => {
  for (const x of items) await f(x).catch(() => undefined);
};

function imagekitV6(emu: Emulator): { purge: (url: string) => Promise<unknown>; done: () => void } {
  const axios = require(require.resolve('axios', { paths: [path.dirname(require.resolve('imagekit'))] }));
  const id = axios.interceptors.request.use((c: { url?: string }) => ({
    ...c,
    url: c.url?.replace('https://api.imagekit.io', emu.url),
  }));
  const ImageKit = require('imagekit');
  const sdk = new ImageKit({ publicKey: 'public_bench', privateKey: KEY, urlEndpoint: 'https://ik.imagekit.io/demo' });
  return { purge: (url) => sdk.purgeCache(url), done: () => axios.interceptors.request.eject(id) };
}

function imagekitNode(emu: Emulator): { purge: (url: string) => Promise<unknown> } {
  const { default: ImageKit } = require('@imagekit/nodejs');
  const sdk = new ImageKit({ privateKey: KEY, baseURL: emu.url });
  return { purge: (url) => sdk.cache.invalidation.create({ url }) };
}

function imgixMjs(emu: Emulator): { purge: (url: string) => Promise<unknown>; done: () => void } {
  const wrapper = require('imgix-management-js/src/fetch-wrapper');
  const real = wrapper.fetch;
  wrapper.fetch = (url: string, init: unknown) => real(url.replace('https://api.imgix.com', emu.url), init);
  const ImgixAPI = require('imgix-management-js');
  const api = new ImgixAPI({ apiKey: IX_KEY });
  return {
    purge: (url) => api.request('purge', { method: 'POST', body: { data: { attributes: { url }, type: 'purges' } } }),
    done: () => (wrapper.fetch = real),
  };
}

function fetchPurge(provider: Provider, emu: Emulator): (url: string) => Promise<unknown> {
  return async (url) => {
    const ik = provider === 'imagekit';
    const res = await fetch(ik ? `${emu.url}/v1/files/purge` : `${emu.url}/api/v1/purge`, {
      method: 'POST',
      headers: ik
        ? { authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`, 'content-type': 'application/json' }
        : { authorization: `Bearer ${IX_KEY}`, 'content-type': 'application/vnd.api+json' },
      body: JSON.stringify(ik ? { url } : { data: { type: 'purges', attributes: { url } } }),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(String(res.status));
  };
}

function ourCore(provider: Provider, ratePerSecond?: number): Loop {
  return async (urls, emu) => {
    const adapter = provider === 'imagekit' ? imagekit : imgix;
    const plan = planPurge(urls, adapter.checker({}));
    const client = new HttpClient();
    try {
      await executePlan(plan.requests, {
        adapter,
        apiBase: emu.url,
        key: provider === 'imagekit' ? KEY : IX_KEY,
        client,
        ...(ratePerSecond !== undefined ? { ratePerSecond } : {}),
      });
    } finally {
      await client.close();
    }
  };
}

function ourCli(provider: Provider, extra: string[] = []): Loop {
  return (urls, emu) =>
    new Promise<void>((resolve, reject) => {
      const state = fs.mkdtempSync(path.join(os.tmpdir(), 'cdn-purge-bench-'));
      const child = spawn(
        process.execPath,
        [path.join(root, 'dist/cli.js'), 'purge', '-p', provider, '--api-base', emu.url, '--json', ...extra, '-'],
        {
          env: {
            PATH: process.env.PATH,
            HOME: state,
            CDN_PURGE_STATE_DIR: state,
            IMAGEKIT_PRIVATE_KEY: KEY,
            IMGIX_API_KEY: IX_KEY,
          },
          stdio: ['pipe', 'ignore', 'inherit'],
        },
      );
      child.on('error', reject);
      child.on('close', () => {
        fs.rmSync(state, { recursive: true, force: true });
        resolve();
      });
      child.stdin.end(urls.join('\n'));
    });
}

async function purgeScenario(
  scenario: string,
  provider: Provider,
  n: number,
  emuOptions: EmulatorOptions,
  boundMs: number | undefined,
  loops: Array<[string, Loop]>,
): Promise<void> {
  const emu = await startEmulator({
    port: 0,
    latencyMs: LATENCY_MS,
    statusDelayMs: 0,
    quota: 10_000_000,
    maxLogEntries: 1_000_000,
    ...emuOptions,
  });
  const rows: PurgeRow[] = [];
  try {
    for (const [i, [client, loop]] of loops.entries()) {
      emu.reset();
      const urls =
        provider === 'imagekit'
          ? ikUrls(n, `${scenario.replace(/\W+/g, '-')}-${i}`)
          : ixUrls(n, `${scenario.replace(/\W+/g, '-')}-${i}`);
      const wallMs = await timeAsync(() => loop(urls, emu));
      const { delivered, refusals } = tally(emu, provider);
      rows.push({
        scenario,
        client,
        n,
        delivered,
        lost: n - delivered,
        refusals,
        wallMs,
        ...(boundMs ? { ratio: wallMs / boundMs } : {}),
      });
    }
  } finally {
    await emu.close();
  }
  if (!boundMs) {
    const sdkRows = rows.filter((r) => !r.client.startsWith('cdn-purge') && r.lost === 0);
    const fastest = Math.min(...sdkRows.map((r) => r.wallMs));
    for (const r of rows) r.ratio = r.wallMs / fastest;
  }
  purgeRows.push(...rows);
}

function sdkLoops(provider: Provider): Array<[string, Loop]> {
  if (provider === 'imgix') {
    return [
      [
        'imgix-management-js, sequential',
        async (urls, emu) => {
          const s = imgixMjs(emu);
          try {
            await sequential(urls, s.purge);
          } finally {
            s.done();
          }
        },
      ],
      [
        'imgix-management-js, p-limit(8)',
        async (urls, emu) => {
          const s = imgixMjs(emu);
          try {
            await pLimit8(urls, s.purge);
          } finally {
            s.done();
          }
        },
      ],
      ['fetch, p-limit(8)', (urls, emu) => pLimit8(urls, fetchPurge('imgix', emu))],
    ];
  }
  return [
    [
      'imagekit 6, sequential',
      async (urls, emu) => {
        const s = imagekitV6(emu);
        try {
          await sequential(urls, s.purge);
        } finally {
          s.done();
        }
      },
    ],
    [
      'imagekit 6, p-limit(8)',
      async (urls, emu) => {
        const s = imagekitV6(emu);
        try {
          await pLimit8(urls, s.purge);
        } finally {
          s.done();
        }
      },
    ],
    ['@imagekit/nodejs 7, sequential', (urls, emu) => sequential(urls, imagekitNode(emu).purge)],
    ['@imagekit/nodejs 7, p-limit(8)', (urls, emu) => pLimit8(urls, imagekitNode(emu).purge)],
    ['fetch, p-limit(8)', (urls, emu) => pLimit8(urls, fetchPurge('imagekit', emu))],
  ];
}

async function purges(): Promise<void> {
  const UNLIMITED = 400;
  const LIMITED = 40;
  const RATE = 10;
  await purgeScenario(`ImageKit, unlimited, ${UNLIMITED} purges`, 'imagekit', UNLIMITED, { rate: 0 }, undefined, [
    ['cdn-purge core', ourCore('imagekit')],
    ['cdn-purge CLI (process start included)', ourCli('imagekit')],
    ...sdkLoops('imagekit'),
  ]);
  await purgeScenario(`imgix, unlimited, ${UNLIMITED} purges`, 'imgix', UNLIMITED, { rate: 0 }, undefined, [
    ['cdn-purge core, --rate 0', ourCore('imgix', 0)],
    ['cdn-purge CLI --rate 0 (process start included)', ourCli('imgix', ['--rate', '0'])],
    ...sdkLoops('imgix'),
  ]);
  await purgeScenario(
    `ImageKit, ${RATE} per 1000 ms (X-RateLimit-* headers), ${LIMITED} purges`,
    'imagekit',
    LIMITED,
    { imagekitRate: RATE, imgixRate: 0 },
    (LIMITED / RATE) * 1000,
    [
      ['cdn-purge core', ourCore('imagekit')],
      ['cdn-purge CLI (process start included)', ourCli('imagekit')],
      ...sdkLoops('imagekit'),
    ],
  );
  await purgeScenario(
    `imgix, documented ${RATE}/s, ${LIMITED} purges`,
    'imgix',
    LIMITED,
    { imgixRate: RATE, imagekitRate: 0 },
    (LIMITED / RATE) * 1000,
    [
      ['cdn-purge core', ourCore('imgix')],
      ['cdn-purge CLI (process start included)', ourCli('imgix')],
      ...sdkLoops('imgix'),
    ],
  );

  for (const provider of ['imagekit', 'imgix'] as const) {
    const limited = purgeRows.find(
      (r) =>
        r.client === 'cdn-purge core' &&
        r.scenario.startsWith(provider === 'imagekit' ? 'ImageKit, 10' : 'imgix, documented'),
    );
    if (limited) {
      record(
        `purge under ${provider}'s limit: every purge delivered`,
        limited.delivered / limited.n,
        1,
        '>=',
        '',
        `${limited.delivered}/${limited.n}`,
      );
      record(
        `purge under ${provider}'s limit: refusals (429) drawn`,
        limited.refusals,
        2,
        '<=',
        '',
        `${limited.refusals} × 429`,
      );
      record(
        `purge under ${provider}'s limit: wall ÷ bound N/R`,
        limited.ratio ?? 0,
        1.1,
        '<=',
        'x',
        `${limited.wallMs.toFixed(0)} ms for a bound of ${LIMITED / RATE} s`,
      );
    }
  }
  const unl = purgeRows.find((r) => r.client === 'cdn-purge core' && r.scenario.startsWith('ImageKit, unlimited'));
  if (unl)
    record(
      'purge, ImageKit unlimited: core ÷ fastest SDK loop that delivers all',
      unl.ratio ?? 0,
      1,
      '<=',
      'x',
      `${unl.wallMs.toFixed(0)} ms`,
    );
  const unlx = purgeRows.find(
    (r) => r.client.startsWith('cdn-purge core') && r.scenario.startsWith('imgix, unlimited'),
  );
  if (unlx)
    record(
      'purge, imgix unlimited (--rate 0): core ÷ fastest SDK loop that delivers all',
      unlx.ratio ?? 0,
      1,
      '<=',
      'x',
      `${unlx.wallMs.toFixed(0)} ms`,
    );
}

/** A silent server (reads the request, never answers): a 5-URL batch with the default timeouts ends, each URL sent at most twice. */
async function silentServer(): Promise<void> {
  const seen = new Map<string, number>();
  const server = http.createServer((req) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => seen.set(body, (seen.get(body) ?? 0) + 1));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const runs = await Promise.all(
      (['imagekit', 'imgix'] as const).map(async (provider) => {
        const adapter = provider === 'imagekit' ? imagekit : imgix;
        const urls = provider === 'imagekit' ? ikUrls(5, 'silent') : ixUrls(5, 'silent');
        const client = new HttpClient();
        const results = await Promise.all([
          timeAsync(() =>
            executePlan(planPurge(urls, adapter.checker({})).requests, {
              adapter,
              apiBase: base,
              key: provider === 'imagekit' ? KEY : IX_KEY,
              client,
            }),
          ),
        ]);
        await client.close();
        const mine = [...seen.entries()].filter(([b]) =>
          b.includes(provider === 'imagekit' ? 'ik.imagekit.io' : 'assets.imgix.net'),
        );
        return { provider, wallMs: results[0], maxSends: Math.max(0, ...mine.map(([, n]) => n)), urls: mine.length };
      }),
    );
    for (const r of runs) {
      record(
        `silent server, 5 ${r.provider} URLs, default timeouts: wall`,
        r.wallMs / 1000,
        120,
        '<=',
        ' s',
        `${r.urls} URLs reached it, each at most ${r.maxSends}×`,
      );
      record(
        `silent server, 5 ${r.provider} URLs: sends per URL`,
        r.maxSends,
        2,
        '<=',
        '',
        r.provider === 'imagekit' ? 'never re-sent (quota)' : 'one resend (a repeat is a 409)',
      );
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** The scanner is linear: 4× the text takes about 4× the time, and hostile input is no slower per byte. */
function scanner(): void {
  const classify = classifierFrom({ imagekit: imagekit.checker({}) });
  const block =
    '<img src="https://ik.imagekit.io/demo/images/upload/a.jpg"> text https://ik.imagekit.io/demo/folder/*/x.jpg, more text.\n';
  const small = block.repeat(Math.ceil(1_000_000 / block.length));
  const large = small.repeat(4);
  const ts = time(() => scanText(small, classify, Infinity));
  const tl = time(() => scanText(large, classify, Infinity));
  record('scanner: 4 MB vs 1 MB (linear ≈ 4)', tl / ts, 6, '<=', 'x', `${ts.toFixed(1)} ms vs ${tl.toFixed(1)} ms`);
  const hostile = ('https://' + 'h'.repeat(50) + '.'.repeat(50) + ' ').repeat(Math.ceil(1_000_000 / 110));
  const th = time(() => scanText(hostile, classify, Infinity));
  record('scanner: hostile 1 MB vs ordinary 1 MB', th / ts, 3, '<=', 'x', `${th.toFixed(1)} ms vs ${ts.toFixed(1)} ms`);
}

/** Coalescing scales as n log n: 40k URLs take well under 8× 10k. Heap per URL stays small. */
function planner(): void {
  const checker = imagekit.checker({});
  const a = urls(10_000, 'p');
  const b = urls(40_000, 'p');
  const ta = time(() => planPurge(a, checker, { coalesce: 2 }), 3);
  const tb = time(() => planPurge(b, checker, { coalesce: 2 }), 3);
  record(
    'planner: coalesce 40k vs 10k URLs (n log n ≈ 4–5)',
    tb / ta,
    8,
    '<=',
    'x',
    `${ta.toFixed(0)} ms vs ${tb.toFixed(0)} ms`,
  );
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const plan = planPurge(b, checker, { coalesce: 2 });
  const perUrl = (process.memoryUsage().heapUsed - before) / b.length;
  record(
    'planner: heap per URL (40k URLs, plan kept)',
    perUrl / 1024,
    8,
    '<=',
    ' KiB',
    `${plan.requests.length} requests`,
  );
}

/** Start-up: the CLI loads undici only when it sends; `check` costs little more than Node itself. */
function startup(): void {
  const run = (args: string[]) => {
    const t: number[] = [];
    for (let i = 0; i < 7; i++) {
      const s = process.hrtime.bigint();
      execFileSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
      t.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    return median(t);
  };
  const node = run(['-e', '0']);
  const check = run(['dist/cli.js', 'check', '-p', 'imagekit', 'https://ik.imagekit.io/demo/a/b/c.jpg']);
  const eager = run(['-e', "require('undici')"]);
  record(
    'CLI check start-up vs bare node',
    check / node,
    2,
    '<=',
    'x',
    `${check.toFixed(0)} ms vs ${node.toFixed(0)} ms; node loading undici alone: ${eager.toFixed(0)} ms`,
  );
}

async function main(): Promise<void> {
  scanner();
  planner();
  rows.push(...coalesceBench());
  startup();
  await purges();
  await silentServer();
  console.log('| scenario | client | delivered | lost | 429s | wall | ratio |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of purgeRows) {
    const ratio =
      r.ratio === undefined
        ? ''
        : `${r.ratio.toFixed(2)}${r.scenario.includes('unlimited') ? ' × fastest SDK' : ' × bound'}`;
    console.log(
      `| ${r.scenario} | ${r.client} | ${r.delivered}/${r.n} | ${r.lost} | ${r.refusals} | ${(r.wallMs / 1000).toFixed(2)} s | ${ratio} |`,
    );
  }
  console.log('');
  const w = Math.max(...rows.map((r) => r.name.length));
  console.log(`${'benchmark'.padEnd(w)}  ${'target'.padEnd(10)}  result`);
  for (const r of rows)
    console.log(`${r.name.padEnd(w)}  ${r.target.padEnd(10)}  ${r.ok ? 'ok  ' : 'MISS'} ${r.measured}`);
  const missed = rows.filter((r) => !r.ok).length;
  console.log(`${rows.length - missed} passed, ${missed} failed`);
  process.exitCode = missed ? 1 : 0;
}

void main();
