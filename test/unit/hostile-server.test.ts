// A hostile server (issue 13, item 2): every string a server sends (an error's message and help, imgix's title,
// detail and id, a requestId, a body that is not JSON) carries terminal escapes that clear the screen and set the
// window title, a fake summary line, a bidi override, the key echoed in its forms, and a megabyte of padding. None
// of it may reach the CLI's stdout or stderr, the extension's notifications, its output channel or its history
// raw: escapes shown as visible text, lines not broken, the key in no form, the length capped.
import assert from 'node:assert/strict';
import { KEY_FORMS } from './helpers/key-forms';
import { reply, startServer, type TestServer } from './helpers/server';
import { configuration, install, ManualTimers, MemoryMemento, reset, shown, stub } from './helpers/vscode-stub';
import { runCliHere } from './helpers/cli-inprocess';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
const { Settings } = require('../../src/host/settings') as typeof import('../../src/host/settings');
const { HistoryStore } = require('../../src/host/history') as typeof import('../../src/host/history');
const { PurgeLog } = require('../../src/host/log') as typeof import('../../src/host/log');
const { PurgeService } = require('../../src/host/purgeService') as typeof import('../../src/host/purgeService');
const { Transport } = require('../../src/core/transport') as typeof import('../../src/core/transport');
/* eslint-enable @typescript-eslint/no-require-imports */

// Keys that fit a support id's characters, so an id echoing them would pass a character check alone.
const IK_KEY = 'private_custom_ik_key_7781';
const IX_KEY = 'custom_imgix_key_5521';
const FORMS = [...KEY_FORMS[IK_KEY], ...KEY_FORMS[IX_KEY]];

const FAKE_SUMMARY = '3 requests: 3 accepted';
// A message of a million characters (the answer's body stays under the client's 1 MiB cap, so it is read whole).
const PAD = 1_000_000;

/** What a hostile server says, with the key echoed in every form it travels in. */
function hostile(key: string, pad = PAD): string {
  const forms = KEY_FORMS[key].join(' ');
  return (
    `\u001b[2J\u001b[H\u001b]0;owned\u0007Denied\r\n${FAKE_SUMMARY}\n\u202eevil\u2066 ${forms} ` +
    'A'.repeat(pad) +
    ` ${key}`
  );
}

/** Every string inside a value (a parsed --json output, a history record). */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}

/** Asserts text that reached a user holds none of the hostile server's text raw. */
function assertClean(text: string, where: string, maxLength = 20_000): void {
  for (const ch of ['\u001b', '\u0007', '\u009b', '\u202e', '\u2066', '\r'])
    assert.ok(!text.includes(ch), `${where}: a raw U+${ch.codePointAt(0)!.toString(16)} reached it`);
  assert.doesNotMatch(text, new RegExp(`^${FAKE_SUMMARY}`, 'm'), `${where}: the fake summary is a line of its own`);
  for (const f of FORMS) assert.ok(!text.includes(f), `${where}: a form of a key (${f.slice(0, 6)}…) reached it`);
  assert.ok(text.length < maxLength, `${where}: ${text.length} characters, not capped`);
}

