// "A success is only a success in the shape the provider documents", end to end: the CLI against the emulator's
// `portal` fault (a captive portal answering in the provider's place) and `malformed` fault (the provider's API
// answering out of shape), what each prints, and what each does to the monthly quota count; a key that is not
// visible ASCII refused before anything is sent, by position, never showing the character.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_IMAGEKIT_TEST_KEY, DEFAULT_IMGIX_TEST_KEY } from '../../src/emulator';
import { runCliHere } from './helpers/cli-inprocess';
import { tmpDir } from './helpers/tmp';
import { control, emulatorFixture } from './emulator-helpers';

function quotaCounts(stateDir: string): Record<string, number> {
  const file = path.join(stateDir, 'quota.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, number>) : {};
}

describe('unexpected answers and unsendable keys, through the CLI and the emulator', function () {
  this.timeout(30_000);
  const fx = emulatorFixture();

  it('ImageKit behind a captive portal: unknown with the first bytes shown safely, exit 1, counted (it may have been passed on)', async () => {
    const e = await fx.start();
    const stateDir = tmpDir('cdn-purge-portal-');
    await control(e.url, 'POST', 'faults', {
      kind: 'portal',
      body: '<html><title>Sign in</title>\u001b[2J\u001b[1;1HFAKE: 1 request: 1 accepted</html>',
    });
    const r = await runCliHere(
      ['purge', '--provider', 'imagekit', '--api-base', e.url, 'https://ik.imagekit.io/demo/a.jpg'],
      { env: { IMAGEKIT_PRIVATE_KEY: DEFAULT_IMAGEKIT_TEST_KEY, CDN_PURGE_STATE_DIR: stateDir } },
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^\?\? {3}200 .* https:\/\/ik\.imagekit\.io\/demo\/a\.jpg$/m);
    assert.match(r.stdout, /Unexpected answer, not from ImageKit's API \(HTTP 200, text\/html: "<html><title>Sign in/);
    assert.match(r.stdout, /captive portal/);
    assert.ok(!r.stdout.includes('\u001b'), 'no escape sequence reaches the terminal');
    assert.match(r.stdout, /\\x1B\[2J/, 'it is shown as visible text');
    assert.match(r.stdout, /1 unknown \(may have been received\)/);
    assert.doesNotMatch(r.stdout + r.stderr, /not sent/i, 'never reported as not sent');
    assert.doesNotMatch(r.stdout, /^FAKE/m, 'the fake summary line is not a line of its own');
    const counts = quotaCounts(stateDir);
    assert.deepEqual(Object.values(counts), [1], 'it may have reached ImageKit: counted');
  });

  it("ImageKit's API out of shape (a 201 whose JSON is cut): unknown, exit 1, counted against the month", async () => {
    const e = await fx.start();
    const stateDir = tmpDir('cdn-purge-malformed-');
    await control(e.url, 'POST', 'faults', { kind: 'malformed', status: 201 });
    const r = await runCliHere(
      ['purge', '--provider', 'imagekit', '--api-base', e.url, 'https://ik.imagekit.io/demo/a.jpg'],
      { env: { IMAGEKIT_PRIVATE_KEY: DEFAULT_IMAGEKIT_TEST_KEY, CDN_PURGE_STATE_DIR: stateDir } },
    );
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^\?\? {3}201 .* https:\/\/ik\.imagekit\.io\/demo\/a\.jpg$/m);
    assert.match(r.stdout, /Unexpected answer from ImageKit \(HTTP 201, application\/json: "\{"requestId": "5f2a"\)/);
    assert.match(r.stdout, /1 unknown \(may have been received\)/);
    const counts = quotaCounts(stateDir);
    assert.deepEqual(Object.values(counts), [1], JSON.stringify(counts));
    assert.match(Object.keys(counts)[0], /^quota:imagekit:emulator:demo:\d{4}-\d\d$/);
  });

  it('imgix behind a captive portal, and a status request behind one: not a success', async () => {
    const e = await fx.start();
    await control(e.url, 'POST', 'faults', { kind: 'portal', match: { provider: 'imgix' } });
    const r = await runCliHere(
      ['purge', '--provider', 'imgix', '--api-base', e.url, '--json', 'https://assets.imgix.net/a.png'],
      { env: { IMGIX_API_KEY: DEFAULT_IMGIX_TEST_KEY } },
    );
    assert.equal(r.code, 1);
    const [res] = (JSON.parse(r.stdout) as { results: Array<Record<string, unknown>> }).results;
    assert.deepEqual([res.ok, res.status, res.httpStatus], [false, 'unknown', 200]);
    assert.match(String(res.message), /^Unexpected answer, not from imgix's API/);

    await control(e.url, 'POST', 'faults', { kind: 'portal', match: { method: 'GET' } });
    const s = await runCliHere(['status', '--provider', 'imagekit', '--api-base', e.url, '000000000000000000000001'], {
      env: { IMAGEKIT_PRIVATE_KEY: DEFAULT_IMAGEKIT_TEST_KEY },
    });
    assert.notEqual(s.code, 0, s.stdout + s.stderr);
    assert.match(s.stdout + s.stderr, /Unexpected answer, not from ImageKit's API \(HTTP 200, text\/html/);
  });

  it('an imgix key with a character that is not ASCII: exit 2, the position named, the character never shown, nothing sent', async () => {
    const e = await fx.start();
    for (const [key, what] of [
      ['ix_k\u00e9y_secret', /IMGIX_API_KEY: The key has a character that is not ASCII at position 5 of 13/],
      ['ix_key\u200b_secret', /IMGIX_API_KEY: The key has a character that is not ASCII at position 7 of 14/],
      ['ix_key\u0007x', /IMGIX_API_KEY: The key has a control character at position 7 of 8/],
    ] as const) {
      const r = await runCliHere(
        ['purge', '--provider', 'imgix', '--api-base', e.url, 'https://assets.imgix.net/a.png'],
        { env: { IMGIX_API_KEY: key } },
      );
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, what);
      assert.doesNotMatch(r.stderr + r.stdout, /UND_ERR_INVALID_ARG|check the network/i);
      for (const ch of ['\u00e9', '\u200b', '\u0007']) assert.ok(!(r.stderr + r.stdout).includes(ch));
      assert.ok(!(r.stderr + r.stdout).includes('secret'), 'no part of the key');
    }
    assert.equal(e.requests().length, 0, 'nothing was sent');
  });
});
