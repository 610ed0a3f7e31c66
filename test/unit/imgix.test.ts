// imgix's "Purging Assets" (the seed 004_…txt), rule by rule and example by example, and each reading of README's
// "imgix rules" table. Wire formats are also checked end to end in purge.test.ts.
import assert from 'node:assert/strict';
import { IMGIX_API_BASE, IMGIX_CONTENT_TYPE, imgix, VIDEO_EXTENSIONS } from '../../src/core/providers/imgix';
import type { ProviderConfig, TargetCheck } from '../../src/core/providers/types';

const SOURCE_ID = '5ebee107e9c05c0001d9c2d3';

function check(url: string, config: ProviderConfig = {}): TargetCheck {
  return imgix.checker(config).check(url);
}
function codes(t: TargetCheck): string[] {
  return t.problems.map((p) => p.code);
}
function body(t: TargetCheck, key = 'api-key'): unknown {
  return JSON.parse(imgix.purgeRequest(IMGIX_API_BASE, key, t).body ?? '');
}
/** The seed's curl --data-raw, with its placeholders filled in. */
function curlBody(raw: string, fill: Record<string, string>): unknown {
  let s = raw;
  for (const [k, v] of Object.entries(fill)) s = s.split(k).join(v);
  return JSON.parse(s);
}

