// The same batch through both front ends — the CLI (`cdn-purge purge`, in this process) and the extension's
// PurgeService (through the vscode stand-in) — each against its own fresh emulator with the same options: the
// results, the quota counts and the records (CLI --json results, extension history) must agree. The emulator is
// configured with one ImageKit endpoint, so a URL of another account passes the client's rules and is refused by the
// server (400): refusals go through both paths too.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { answers, install, MemoryMemento, shown } from './helpers/vscode-stub';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
import type { HistoryStore as HistoryStoreType } from '../../src/host/history';
import type { PurgeService as PurgeServiceType } from '../../src/host/purgeService';
import { imagekit } from '../../src/core/providers/imagekit';
import { imgix } from '../../src/core/providers/imgix';
import { checkApiBase } from '../../src/core/url';
import { DEFAULT_IMAGEKIT_TEST_KEY, DEFAULT_IMGIX_TEST_KEY, startEmulator, type Emulator } from '../../src/emulator';
import { runCliHere } from './helpers/cli-inprocess';
import { emulatorKeys, silentLog } from './helpers/purge-service';
import { tmpDir } from './helpers/tmp';

const { PurgeService } = require('../../src/host/purgeService') as { PurgeService: typeof PurgeServiceType };
const { HistoryStore } = require('../../src/host/history') as { HistoryStore: typeof HistoryStoreType };

/** One row per request and per invalid input: what both front ends must agree on. */
interface Row {
  url: string;
  status: string;
  httpStatus: number | null;
  kind: string;
  hasId: boolean;
}

const EMULATOR = { rate: 0, statusDelayMs: 0, seed: 7, imagekitEndpoints: ['https://ik.imagekit.io/demo'] };

const BATCHES: Record<'imagekit' | 'imgix', string[]> = {
  imagekit: [
    'https://ik.imagekit.io/demo/parity/a.jpg',
    'https://ik.imagekit.io/demo/parity/a.jpg#top', // the same URL: one request
    'https://ik.imagekit.io/demo/parity/b c.jpg', // sent percent-encoded
    'https://ik.imagekit.io/demo/products/shoes/*', // a wildcard
    'https://ik.imagekit.io/other/c.jpg', // valid for the client, refused by this emulator: 400
    'https://ik.imagekit.io/demo/*', // too broad: invalid, never sent
  ],
  imgix: [
    'https://assets.imgix.net/parity/dogs.png',
    'https://assets.imgix.net/parity/dogs.png?w=400', // a derivative: the same base path
    'https://assets.imgix.net/parity/cats.png',
    'https://assets.imgix.net/parity/*', // no wildcards: invalid
  ],
};

function sorted(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
}

async function viaCli(
  provider: 'imagekit' | 'imgix',
  urls: string[],
): Promise<{ rows: Row[]; quota: Record<string, number>; code: number | null }> {
  const emu = await startEmulator(EMULATOR);
  const state = tmpDir('cdn-purge-state-');
  try {
    const r = await runCliHere(['purge', '--provider', provider, '--api-base', emu.url, '--json', ...urls], {
      env: {
        IMAGEKIT_PRIVATE_KEY: DEFAULT_IMAGEKIT_TEST_KEY,
        IMGIX_API_KEY: DEFAULT_IMGIX_TEST_KEY,
        CDN_PURGE_STATE_DIR: state,
      },
    });
    const results = (
      JSON.parse(r.stdout) as {
        results: Array<{
          url: string;
          status: string;
          httpStatus: number | null;
          kind: string;
          requestId: string | null;
        }>;
      }
    ).results;
    const file = path.join(state, 'quota.json');
    return {
      code: r.code,
      rows: sorted(
        results.map((x) => ({
          url: x.url,
          status: x.status,
          httpStatus: x.httpStatus,
          kind: x.kind,
          hasId: typeof x.requestId === 'string',
        })),
      ),
      quota: fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, number>) : {},
    };
  } finally {
    await emu.close();
  }
}