describe('a hostile server: nothing it sends reaches a terminal, a notification, the log or history raw', function () {
  this.timeout(30_000);
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  it('CLI, ImageKit: a 400 whose message and help are hostile (text and --json)', async () => {
    server = await startServer((_req, res) =>
      reply(res, 400, { message: hostile(IK_KEY), help: hostile(IK_KEY, 1000) }, { 'x-ik-requestid': 'req-1' }),
    );
    for (const json of [false, true]) {
      const r = await runCliHere(
        [
          'purge',
          '--provider',
          'imagekit',
          '--api-base',
          server.base,
          ...(json ? ['--json'] : []),
          'https://ik.imagekit.io/demo/a.jpg',
        ],
        { env: { IMAGEKIT_PRIVATE_KEY: IK_KEY } },
      );
      assert.equal(r.code, 1, r.stdout + r.stderr.slice(0, 500));
      assertClean(r.stdout + r.stderr, json ? 'stdout (--json)' : 'stdout');
      if (json) {
        for (const s of strings(JSON.parse(r.stdout))) assertClean(s, 'a --json string', 1_000);
      } else {
        assert.match(r.stdout, /\\x1B\[2J\\x1B\[H\\x1B\]0;owned\\x07Denied 3 requests/, 'shown as visible text');
        assert.match(r.stdout, /^1 request: 0 accepted, 1 failed/m);
      }
    }
    assert.equal(server.requests.length, 2, 'a 400 is not retried');
  });

  it('CLI, ImageKit: a 201 whose requestId is the key, and a hostile page (a portal) in its place', async () => {
    server = await startServer((req, res) =>
      req.index === 0
        ? reply(res, 201, { requestId: IK_KEY })
        : reply(res, 200, `<html>${hostile(IK_KEY)}</html>`, { 'content-type': 'text/html' }),
    );
    const env = { env: { IMAGEKIT_PRIVATE_KEY: IK_KEY } };
    const args = ['purge', '--provider', 'imagekit', '--api-base', server.base];
    const a = await runCliHere([...args, 'https://ik.imagekit.io/demo/a.jpg'], env);
    assertClean(a.stdout + a.stderr, 'an echoed requestId');
    assert.equal(a.code, 0, 'accepted: only the id that is not one to keep is dropped');
    const b = await runCliHere([...args, '--json', 'https://ik.imagekit.io/demo/b.jpg'], env);
    assertClean(b.stdout + b.stderr, 'a portal page');
    const [res] = (JSON.parse(b.stdout) as { results: Array<Record<string, unknown>> }).results;
    assert.equal(res.status, 'unknown');
    for (const s of strings(res)) assertClean(s, 'a --json string', 1_000);
  });

  it('CLI, ImageKit status: a hostile error body', async () => {
    server = await startServer((_req, res) => reply(res, 404, { message: hostile(IK_KEY) }));
    const r = await runCliHere(
      ['status', '--provider', 'imagekit', '--api-base', server.base, '000000000000000000000001'],
      { env: { IMAGEKIT_PRIVATE_KEY: IK_KEY } },
    );
    assert.notEqual(r.code, 0);
    assertClean(r.stdout + r.stderr, 'status output');
    assert.match(r.stdout + r.stderr, /Denied/);
  });

  it('CLI, imgix: JSON:API errors whose title, detail and id are hostile, and fifty thousand error objects', async () => {
    server = await startServer((req, res) =>
      req.index === 0
        ? reply(res, 401, {
            errors: [{ id: IX_KEY, status: '401', title: hostile(IX_KEY, 1000), detail: hostile(IX_KEY) }],
          })
        : reply(res, 403, { errors: Array.from({ length: 50_000 }, () => ({ title: '\u001b[31mx' })) }),
    );
    const args = ['purge', '--provider', 'imgix', '--api-base', server.base, 'https://assets.imgix.net/a.png'];
    for (const label of ['hostile error', 'many errors']) {
      const r = await runCliHere(args, { env: { IMGIX_API_KEY: IX_KEY } });
      assert.equal(r.code, 1);
      assertClean(r.stdout + r.stderr, label);
    }
  });

  describe('the extension', () => {
    const lines: string[] = [];
    const window = stub.window as unknown as Record<string, unknown>;
    let saved: unknown;
    beforeEach(() => {
      lines.length = 0;
      saved = window.createOutputChannel;
      const push = (s: string) => void lines.push(s);
      window.createOutputChannel = () => ({
        info: push,
        warn: push,
        error: push,
        trace: push,
        debug: push,
        appendLine: push,
        show: () => {},
        dispose: () => {},
      });
    });
    afterEach(() => {
      window.createOutputChannel = saved;
      reset();
    });

    it('a hostile ImageKit refusal and a hostile page: notifications, the output channel and history are clean', async () => {
      // Purges: a refusal, then a page; anything else (the asset's copy before the purge, on a loopback API base)
      // a hostile 404.
      let purges = 0;
      server = await startServer((req, res) => {
        if (req.method !== 'POST') return reply(res, 404, hostile(IK_KEY, 1000));
        if (purges++ === 0) return reply(res, 400, { message: hostile(IK_KEY), help: hostile(IK_KEY, 1000) });
        return reply(res, 200, `<html>${hostile(IK_KEY)}</html>`, { 'content-type': 'text/html' });
      });
      const transport = new Transport();
      try {
        configuration.set('imagekit.endpoints', ['https://ik.imagekit.io/demo']);
        configuration.set('imagekit.apiBase', server.base);
        configuration.set('confirm', false);
        const memento = new MemoryMemento();
        const history = new HistoryStore(memento, new ManualTimers());
        const keys = { get: async (p: string) => (p === 'imagekit' ? IK_KEY : undefined) };
        const log = new PurgeLog();
        const svc = new PurgeService(new Settings(), keys as never, history, log, memento, transport);
        const a = await svc.purge(['https://ik.imagekit.io/demo/a.jpg'], { source: 'test' });
        const b = await svc.purge(['https://ik.imagekit.io/demo/b.jpg'], { source: 'test' });
        assert.deepEqual(
          [a?.results[0]?.status, b?.results[0]?.status],
          ['failed', 'unknown'],
          'both answered: a refusal, and an answer not in the documented shape',
        );
        assert.ok(shown.length > 0, 'the user was told');
        for (const m of shown) {
          assertClean(m.message, `notification "${m.message.slice(0, 40)}"`, 2_000);
          for (const i of m.items ?? []) assertClean(String(i), 'a notification button', 200);
        }
        assert.ok(lines.length > 0, 'the output channel got the results');
        for (const l of lines) assertClean(l, 'an output channel line', 4_000);
        assert.ok(
          lines.some((l) => l.includes('\\x1B[2J')),
          'the escapes are shown as visible text in the log',
        );
        const stored = strings(history.all());
        assert.ok(stored.length > 0);
        for (const s of stored) assertClean(s, 'a history string', 1_000);
        await history.flush();
        for (const w of memento.writes) assertClean(JSON.stringify(w.value), `memento ${w.key}`, 100_000);
      } finally {
        await transport.close();
      }
    });
  });
});