describe('imgix seed: making a purge request', () => {
  it('the API is POST https://api.imgix.com/api/v1/purge with Bearer <api-key> and application/vnd.api+json (the curl example)', () => {
    const spec = imgix.purgeRequest(imgix.defaultApiBase, 'my-api-key', check('https://assets.imgix.net/dogs.png'));
    assert.equal(imgix.defaultApiBase, 'https://api.imgix.com');
    assert.equal(imgix.key.env, 'IMGIX_API_KEY');
    assert.equal(spec.method, 'POST');
    assert.equal(spec.url, 'https://api.imgix.com/api/v1/purge');
    assert.equal(spec.headers.authorization, 'Bearer my-api-key');
    assert.equal(spec.headers['content-type'], 'application/vnd.api+json');
    assert.equal(IMGIX_CONTENT_TYPE, 'application/vnd.api+json');
  });

  it('the body is the curl example\'s JSON:API document: { "data": { "attributes": { "url": … }, "type": "purges" } }', () => {
    const t = check('https://assets.imgix.net/dogs.png');
    const expected = curlBody('{ "data": { "attributes": { "url": "<url-to-purge>" }, "type": "purges" } }', {
      '<url-to-purge>': 'https://assets.imgix.net/dogs.png',
    });
    assert.deepEqual(body(t), expected);
  });

  it('the sub-image curl example: "sub_image": true and "source_id" in the attributes', () => {
    const t = check('https://assets.imgix.net/marks/logo.png', { subImage: true, sourceId: SOURCE_ID });
    const expected = curlBody(
      '{ "data": { "attributes": { "url": "<url-to-purge>", "sub_image": true, "source_id": "<source-id>" }, "type": "purges" } }',
      {
        '<url-to-purge>': 'https://assets.imgix.net/marks/logo.png',
        '<source-id>': SOURCE_ID,
      },
    );
    assert.deepEqual(body(t), expected);
  });

  it('the Python example: examples/couple.jpg with source_id 5ebee107e9c05c0001d9c2d3 and sub_image False', () => {
    const t = check('https://assets.imgix.net/examples/couple.jpg', { sourceId: SOURCE_ID });
    assert.equal(t.ok, true);
    const b = body(t) as { data: { type: string; attributes: Record<string, unknown> } };
    assert.equal(b.data.type, 'purges');
    assert.equal(b.data.attributes.url, 'https://assets.imgix.net/examples/couple.jpg');
    assert.equal(b.data.attributes.source_id, SOURCE_ID);
    assert.notEqual(b.data.attributes.sub_image, true, 'sub_image is false or absent');
  });

  // JSON:API's media type, which imgix's API answers with (requests and errors alike).
  const API = { 'content-type': IMGIX_CONTENT_TYPE };
  const parse = (status: number, text: string, headers: Record<string, string> = API) =>
    imgix.parsePurge(status, text, headers);
  /** The response of the "Purges" page's example. */
  const DOCUMENTED = JSON.stringify({
    data: {
      attributes: { purge_id: 'a794e260-3776-4efe-9878-35acec6980b6' },
      id: 'a794e260-3776-4efe-9878-35acec6980b6',
      type: 'purges',
    },
    included: [],
    jsonapi: { version: '1.0' },
    meta: {},
  });

  it('a 200 means received, not done: accepted, with a hint to verify by fetching the asset again', () => {
    const r = parse(200, DOCUMENTED);
    assert.equal(r.ok, true);
    assert.equal(r.status, 'accepted');
    assert.equal(r.requestId, 'a794e260-3776-4efe-9878-35acec6980b6');
    assert.match(r.hint ?? '', /does not mean it is done.*fetching the asset again/);
    assert.equal(parse(200, JSON.stringify({ data: { id: 42, type: 'purges' } })).requestId, '42');
    assert.equal(parse(200, JSON.stringify({ data: { type: 'purges' } })).ok, true);
    assert.equal(parse(200, DOCUMENTED, { 'content-type': 'application/json' }).ok, true, 'any JSON media type');
  });

  it('a 200 that is not the documented JSON:API document of type "purges" is unexpected (unknown: it came from imgix)', () => {
    for (const text of ['', '{}', '{"data":null}', '{"data":{"type":"sources","id":"x"}}', '{"data":[]}', 'nope']) {
      const r = parse(200, text);
      assert.deepEqual([r.ok, r.status, r.unexpected?.fromProvider], [false, 'unknown', true], text);
      assert.match(r.unexpected?.expected ?? '', /"type": "purges"/);
    }
    assert.deepEqual([parse(201, DOCUMENTED).ok, parse(201, DOCUMENTED).status], [false, 'unknown'], 'only 200');
  });

  it("a captive portal's 200 HTML page is not a success: unknown (it may have been passed on), first bytes shown safely", () => {
    const r = parse(200, '<html><body>Sign in \u009b2J to the Wi-Fi</body></html>', { 'content-type': 'text/html' });
    assert.deepEqual([r.ok, r.status, r.unexpected?.fromProvider], [false, 'unknown', false]);
    assert.equal(r.unexpected?.excerpt, '<html><body>Sign in \\x9B2J to the Wi-Fi</body></html>');
    assert.match(r.hint ?? '', /captive portal.*not known, so it is treated as sent/);
    // The documented body without a JSON media type is not imgix's answer either.
    assert.deepEqual([parse(200, DOCUMENTED, {}).ok, parse(200, DOCUMENTED, {}).status], [false, 'unknown']);
  });

  it('409 for a repeat purge is reported as a duplicate (ok), not a failure; a 409 page that is not JSON is not', () => {
    const r = parse(409, JSON.stringify({ errors: [{ status: '409', title: 'Conflict', detail: 'Recently purged' }] }));
    assert.deepEqual([r.ok, r.status, r.httpStatus, r.message], [true, 'duplicate', 409, 'Conflict: Recently purged']);
    assert.equal(parse(409, '').status, 'duplicate');
    const page = parse(409, '<html>Conflict</html>', { 'content-type': 'text/html' });
    assert.deepEqual([page.ok, page.status], [false, 'unknown']);
  });

  it('errors carry {"errors":[{"status","title","detail"}]}; shown as "title: detail"; hints per status', () => {
    const r = parse(
      401,
      JSON.stringify({ errors: [{ status: '401', title: 'Unauthorized', detail: 'Invalid API key' }] }),
    );
    assert.deepEqual([r.ok, r.status, r.message], [false, 'failed', 'Unauthorized: Invalid API key']);
    assert.match(r.hint ?? '', /refused the key.*API key/);
    assert.equal(r.remedy, 'key');
    assert.match(parse(400, '{"errors":[{"title":"Bad Request"}]}').hint ?? '', /Check the URL/);
    assert.equal(parse(400, '{"errors":[{"title":"Bad Request"}]}').remedy, 'url');
    assert.equal(parse(400, '{"errors":[{"title":"Bad Request"}]}').message, 'Bad Request');
    assert.equal(parse(400, '{"errors":[{"detail":"only detail"}]}').message, 'only detail');
    assert.equal(parse(500, 'Internal <b>error</b>', {}).message, 'Internal <b>error</b>');
    assert.equal(parse(503, '', {}).message, 'HTTP 503');
    const proxy = parse(401, '<html>Proxy login</html>', { 'content-type': 'text/html' });
    assert.deepEqual(
      [proxy.status, proxy.remedy],
      ['unknown', undefined],
      'a page that is not imgix does not blame the key',
    );
  });

  it('a key imgix cannot be sent (not visible ASCII) is refused before a request is built, naming the position only', () => {
    const t = check('https://assets.imgix.net/a.png');
    assert.throws(
      () => imgix.purgeRequest(IMGIX_API_BASE, 'abc\u00e9def', t),
      (e: Error) => /a character that is not ASCII at position 4 of 7/.test(e.message) && !e.message.includes('\u00e9'),
    );
    assert.throws(() => imgix.purgeRequest(IMGIX_API_BASE, 'abc\u200bdef', t), /not ASCII at position 4/);
    assert.throws(() => imgix.purgeRequest(IMGIX_API_BASE, 'ab cd', t), /a space at position 3/);
    assert.throws(() => imgix.purgeRequest(IMGIX_API_BASE, 'ab\tcd', t), /a control character at position 3/);
    assert.equal(
      imgix.key.check?.('abc\u2603'),
      imgix.key.check?.('abc\u00ff'),
      'the same words, whatever the character',
    );
    assert.match(imgix.key.check?.('abc\u2603') ?? '', /position 4 of 4/);
    assert.equal(imgix.key.check?.('ix_ok-Key+/='), undefined);
  });
});

