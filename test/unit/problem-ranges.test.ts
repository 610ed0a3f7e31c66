// Every problem code that has a range (the part of the URL a diagnostic underlines) is checked here: the range as
// the checker gives it (input.slice(start, end), written out literally) and, for what the editor lints, as the
// diagnostics place it in a document. A last test makes sure no code with a range is missing from the table.
import assert from 'node:assert/strict';
import { lintText } from '../../src/core/lint';
import { PROBLEM_CODES, type ProblemCode } from '../../src/core/problems';
import { imagekit } from '../../src/core/providers/imagekit';
import { imgix } from '../../src/core/providers/imgix';
import type { ProviderConfig, ProviderPlugin } from '../../src/core/providers/types';

interface Case {
  code: ProblemCode;
  provider: ProviderPlugin;
  config?: ProviderConfig;
  input: string;
  /** input.slice(start, end) */
  range: string;
  /** Where it starts, for ranges whose text occurs more than once. */
  at?: number;
  why: string;
}

const IK = 'https://ik.imagekit.io/demo';

const CASES: Case[] = [
  { code: 'not-http', provider: imagekit, input: 'ftp://ik.imagekit.io/demo/a.jpg', range: 'ftp:', why: 'the scheme' },
  {
    code: 'invalid-url',
    provider: imagekit,
    input: 'https://user:pw@ik.imagekit.io/demo/a.jpg',
    range: 'user:pw@ik.imagekit.io',
    why: 'credentials: the authority',
  },
  {
    code: 'invalid-url',
    provider: imgix,
    input: 'https://exa mple.imgix.net/a.png',
    range: 'exa mple.imgix.net',
    why: 'a bad host',
  },
  {
    code: 'invalid-url',
    provider: imagekit,
    input: 'https://ik.imagekit.io\\demo\\a.jpg',
    range: '\\',
    at: 'https://ik.imagekit.io'.length,
    why: 'the first backslash after the host',
  },
  {
    code: 'wildcard-query',
    provider: imagekit,
    input: `${IK}/images/upload*?tr=w-100`,
    range: '?tr=w-100',
    why: 'the query after the wildcard',
  },
  {
    code: 'wildcard-not-at-end',
    provider: imagekit,
    input: `${IK}/folder/*/sample.jpg`,
    range: '*',
    at: `${IK}/folder/`.length,
    why: 'the first "*"',
  },
  {
    code: 'wildcard-too-broad',
    provider: imagekit,
    input: `${IK}/images*`,
    range: '/images*',
    why: 'the path counted after the imagekitId',
  },
  {
    code: 'wildcard-too-broad',
    provider: imagekit,
    config: { endpoints: ['https://ik.imagekit.io/demo/pat'] },
    input: 'https://ik.imagekit.io/demo/pat/x*',
    range: '/x*',
    why: 'after the imagekitId and the URL pattern',
  },
  {
    code: 'wildcard-too-broad',
    provider: imagekit,
    config: { endpoints: ['https://images.example.com/cdn'] },
    input: 'https://images.example.com/cdn/a*',
    range: '/a*',
    why: "after a custom domain's path",
  },
  {
    code: 'wildcard-too-broad',
    provider: imagekit,
    config: { endpoints: ['https://ik.imagekit.io/demo/bilder-ü'] },
    input: 'https://ik.imagekit.io/demo/bilder-ü/x*',
    range: '/x*',
    why: 'after a non-ASCII URL pattern, as written (not encoded)',
  },
  {
    code: 'wildcard-too-broad',
    provider: imagekit,
    input: 'ik.imagekit.io/demo/images*',
    range: '/images*',
    why: 'with no scheme written (https:// assumed): offsets in the input as given',
  },
  {
    code: 'wildcard-path-unsupported',
    provider: imagekit,
    input: `${IK}/media/catalog/*`,
    range: '/media/catalog/*',
    why: 'the refused path, counted after the imagekitId',
  },
  {
    code: 'wildcard-path-unsupported',
    provider: imagekit,
    config: { endpoints: ['https://ik.imagekit.io/demo/pat'] },
    input: 'https://ik.imagekit.io/demo/pat/s/files/*',
    range: '/s/files/*',
    why: 'after the URL pattern',
  },
  {
    code: 'imgix-no-wildcard',
    provider: imgix,
    input: 'https://assets.imgix.net/images/*',
    range: '*',
    why: 'the "*"',
  },
  {
    code: 'imgix-query-dropped',
    provider: imgix,
    input: 'https://assets.imgix.net/dogs.png?w=400&h=300',
    range: '?w=400&h=300',
    why: 'the parameters',
  },
  {
    code: 'imgix-query-dropped',
    provider: imgix,
    input: 'https://assets.imgix.net/dogs.png#top',
    range: '#top',
    why: 'a fragment',
  },
];

