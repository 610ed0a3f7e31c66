// The fuzz properties: fast-check over every parser and checker of the core, with what must hold for any input.
// One module, two runners: test/unit/fuzz.test.ts runs each property a few hundred times in `npm test`, and
// test/fuzz/run.ts (`npm run fuzz`) 100,000 times each, with a time bound per case that turns a blow-up
// (backtracking, a quadratic loop) into a failure, and a watchdog for a case that never ends.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import picomatch from 'picomatch';
import { LineSplitter } from '../../src/cli/args';
import { parseProjectConfig, providerConfigFrom } from '../../src/core/config';
import { gitRefProblem } from '../../src/core/git';
import { compileGlob } from '../../src/core/glob';
import { imagekit } from '../../src/core/providers/imagekit';
import { imgix } from '../../src/core/providers/imgix';
import { MAX_LINE_LENGTH, MAX_URL_LENGTH } from '../../src/core/limits';
import { lintText } from '../../src/core/lint';
import { normalizeRelPath, PathMapper } from '../../src/core/mapping';
import { planPurge } from '../../src/core/planner';
import { PROBLEM_CODES, type Problem } from '../../src/core/problems';
import type { Checker, TargetCheck } from '../../src/core/providers/types';
import { redact } from '../../src/core/redact';
import { classifierFrom, scanText, type HostClassifier, type ScanMatch } from '../../src/core/scanner';
import { safeText } from '../../src/core/untrusted';
import { decodeLoose, encodeExact, hostNameProblem, looksLikeUrl, parseUrl } from '../../src/core/url';
import { checkInvariants, coalesceArb, ENDPOINTS, ikUrl } from './planner-arbitraries';

export interface FuzzProperty<T = unknown> {
  name: string;
  arbitrary: fc.Arbitrary<T>;
  /** Throws (an assertion) when the property does not hold for `value`. */
  check: (value: T) => void;
}

function property<T>(name: string, arbitrary: fc.Arbitrary<T>, check: (value: T) => void): FuzzProperty {
  return { name, arbitrary, check } as FuzzProperty;
}

// ---- generators -------------------------------------------------------------------------------------------------

/** Any string: every code point, lone surrogates included. */
const anyString = (maxLength = 120) => fc.string({ unit: 'binary', maxLength });
/** Characters that matter to URLs and their parsers. */
const URL_CHARS = [...'aZ09-._~/?#[]@!$&\'()*+,;=%: "<>\\^`{|}\t\n'].concat([
  'ü',
  '日',
  '😀',
  '\u0000',
  '\u007f',
  '\u202e',
  '%2',
  '%41',
  '%zz',
  '..',
  '//',
  'https://',
  'http:',
  '*',
]);
const urlChunk = fc.constantFrom(...URL_CHARS);
const hosts = fc.constantFrom(
  'ik.imagekit.io',
  'IK.ImageKit.io',
  'assets.imgix.net',
  'you.imgix.net',
  'images.example.com',
  'images.example.com:8443',
  'ik.imagekit.io:443',
  'a_b.imgix.net',
  '-x.imgix.net',
  'a..b.imgix.net',
  'xn--bcher-kva.example',
  'bücher.example',
  '127.0.0.1',
  '[::1]',
  'user:pw@ik.imagekit.io',
  '',
);
const schemes = fc.constantFrom('https://', 'http://', 'HTTPS://', '//', '', 'ftp://', 'https:', 'https:///');
const paths = fc.array(
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'demo',
        'pat',
        'images',
        'upload',
        'media',
        'catalog',
        's',
        'files',
        'a.jpg',
        'x.png',
        'clip.mp4',
        'red-1.jpg',
      ),
    },
    { weight: 2, arbitrary: fc.array(urlChunk, { maxLength: 6 }).map((a) => a.join('')) },
  ),
  { maxLength: 6 },
);
/** URL-shaped strings: a scheme, a host, path segments of hostile characters, maybe a query and a fragment. */
const urlish = fc
  .record({
    scheme: schemes,
    host: hosts,
    path: paths,
    star: fc.constantFrom('', '', '*', '/*'),
    query: fc.option(fc.array(urlChunk, { maxLength: 8 }).map((a) => a.join(''))),
    frag: fc.option(fc.string({ maxLength: 6 })),
    pad: fc.constantFrom('', ' ', '\t', '\n '),
  })
  .map(
    ({ scheme, host, path, star, query, frag, pad }) =>
      `${pad}${scheme}${host}/${path.join('/')}${star}${query !== null ? `?${query}` : ''}${frag !== null ? `#${frag}` : ''}${pad}`,
  );