describe('imgix seed: derivatives and the base path', () => {
  it('dogs.png?w=400 purges dogs.png: the query is dropped with a note (imgix-query-dropped) and a fix', () => {
    const t = check('https://assets.imgix.net/dogs.png?w=400');
    assert.equal(t.ok, true);
    assert.equal(t.normalized, 'https://assets.imgix.net/dogs.png');
    assert.deepEqual(codes(t), ['imgix-query-dropped']);
    const p = t.problems[0];
    assert.equal(p.severity, 'info');
    assert.equal(t.input.slice(p.start, p.end), '?w=400');
    assert.equal(p.fixes?.[0].replacement, 'https://assets.imgix.net/dogs.png');
  });
  it('the fragment goes too', () => {
    assert.equal(check('https://assets.imgix.net/dogs.png?w=400#x').normalized, 'https://assets.imgix.net/dogs.png');
    assert.equal(check('https://assets.imgix.net/dogs.png#x').normalized, 'https://assets.imgix.net/dogs.png');
  });
  it('a URL without a scheme, as the seed writes it (you.imgix.net/your-image.png), is purged as https, with a note', () => {
    const t = check('you.imgix.net/your-image.png');
    assert.equal(t.ok, true);
    assert.equal(t.normalized, 'https://you.imgix.net/your-image.png');
    assert.deepEqual(codes(t), ['scheme-assumed']);
    assert.equal(t.problems[0].severity, 'info');
    assert.equal(t.problems[0].fixes?.[0].replacement, 'https://you.imgix.net/your-image.png');
    assert.equal(check('//you.imgix.net/your-image.png').normalized, 'https://you.imgix.net/your-image.png');
    assert.deepEqual(codes(check('https://you.imgix.net/your-image.png')), []);
    // Without a host name first it is still not a URL.
    assert.deepEqual(codes(check('your-image.png')), ['invalid-url']);
  });
  it('only http(s) URLs (not-http)', () => {
    assert.deepEqual(codes(check('ftp://assets.imgix.net/a.png')), ['not-http']);
    assert.equal(check('http://assets.imgix.net/a.png').normalized, 'http://assets.imgix.net/a.png');
  });
  it('the domain alone is not an asset (empty-path)', () => {
    assert.deepEqual(codes(check('https://assets.imgix.net/')), ['empty-path']);
    assert.deepEqual(codes(check('https://assets.imgix.net')), ['empty-path']);
  });
});

