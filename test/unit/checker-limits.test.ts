// The checkers against hostile input (issue "Hostile input…"): URL length, endpoint lookup that does not grow with
// the number of endpoints (counted in index probes, never timed), the endpoints limit, and imgix host names.
import assert from 'node:assert/strict';
import { imagekit } from '../../src/core/providers/imagekit';
import { imgix } from '../../src/core/providers/imgix';
import { MAX_ENDPOINTS, MAX_URL_LENGTH } from '../../src/core/limits';
import type { TargetCheck } from '../../src/core/providers/types';
import { hostNameProblem, parseUrl } from '../../src/core/url';

function errorCodes(t: TargetCheck): string[] {
  return t.problems.filter((p) => p.severity === 'error').map((p) => p.code);
}

describe('limits: URL length', () => {
  const ik = imagekit.checker({ endpoints: ['https://ik.imagekit.io/demo'] });
  const ix = imgix.checker({});

  it('a 1 MB URL is refused by parseUrl and by both checkers (url-too-long), so it is never sent', () => {
    const huge = `https://ik.imagekit.io/demo/${'a'.repeat(1024 * 1024)}.jpg`;
    const p = parseUrl(huge);
    assert.equal(p.ok, false);
    assert.equal(!p.ok && p.problem.code, 'url-too-long');
    assert.match(!p.ok ? p.problem.message : '', /1,048,608 characters long; the limit is 8,192 \(limit: URL length\)/);
    assert.equal(p.ok ? '' : p.problem.message.includes('aaaa'), false, 'the message does not echo the URL');
    for (const t of [ik.check(huge), ix.check(huge.replace('ik.imagekit.io/demo', 'assets.imgix.net'))]) {
      assert.equal(t.ok, false);
      assert.deepEqual(errorCodes(t), ['url-too-long']);
      assert.equal(t.normalized, undefined);
    }
  });

  it('exactly at the limit is accepted; one character more is not', () => {
    const at = (n: number, origin: string) => `${origin}/${'a'.repeat(n - origin.length - 5)}.jpg`;
    assert.equal(at(MAX_URL_LENGTH, 'https://ik.imagekit.io/demo').length, MAX_URL_LENGTH);
    assert.equal(ik.check(at(MAX_URL_LENGTH, 'https://ik.imagekit.io/demo')).ok, true);
    assert.deepEqual(errorCodes(ik.check(at(MAX_URL_LENGTH + 1, 'https://ik.imagekit.io/demo'))), ['url-too-long']);
    assert.equal(ix.check(at(MAX_URL_LENGTH, 'https://assets.imgix.net')).ok, true);
    assert.deepEqual(errorCodes(ix.check(at(MAX_URL_LENGTH + 1, 'https://assets.imgix.net'))), ['url-too-long']);
  });

  it('the limit holds for the URL as sent: percent-encoding that makes it longer is refused too', () => {
    // 2,000 "ü" are 2,000 characters as given, 12,000 once encoded (%C3%BC each).
    const given = `https://ik.imagekit.io/demo/${'ü'.repeat(2000)}.jpg`;
    assert.ok(given.length < MAX_URL_LENGTH);
    const t = ik.check(given);
    assert.deepEqual(errorCodes(t), ['url-too-long']);
    assert.match(t.problems[0].message, /12,0\d\d characters long/);
    assert.deepEqual(errorCodes(ix.check(given.replace('ik.imagekit.io/demo', 'assets.imgix.net'))), ['url-too-long']);
  });
});

describe('limits: endpoints', () => {
  it('lookup probes do not grow with the number of endpoints (by host, then by the URL path’s own prefixes)', () => {
    const urls = Array.from({ length: 200 }, (_, i) => `https://images.example.com/f${i % 50}/sub/${i}.jpg`);
    const probes = (n: number) => {
      const endpoints = Array.from({ length: n }, (_, i) => `https://images.example.com/f${i}`);
      const c = imagekit.checker({ endpoints }) as ReturnType<typeof imagekit.checker> & { indexProbes: number };
      const before = c.indexProbes;
      for (const u of urls) assert.equal(c.check(u).ok, true, u);
      return c.indexProbes - before;
    };
    const few = probes(50);
    const many = probes(MAX_ENDPOINTS);
    assert.equal(many, few, `${few} probes with 50 endpoints, ${many} with ${MAX_ENDPOINTS}`);
    // A handful per URL (host, then one per "/" of its path), never one per endpoint.
    assert.ok(few <= urls.length * 5, `${few} probes for ${urls.length} URLs`);
  });

  it('the longest base path on the URL’s host wins; other hosts and partial segments do not match', () => {
    const c = imagekit.checker({
      endpoints: [
        'https://ik.imagekit.io/demo',
        'https://ik.imagekit.io/demo/pat',
        'https://images.example.com',
        'https://images.example.com:8443/p',
      ],
    });
    assert.equal(c.check('https://ik.imagekit.io/demo/pat/a/b/c.jpg').base, 'https://ik.imagekit.io/demo/pat');
    assert.equal(c.check('https://ik.imagekit.io/demo/patx/c.jpg').base, 'https://ik.imagekit.io/demo');
    assert.equal(c.check('https://images.example.com/p/c.jpg').base, 'https://images.example.com');
    assert.equal(c.check('https://images.example.com:8443/p/c.jpg').base, 'https://images.example.com:8443/p');
    assert.deepEqual(errorCodes(c.check('https://images.example.com:8443/q/c.jpg')), ['not-under-endpoint']);
    assert.deepEqual(errorCodes(c.check('https://ik.imagekit.io/other/c.jpg')), ['not-under-endpoint']);
  });

  it(`more than ${MAX_ENDPOINTS} endpoints: a configuration error naming the limit; the first ${MAX_ENDPOINTS} are used`, () => {
    const endpoints = Array.from({ length: MAX_ENDPOINTS + 1 }, (_, i) => `https://ik.imagekit.io/id${i}`);
    const c = imagekit.checker({ endpoints });
    assert.deepEqual(
      c.configProblems.map((p) => p.code),
      ['too-many-endpoints'],
    );
    assert.match(
      c.configProblems[0].message,
      /1,001 ImageKit endpoints are configured; the limit is 1,000 \(limit: endpoints per provider\)/,
    );
    assert.equal(c.check(`https://ik.imagekit.io/id${MAX_ENDPOINTS - 1}/a.jpg`).ok, true);
    assert.equal(c.check(`https://ik.imagekit.io/id${MAX_ENDPOINTS}/a.jpg`).ok, false);
    // The "not under an endpoint" message lists a few, not a thousand.
    const msg = c.check('https://images.example.com/a.jpg').problems[0].message;
    assert.match(msg, /and 995 more/);
    assert.ok(msg.length < 500, `${msg.length} characters`);

    const domains = Array.from({ length: MAX_ENDPOINTS + 1 }, (_, i) => `https://s${i}.imgix.net`);
    const x = imgix.checker({ endpoints: domains });
    assert.deepEqual(
      x.configProblems.map((p) => p.code),
      ['too-many-endpoints'],
    );
    assert.match(x.configProblems[0].message, /1,001 imgix Source domains are configured; the limit is 1,000/);
    assert.equal(imgix.checker({ endpoints: domains.slice(0, MAX_ENDPOINTS) }).configProblems.length, 0);
  });
});