const urlInput = fc.oneof(
  { weight: 4, arbitrary: urlish },
  { weight: 1, arbitrary: anyString() },
  { weight: 1, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
);

const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;
const CODES = new Set<string>(PROBLEM_CODES);

// ---- shared checks ----------------------------------------------------------------------------------------------

function assertProblems(problems: readonly Problem[], input: string): void {
  for (const p of problems) {
    assert.ok(CODES.has(p.code), `unknown code ${p.code}`);
    assert.ok(p.message.length > 0, `${p.code}: empty message`);
    assert.ok(p.message.length < 2 * MAX_URL_LENGTH + 2000, `${p.code}: a ${p.message.length}-character message`);
    if (p.start !== undefined || p.end !== undefined) {
      assert.ok(p.start !== undefined && p.end !== undefined, `${p.code}: only one of start/end`);
      assert.ok(
        p.start !== undefined && p.end !== undefined && p.start >= 0 && p.start <= p.end && p.end <= input.length + 1,
        `${p.code}: range ${p.start}-${p.end} outside ${input.length}`,
      );
    }
  }
}

/** What any checker must satisfy: never throws, ok means sendable and stable, problems well formed. */
function assertTarget(checker: Checker, raw: string): TargetCheck {
  const t = checker.check(raw);
  assert.equal(t.provider, checker.provider);
  assert.equal(t.input, raw.trim());
  assert.equal(t.ok, !t.problems.some((p) => p.severity === 'error'));
  assertProblems(t.problems, t.input);
  if (t.ok) {
    assert.ok(t.normalized !== undefined, 'ok without a normalized URL');
    const n = t.normalized;
    assert.ok(n !== undefined);
    assert.match(n, PRINTABLE_ASCII, `normalized is not printable ASCII: ${JSON.stringify(n)}`);
    assert.ok(n.length <= MAX_URL_LENGTH, `normalized is ${n.length} characters`);
    assert.ok(/^https?:\/\//.test(n), n);
    assert.ok(!n.includes('#'), `a fragment is sent: ${n}`);
    const again = checker.check(n);
    assert.equal(
      again.ok,
      true,
      `the normalized URL ${n} is not valid: ${again.problems.map((p) => p.code).join(',')}`,
    );
    assert.equal(again.normalized, n, 'normalizing is not idempotent');
    assert.equal(again.kind, t.kind);
    if (t.kind === 'wildcard') assert.ok(n.endsWith('*'), `a wildcard not ending in "*": ${n}`);
  }
  return t;
}

// ---- the scanner as it was: the oracle for the hand-written matcher ---------------------------------------------

const OLD_URL_RE = /https?:\/\/[^\s"'<>`\\()[\]|^]+(?:\([^\s"'<>`\\()[\]|^]*\)[^\s"'<>`\\()[\]|^]*)*/gi;
function oldScan(text: string, classify: HostClassifier): ScanMatch[] {
  const out: ScanMatch[] = [];
  const re = new RegExp(OLD_URL_RE.source, OLD_URL_RE.flags);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let url = m[0];
    let end = url.length;
    while (end > 0 && '.,;:!?'.includes(url[end - 1])) end--;
    const trimmed = url.slice(0, end);
    if (trimmed.length > url.indexOf('//') + 2) url = trimmed;
    const hostStart = url.indexOf('//') + 2;
    let hostEnd = hostStart;
    while (hostEnd < url.length && !'/?#:'.includes(url[hostEnd])) hostEnd++;
    const provider = classify(url.slice(hostStart, hostEnd).toLowerCase());
    if (!provider) continue;
    out.push({
      start: m.index,
      end: m.index + url.length,
      url,
      provider,
      templated: /\$\{|\{\{|\{|\}/.test(url),
      wildcard: url.includes('*'),
    });
  }
  return out;
}

const TEXT_PIECES = [
  'https://ik.imagekit.io/demo/',
  'http://assets.imgix.net/',
  'HTTPS://you.imgix.net/a',
  'https://example.com/x',
  'https://',
  'http:/',
  '(',
  ')',
  '()',
  '(a)',
  '((',
  '))',
  '.',
  ',',
  ';',
  ':',
  '!',
  '?',
  '...',
  ' ',
  '\n',
  '\t',
  '"',
  "'",
  '<',
  '>',
  '`',
  '\\',
  '[',
  ']',
  '|',
  '^',
  '*',
  '{',
  '}',
  '${x}',
  '{{y}}',
  'a',
  'b.jpg',
  '/',
  '#',
  '%20',
  'ü',
  '😀',
  '\u00a0',
  '\u2028',
];
const scanText_ = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.constantFrom(...TEXT_PIECES), { maxLength: 40 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: anyString(200) },
);

// ---- globs --------------------------------------------------------------------------------------------------------

/** Globs of the syntax shared with picomatch (no parentheses, extglobs, "." segments or trailing empty alternatives). */
const globSegment = fc.oneof(
  fc.stringMatching(/^[ab.x]{1,3}$/).filter((s) => !/^\.+$/.test(s)),
  fc.constantFrom(
    '*',
    '**',
    '?',
    '[a-b]',
    '[^a]',
    '{a,b}',
    '{a,bx}',
    'b{,x}',
    '*.{a,x}',
    '{1..3}',
    'a*',
    '*b',
    'x?',
    '[ab]*',
  ),
);
const sharedGlob = fc.array(globSegment, { minLength: 1, maxLength: 4 }).map((a) => a.join('/'));
const globPath = fc
  .array(fc.stringMatching(/^([abx1-3]{1,3}|\.[ab])$/), { minLength: 1, maxLength: 5 })
  .map((a) => a.join('/'));
/** picomatch, with the one documented difference: "x/**" also matches "x" itself (picomatch does so only for some x). */
function picomatchOracle(glob: string, path: string): boolean {
  if (picomatch(glob, { dot: true })(path)) return true;
  const stripped = glob.replace(/(\/\*\*)+$/, '');
  return stripped !== glob && stripped !== '' && picomatch(stripped, { dot: true })(path);
}
const anyGlob = fc.oneof(
  anyString(60),
  fc
    .array(
      fc.constantFrom(
        '*',
        '**',
        '?',
        '[',
        ']',
        '{',
        '}',
        ',',
        '..',
        '!',
        '@(',
        '(',
        ')',
        '|',
        '/',
        'a',
        '-',
        '^',
        '[:alpha:]',
        '{1..9}',
        '\\',
      ),
      { maxLength: 30 },
    )
    .map((a) => a.join('')),
);
/** Many stars against a long run of one letter: exponential for a backtracking matcher. */
const pathologicalGlob = fc
  .record({
    stars: fc.integer({ min: 1, max: 60 }),
    letter: fc.constantFrom('a', 'ab'),
    tail: fc.constantFrom('b', '', '/x', '.png'),
    deep: fc.boolean(),
  })
  .map(({ stars, letter, tail, deep }) => `${deep ? '**/' : ''}${`*${letter}`.repeat(stars)}*${tail}`);

// ---- keys ---------------------------------------------------------------------------------------------------------

const KEY_CHARS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=-~'];
const keyArb = fc
  .record({
    core: fc.array(fc.constantFrom(...KEY_CHARS), { minLength: 8, maxLength: 40 }).map((a) => a.join('')),
    pad: fc.constantFrom('', ' ', '  ', '\t'),
  })
  .map(({ core, pad }) => ({ core, given: `${pad}${core}${pad}` }));
/** The forms the key travels in, computed here with Buffer directly: an oracle independent of secretForms. */
function oracleForms(core: string): string[] {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const out: string[] = [];
  for (const p of [core, `${core}:`, `${core}:do_not_set`]) {
    out.push(p, encodeURIComponent(p));
    const b = b64(p);
    out.push(
      b,
      b.replace(/=+$/, ''),
      b.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
      encodeURIComponent(b),
    );
  }
  return out;
}
/** Text that cannot contain any part of a key form by chance: its alphabet shares nothing with base64 or the key. */
const filler = fc
  .array(fc.constantFrom(' ', '.', ',', ';', '!', '"', '<', '>', 'é', '日', '\n', '\x1b', '\u202e', '...', '…'), {
    maxLength: 30,
  })
  .map((a) => a.join(''));

// Control characters are what safeText must not let through.
const UNSAFE_SINGLE_LINE =
  // eslint-disable-next-line no-control-regex
  /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb\u{e0000}-\u{e007f}]/u;
