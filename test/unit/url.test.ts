// URL parsing that keeps the path exactly as written, the exact encoder, and the API base check (plain http only
// on loopback, refused before any request).
import assert from 'node:assert/strict';
import { checkApiBase, decodeLoose, encodeExact, isLoopbackHost, parseUrl } from '../../src/core/url';

function parsed(raw: string) {
  const r = parseUrl(raw);
  assert.ok(r.ok, `${raw}: ${r.ok ? '' : r.problem.message}`);
  return r.url;
}
function refused(raw: string): { code: string; message: string; start?: number; end?: number; input: string } {
  const r = parseUrl(raw);
  assert.equal(r.ok, false, raw);
  if (r.ok) throw new Error('unreachable');
  return {
    code: r.problem.code,
    message: r.problem.message,
    start: r.problem.start,
    end: r.problem.end,
    input: raw.trim(),
  };
}

describe('url: parseUrl keeps the path as written', () => {
  it('splits scheme, host, port, path, query and fragment', () => {
    const u = parsed('https://IK.ImageKit.io:8443/demo/a b.jpg?tr=w-100#top');
    assert.equal(u.scheme, 'https');
    assert.equal(u.hostname, 'ik.imagekit.io');
    assert.equal(u.port, '8443');
    assert.equal(u.origin, 'https://ik.imagekit.io:8443');
    assert.equal(u.rawPath, '/demo/a b.jpg');
    assert.equal(u.rawQuery, 'tr=w-100');
    assert.equal(u.rawFragment, 'top');
    assert.equal(u.input.slice(u.pathStart, u.pathStart + u.rawPath.length), u.rawPath);
  });
  it('does not resolve dot segments, decode escapes or turn backslashes in the path into slashes (unlike new URL())', () => {
    assert.equal(parsed('https://h.example/a/../b').rawPath, '/a/../b');
    assert.equal(parsed('https://h.example/%2e%2e/x').rawPath, '/%2e%2e/x');
    assert.equal(parsed('https://h.example/a\\b').rawPath, '/a\\b');
  });
  it('drops the default port, lower-cases the scheme, gives "/" to an empty path', () => {
    const u = parsed('HTTPS://h.example:443');
    assert.deepEqual([u.scheme, u.port, u.origin, u.rawPath], ['https', '', 'https://h.example', '/']);
  });
  it('applies IDNA to the host and keeps IPv6 brackets', () => {
    assert.equal(parsed('https://bücher.example/x').hostname, 'xn--bcher-kva.example');
    assert.equal(parsed('http://[::1]:8080/x').origin, 'http://[::1]:8080');
  });
  it('an empty query and fragment are kept as empty strings; absent ones are undefined', () => {
    const a = parsed('https://h.example/a?#');
    assert.deepEqual([a.rawQuery, a.rawFragment], ['', '']);
    const b = parsed('https://h.example/a');
    assert.deepEqual([b.rawQuery, b.rawFragment], [undefined, undefined]);
    assert.equal(parsed('https://h.example/a#f?not-a-query').rawQuery, undefined);
  });
  it('assumes https for a URL that starts with a host name or //, keeping offsets on the input', () => {
    for (const [input, path] of [
      ['you.imgix.net/your-image.png', '/your-image.png'],
      ['//you.imgix.net/a%20b.png?w=1', '/a%20b.png'],
      ['ik.imagekit.io:8443/demo/a.jpg', '/demo/a.jpg'],
    ]) {
      const r = parseUrl(input);
      assert.ok(r.ok, input);
      assert.equal(r.url.assumedScheme, true);
      assert.equal(r.url.scheme, 'https');
      assert.equal(r.url.input, input);
      assert.equal(r.url.rawPath, path);
      assert.equal(input.slice(r.url.pathStart, r.url.pathStart + path.length), path);
    }
    assert.equal(
      (parseUrl('https://you.imgix.net/a.png') as { url: { assumedScheme?: boolean } }).url.assumedScheme,
      undefined,
    );
  });
  it('refuses what is not an absolute http(s) URL, with a message that says what to write', () => {
    assert.equal(refused('').code, 'invalid-url');
    assert.equal(refused('   ').code, 'invalid-url');
    assert.match(refused('images/a.jpg').message, /starting with https:\/\//);
    assert.equal(refused('localhost/a.jpg').code, 'invalid-url', 'a host name needs a dot to be taken for one');
    const ftp = refused('ftp://h.example/a.jpg');
    assert.equal(ftp.code, 'not-http');
    assert.equal(ftp.input.slice(ftp.start, ftp.end), 'ftp:');
    assert.equal(refused('mailto:x@example.com').code, 'not-http');
    assert.equal(refused('https:h.example/a').code, 'invalid-url');
    assert.equal(refused('https:///a.jpg').code, 'invalid-url');
    assert.equal(refused('https://exa mple.com/a').code, 'invalid-url');
  });
  it('refuses credentials before the host, pointing at them', () => {
    const r = refused('https://user:secret@h.example/a.jpg');
    assert.equal(r.code, 'invalid-url');
    assert.equal(r.input.slice(r.start, r.end), 'user:secret@h.example');
    assert.doesNotMatch(r.message, /secret/);
  });
  it('refuses a backslash right after the host', () => {
    const r = refused('https://h.example\\a.jpg');
    assert.equal(r.code, 'invalid-url');
    assert.equal(r.input.slice(r.start, r.end), '\\');
  });
  it('shortens very long inputs in messages', () => {
    const r = refused(`x${'a'.repeat(500)}`);
    assert.ok(r.message.length < 200);
  });
});

describe('url: encodeExact and decodeLoose', () => {
  it('encodes spaces and unsafe ASCII, keeps everything else', () => {
    assert.equal(encodeExact('/image file.png'), '/image%20file.png');
    assert.equal(encodeExact("/a+b,c;d=e&f:g@h!$'()*~"), "/a+b,c;d=e&f:g@h!$'()*~");
    assert.equal(encodeExact('"<>\\^`{|}[]'), '%22%3C%3E%5C%5E%60%7B%7C%7D%5B%5D');
    assert.equal(encodeExact('\t\n\u0000'), '%09%0A%00');
  });
  it('keeps %XX escapes as written (case too), encodes a bare %', () => {
    assert.equal(encodeExact('%20%2f%C3%bc'), '%20%2f%C3%bc');
    assert.equal(encodeExact('100%'), '100%25');
    assert.equal(encodeExact('%G1%2'), '%25G1%252');
  });
  it('encodes non-ASCII as UTF-8 bytes, astral characters whole, lone surrogates as U+FFFD', () => {
    assert.equal(encodeExact('é'), '%C3%A9');
    assert.equal(encodeExact('😀x'), '%F0%9F%98%80x');
    assert.equal(encodeExact('\ud800x'), '%EF%BF%BDx');
  });
  it('is idempotent', () => {
    for (const s of ['/a b/ü/%20/100%/😀', '/"quoted"/{x}']) assert.equal(encodeExact(encodeExact(s)), encodeExact(s));
  });
  it('decodeLoose decodes what it can and leaves malformed escapes alone', () => {
    assert.equal(decodeLoose('a%20b%C3%A9'), 'a bé');
    assert.equal(decodeLoose('100%25'), '100%');
    assert.equal(decodeLoose('%E0%A4%A%20x'), '%E0%A4%A x');
    assert.equal(decodeLoose('%zz'), '%zz');
  });
});

describe('url: API base check (keys travel in headers)', () => {
  it('https is accepted anywhere; the trailing slash is dropped, a path kept', () => {
    for (const [raw, base] of [
      ['https://api.imagekit.io', 'https://api.imagekit.io'],
      ['https://api.imgix.com/', 'https://api.imgix.com'],
      ['https://proxy.example.com:8443/imagekit//', 'https://proxy.example.com:8443/imagekit'],
    ]) {
      const r = checkApiBase(raw);
      assert.ok(r.ok, raw);
      assert.equal(r.api.base, base);
      assert.equal(r.api.loopback, false);
    }
  });
  it('plain http is accepted on loopback only: 127.0.0.1, any 127.x, ::1, localhost', () => {
    for (const raw of [
      'http://127.0.0.1:8787',
      'http://127.0.0.1',
      'http://127.1.2.3:9',
      'http://[::1]:8787',
      'http://localhost:8787',
      'http://LOCALHOST',
      'http://127.1/',
    ]) {
      const r = checkApiBase(raw);
      assert.ok(r.ok, raw);
      assert.equal(r.api.loopback, true, raw);
    }
  });
  it('plain http anywhere else is refused with a message naming the host and what to do', () => {
    for (const raw of [
      'http://example.com',
      'http://api.imagekit.io',
      'http://10.0.0.1:8787',
      'http://192.168.1.10',
      'http://0.0.0.0:8787',
      'http://128.0.0.1',
      'http://127.0.0.1.example.com',
      'http://localhost.example.com',
      'http://dev.localhost:8787',
      'http://[::ffff:127.0.0.1]:8787',
    ]) {
      const r = checkApiBase(raw);
      assert.equal(r.ok, false, raw);
      if (r.ok) continue;
      assert.equal(r.problem.code, 'insecure-api-base');
      assert.match(r.problem.message, /Refusing to send a key to http:\/\//);
      assert.match(r.problem.message, /loopback host \(127\.0\.0\.1, ::1, localhost\)/);
      assert.match(r.problem.message, /Use https:\/\//);
    }
    const r = checkApiBase('http://example.com');
    assert.ok(!r.ok && r.problem.message.includes('http://example.com'));
  });
  it('other schemes, non-URLs, credentials, queries and fragments are refused', () => {
    for (const raw of [
      'ftp://127.0.0.1',
      'ws://127.0.0.1',
      'not a url',
      '',
      'https://user:pw@api.imagekit.io',
      'https://api.imagekit.io/?x=1',
      'https://api.imagekit.io/#f',
    ]) {
      const r = checkApiBase(raw);
      assert.equal(r.ok, false, raw);
      if (!r.ok) assert.equal(r.problem.code, 'insecure-api-base');
    }
    const cred = checkApiBase('https://user:hunter2@api.imagekit.io');
    assert.ok(!cred.ok && !cred.problem.message.includes('hunter2'));
  });
  it('isLoopbackHost', () => {
    assert.deepEqual(
      [
        'localhost',
        '127.0.0.1',
        '127.255.255.255',
        '::1',
        '[::1]',
        'foo.localhost',
        '127.0.0.1.nip.io',
        '0.0.0.0',
        '::',
        'example.com',
      ].map(isLoopbackHost),
      [true, true, true, true, true, false, false, false, false, false],
    );
  });
});
