// The mapping globs' matcher (src/core/glob.ts): the syntax README "cdn-purge.json" documents, what it refuses
// and why, and that matching costs steps in proportion to the path (counted, never timed). The fuzzer compares it
// with picomatch on random globs of the shared syntax (test/fuzz/properties.ts).
import assert from 'node:assert/strict';
import { compileGlob, type CompiledGlob } from '../../src/core/glob';
import { MAX_GLOB_LENGTH, MAX_GLOB_STATES, MAX_PATH_LENGTH } from '../../src/core/limits';
import { PathMapper } from '../../src/core/mapping';

function glob(g: string): CompiledGlob {
  const r = compileGlob(g);
  if (!r.ok) assert.fail(`${g}: ${r.error}`);
  return r.glob;
}
function refused(g: string): string {
  const r = compileGlob(g);
  assert.equal(r.ok, false, `${g} was accepted`);
  return r.ok ? '' : r.error;
}

describe('glob: syntax', () => {
  const cases: Array<[string, string[], string[]]> = [
    [
      'public/images/**',
      ['public/images/a.png', 'public/images/a/b/c.png', 'public/images'],
      ['public/imagesx/a.png', 'public/a.png'],
    ],
    ['**', ['a', 'a/b/c', '.git/x'], []],
    ['**/*.png', ['a.png', 'x/y/a.png'], ['a.jpg', 'x/a.png/b']],
    ['a/**/b', ['a/b', 'a/x/b', 'a/x/y/b'], ['a/xb', 'ab', 'a/b/c']],
    ['static/**/*.{png,jpg}', ['static/a.png', 'static/d/e/f.jpg'], ['static/a.gif', 'other/a.png']],
    ['*.png', ['a.png', '.png', '.hidden.png'], ['a/b.png']],
    ['a?c', ['abc', 'a.c'], ['ac', 'a/c', 'abbc']],
    ['[a-c]x', ['ax', 'cx'], ['dx', '/x']],
    ['[!a]x', ['bx'], ['ax']],
    ['[^a]x', ['bx'], ['ax']],
    ['[]]', [']'], ['a']],
    ['a[b', ['a[b'], ['ab']],
    ['{a,b/c}/**', ['a/x', 'b/c/x', 'a'], ['b/x']],
    ['{a,{b,c}}', ['a', 'b', 'c'], ['d']],
    ['x{,y}z', ['xz', 'xyz'], ['xyyz']],
    ['img{1..3}.png', ['img1.png', 'img3.png'], ['img4.png', 'img0.png']],
    ['v{08..10}', ['v08', 'v09', 'v10'], ['v8']],
    ['{a..c}', ['a', 'b', 'c'], ['d']],
    ['{x}', ['{x}'], ['x']],
    ['logo (1)|b.png', ['logo (1)|b.png'], ['logo 1|b.png']],
    ['a**b', ['ab', 'axyb'], ['ax/yb']],
    ['日本/*', ['日本/ü.png'], ['日本']],
    ['?', ['😀'], ['😀😀']],
  ];
  for (const [g, yes, no] of cases) {
    it(`${g}: matches ${yes.join(', ') || 'nothing listed'}; not ${no.join(', ') || '-'}`, () => {
      const m = glob(g);
      for (const p of yes) assert.equal(m.match(p), true, `${g} should match ${p}`);
      for (const p of no) assert.equal(m.match(p), false, `${g} should not match ${p}`);
    });
  }

  it('a path with a "." or ".." segment, or longer than the path limit, never matches', () => {
    assert.equal(glob('**').match('a/../b'), false);
    assert.equal(glob('**').match('./a'), false);
    assert.equal(glob('**').match(`a/${'b'.repeat(MAX_PATH_LENGTH)}`), false);
    assert.equal(glob('**').match(`a/${'b'.repeat(MAX_PATH_LENGTH - 10)}`), true);
  });

  it('refuses extglobs, negation, POSIX classes and reversed ranges, saying what to write instead', () => {
    for (const g of ['@(a|b).png', 'x/!(a).png', '+(a)', 'x/*(a)', '?(a)'])
      assert.match(refused(g), /extglob.*\{a,b\}/, g);
    assert.match(refused('!public/**'), /negated/);
    assert.match(refused('[[:alpha:]]*'), /POSIX.*\[a-zA-Z0-9\]/);
    assert.match(refused('[z-a]'), /z-a is reversed: write a-z/);
  });
});

describe('glob: limits and cost', () => {
  it('a glob longer than the limit is refused with a message naming the limit', () => {
    const error = refused(`${'a'.repeat(MAX_GLOB_LENGTH)}*`);
    assert.match(error, /1,025 characters long; the limit is 1,024 \(limit: glob length\)/);
    assert.equal(compileGlob('a'.repeat(MAX_GLOB_LENGTH)).ok, true);
  });

  it('a glob whose matcher would exceed the state limit is refused, naming it', () => {
    assert.match(refused('{1..100000}'), /100,001 values|100,000 values/);
    assert.match(refused('{1..100000}'), /matcher states/);
    assert.match(refused(`{${Array.from({ length: 30 }, () => '{1..99}').join(',')}}`), /limit: glob complexity/);
  });

  it('many "*" against a long run of "a": the answer, in steps bounded by path length × states (a backtracking matcher takes minutes)', () => {
    const stars = `${'*a'.repeat(15)}*b`;
    const m = glob(stars);
    const path = 'a'.repeat(35);
    assert.equal(m.match(path), false);
    assert.ok(
      m.lastSteps <= (path.length + 1) * m.states,
      `${m.lastSteps} steps for ${path.length} characters and ${m.states} states`,
    );
    assert.equal(m.match(`${path}b`), true);
    // Through the mapper as the CLI and the extension use it.
    const mapper = new PathMapper([{ glob: `**/${stars}`, url: 'https://ik.imagekit.io/demo/' }]);
    assert.equal(mapper.mapFile(`x/${'a'.repeat(35)}`), undefined);
    assert.equal(mapper.mapFile(`x/${'a'.repeat(35)}b`)?.url, `https://ik.imagekit.io/demo/x/${'a'.repeat(35)}b`);
  });

  it('cost grows linearly with the path: twice the path, at most twice the steps (plus one pass)', () => {
    const m = glob('**/*a*a*a*a*a*a*a*a*b');
    m.match('a/'.repeat(1000) + 'a'.repeat(1000));
    const one = m.lastSteps;
    m.match('a/'.repeat(2000) + 'a'.repeat(2000));
    const two = m.lastSteps;
    assert.ok(two <= 2 * one + m.states, `${one} → ${two}`);
  });

  it('the state limit is what bounds a glob, and a glob at the length limit stays under it', () => {
    const worst = glob('*?'.repeat(MAX_GLOB_LENGTH / 2));
    assert.ok(worst.states <= MAX_GLOB_STATES, `${worst.states}`);
  });
});
