// `npm run bench`: speed and memory targets, as ratios measured side by side in one run (machines here are
// shared and noisy, so no absolute times are judged). All traffic goes to an emulator on 127.0.0.1, bounded in
// count and time. Prints a table and exits 1 when a target is missed.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { request } from 'undici';
import { imagekit } from '../src/core/imagekit';
import { HttpClient } from '../src/core/http';
import { planPurge } from '../src/core/planner';
import type { PlannedRequest } from '../src/core/planner';
import { executePlan } from '../src/core/purge';
import { classifierFrom, scanText } from '../src/core/scanner';
import { startEmulator } from '../src/emulator';

const root = path.resolve(__dirname, '../..');
const KEY = 'private_emulator_test_key_imagekit';

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

/** 200 purges at 20 ms server latency: the bounded concurrent client against the sequential loop SDKs invite. */
async function purgeThroughput(): Promise<void> {
  const emu = await startEmulator({ port: 0, latencyMs: 20, statusDelayMs: 0, quota: 100_000 });
  try {
    const checker = imagekit.checker({});
    const plan = planPurge(urls(200), checker);
    const client = new HttpClient({ concurrency: 8 });
    const ours = await timeAsync(() => executePlan(plan.requests, { adapter: imagekit, apiBase: emu.url, key: KEY, client }));
    emu.reset();
    const sequentialClient = new HttpClient({ concurrency: 1 });
    const seq = await timeAsync(async () => {
      for (const r of plan.requests) await executePlan([r], { adapter: imagekit, apiBase: emu.url, key: KEY, client: sequentialClient });
    });
    await client.close();
    await sequentialClient.close();
    record('purge: 200 requests, concurrency 8 vs a sequential loop', seq / ours, 4, '>=', 'x', `${ours.toFixed(0)} ms vs ${seq.toFixed(0)} ms`);
  } finally {
    await emu.close();
  }
}

/** A rate-limited API (20/s): pacing gets every purge through with no 429; an unbounded Promise.all does not. */
async function rateLimited(): Promise<void> {
  const emu = await startEmulator({ port: 0, rate: 20, statusDelayMs: 0, quota: 100_000 });
  try {
    const checker = imagekit.checker({});
    const plan = planPurge(urls(40, 'rate'), checker);
    const client = new HttpClient({ concurrency: 8, ratePerSecond: 18 });
    const results = await executePlan(plan.requests, { adapter: imagekit, apiBase: emu.url, key: KEY, client });
    await client.close();
    const paced429 = emu.requests({ provider: 'imagekit' }).filter((r) => r.status === 429).length;
    const ok = results.filter((r) => r.ok).length;
    emu.reset();
    const unbounded = await Promise.all(
      plan.requests.map((r: PlannedRequest) => {
        const spec = imagekit.purgeRequest(emu.url, KEY, r.target);
        return request(spec.url, { method: 'POST', headers: spec.headers, body: spec.body }).then(async (res) => {
          await res.body.text();
          return res.statusCode;
        });
      }),
    );
    const unbounded429 = unbounded.filter((s) => s === 429).length;
    record('rate 20/s: purges through, paced client', ok / plan.requests.length, 1, '>=', '', `${ok}/${plan.requests.length} ok, ${paced429} × 429 seen`);
    record('rate 20/s: 429s of an unbounded Promise.all', unbounded429, 1, '>=', '', `${unbounded429}/${plan.requests.length} refused; the paced client got ${paced429}`);
  } finally {
    await emu.close();
  }
}

/** The scanner is linear: 4× the text takes about 4× the time, and hostile input is no slower per byte. */
function scanner(): void {
  const classify = classifierFrom({ imagekit: imagekit.checker({}) });
  const block = '<img src="https://ik.imagekit.io/demo/images/upload/a.jpg"> text https://ik.imagekit.io/demo/folder/*/x.jpg, more text.\n';
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
  record('planner: coalesce 40k vs 10k URLs (n log n ≈ 4–5)', tb / ta, 8, '<=', 'x', `${ta.toFixed(0)} ms vs ${tb.toFixed(0)} ms`);
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const plan = planPurge(b, checker, { coalesce: 2 });
  const perUrl = (process.memoryUsage().heapUsed - before) / b.length;
  record('planner: heap per URL (40k URLs, plan kept)', perUrl / 1024, 8, '<=', ' KiB', `${plan.requests.length} requests`);
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
  record('CLI check start-up vs bare node', check / node, 2, '<=', 'x', `${check.toFixed(0)} ms vs ${node.toFixed(0)} ms; node loading undici alone: ${eager.toFixed(0)} ms`);
}

async function main(): Promise<void> {
  scanner();
  planner();
  startup();
  await purgeThroughput();
  await rateLimited();
  const w = Math.max(...rows.map((r) => r.name.length));
  console.log(`${'benchmark'.padEnd(w)}  ${'target'.padEnd(10)}  result`);
  for (const r of rows) console.log(`${r.name.padEnd(w)}  ${r.target.padEnd(10)}  ${r.ok ? 'ok  ' : 'MISS'} ${r.measured}`);
  const missed = rows.filter((r) => !r.ok).length;
  console.log(`${rows.length - missed} passed, ${missed} failed`);
  process.exitCode = missed ? 1 : 0;
}

void main();