describe('imgix seed: URL encoding and exact paths', () => {
  it('https://assets.imgix.net/image file.png becomes https://assets.imgix.net/image%20file.png (url-encoded note)', () => {
    const t = check('https://assets.imgix.net/image file.png');
    assert.equal(t.ok, true);
    assert.equal(t.normalized, 'https://assets.imgix.net/image%20file.png');
    assert.deepEqual(codes(t), ['url-encoded']);
    assert.equal(t.problems[0].fixes?.[0].replacement, 'https://assets.imgix.net/image%20file.png');
  });
  it('…and not image+file.png: "+" stays "+" (a different asset)', () => {
    assert.notEqual(
      check('https://assets.imgix.net/image file.png').normalized,
      'https://assets.imgix.net/image+file.png',
    );
    const plus = check('https://assets.imgix.net/image+file.png');
    assert.equal(plus.normalized, 'https://assets.imgix.net/image+file.png');
    assert.deepEqual(codes(plus), []);
  });
  it('every unsafe ASCII character and non-ASCII is percent-encoded (README list)', () => {
    const unsafe: Array<[string, string]> = [
      [' ', '%20'],
      ['"', '%22'],
      ['<', '%3C'],
      ['>', '%3E'],
      ['\\', '%5C'],
      ['^', '%5E'],
      ['`', '%60'],
      ['{', '%7B'],
      ['|', '%7C'],
      ['}', '%7D'],
      ['[', '%5B'],
      [']', '%5D'],
      ['\u0001', '%01'],
      ['\u007f', '%7F'],
      ['ü', '%C3%BC'],
      ['日', '%E6%97%A5'],
      ['😀', '%F0%9F%98%80'],
    ];
    for (const [c, enc] of unsafe) {
      assert.equal(
        check(`https://assets.imgix.net/a${c}b.png`).normalized,
        `https://assets.imgix.net/a${enc}b.png`,
        JSON.stringify(c),
      );
    }
  });
  it('existing escapes are kept as written; a stray % becomes %25', () => {
    assert.equal(
      check('https://assets.imgix.net/image%20file.png').normalized,
      'https://assets.imgix.net/image%20file.png',
    );
    assert.deepEqual(codes(check('https://assets.imgix.net/image%20file.png')), []);
    assert.equal(
      check('https://assets.imgix.net/a%2fb%C3%BC.png').normalized,
      'https://assets.imgix.net/a%2fb%C3%BC.png',
    );
    assert.equal(check('https://assets.imgix.net/100%.png').normalized, 'https://assets.imgix.net/100%25.png');
    assert.equal(check('https://assets.imgix.net/50%zz.png').normalized, 'https://assets.imgix.net/50%25zz.png');
  });
  it('nothing else is rewritten: /a/../b stays, case is kept, safe punctuation stays', () => {
    assert.equal(check('https://assets.imgix.net/a/../b.png').normalized, 'https://assets.imgix.net/a/../b.png');
    assert.equal(check('https://assets.imgix.net/a/./b.png').normalized, 'https://assets.imgix.net/a/./b.png');
    assert.equal(check('https://assets.imgix.net/Dogs.PNG').normalized, 'https://assets.imgix.net/Dogs.PNG');
    assert.equal(
      check("https://assets.imgix.net/a,b;c=d&e!f'g(h)~.png").normalized,
      "https://assets.imgix.net/a,b;c=d&e!f'g(h)~.png",
    );
  });
  it('the host is normalised (lower case), the path is not', () => {
    assert.equal(check('https://Assets.IMGIX.net/Dogs.png').normalized, 'https://assets.imgix.net/Dogs.png');
  });
});

describe('imgix: no wildcard purge', () => {
  it('a "*" anywhere in the path is refused (imgix-no-wildcard) with a message saying imgix has none', () => {
    for (const u of [
      'https://assets.imgix.net/images/*',
      'https://assets.imgix.net/a*b.png',
      'https://assets.imgix.net/*/x.png',
    ]) {
      const t = check(u);
      assert.equal(t.ok, false, u);
      assert.deepEqual(codes(t), ['imgix-no-wildcard']);
      assert.match(t.problems[0].message, /no wildcard purge/);
      assert.equal(t.input.slice(t.problems[0].start, t.problems[0].end), '*');
    }
  });
  it('the fix for a file name that really has "*" is %2A, which is accepted', () => {
    const t = check('https://assets.imgix.net/a*b.png');
    const fix = t.problems[0].fixes?.[0].replacement;
    assert.equal(fix, 'https://assets.imgix.net/a%2Ab.png');
    assert.equal(check(fix ?? '').ok, true);
  });
  it('is never a wildcard kind', () => {
    assert.equal(check('https://assets.imgix.net/images/*').kind, 'exact');
  });
});