async function viaExtension(urls: string[]): Promise<{ rows: Row[]; quota: Record<string, number>; history: Row[] }> {
  const emu: Emulator = await startEmulator(EMULATOR);
  const memento = new MemoryMemento();
  const history = new HistoryStore(memento);
  const settings = {
    providerOf: (url: string) => (url.includes('imgix') ? 'imgix' : 'imagekit'),
    checker: (p: string) => (p === 'imagekit' ? imagekit : imgix).checker({}),
    apiBase: () => {
      const r = checkApiBase(emu.url);
      if (!r.ok) throw new Error('bad api base');
      return r.api;
    },
    coalesce: 0,
    confirm: false,
    rateLimit: () => undefined,
  };
  const svc = new PurgeService(settings, emulatorKeys as never, history, silentLog as never, memento);
  // The extension asks before sending the valid ones of a batch with invalid inputs; the CLI sends them.
  answers.push({ prefix: '', pick: 'Purge the Valid Ones' });
  try {
    const out = await svc.purge(urls, { source: 'parity' });
    assert.ok(out, 'something was sent');
    await history.flush();
    const rows: Row[] = [
      ...out.results.map((x) => ({
        url: x.url,
        status: x.status,
        httpStatus: x.httpStatus ?? null,
        kind: x.kind,
        hasId: typeof x.requestId === 'string',
      })),
      ...out.invalid.map((t) => ({ url: t.input, status: 'invalid', httpStatus: null, kind: t.kind, hasId: false })),
    ];
    const recorded = history.all().flatMap((b) =>
      b.requests.map((r) => ({
        url: r.url,
        status: r.state,
        httpStatus: r.httpStatus ?? null,
        kind: r.kind,
        hasId: typeof r.requestId === 'string',
      })),
    );
    const quota = Object.fromEntries(
      [...memento.data].filter(([k]) => k.startsWith('quota:')).map(([k, v]) => [k, v as number]),
    );
    return { rows: sorted(rows), quota, history: sorted(recorded) };
  } finally {
    svc.dispose();
    await emu.close();
    shown.length = 0;
    answers.length = 0;
  }
}

describe('parity: the CLI and the extension run the same pipeline', function () {
  this.timeout(30_000);

  for (const provider of ['imagekit', 'imgix'] as const) {
    it(`${provider}: the same results, quota counts and records from the same batch`, async () => {
      const cli = await viaCli(provider, BATCHES[provider]);
      const ext = await viaExtension(BATCHES[provider]);
      assert.equal(cli.code, 1, 'an invalid input (and, for ImageKit, a refusal) makes the CLI exit 1');
      assert.deepEqual(ext.rows, cli.rows, 'results');
      // A count of 0 (counted before it was sent, given back when refused) is the same as none.
      const counted = (q: Record<string, number>) => Object.fromEntries(Object.entries(q).filter(([, n]) => n !== 0));
      assert.deepEqual(counted(ext.quota), counted(cli.quota), 'quota counts');
      // What was sent is recorded: the CLI's results minus its invalid inputs are the extension's history.
      assert.deepEqual(
        ext.history,
        cli.rows.filter((r) => r.status !== 'invalid'),
        'records',
      );
      // And what that is, written out: a check that both are right, not only equal.
      if (provider === 'imagekit') {
        assert.deepEqual(
          cli.rows.map((r) => [r.url, r.status, r.httpStatus, r.hasId]),
          [
            ['https://ik.imagekit.io/demo/*', 'invalid', null, false],
            ['https://ik.imagekit.io/demo/parity/a.jpg', 'accepted', 201, true],
            ['https://ik.imagekit.io/demo/parity/b%20c.jpg', 'accepted', 201, true],
            ['https://ik.imagekit.io/demo/products/shoes/*', 'accepted', 201, true],
            ['https://ik.imagekit.io/other/c.jpg', 'failed', 400, false],
          ],
        );
        const month = new Date().toISOString().slice(0, 7);
        // The emulator's purges are counted apart from the real account's; the refused one not at all.
        assert.deepEqual(cli.quota, { [`quota:imagekit:emulator:demo:${month}`]: 3 });
      } else {
        assert.deepEqual(
          cli.rows.map((r) => [r.url, r.status, r.httpStatus, r.hasId]),
          [
            ['https://assets.imgix.net/parity/*', 'invalid', null, false],
            ['https://assets.imgix.net/parity/cats.png', 'accepted', 200, true],
            ['https://assets.imgix.net/parity/dogs.png', 'accepted', 200, true],
          ],
        );
        assert.deepEqual(cli.quota, {}, 'imgix has no monthly quota');
      }
    });
  }
});