/** The codes the editor's linter reports (errors and warnings on wildcard URLs). */
const LINTED: ProblemCode[] = [
  'wildcard-query',
  'wildcard-not-at-end',
  'wildcard-too-broad',
  'wildcard-path-unsupported',
  'imgix-no-wildcard',
];

describe('problem ranges: every code that has one', () => {
  for (const c of CASES) {
    it(`${c.code}: ${c.why} — "${c.range}" of ${c.input}`, () => {
      const t = c.provider.checker(c.config ?? {}).check(c.input);
      const p = t.problems.find((x) => x.code === c.code);
      assert.ok(p, `${c.code} among ${t.problems.map((x) => x.code).join(', ')}`);
      assert.ok(p.start !== undefined && p.end !== undefined, 'it has a range');
      assert.equal(t.input.slice(p.start, p.end), c.range);
      if (c.at !== undefined) assert.equal(p.start, c.at);
      else assert.equal(p.start, c.input.lastIndexOf(c.range), 'the range is where the text is');
    });
  }

  // The scanner finds URLs written with their scheme, so those are what the editor lints.
  for (const c of CASES.filter((x) => LINTED.includes(x.code) && x.input.startsWith('https://'))) {
    it(`lint places ${c.code} at "${c.range}" inside a document (${c.why})`, () => {
      const before = 'line one\n  <img src="';
      const text = `${before}${c.input}"> and more`;
      const checkers = { [c.provider.id]: c.provider.checker(c.config ?? {}) };
      const f = lintText(text, checkers).find((x) => x.problem.code === c.code);
      assert.ok(f, `a ${c.code} finding`);
      assert.equal(text.slice(f.start, f.end), c.range);
      assert.equal(f.start, before.length + (c.at ?? c.input.lastIndexOf(c.range)));
      assert.equal(text.slice(f.urlStart, f.urlEnd), c.input);
    });
  }

  it('no code that can have a range is missing from the table', () => {
    // A corpus of inputs that produce every code the checkers know; any ranged code among them must be in CASES.
    const corpus = [
      ...CASES.map((c) => [c.provider, c.config ?? {}, c.input] as const),
      ...[
        'https://ik.imagekit.io/demo/a b.jpg',
        '//ik.imagekit.io/demo/a.jpg',
        'https://ik.imagekit.io/demo/a.jpg#x',
        'https://ik.imagekit.io/demo',
        'https://images.example.com/a.jpg',
        'mailto:x',
        '',
        `https://ik.imagekit.io/demo/${'a'.repeat(9000)}`,
        'https://ik.imagekit.io/demo/s/files/*',
      ].map((u) => [imagekit, {}, u] as const),
      ...[
        'https://assets.imgix.net/a b.png',
        'https://assets.imgix.net/',
        'https://assets.imgix.net/clip.mp4',
        'https://a_b.imgix.net/a.png',
        'assets.imgix.net/a.png',
      ].map((u) => [imgix, {}, u] as const),
      [imgix, { endpoints: ['https://assets.imgix.net'] }, 'https://other.imgix.net/a.png'] as const,
      [imgix, { subImage: true }, 'https://assets.imgix.net/mark.png'] as const,
      [imgix, { sourceId: 'zz' }, 'https://assets.imgix.net/mark.png'] as const,
    ];
    const ranged = new Set<string>();
    for (const [p, config, input] of corpus)
      for (const x of p.checker(config).check(input).problems) if (x.start !== undefined) ranged.add(x.code);
    const tabled = new Set(CASES.map((c) => c.code));
    assert.deepEqual(
      [...ranged].filter((c) => !tabled.has(c as ProblemCode)),
      [],
      'a code with a range that this file does not check',
    );
    assert.ok([...tabled].every((c) => (PROBLEM_CODES as readonly string[]).includes(c)));
  });
});