describe('imgix seed: sub-images', () => {
  it('sub_image: true only with a source_id (24 hex digits); otherwise imgix-sub-image-needs-source-id', () => {
    const checker = imgix.checker({ subImage: true });
    assert.deepEqual(
      checker.configProblems.map((p) => p.code),
      ['imgix-sub-image-needs-source-id'],
    );
    const t = checker.check('https://assets.imgix.net/mark.png');
    assert.equal(t.ok, false);
    assert.ok(codes(t).includes('imgix-sub-image-needs-source-id'));
    assert.match(t.problems[0].message, /set the imgix Source id/);
    assert.deepEqual(t.problems[0].option, { provider: 'imgix', name: 'sourceId' });
  });
  it('a source id that is not 24 hex digits is refused (imgix-invalid-source-id)', () => {
    for (const id of ['zz', '5ebee107e9c05c0001d9c2d', '5ebee107e9c05c0001d9c2d3a', '5ebee107e9c05c0001d9c2dg']) {
      const checker = imgix.checker({ sourceId: id });
      assert.deepEqual(
        checker.configProblems.map((p) => p.code),
        ['imgix-invalid-source-id'],
        id,
      );
      assert.equal(checker.check('https://assets.imgix.net/a.png').ok, false);
    }
    assert.deepEqual(imgix.checker({ sourceId: SOURCE_ID.toUpperCase() }).configProblems, []);
  });
  it('without subImage no sub_image attribute is sent', () => {
    assert.deepEqual(body(check('https://assets.imgix.net/a.png')), {
      data: { type: 'purges', attributes: { url: 'https://assets.imgix.net/a.png' } },
    });
  });
});

describe('imgix seed: the Video API warning', () => {
  for (const ext of ['mp4', 'mov', 'webm', 'm3u8', 'mpd', 'MP4']) {
    it(`a .${ext} gets a warning (imgix-video-api) and is still sent`, () => {
      const t = check(`https://assets.imgix.net/clips/intro.${ext}`);
      assert.equal(t.ok, true);
      assert.deepEqual(codes(t), ['imgix-video-api']);
      assert.equal(t.problems[0].severity, 'warning');
      assert.match(t.problems[0].message, /Video API.*Origin.*72 hours.*support@imgix\.com/s);
      assert.doesNotThrow(() => imgix.purgeRequest(IMGIX_API_BASE, 'k', t));
    });
  }
  it('images and look-alike names get no warning', () => {
    assert.deepEqual(codes(check('https://assets.imgix.net/mp4.png')), []);
    assert.deepEqual(codes(check('https://assets.imgix.net/a.mp4.png')), []);
    assert.deepEqual(codes(check('https://assets.imgix.net/mp4')), []);
  });
  it('the list covers the README examples', () => {
    for (const ext of ['mp4', 'mov', 'webm', 'm3u8', 'mpd']) assert.ok(VIDEO_EXTENSIONS.includes(ext), ext);
  });
  it('the warning looks at the path, not the query: dogs.png?fm=mp4 has none', () => {
    assert.deepEqual(codes(check('https://assets.imgix.net/dogs.png?fm=mp4')), ['imgix-query-dropped']);
  });
});

describe('imgix: Source domains', () => {
  it('with domains configured, only URLs on them are accepted (not-under-endpoint)', () => {
    const config = { endpoints: ['https://assets.imgix.net', 'cdn.example.com'] };
    assert.equal(check('https://assets.imgix.net/a.png', config).ok, true);
    assert.equal(check('https://cdn.example.com/a.png', config).ok, true);
    const t = check('https://other.imgix.net/a.png', config);
    assert.deepEqual(codes(t), ['not-under-endpoint']);
    assert.match(t.problems[0].message, /assets\.imgix\.net/);
  });
  it('without domains, any host is accepted', () => {
    assert.equal(check('https://images.example.org/a.png').ok, true);
  });
  it('the scanner recognises *.imgix.net and the configured domains', () => {
    const c = imgix.checker({ endpoints: ['https://cdn.example.com'] });
    assert.equal(c.ownsHost('assets.imgix.net'), true);
    assert.equal(c.ownsHost('ASSETS.IMGIX.NET'), true);
    assert.equal(c.ownsHost('cdn.example.com'), true);
    assert.equal(c.ownsHost('imgix.net.evil.com'), false);
    assert.equal(imgix.checker({}).ownsHost('example.com'), false);
  });
  it('a domain with a path or a query is an invalid endpoint', () => {
    for (const d of ['https://assets.imgix.net/path', 'https://assets.imgix.net/?x=1', 'https://']) {
      assert.deepEqual(
        imgix.checker({ endpoints: [d] }).configProblems.map((p) => p.code),
        ['invalid-endpoint'],
        d,
      );
    }
  });
  it('the account is the host', () => {
    assert.equal(check('https://assets.imgix.net/a.png').account, 'assets.imgix.net');
  });
});