// As above; line breaks and tabs allowed.
const UNSAFE_MULTILINE =
  // eslint-disable-next-line no-control-regex
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb\u{e0000}-\u{e007f}]/u;

// ---- response bodies ----------------------------------------------------------------------------------------------

const bodyArb = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('utf8')),
  anyString(300),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        requestId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        message: fc.oneof(fc.string(), fc.integer()),
        help: fc.string(),
        status: fc.oneof(fc.constantFrom('Pending', 'Completed'), fc.string(), fc.integer()),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        data: fc.oneof(
          fc.record(
            { id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), type: fc.string() },
            { requiredKeys: [] },
          ),
          fc.string(),
          fc.constant(null),
        ),
        errors: fc.oneof(
          fc.array(
            fc.record({ title: fc.oneof(fc.string(), fc.integer()), detail: fc.string() }, { requiredKeys: [] }),
          ),
          fc.string(),
        ),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '',
    '<html><body>Login to Wi-Fi</body></html>',
    '{',
    'null',
    '[]',
    '"x"',
    '\x1b[2J{"requestId":"x"}',
    '{"requestId":"598821f949c0a938d57563bd"}',
    '{"requestId":""}',
    '{"status":"Pending"}',
    '{"status":"Completed"}',
    '{"status":"Complete"}',
    '{"data":{"type":"purges","id":"a794e260"}}',
    '{"data":{"type":"purge","id":"x"}}',
    '<html>private_k3y_Secret+/= is your key</html>',
  ),
);
/** Content types as servers send them: JSON ones (with parameters, in any case), HTML, none, junk. */
const contentTypeArb = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON',
    'application/vnd.api+json',
    ' application/vnd.api+json ; ext=x',
    'application/problem+json',
    'text/html; charset=utf-8',
    'text/plain',
    'application/jsonx',
    'text/json',
    'application/+json',
    'json',
    '',
    ';',
  ),
  anyString(30),
);
const headersArb = fc
  .record(
    {
      'content-type': contentTypeArb,
      'x-ik-requestid': fc.constantFrom('5f0c-aa', 'bad id', ''),
      location: fc.constantFrom('/login'),
    },
    { requiredKeys: [] },
  )
  .map((h) => h as Record<string, string>);

