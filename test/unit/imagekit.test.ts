// ImageKit's "Purge cache API" (the seed 000_…txt), rule by rule and example by example, and each reading of
// README's "ImageKit rules" table. Wire formats are also checked end to end in purge.test.ts.
import assert from 'node:assert/strict';
import {
  IMAGEKIT_API_BASE,
  IMAGEKIT_MONTHLY_LIMIT,
  imagekit,
  judgeWildcard,
  parseImageKitEndpoint,
} from '../../src/core/providers/imagekit';
import type { ProviderConfig, TargetCheck } from '../../src/core/providers/types';
import { spendsQuota } from '../../src/core/purge';

const IK = 'https://ik.imagekit.io/demo';

function check(url: string, config: ProviderConfig = {}): TargetCheck {
  return imagekit.checker(config).check(url);
}
function codes(t: TargetCheck): string[] {
  return t.problems.map((p) => p.code);
}
function errors(t: TargetCheck): string[] {
  return t.problems.filter((p) => p.severity === 'error').map((p) => p.code);
}
function valid(url: string, config: ProviderConfig = {}): void {
  const t = check(url, config);
  assert.equal(
    t.ok,
    true,
    `${url} should be valid, got ${JSON.stringify(t.problems.map((p) => `${p.code}: ${p.message}`))}`,
  );
}
function invalid(url: string, code: string, config: ProviderConfig = {}): TargetCheck {
  const t = check(url, config);
  assert.equal(t.ok, false, `${url} should be invalid (${code})`);
  assert.deepEqual(errors(t), [code], `${url}: ${JSON.stringify(t.problems.map((p) => p.message))}`);
  return t;
}

describe('ImageKit seed: the purge request (POST https://api.imagekit.io/v1/files/purge)', () => {
  const target = check('https://ik.imagekit.io/your_imagekit_id/default-image.jpg');

  it('the default API base is https://api.imagekit.io', () => {
    assert.equal(imagekit.defaultApiBase, 'https://api.imagekit.io');
    assert.equal(IMAGEKIT_API_BASE, 'https://api.imagekit.io');
    assert.equal(imagekit.key.env, 'IMAGEKIT_PRIVATE_KEY');
  });

  it('matches the seed curl example: POST, content-type application/json, -u your_private_key: (note the colon), body {"url": …}', () => {
    const spec = imagekit.purgeRequest(imagekit.defaultApiBase, 'your_private_key', target);
    assert.equal(spec.method, 'POST');
    assert.equal(spec.url, 'https://api.imagekit.io/v1/files/purge');
    assert.equal(spec.headers['content-type'], 'application/json');
    // What `curl -u your_private_key:` sends.
    assert.equal(spec.headers.authorization, 'Basic eW91cl9wcml2YXRlX2tleTo=');
    const curlBody = `
{
    "url": "https://ik.imagekit.io/your_imagekit_id/default-image.jpg"
}
`;
    assert.deepEqual(JSON.parse(spec.body ?? ''), JSON.parse(curlBody));
  });

  it('Authorization is base64 of key + ":" exactly (keys with colons, unicode, no trimming of the colon)', () => {
    for (const key of ['k', 'private_abc:def', 'ключ', 'a b=+/']) {
      const h = imagekit.purgeRequest('https://api.imagekit.io', key, target).headers.authorization;
      assert.ok(h.startsWith('Basic '));
      assert.equal(Buffer.from(h.slice(6), 'base64').toString('utf8'), `${key}:`);
    }
  });

  it('sends the normalised URL (percent-encoded, fragment dropped), never an invalid target', () => {
    const t = check('https://ik.imagekit.io/demo/my file.jpg#x');
    assert.equal(
      JSON.parse(imagekit.purgeRequest('https://a', 'k', t).body ?? '').url,
      'https://ik.imagekit.io/demo/my%20file.jpg',
    );
    assert.throws(
      () => imagekit.purgeRequest('https://a', 'k', check('https://ik.imagekit.io/demo/images*')),
      /refusing to send an invalid ImageKit target/,
    );
  });

  it('status request: GET {apiBase}/v1/files/purge/{requestId} with the same Basic header', () => {
    const spec = imagekit.status!.request('https://api.imagekit.io', 'your_private_key', '598821f949c0a938d57563bd');
    assert.equal(spec.method, 'GET');
    assert.equal(spec.url, 'https://api.imagekit.io/v1/files/purge/598821f949c0a938d57563bd');
    assert.equal(spec.headers.authorization, 'Basic eW91cl9wcml2YXRlX2tleTo=');
    assert.equal(spec.body, undefined);
    assert.equal(imagekit.status!.request('https://x', 'k', 'a/b').url, 'https://x/v1/files/purge/a%2Fb');
  });
});

