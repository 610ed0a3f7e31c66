// "Set API Key…" (src/commands/setKey.ts) in plain Node: the key typed is checked with the provider's read-only
// request before it is stored (works: stored; refused: not stored unless "Store Anyway"; cannot tell: stored, and
// said so), the check goes to the real API even while the emulator is in use, and the key is in no message or log.
import assert from 'node:assert/strict';
import { answers, install, reset, shown, stub } from '../helpers/vscode-stub';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
const { setKey } = require('../../../src/commands/setKey') as typeof import('../../../src/commands/setKey');
const { HttpError } = require('../../../src/core/http') as typeof import('../../../src/core/http');

const KEY = 'private_Xy7Qw3Er5Ty8Ui0Op2As4Df6=';

type Answer = { status: number; body: string; headers: Record<string, string> };

function services(answer: Answer | (() => never), apiBase = { base: 'https://api.imagekit.io', loopback: false }) {
  const stored = new Map<string, string>();
  const sent: Array<{ method: string; url: string }> = [];
  const logged: string[] = [];
  const s = {
    settings: { apiBase: () => apiBase },
    transport: {
      api: async () => ({
        send: async (spec: { method: string; url: string }) => {
          sent.push(spec);
          if (typeof answer === 'function') answer();
          return answer as Answer;
        },
      }),
      rememberKey: () => {},
    },
    keys: {
      set: async (p: string, slot: string, k: string) => void stored.set(`${p}/${slot}`, k),
      has: async (p: string, slot: string) => stored.has(`${p}/${slot}`),
    },
    log: {
      rememberKey: () => {},
      info: (m: string) => logged.push(m),
      warn: (m: string) => logged.push(m),
      error: (m: string) => logged.push(m),
    },
  };
  return { s, stored, sent, logged };
}

const w = stub.window as unknown as Record<string, unknown>;

describe('host: Set API Key checks the key before storing it', () => {
  let typed: Array<string | undefined>;
  beforeEach(() => {
    typed = [KEY];
    w.showInputBox = async () => typed.shift();
  });
  afterEach(() => {
    reset();
    delete w.showInputBox;
  });

  const ik = (status: number, body: string): Answer => ({
    status,
    body,
    headers: { 'content-type': 'application/json' },
  });

  it('a key ImageKit accepts (404 for a purge that does not exist) is stored, and the message says it works', async () => {
    const { s, stored, sent } = services(ik(404, '{"message":"No request found"}'));
    assert.equal(await setKey(s as never)('imagekit'), true);
    assert.equal(stored.get('imagekit/real'), KEY);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].method, 'GET');
    assert.match(sent[0].url, /^https:\/\/api\.imagekit\.io\/v1\/files\/purge\/0{24}$/);
    assert.equal(shown.at(-1)?.kind, 'info');
    assert.match(shown.at(-1)?.message ?? '', /ImageKit private key works/);
  });

  it('a refused key (401) is not stored; the warning says what to do and offers Enter Again / Store Anyway', async () => {
    const { s, stored } = services(ik(401, '{"message":"Your account cannot be authenticated."}'));
    assert.equal(await setKey(s as never)('imagekit'), false);
    assert.equal(stored.size, 0);
    const m = shown.at(-1);
    assert.equal(m?.kind, 'warning');
    assert.match(m?.message ?? '', /refused this key.*401.*not stored.*Developer options/);
    assert.deepEqual(m?.items, ['Enter Again', 'Store Anyway']);
  });

  it('"Store Anyway" stores a refused key; "Enter Again" asks again', async () => {
    const a = services(ik(403, '{"message":"expired"}'));
    answers.push({ prefix: 'ImageKit refused', pick: 'Store Anyway' });
    assert.equal(await setKey(a.s as never)('imagekit'), true);
    assert.equal(a.stored.get('imagekit/real'), KEY);
    reset();
    typed = [KEY, undefined];
    const b = services(ik(401, '{}'));
    answers.push({ prefix: 'ImageKit refused', pick: 'Enter Again' });
    assert.equal(await setKey(b.s as never)('imagekit'), false);
    assert.equal(b.sent.length, 1, 'asked again; the second box was dismissed');
    assert.equal(typed.length, 0);
  });

  it('no connection: the key is stored, and the warning says it could not be checked and is kept', async () => {
    const err = new HttpError('network', 'connect ECONNREFUSED', 1);
    const { s, stored } = services(() => {
      throw err;
    });
    assert.equal(await setKey(s as never)('imagekit'), true);
    assert.equal(stored.get('imagekit/real'), KEY);
    assert.equal(shown.at(-1)?.kind, 'warning');
    assert.match(
      shown.at(-1)?.message ?? '',
      /could not be checked: could not reach api\.imagekit\.io.*The key is kept/,
    );
  });

  it('while the emulator is in use, a real key is checked against the real API, never sent to the emulator', async () => {
    const { s, sent } = services(ik(404, '{}'), { base: 'http://127.0.0.1:8787', loopback: true });
    await setKey(s as never)('imagekit');
    assert.match(sent[0].url, /^https:\/\/api\.imagekit\.io\//);
  });

  it('imgix: the first Source, read-only; the key is in no message and no log line', async () => {
    typed = ['imgixKeyAbc123'];
    const { s, stored, sent, logged } = services({
      status: 200,
      body: '{"data":[]}',
      headers: { 'content-type': 'application/vnd.api+json' },
    });
    (s.settings as { apiBase: () => unknown }).apiBase = () => ({ base: 'https://api.imgix.com', loopback: false });
    assert.equal(await setKey(s as never)('imgix'), true);
    assert.equal(stored.get('imgix/real'), 'imgixKeyAbc123');
    assert.match(sent[0].url, /\/api\/v1\/sources\?/);
    assert.match(shown.at(-1)?.message ?? '', /imgix API key works.*Purge permission/);
    for (const text of [...shown.map((m) => m.message), ...logged]) assert.ok(!text.includes('imgixKeyAbc123'), text);
  });
});