// The oracle of "the documented shape", written here from the providers' documents (not from the parsers):
// JSON's media types are application/json and the RFC 6839 application/*+json ones, parameters and case aside.
function oracleMediaType(headers: Record<string, string>): string {
  return (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}
function oracleIsJsonType(t: string): boolean {
  if (t === 'application/json') return true;
  const m = /^application\/(.+)\+json$/.exec(t);
  return m !== null && /^[a-z0-9!#$&^_.-]+$/.test(m[1]);
}
function oracleJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const statusArb = fc.oneof(
  fc.constantFrom(200, 201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503),
  fc.integer({ min: 0, max: 999 }),
);

function assertOutcomeShape(
  o: { ok: boolean; httpStatus: number; requestId?: unknown; message?: unknown; help?: unknown; hint?: unknown },
  status: number,
): void {
  assert.equal(o.httpStatus, status);
  for (const k of ['requestId', 'message', 'help', 'hint'] as const)
    if (o[k] !== undefined) assert.equal(typeof o[k], 'string', `${k} is ${typeof o[k]}`);
}

// ---- the properties -----------------------------------------------------------------------------------------------

const IK_CHECKERS = [imagekit.checker({}), imagekit.checker({ endpoints: ENDPOINTS })];
const IX_CHECKERS = [
  imgix.checker({}),
  imgix.checker({ endpoints: ['https://assets.imgix.net', 'images.example.com'] }),
  imgix.checker({ sourceId: '5ebee107e9c05c0001d9c2d3', subImage: true }),
];
const CLASSIFY = classifierFrom({ imagekit: IK_CHECKERS[1], imgix: IX_CHECKERS[0] });
const LINT_CHECKERS = { imagekit: IK_CHECKERS[1], imgix: IX_CHECKERS[0] };

export const PROPERTIES: FuzzProperty[] = [
  property('url: parseUrl never throws; a parsed URL is consistent with its input', urlInput, (raw) => {
    const r = parseUrl(raw);
    const input = raw.trim();
    if (!r.ok) {
      assertProblems([r.problem], input);
      return;
    }
    const u = r.url;
    assert.equal(u.input, input);
    assert.ok(input.length <= MAX_URL_LENGTH);
    assert.ok(u.scheme === 'http' || u.scheme === 'https');
    assert.equal(u.hostname, u.hostname.toLowerCase());
    assert.equal(u.origin, `${u.scheme}://${u.hostname}${u.port ? `:${u.port}` : ''}`);
    assert.ok(u.rawPath.startsWith('/'));
    const written = input.slice(u.pathStart, u.pathStart + u.rawPath.length);
    assert.ok(
      written === u.rawPath || (u.rawPath === '/' && written !== '/'),
      `path ${u.rawPath} is not at ${u.pathStart} of ${input}`,
    );
    if (u.rawQuery !== undefined) assert.ok(input.includes(`?${u.rawQuery}`));
    if (u.rawFragment !== undefined) assert.ok(input.endsWith(`#${u.rawFragment}`));
  }),

  property('url: encodeExact is printable ASCII, idempotent, and decodeLoose undoes it', anyString(), (s) => {
    const e = encodeExact(s);
    assert.match(e, PRINTABLE_ASCII);
    assert.equal(encodeExact(e), e);
    assert.ok(!/%(?![0-9A-Fa-f]{2})/.test(e), `a bare % in ${e}`);
    if (!s.includes('%') && !/[\ud800-\udfff]/u.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')))
      assert.equal(decodeLoose(e), s);
    decodeLoose(s);
  }),

  property(
    'imagekit: the checker never throws; ok means sendable, stable and under the limits',
    fc.tuple(fc.constantFrom(0, 1), urlInput),
    ([i, raw]) => {
      const t = assertTarget(IK_CHECKERS[i], raw);
      if (t.ok) {
        assert.ok(t.base !== undefined && t.normalized!.startsWith(t.base), `${t.normalized} is not under ${t.base}`);
        for (const p of t.problems)
          for (const f of p.fixes ?? [])
            assert.equal(IK_CHECKERS[i].check(f.replacement).ok, true, `fix ${f.replacement} is invalid`);
      }
    },
  ),

  property(
    'imgix: the checker never throws; ok means an exact host-name URL without parameters',
    fc.tuple(fc.constantFrom(0, 1, 2), urlInput),
    ([i, raw]) => {
      const t = assertTarget(IX_CHECKERS[i], raw);
      if (t.ok) {
        const n = t.normalized;
        assert.ok(n !== undefined);
        assert.ok(!n.includes('?') && !n.includes('*'), n);
        const host = n.slice(n.indexOf('//') + 2).split(/[/:]/)[0];
        assert.equal(hostNameProblem(host), undefined, `${host} is not a host name`);
        if (i === 1) assert.ok(['assets.imgix.net', 'images.example.com'].includes(host), host);
        if (i === 2) assert.deepEqual(t.attributes, { source_id: '5ebee107e9c05c0001d9c2d3', sub_image: true });
      }
    },
  ),

  property(
    'scanner: same URLs as the regular expression it replaced; exact offsets; never throws',
    scanText_,
    (text) => {
      const found = scanText(text, CLASSIFY);
      assert.deepEqual(found, oldScan(text, CLASSIFY));
      let last = 0;
      for (const m of found) {
        assert.equal(text.slice(m.start, m.end), m.url);
        assert.ok(m.start >= last, 'overlapping or unsorted');
        last = m.end;
      }
      const one = scanText(text, CLASSIFY, 1);
      assert.equal(one.truncated !== undefined, found.length > 1);
      if (one.truncated) assert.deepEqual(one.truncated.next, found[1]);
    },
  ),

  property('lint: never throws; every finding lies inside its URL and has a known code', scanText_, (text) => {
    for (const f of lintText(text, LINT_CHECKERS)) {
      assert.ok(CODES.has(f.problem.code));
      assert.ok(f.problem.severity !== 'info');
      assert.ok(
        f.urlStart <= f.start && f.start <= f.end && f.end <= f.urlEnd && f.urlEnd <= text.length,
        `${f.start}-${f.end} outside ${f.urlStart}-${f.urlEnd}`,
      );
      assert.equal(text.slice(f.urlStart, f.urlEnd), f.url);
    }
  }),

  property(
    'planner (ImageKit): every valid input covered, every request valid, never more requests than URLs',
    fc.tuple(fc.constantFrom(0, 1), fc.array(ikUrl, { maxLength: 25 }), coalesceArb),
    ([i, urls, coalesce]) => {
      checkInvariants(urls, IK_CHECKERS[i], coalesce, planPurge(urls, IK_CHECKERS[i], { coalesce }));
    },
  ),

  property(
    'planner (imgix and hostile input): requests valid, de-duplicated, covering every valid input',
    fc.tuple(fc.constantFrom(0, 1), fc.array(urlInput, { maxLength: 15 })),
    ([i, urls]) => {
      const checker = IX_CHECKERS[i];
      const plan = planPurge(urls, checker);
      const valid = new Set(
        urls
          .filter((u) => u.trim() !== '')
          .map((u) => checker.check(u))
          .filter((t) => t.ok)
          .map((t) => t.normalized!),
      );
      assert.deepEqual(new Set(plan.requests.map((r) => r.url)), valid);
      assert.equal(plan.requests.length, valid.size);
      for (const r of plan.requests) assert.equal(checker.check(r.url).ok, true);
      // ImageKit on the same hostile input: the planner's own invariants.
      checkInvariants(urls, IK_CHECKERS[1], undefined, planPurge(urls, IK_CHECKERS[1]));
    },
  ),

  property(
    'glob: the same answers as picomatch on their shared syntax',
    fc.tuple(sharedGlob, globPath),
    ([glob, path]) => {
      const c = compileGlob(glob);
      assert.ok(c.ok, c.ok ? '' : c.error);
      assert.equal(c.glob.match(path), picomatchOracle(glob, path), `${glob} against ${path}`);
    },
  ),

  property(
    'glob: any glob compiles or is refused with a message; matching is linear in the path',
    fc.tuple(
      fc.oneof(anyGlob, pathologicalGlob),
      fc.oneof(
        globPath,
        fc.nat(4100).map((n) => 'a'.repeat(n)),
        fc.nat(2000).map((n) => 'a/'.repeat(n)),
        anyString(200),
      ),
    ),
    ([glob, path]) => {
      const c = compileGlob(glob);
      if (!c.ok) {
        assert.ok(c.error.length > 0 && c.error.length < 400, c.error);
        return;
      }
      c.glob.match(path);
      assert.ok(
        c.glob.lastSteps <= ([...path].length + 1) * c.glob.states,
        `${c.glob.lastSteps} steps for ${path.length} characters × ${c.glob.states} states`,
      );
    },
  ),

  property(
    'mapping: never throws; a mapped URL is the rule prefix plus the encoded path, and a valid URL',
    fc.tuple(
      fc.array(
        fc.record({
          glob: fc.oneof(sharedGlob, anyGlob),
          url: fc.constantFrom(
            'https://ik.imagekit.io/demo/img/',
            'https://assets.imgix.net/{relative}',
            'https://ik.imagekit.io/demo/{dir}/{stem}.{ext}',
            'ftp://x/',
            'https://x.example/{bogus}',
          ),
        }),
        { maxLength: 4 },
      ),
      fc.oneof(globPath, anyString(80)),
    ),
    ([rules, path]) => {
      const m = new PathMapper(rules);
      const r = m.mapFile(path);
      if (r) {
        assert.ok(/^https?:\/\//.test(r.url));
        assert.ok(!/\s/.test(r.url), `whitespace in ${r.url}`);
        assert.equal(r.path, normalizeRelPath(path));
        if (!r.rule.url.includes('{'))
          assert.ok(r.url.startsWith(r.rule.url.endsWith('/') ? r.rule.url : `${r.rule.url}/`));
      }
      for (const f of m.mapFolder(path)) assert.ok(f.prefix.endsWith('/'), f.prefix);
    },
  ),

  property(
    'cli stdin: any text cut into any chunks gives the lines of the whole text, or the line limit',
    fc.tuple(
      fc.oneof(
        anyString(300),
        fc
          .array(
            fc.constantFrom('https://ik.imagekit.io/demo/a.jpg', '\n', '\r\n', '\r', 'ü', '日本', '😀', '# c', ' '),
            { maxLength: 40 },
          )
          .map((a) => a.join('')),
        fc.nat(40).map((n) => `${'x'.repeat(MAX_LINE_LENGTH - 20 + n)}\n`),
      ),
      fc.array(fc.nat(), { maxLength: 8 }),
    ),
    ([text, cuts]) => {
      const bytes = Buffer.from(text, 'utf8');
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const chunks = [0, ...points, bytes.length]
        .slice(1)
        .map((end, i, all) => bytes.subarray(i === 0 ? 0 : all[i - 1], end));
      const decoded = bytes.toString('utf8');
      const expected = decoded.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
      // The empty rest after a final "\n" (or of an empty text) is no line.
      if (decoded === '' || decoded.endsWith('\n')) expected.pop();
      const splitter = new LineSplitter();
      let lines: string[];
      try {
        lines = [...chunks.flatMap((c) => splitter.push(c)), ...splitter.end()];
      } catch (e) {
        assert.match((e as Error).message, /limit: stdin line length/);
        assert.ok(
          expected.some((l) => l.length > MAX_LINE_LENGTH),
          'refused without a line over the limit',
        );
        return;
      }
      assert.ok(
        expected.every((l) => l.length <= MAX_LINE_LENGTH),
        'a line over the limit was accepted',
      );
      assert.deepEqual(lines, expected);
    },
  ),

  property(
    'git refs: any text is a ref or refused with a reason; an accepted ref is never an option or a URL',
    fc.oneof(
      anyString(40),
      urlish,
      fc
        .array(
          fc.constantFrom(
            'main',
            'origin',
            '/',
            '.',
            '..',
            '~',
            '^',
            '1',
            '@',
            '{',
            '}',
            '-',
            'v1.2',
            '.lock',
            ' ',
            ':',
            'ik.imagekit.io',
            'x',
          ),
          { maxLength: 8 },
        )
        .map((a) => a.join('')),
    ),
    (ref) => {
      const why = gitRefProblem(ref);
      if (why !== undefined) {
        assert.ok(why.length > 0);
        return;
      }
      assert.ok(!ref.startsWith('-') && !looksLikeUrl(ref) && ref.trim() !== '', ref);
      // eslint-disable-next-line no-control-regex -- an accepted ref has no control character
      assert.doesNotMatch(ref, /[\x00-\x20\x7f:?*[\\]|\.\.|@\{|\/\/|^\/|\/$|\.lock(\/|$)|(^|\/)\./, ref);
    },
  ),

  property(
    'cdn-purge.json: any text parses or errors, never throws; the result has the documented shape',
    fc.oneof(
      anyString(200),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            imagekit: fc.record({ endpoints: fc.array(fc.string()) }),
            imgix: fc.record(
              { domains: fc.array(fc.string()), sourceId: fc.string(), subImage: fc.boolean() },
              { requiredKeys: [] },
            ),
            mappings: fc.array(fc.record({ glob: fc.string(), url: fc.string() })),
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
      fc.tuple(fc.constantFrom('\ufeff', ''), fc.jsonValue()).map(([b, v]) => b + JSON.stringify(v)),
    ),
    (text) => {
      const { config, errors } = parseProjectConfig(text);
      assert.ok(Array.isArray(errors) && errors.every((e) => typeof e === 'string' && e.length > 0));
      const ik = providerConfigFrom(config, imagekit);
      const ix = providerConfigFrom(config, imgix);
      assert.ok(ik.endpoints?.every((e) => typeof e === 'string'));
      assert.ok(ix.endpoints?.every((e) => typeof e === 'string'));
      assert.ok(ix.sourceId === undefined || typeof ix.sourceId === 'string');
      assert.ok(ix.subImage === undefined || typeof ix.subImage === 'boolean');
      assert.ok(
        Array.isArray(config.mappings) &&
          config.mappings.every((m) => typeof m === 'object' && m !== null && !Array.isArray(m)),
      );
      // The extension and the CLI build their checkers and mapper from it: those never throw either.
      imagekit.checker(ik);
      imgix.checker(ix);
      new PathMapper(config.mappings);
    },
  ),

  property(
    'responses: the parsers take any status, bytes and headers without throwing, and only the documented shape is a success',
    fc.tuple(statusArb, bodyArb, headersArb, fc.constantFrom(undefined, ['private_k3y_Secret+/='])),
    ([status, body, headers, keys]) => {
      const type = oracleMediaType(headers);
      const json = oracleJson(body);
      const ik = imagekit.parsePurge(status, body, headers, keys);
      assertOutcomeShape(ik, status);
      // ImageKit: 201 (or 200), a JSON media type, {"requestId": non-empty string}; nothing else is accepted.
      const ikDocumented =
        (status === 201 || status === 200) &&
        oracleIsJsonType(type) &&
        isObject(json) &&
        typeof json.requestId === 'string' &&
        json.requestId.length > 0;
      assert.equal(ik.ok, ikDocumented, `ImageKit ok=${ik.ok} on ${status} ${type} ${body.slice(0, 80)}`);
      assert.equal(ik.status === 'accepted', ikDocumented);
      if (!ik.ok) assert.ok(['failed', 'unknown'].includes(ik.status), ik.status);
      // An unexpected answer is said so, with a safe excerpt, and is unknown (it may have reached ImageKit: counted).
      if (ik.unexpected) {
        assert.doesNotMatch(ik.unexpected.excerpt, UNSAFE_SINGLE_LINE);
        assert.ok(ik.unexpected.excerpt.length <= 200);
        assert.equal(ik.unexpected.fromProvider, oracleIsJsonType(type) || 'x-ik-requestid' in headers);
        assert.equal(ik.status, 'unknown');
      }
      if (status >= 200 && status < 400 && !ikDocumented)
        assert.ok(ik.unexpected, 'a 2xx/3xx not documented is unexpected');
      for (const k of keys ?? []) assert.ok(!JSON.stringify(ik).includes(k), 'a key in the ImageKit outcome');

      const st = imagekit.status!.parse(status, body, headers, keys);
      assertOutcomeShape(st, status);
      const stDocumented =
        status === 200 &&
        oracleIsJsonType(type) &&
        isObject(json) &&
        (json.status === 'Pending' || json.status === 'Completed');
      assert.equal(st.ok, stDocumented, `status ok=${st.ok} on ${status} ${type} ${body.slice(0, 80)}`);
      if (st.ok) assert.equal(st.status, (json as { status: string }).status);

      const ix = imgix.parsePurge(status, body, headers, keys);
      assertOutcomeShape(ix, status);
      // imgix: 200 with a JSON media type and {"data": {"type": "purges"}}; a 409 JSON error is a duplicate.
      const ixDocumented =
        status === 200 &&
        oracleIsJsonType(type) &&
        isObject(json) &&
        isObject(json.data) &&
        json.data.type === 'purges';
      const ixDuplicate = status === 409 && oracleIsJsonType(type);
      assert.equal(ix.ok, ixDocumented || ixDuplicate, `imgix ok=${ix.ok} on ${status} ${type} ${body.slice(0, 80)}`);
      assert.equal(ix.status === 'accepted', ixDocumented);
      assert.equal(ix.status === 'duplicate', ixDuplicate);
      if (ix.unexpected) assert.equal(ix.unexpected.fromProvider, oracleIsJsonType(type));
      for (const k of keys ?? []) assert.ok(!JSON.stringify(ix).includes(k), 'a key in the imgix outcome');
    },
  ),

  property(
    'redact: no form of the key survives, trimmed or untrimmed, wherever it is in the text',
    fc.tuple(keyArb, fc.array(fc.tuple(filler, fc.nat(16)), { maxLength: 4 }), filler),
    ([key, parts, tail]) => {
      const forms = oracleForms(key.core);
      const text = parts.map(([f, i]) => f + forms[i % forms.length]).join('') + tail;
      const out = redact(text, [key.given]);
      for (const f of forms) assert.ok(!out.includes(f), `${JSON.stringify(f)} survives in ${JSON.stringify(out)}`);
      // Nothing else is touched: the filler shares no character with a key form (but the key given with spaces
      // around it is a form, spaces included).
      const bare = (s: string) => s.replace(/\*\*\*/g, '').replace(/\s/g, '');
      assert.equal(bare(out), bare(parts.map(([f]) => f).join('') + tail));
      assert.equal(redact(text, []), text);
    },
  ),

  property(
    'redact: a form cut by an excerpt mark ("..." or "…") keeps fewer than 4 of its characters next to the mark',
    fc.tuple(keyArb, fc.nat(16), fc.nat(80), fc.constantFrom('...', '\u2026'), fc.boolean(), filler, filler),
    ([key, i, cut, mark, atEnd, a, b]) => {
      const forms = oracleForms(key.core);
      const form = forms[i % forms.length];
      const n = 4 + (cut % Math.max(1, form.length - 4));
      const piece = atEnd ? form.slice(0, n) : form.slice(form.length - n);
      const text = atEnd ? `${a}${piece}${mark}${b}` : `${a}${mark}${piece}${b}`;
      const out = redact(text, [key.given]);
      assert.ok(out.includes(mark), `the mark is gone from ${JSON.stringify(out)}`);
      // The filler shares no character with a key form, so any 4 characters of the piece left are the key's.
      for (let i = 0; i + 4 <= piece.length; i++)
        assert.ok(
          !out.includes(piece.slice(i, i + 4)),
          `${JSON.stringify(piece.slice(i, i + 4))} of a cut key form in ${JSON.stringify(out)}`,
        );
    },
  ),

  property(
    'safeText: no control, bidi or tag character, at most max characters, no key form',
    fc.tuple(
      fc.oneof(
        anyString(400),
        fc
          .array(
            fc.constantFrom(
              '\x1b[2J',
              '\x1b]0;t\x07',
              '\u009b',
              '\r',
              '\n',
              '\u202e',
              '\u2066',
              '\u{e0041}',
              '\ud800',
              'ok',
              ' ',
              '😀',
              '...',
            ),
            { maxLength: 60 },
          )
          .map((a) => a.join('')),
      ),
      keyArb,
      fc.nat(17),
      fc.integer({ min: 1, max: 300 }),
      fc.boolean(),
      fc.nat(400),
    ),
    ([text, key, formIndex, max, multiline, at]) => {
      const forms = oracleForms(key.core);
      const withKey = text.slice(0, at) + forms[formIndex % forms.length] + text.slice(at);
      const out = safeText(withKey, { keys: [key.given], max, multiline });
      assert.ok(out.length <= Math.max(4, max), `${out.length} > ${max}`);
      assert.doesNotMatch(out, multiline ? UNSAFE_MULTILINE : UNSAFE_SINGLE_LINE, JSON.stringify(out));
      if (!multiline) assert.ok(!/[\n\t\r]/.test(out));
      assert.ok(
        !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(out),
        'a lone surrogate',
      );
      for (const f of forms) assert.ok(!out.includes(f), `${JSON.stringify(f)} in ${JSON.stringify(out)}`);
      // No 8 characters of the key in a row, even at the cut.
      for (let i = 0; i + 8 <= key.core.length; i++)
        assert.ok(!out.includes(key.core.slice(i, i + 8)), `key characters ${i}..${i + 8} in ${JSON.stringify(out)}`);
    },
  ),
];

export interface RunOptions {
  numRuns: number;
  seed?: number;
  /** A case taking longer than this (ms) is a failure: a blow-up. Undefined: no bound (npm test: no timed assertions). */
  caseMs?: number;
  /** Called every so often with the number of cases done (the fuzz runner's watchdog listens). */
  onProgress?: (done: number) => void;
  /** The whole property may take at most this long (ms); past it fast-check stops and the property fails. */
  propertyMs?: number;
}

export interface RunResult {
  name: string;
  cases: number;
  failed: boolean;
  /** fast-check's report: the seed, the path, the shrunk counterexample and the error. */
  report?: string;
  slowestMs: number;
}

export function runProperty(p: FuzzProperty, options: RunOptions): RunResult {
  let cases = 0;
  let slowest = 0;
  let lastReport = 0;
  const prop = fc.property(p.arbitrary, (value) => {
    const t0 = performance.now();
    p.check(value);
    const ms = performance.now() - t0;
    cases++;
    if (ms > slowest) slowest = ms;
    if (options.caseMs !== undefined && ms > options.caseMs)
      throw new Error(`one case took ${ms.toFixed(0)} ms, more than the ${options.caseMs} ms bound: a blow-up`);
    if (options.onProgress && cases - lastReport >= 500) {
      lastReport = cases;
      options.onProgress(cases);
    }
  });
  const details = fc.check(prop, {
    numRuns: options.numRuns,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.propertyMs !== undefined
      ? { interruptAfterTimeLimit: options.propertyMs, markInterruptAsFailure: true }
      : {}),
  });
  return {
    name: p.name,
    cases: details.numRuns,
    failed: details.failed,
    ...(details.failed ? { report: fc.defaultReportMessage(details) ?? 'failed' } : {}),
    slowestMs: slowest,
  };
}