describe('ImageKit seed: responses', () => {
  // What ImageKit's API sends: every answer JSON ("Response structure and status code (application/JSON)").
  const JSON_H = { 'content-type': 'application/json; charset=utf-8' };
  const parse = (status: number, body: string, headers: Record<string, string> = JSON_H) =>
    imagekit.parsePurge(status, body, headers);

  it('201 with the requestId ("598821f949c0a938d57563bd") as JSON is success', () => {
    const r = parse(201, JSON.stringify({ requestId: '598821f949c0a938d57563bd' }));
    assert.deepEqual(r, { ok: true, status: 'accepted', httpStatus: 201, requestId: '598821f949c0a938d57563bd' });
  });
  it("200 is accepted as success too (an earlier version of ImageKit's page documented 200)", () => {
    assert.equal(parse(200, '{"requestId":"x"}').ok, true);
  });
  it('a requestId that is not a token is still a success, but not followed (no id kept)', () => {
    const r = parse(201, JSON.stringify({ requestId: '\u001b[2Jid with spaces' }));
    assert.deepEqual([r.ok, r.status, r.requestId], [true, 'accepted', undefined]);
    assert.match(r.hint ?? '', /cannot be followed/);
  });
  it('the seed shows the body unquoted ({ requestId : "…" }): not JSON, so not the documented shape: unexpected, treated as received', () => {
    const r = parse(201, '{\n    requestId : "598821f949c0a938d57563bd"\n}');
    assert.deepEqual([r.ok, r.status, r.requestId], [false, 'unknown', undefined]);
    assert.equal(r.unexpected?.fromProvider, true);
    assert.match(r.message ?? '', /^Unexpected answer from ImageKit \(HTTP 201, application\/json: "\{ requestId/);
  });
  it('a 201 without a requestId, with an empty one, or a 204: unexpected, from ImageKit (unknown, counted)', () => {
    for (const [status, body] of [
      [201, '{}'],
      [201, '{"requestId":""}'],
      [201, '{"requestId":42}'],
      [201, '[]'],
      [204, ''],
      [202, '{"requestId":"x"}'],
    ] as const) {
      const r = parse(status, body);
      assert.deepEqual([r.ok, r.status], [false, 'unknown'], `${status} ${body}`);
      assert.equal(r.unexpected?.fromProvider, true);
      assert.equal(r.unexpected?.expected, '201 with {"requestId": "…"} as application/json');
    }
  });
  it("a captive portal's 200 HTML page is not a success: unknown (it may have been passed on, so counted), with the first bytes shown safely", () => {
    const page = '<html><head><title>Hotel Wi-Fi</title></head>\n<body>\u001b[2J Please sign in</body></html>';
    const r = parse(200, page, { 'content-type': 'text/html; charset=utf-8' });
    assert.deepEqual([r.ok, r.status, r.httpStatus, r.requestId], [false, 'unknown', 200, undefined]);
    assert.equal(spendsQuota(r), true, 'it may have reached ImageKit: counted');
    assert.deepEqual(r.unexpected, {
      expected: '201 with {"requestId": "…"} as application/json',
      contentType: 'text/html',
      excerpt: '<html><head><title>Hotel Wi-Fi</title></head> <body>\\x1B[2J Please sign in</body></html>',
      fromProvider: false,
    });
    assert.match(r.message ?? '', /^Unexpected answer, not from ImageKit's API \(HTTP 200, text\/html: "<html>/);
    assert.ok(!(r.message ?? '').includes('\u001b'), 'no raw escape in the message');
    assert.match(r.hint ?? '', /captive portal.*not known, so it is treated as sent.*counted against the month/);
  });
  it('a JSON body with a requestId but no JSON media type is not the documented shape either', () => {
    const none: Record<string, string>[] = [{}, { 'content-type': 'text/plain' }, { 'content-type': 'text/html' }];
    for (const headers of none) {
      const r = parse(201, '{"requestId":"abc"}', headers);
      assert.deepEqual([r.ok, r.status], [false, 'unknown'], JSON.stringify(headers));
    }
  });
  it("ImageKit's own x-ik-requestId header says it came from ImageKit, whatever the body", () => {
    const r = parse(200, '<html>oops</html>', { 'content-type': 'text/html', 'x-ik-requestid': 'abc-123' });
    assert.deepEqual([r.ok, r.status, r.supportId, r.unexpected?.fromProvider], [false, 'unknown', 'abc-123', true]);
  });
  it('a redirect (a portal sends one to its sign-in page) is unexpected: never followed, never a success', () => {
    const r = parse(302, '', { location: 'http://portal.example/login' });
    assert.deepEqual([r.ok, r.status, r.unexpected?.fromProvider], [false, 'unknown', false]);
    assert.match(r.message ?? '', /HTTP 302, no content type, empty body/);
  });
  it('a requestId or support id that carries a form of the key in use is not kept (it would be printed and stored)', () => {
    const key = 'private_custom_ik_key_7781';
    const json = { 'content-type': 'application/json', 'x-ik-requestid': `x${key}` };
    const r = imagekit.parsePurge(201, JSON.stringify({ requestId: key }), json, [key]);
    assert.deepEqual([r.ok, r.status, r.requestId, r.supportId], [true, 'accepted', undefined, undefined]);
    assert.match(r.hint ?? '', /cannot be followed/);
    const ok = imagekit.parsePurge(201, JSON.stringify({ requestId: 'abc' }), json, ['other_key_1234567']);
    assert.equal(ok.requestId, 'abc');
  });
  it('the excerpt is redacted before it is cut: a key echoed by a portal at the edge shows no part of it', () => {
    const key = 'private_abcdefghijklmnopqrstuvwxyz0123456789';
    const body = `${' '.repeat(5000)}${'x'.repeat(180)}${key}`;
    const r = imagekit.parsePurge(200, body, { 'content-type': 'text/html' }, [key]);
    assert.ok(r.unexpected);
    for (let i = 0; i + 6 <= key.length; i++)
      assert.ok(!(r.message ?? '').includes(key.slice(i, i + 6)), `key characters ${i}.. in ${r.message}`);
  });
  it('an error gives the error message verbatim, the help verbatim, and our hint', () => {
    const r = parse(
      400,
      JSON.stringify({ message: 'Invalid url', help: 'For support kindly contact us at support@imagekit.io .' }),
    );
    assert.deepEqual(
      [r.ok, r.status, r.httpStatus, r.message, r.help],
      [false, 'failed', 400, 'Invalid url', 'For support kindly contact us at support@imagekit.io .'],
    );
    assert.ok(r.hint && r.hint.length > 20);
  });
  it('hints say what to do per status: key (401/403), rules (400), unknown (404), rate limit + monthly limit (429), server (5xx)', () => {
    assert.match(parse(401, '{"message":"m"}').hint ?? '', /refused the key.*private key/);
    assert.equal(parse(401, '{"message":"m"}').remedy, 'key');
    assert.match(parse(403, '{"message":"m"}').hint ?? '', /key/);
    assert.equal(parse(403, '{"message":"m"}').remedy, 'key');
    assert.match(parse(400, '{"message":"m"}').hint ?? '', /Check the URL against the rules/);
    assert.equal(parse(400, '{"message":"m"}').remedy, 'url');
    assert.match(parse(404, '{"message":"m"}').hint ?? '', /does not know/);
    assert.match(parse(429, '{"message":"m"}').hint ?? '', /1000 purge requests a month/);
    assert.match(parse(500, '{"message":"m"}').hint ?? '', /server error/);
    assert.match(parse(403, '{"message":"Monthly purge limit exceeded"}').hint ?? '', /1000/);
  });
  it("a 401 or 403 page that is not ImageKit's (a proxy's, a firewall's) does not blame the key: unknown, no key remedy", () => {
    const r = parse(403, '<html>Access denied by your organisation</html>', { 'content-type': 'text/html' });
    assert.deepEqual([r.ok, r.status, r.remedy, r.unexpected?.fromProvider], [false, 'unknown', undefined, false]);
    assert.doesNotMatch(r.hint ?? '', /refused the key/);
  });
  it('non-JSON and empty 5xx bodies: a safe excerpt, or the HTTP status', () => {
    assert.equal(parse(502, '<html>\n  Bad   gateway </html>', {}).message, '<html> Bad gateway </html>');
    assert.equal(parse(500, '', {}).message, 'HTTP 500');
    const long = parse(500, 'x'.repeat(1000), {}).message ?? '';
    assert.equal(long.length, 200);
    assert.ok(long.endsWith('...'));
    assert.equal(parse(502, 'a\u001b[2Jb', {}).message, 'a\\x1B[2Jb');
    assert.equal(parse(400, '{"help":"only help"}').help, 'only help');
  });
  it('status: 200 {"status":"Pending"|"Completed"} as JSON; errors; anything else is not ok', () => {
    assert.deepEqual(imagekit.status!.parse(200, '{"status":"Pending"}', JSON_H), {
      ok: true,
      status: 'Pending',
      httpStatus: 200,
    });
    assert.deepEqual(imagekit.status!.parse(200, '{"status":"Completed"}', JSON_H), {
      ok: true,
      status: 'Completed',
      httpStatus: 200,
    });
    const nf = imagekit.status!.parse(404, '{"message":"No request found","help":"h"}', JSON_H);
    assert.deepEqual([nf.ok, nf.httpStatus, nf.message], [false, 404, 'No request found']);
    for (const [body, headers] of [
      ['{}', JSON_H],
      ['nope', JSON_H],
      ['{"status":"Complete"}', JSON_H],
      ['{"status":"pending"}', JSON_H],
      ['{"status":"Completed"}', {}],
      ['<html>{"status":"Completed"}</html>', { 'content-type': 'text/html' }],
    ] as const) {
      const s = imagekit.status!.parse(200, body, headers);
      assert.equal(s.ok, false, body);
      assert.ok(s.unexpected, body);
      assert.equal(s.unexpected?.fromProvider, 'content-type' in headers && headers['content-type'].includes('json'));
    }
  });
});

describe('ImageKit seed: wildcard rules (any one of three conditions)', () => {
  describe('1. at least two levels of nesting', () => {
    it('/images/upload* is valid, /images* is not (the seed example)', () => {
      valid(`${IK}/images/upload*`);
      invalid(`${IK}/images*`, 'wildcard-too-broad');
    });
    it('LEVEL_1/LEVEL_2* is valid and LEVEL_1* is not, after IMAGEKIT_ID and PATTERN (the seed diagrams)', () => {
      const config = { endpoints: ['https://ik.imagekit.io/IMAGEKIT_ID/PATTERN'] };
      valid('https://ik.imagekit.io/IMAGEKIT_ID/PATTERN/LEVEL_1/LEVEL_2*', config);
      const t = invalid('https://ik.imagekit.io/IMAGEKIT_ID/PATTERN/LEVEL_1*', 'wildcard-too-broad', config);
      assert.match(t.problems[0].message, /"LEVEL_1": 1 level, 7 characters/);
    });
    it('a two-level path need not be 15 characters long', () => {
      valid(`${IK}/a/b*`);
    });
  });

  describe('2. at least 15 characters', () => {
    it('FIFTEEN_CHARACTERS* is valid (the seed example)', () => {
      valid('https://ik.imagekit.io/IMAGEKIT_ID/PATTERN/FIFTEEN_CHARACTERS*', {
        endpoints: ['https://ik.imagekit.io/IMAGEKIT_ID/PATTERN'],
      });
    });
    it('exactly 15 characters is valid, 14 is not', () => {
      valid(`${IK}/abcdefghijklmno*`);
      invalid(`${IK}/abcdefghijklmn*`, 'wildcard-too-broad');
    });
  });

  describe('3. a complete file path with its extension', () => {
    it('/sample.jpg* is valid despite being short and one level (the seed example); FILE.EXT* too', () => {
      valid(`${IK}/sample.jpg*`);
      valid('https://ik.imagekit.io/IMAGEKIT_ID/PATTERN/FILE.EXT*', {
        endpoints: ['https://ik.imagekit.io/IMAGEKIT_ID/PATTERN'],
      });
    });
  });

  describe('the wildcard only at the end', () => {
    it('/folder/*/sample.jpg is invalid (the seed example), with the offset of the "*"', () => {
      const t = invalid(`${IK}/folder/*/sample.jpg`, 'wildcard-not-at-end');
      const p = t.problems[0];
      assert.equal(t.input.slice(p.start, p.end), '*');
      assert.equal(p.start, `${IK}/folder/`.length);
    });
    it('quick fixes: only fixes that are themselves valid; "cut after the first *" when valid (preferred), "remove the *"', () => {
      const a = check(`${IK}/folder/*/sample.jpg`).problems[0].fixes ?? [];
      // folder/* alone is too broad, so only removing the "*" is offered.
      assert.deepEqual(
        a.map((f) => f.replacement),
        [`${IK}/folder//sample.jpg`],
      );
      const b = check(`${IK}/images/upload/*/x.jpg`).problems[0].fixes ?? [];
      assert.deepEqual(
        b.map((f) => [f.replacement, f.preferred === true]),
        [
          [`${IK}/images/upload/*`, true],
          [`${IK}/images/upload//x.jpg`, false],
        ],
      );
      for (const f of [...a, ...b]) assert.equal(check(f.replacement).ok, true, f.replacement);
    });
  });

  describe('media/catalog/* and s/files/* are unconditionally not supported', () => {
    it('media/catalog/* and s/files/* (the seed list) are refused even though they have two levels', () => {
      for (const u of [`${IK}/media/catalog/*`, `${IK}/s/files/*`]) {
        const t = invalid(u, 'wildcard-path-unsupported');
        assert.match(t.problems[0].message, /support@imagekit\.io/);
      }
    });
    it('the same paths on a custom domain are refused too', () => {
      invalid('https://images.example.com/media/catalog/*', 'wildcard-path-unsupported', {
        endpoints: ['https://images.example.com'],
      });
    });
    it('exact URLs under them are fine (only wildcards are refused)', () => {
      valid(`${IK}/media/catalog/product/a.jpg`);
      valid(`${IK}/s/files/a.jpg`);
    });
  });
});

describe('ImageKit: README readings of the seed open points', () => {
  describe('which path is counted: after the imagekitId and URL pattern (custom domain: after domain and pattern)', () => {
    it('a configured URL pattern is not counted', () => {
      const config = { endpoints: ['https://ik.imagekit.io/demo/pat'] };
      invalid(`${IK}/pat/images*`, 'wildcard-too-broad', config);
      valid(`${IK}/pat/images/upload*`, config);
    });
    it('without the pattern configured, the same URL counts it as a level', () => {
      valid(`${IK}/pat/images*`);
    });
    it('custom domain: counted after the domain, and after its pattern path', () => {
      valid('https://images.example.com/images/upload*', { endpoints: ['https://images.example.com'] });
      invalid('https://images.example.com/images*', 'wildcard-too-broad', {
        endpoints: ['https://images.example.com'],
      });
      invalid('https://images.example.com/pat/images*', 'wildcard-too-broad', {
        endpoints: ['https://images.example.com/pat'],
      });
      valid('https://images.example.com/pat/images/upload*', { endpoints: ['https://images.example.com/pat'] });
    });
    it('without the leading "/" and without the "*" (the message shows the counted path)', () => {
      const t = check(`${IK}/images*`);
      assert.match(t.problems[0].message, /is "images": 1 level, 6 characters/);
    });
  });

  describe('which endpoint a URL is under', () => {
    it('the longest configured endpoint wins, on a "/" boundary', () => {
      const config = { endpoints: ['https://ik.imagekit.io/demo', 'https://ik.imagekit.io/demo/pat'] };
      assert.equal(check(`${IK}/pat/images*`, config).base, `${IK}/pat`);
      assert.equal(check(`${IK}/patx/images*`, config).base, IK);
      valid(`${IK}/patx/images*`, config);
    });
    it('whatever the scheme: http:// URLs match an https:// endpoint', () => {
      valid('http://ik.imagekit.io/demo/a.jpg');
      const t = check('http://images.example.com/a.jpg', { endpoints: ['https://images.example.com'] });
      assert.equal(t.ok, true);
      assert.equal(t.normalized, 'http://images.example.com/a.jpg');
    });
    it('host and port must match', () => {
      invalid('https://images.example.com:8443/a.jpg', 'not-under-endpoint', {
        endpoints: ['https://images.example.com'],
      });
      invalid('https://ik.imagekit.io:8443/demo/a.jpg', 'not-under-endpoint');
      valid('http://127.0.0.1:9000/a.jpg', { endpoints: ['http://127.0.0.1:9000'] });
    });
    it('without endpoints, https://ik.imagekit.io/<id>/… is accepted with the first segment as the imagekitId', () => {
      const t = check('https://ik.imagekit.io/your_imagekit_id/rest-of-the-file-path.jpg');
      assert.equal(t.ok, true);
      assert.equal(t.account, 'your_imagekit_id');
      assert.equal(t.base, 'https://ik.imagekit.io/your_imagekit_id');
    });
    it('with endpoints configured, only their imagekitIds are accepted on ik.imagekit.io', () => {
      const config = { endpoints: ['https://ik.imagekit.io/demo/pat'] };
      valid(`${IK}/other/a.jpg`, config); // demo's default endpoint
      const t = invalid('https://ik.imagekit.io/someone-else/a.jpg', 'not-under-endpoint', config);
      assert.match(t.problems[0].message, /https:\/\/ik\.imagekit\.io\/demo\/pat/);
      assert.match(t.problems[0].message, /Add its endpoint to the ImageKit URL endpoints/);
      assert.deepEqual(t.problems[0].option, { provider: 'imagekit', name: 'endpoints' });
    });
    it('a host that is not ImageKit needs a configured custom domain; the message says how to add it', () => {
      const t = invalid('https://images.example.com/a.jpg', 'not-under-endpoint');
      assert.match(t.problems[0].message, /Add it to the ImageKit URL endpoints/);
      assert.deepEqual(t.problems[0].option, { provider: 'imagekit', name: 'endpoints' });
      valid('https://images.example.com/a.jpg', { endpoints: ['https://images.example.com'] });
      assert.equal(
        check('https://images.example.com/a.jpg', { endpoints: ['https://images.example.com'] }).account,
        'images.example.com',
      );
    });
    it('the seed body example (written ik.imageki.io) is not ImageKit unless configured as a custom domain', () => {
      invalid('https://ik.imageki.io/your_imagekit_id/rest-of-the-file-path.jpg', 'not-under-endpoint');
      valid('https://ik.imageki.io/your_imagekit_id/rest-of-the-file-path.jpg', {
        endpoints: ['https://ik.imageki.io/your_imagekit_id'],
      });
    });
    it('https://ik.imagekit.io/ with no imagekitId is not under an endpoint', () => {
      const t = invalid('https://ik.imagekit.io/', 'not-under-endpoint');
      assert.match(t.problems[0].message, /no imagekitId/);
      invalid('https://ik.imagekit.io/*', 'not-under-endpoint');
    });
  });

  describe('levels of nesting: non-empty segments; a trailing slash is not a level', () => {
    it('images/* has one level (too broad); images/upload* and images/upload/* have two', () => {
      invalid(`${IK}/images/*`, 'wildcard-too-broad');
      valid(`${IK}/images/upload*`);
      valid(`${IK}/images/upload/*`);
    });
    it('empty segments do not count: images//* is still one level', () => {
      invalid(`${IK}/images//*`, 'wildcard-too-broad');
      assert.equal(judgeWildcard('a//b').levels, 2);
    });
  });

  describe('length: Unicode code points after decoding %XX, without a trailing slash', () => {
    it('abcdefghijklmn/* counts 14 and is too broad; abcdefghijklmno/* counts 15', () => {
      invalid(`${IK}/abcdefghijklmn/*`, 'wildcard-too-broad');
      valid(`${IK}/abcdefghijklmno/*`);
      assert.equal(judgeWildcard('abcdefghijklmn/').chars, 14);
    });
    it('%XX escapes count as the characters they encode', () => {
      invalid(`${IK}/${'%C3%A9'.repeat(14)}*`, 'wildcard-too-broad');
      valid(`${IK}/${'%C3%A9'.repeat(15)}*`);
      invalid(`${IK}/${'%20'.repeat(14)}*`, 'wildcard-too-broad');
    });
    it('non-ASCII counts code points, not UTF-16 units or bytes', () => {
      invalid(`${IK}/${'é'.repeat(14)}*`, 'wildcard-too-broad');
      valid(`${IK}/${'é'.repeat(15)}*`);
      invalid(`${IK}/${'😀'.repeat(14)}*`, 'wildcard-too-broad'); // 28 UTF-16 units, 56 bytes
      valid(`${IK}/${'😀'.repeat(15)}*`);
    });
  });

  describe('complete file path: a name, ".", and an extension of 1-10 letters or digits with a letter', () => {
    const cases: Array<[string, boolean]> = [
      ['sample.jpg', true],
      ['photo.JPG', true],
      ['x.7z', true],
      ['a.abcdefghij', true],
      ['a.abcdefghijk', false],
      ['x.123', false],
      ['v1.2', false],
      ['.hidden', false],
      ['sample.jpg/', false],
      ['name.', false],
      ['noext', false],
    ];
    for (const [name, ok] of cases) {
      it(`${name}* is ${ok ? 'a file path' : 'not a file path'}`, () => {
        if (ok) valid(`${IK}/${name}*`);
        else invalid(`${IK}/${name}*`, 'wildcard-too-broad');
        assert.equal(judgeWildcard(name).isFilePath, ok);
      });
    }
  });

  describe('query strings', () => {
    it('a wildcard with a query is refused (wildcard-query), with a fix that drops the query', () => {
      const t = invalid(`${IK}/images/upload*?tr=w-100`, 'wildcard-query');
      const p = t.problems[0];
      assert.equal(t.input.slice(p.start, p.end), '?tr=w-100');
      assert.deepEqual(
        p.fixes?.map((f) => f.replacement),
        [`${IK}/images/upload*`],
      );
    });
    it('a "*" inside a query is refused too', () => {
      invalid(`${IK}/a.jpg?tr=*`, 'wildcard-query');
    });
    it('exact URLs keep their query (a distinct cached URL)', () => {
      const t = check(`${IK}/a.jpg?tr=w-100`);
      assert.equal(t.ok, true);
      assert.equal(t.normalized, `${IK}/a.jpg?tr=w-100`);
      assert.equal(t.kind, 'exact');
    });
    it('an empty query ("?") is dropped', () => {
      assert.equal(check(`${IK}/a.jpg?`).normalized, `${IK}/a.jpg`);
    });
  });

  describe('more than one "*", "*" mid-path, and %2A', () => {
    it('two stars are refused (wildcard-not-at-end)', () => {
      invalid(`${IK}/images/upload**`, 'wildcard-not-at-end');
      invalid(`${IK}/a*/b*`, 'wildcard-not-at-end');
    });
    it('%2A is a literal asterisk, not a wildcard', () => {
      const t = check(`${IK}/star%2A.jpg`);
      assert.equal(t.ok, true);
      assert.equal(t.kind, 'exact');
      assert.equal(check(`${IK}/images%2A`).kind, 'exact');
    });
  });

  describe('what media/catalog/* and s/files/* refuse: any wildcard covering them, case-insensitively', () => {
    for (const p of [
      'media/catalog/*',
      'media/catalog*',
      'media/cat*',
      's/files/*',
      's/f*',
      's/files*',
      'MEDIA/Catalog/*',
      'media/%63atalog/*',
    ]) {
      it(`${p} is refused`, () => {
        invalid(`${IK}/${p}`, 'wildcard-path-unsupported');
      });
    }
    for (const p of ['media/catalog/product/*', 's/files/abc/*', 'media/catalogue-2024/*', 's/filesystem/*']) {
      it(`${p} is allowed (narrower, or not covering them)`, () => {
        valid(`${IK}/${p}`);
      });
    }
    it('media/* is simply too broad', () => {
      invalid(`${IK}/media/*`, 'wildcard-too-broad');
    });
  });

  describe('fragments, the endpoint itself, encoding', () => {
    it('a #fragment is dropped with a note (fragment-dropped), still valid', () => {
      const t = check(`${IK}/a.jpg#top`);
      assert.equal(t.ok, true);
      assert.equal(t.normalized, `${IK}/a.jpg`);
      assert.deepEqual(codes(t), ['fragment-dropped']);
      assert.equal(t.problems[0].severity, 'info');
    });
    it('the endpoint itself is refused (empty-path), with or without a slash, for every kind of endpoint', () => {
      invalid(IK, 'empty-path');
      invalid(`${IK}/`, 'empty-path');
      invalid('https://images.example.com/', 'empty-path', { endpoints: ['https://images.example.com'] });
      invalid(`${IK}/pat/`, 'empty-path', { endpoints: [`${IK}/pat`] });
    });
    it('unsafe characters are percent-encoded (url-encoded note with the fix); + and existing escapes stay', () => {
      const t = check(`${IK}/my folder/ü.jpg`);
      assert.equal(t.ok, true);
      assert.equal(t.normalized, `${IK}/my%20folder/%C3%BC.jpg`);
      assert.deepEqual(codes(t), ['url-encoded']);
      assert.equal(t.problems[0].fixes?.[0].replacement, t.normalized);
      assert.equal(check(`${IK}/a+b%20c.jpg`).normalized, `${IK}/a+b%20c.jpg`);
      assert.deepEqual(codes(check(`${IK}/a+b%20c.jpg`)), []);
    });
    it('the input is trimmed and offsets refer to the trimmed input', () => {
      const t = check(`  ${IK}/folder/*/x.jpg \n`);
      assert.equal(t.input, `${IK}/folder/*/x.jpg`);
      assert.equal(t.input.slice(t.problems[0].start, t.problems[0].end), '*');
    });
  });

  describe('the monthly limit', () => {
    it('is 1000 purge requests a month (see quota.test.ts for the counting)', () => {
      assert.equal(IMAGEKIT_MONTHLY_LIMIT, 1000);
    });
  });
});

describe('ImageKit: the basics of a purge URL', () => {
  it('must be http(s): other schemes are refused (not-http)', () => {
    invalid('ftp://ik.imagekit.io/demo/a.jpg', 'not-http');
  });
  it('without a scheme (ik.imagekit.io/…, //ik.imagekit.io/…) https is assumed, with a note and a fix', () => {
    for (const input of ['ik.imagekit.io/demo/a.jpg', '//ik.imagekit.io/demo/a.jpg']) {
      const t = imagekit.checker({}).check(input);
      assert.equal(t.ok, true, input);
      assert.equal(t.normalized, 'https://ik.imagekit.io/demo/a.jpg');
      assert.deepEqual(
        t.problems.map((p) => [p.code, p.severity]),
        [['scheme-assumed', 'info']],
      );
    }
    // Wildcard rules and their offsets still apply to the input as typed.
    const w = imagekit.checker({}).check('ik.imagekit.io/demo/folder/*/a.jpg');
    const p = w.problems.find((x) => x.code === 'wildcard-not-at-end')!;
    assert.equal(w.input.slice(p.start, p.end), '*');
  });
  it('must be an absolute URL (invalid-url)', () => {
    invalid('', 'invalid-url');
    invalid('demo/a.jpg', 'invalid-url');
    invalid('https://user:pw@ik.imagekit.io/demo/a.jpg', 'invalid-url');
  });
  it('a wildcard counts as kind "wildcard", an exact URL as "exact"', () => {
    assert.equal(check(`${IK}/images/upload*`).kind, 'wildcard');
    assert.equal(check(`${IK}/a.jpg`).kind, 'exact');
  });
  it('every problem message says what to do (a sentence, not a bare code)', () => {
    for (const u of [
      `${IK}/images*`,
      `${IK}/a*/b`,
      `${IK}/media/catalog/*`,
      `${IK}/a/b*?x`,
      'https://x.example/a.jpg',
      IK,
    ]) {
      for (const p of check(u).problems) assert.ok(p.message.length > 40 && /[.)]$/.test(p.message), p.message);
    }
  });
});

describe('ImageKit: configured endpoints', () => {
  it('parses ik.imagekit.io endpoints into imagekitId and URL pattern', () => {
    const r = parseImageKitEndpoint('https://ik.imagekit.io/demo/pat/sub/');
    assert.ok(r.ok);
    assert.equal(r.endpoint.imagekitId, 'demo');
    assert.equal(r.endpoint.pattern, 'pat/sub');
    assert.equal(r.endpoint.basePath, '/demo/pat/sub');
  });
  it('parses custom domains, with and without a pattern path', () => {
    const a = parseImageKitEndpoint('https://images.example.com');
    assert.ok(a.ok);
    assert.deepEqual([a.endpoint.basePath, a.endpoint.pattern, a.endpoint.imagekitId], ['', '', undefined]);
    const b = parseImageKitEndpoint('https://Images.Example.com/pat');
    assert.ok(b.ok);
    assert.deepEqual([b.endpoint.hostKey, b.endpoint.pattern], ['images.example.com', 'pat']);
  });
  it('reports unusable endpoints as invalid-endpoint configuration problems, and keeps the usable ones', () => {
    for (const bad of [
      'not a url',
      'https://ik.imagekit.io',
      'https://ik.imagekit.io/demo?x=1',
      'https://ik.imagekit.io/demo#f',
      'https://ik.imagekit.io/demo/*',
      'ftp://ik.imagekit.io/demo',
    ]) {
      const r = parseImageKitEndpoint(bad);
      assert.equal(r.ok, false, bad);
      if (!r.ok) assert.equal(r.problem.code, 'invalid-endpoint');
    }
    const checker = imagekit.checker({ endpoints: ['https://ik.imagekit.io', 'https://images.example.com'] });
    assert.deepEqual(
      checker.configProblems.map((p) => p.code),
      ['invalid-endpoint'],
    );
    assert.equal(checker.check('https://images.example.com/a.jpg').ok, true);
  });
  it('ownsHost: ik.imagekit.io always, and the configured custom domains', () => {
    const c = imagekit.checker({ endpoints: ['https://images.example.com/pat'] });
    assert.equal(c.ownsHost('ik.imagekit.io'), true);
    assert.equal(c.ownsHost('IMAGES.example.com'), true);
    assert.equal(c.ownsHost('assets.imgix.net'), false);
  });
});