describe('imgix: host names are checked when no domains are configured', () => {
  const ix = imgix.checker({});
  const bad = [
    'https://a_b.imgix.net/x.png',
    'https://-a.imgix.net/x.png',
    'https://a-.imgix.net/x.png',
    'https://a..imgix.net/x.png',
    'https://.a.imgix.net/x.png',
    'https://a*b.example.com/x.png',
    'https://a!b.example.com/x.png',
    'https://a.b.example.com./x.png',
    'https://localhost/x.png',
    'https://192.168.1.10/x.png',
    'https://[::1]/x.png',
    `https://${'a'.repeat(64)}.imgix.net/x.png`,
  ];
  for (const url of bad) {
    it(`${url}: invalid-url, saying why`, () => {
      const t = ix.check(url);
      assert.equal(t.ok, false);
      assert.deepEqual(errorCodes(t), ['invalid-url']);
      assert.match(
        t.problems.find((p) => p.code === 'invalid-url')!.message,
        /is not a valid imgix host name: .+\. Check the URL for typos\./,
      );
    });
  }
  it('real host names pass: custom domains, IDNA, digits and inner hyphens, 63-character labels', () => {
    for (const url of [
      'https://assets.imgix.net/x.png',
      'https://images.example.com/x.png',
      'https://bücher.example/x.png',
      'https://a-1.b2.example.co.uk/x.png',
      `https://${'a'.repeat(63)}.imgix.net/x.png`,
    ]) {
      assert.equal(ix.check(url).ok, true, url);
    }
  });
  it('a configured Source domain that is not a host name is an invalid-endpoint configuration problem', () => {
    const c = imgix.checker({ endpoints: ['https://a_b.example.com'] });
    assert.deepEqual(
      c.configProblems.map((p) => p.code),
      ['invalid-endpoint'],
    );
    assert.match(
      c.configProblems[0].message,
      /"https:\/\/a_b\.example\.com" is not a valid host name: the label "a_b"/,
    );
  });
  it('hostNameProblem: the rules one by one', () => {
    assert.equal(hostNameProblem('assets.imgix.net'), undefined);
    assert.match(hostNameProblem('x')!, /at least two labels/);
    assert.match(hostNameProblem(`${'a.'.repeat(127)}com`)!, /at most 253/);
    assert.match(hostNameProblem('a..b')!, /empty label/);
    assert.match(hostNameProblem('a.b.')!, /trailing/);
    assert.match(hostNameProblem('1.2.3.4')!, /IP address/);
  });
});

describe('imagekit: problem ranges are offsets in the input, also after non-ASCII base paths (found by the fuzzer)', () => {
  it('wildcard-too-broad after an imagekitId or URL pattern with non-ASCII characters underlines the counted path', () => {
    const cases: Array<[string, string[], string]> = [
      ['https://ik.imagekit.io/日本/ü*', [], '/ü*'],
      ['https://ik.imagekit.io/😀*', [], '*'],
      ['https://ik.imagekit.io/demo/pät/x*', ['https://ik.imagekit.io/demo/pät'], '/x*'],
      ['https://ik.imagekit.io/demo/x*', [], '/x*'],
    ];
    for (const [url, endpoints, underlined] of cases) {
      const t = imagekit.checker({ endpoints }).check(url);
      const p = t.problems.find((x) => x.code === 'wildcard-too-broad');
      assert.ok(p, url);
      assert.ok(p.start! <= p.end!, `${url}: ${p.start}-${p.end}`);
      assert.equal(t.input.slice(p.start, p.end), underlined, url);
    }
  });
});
