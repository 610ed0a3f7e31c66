// The linter behind the editor's diagnostics (src/core/lint.ts): which URLs it checks, the ranges it reports, and
// the two limits it tells of instead of skipping silently or spending seconds: URL length and URLs per document.
import assert from 'node:assert/strict';
import { imagekit } from '../../src/core/providers/imagekit';
import { imgix } from '../../src/core/providers/imgix';
import { MAX_SCAN_URLS, MAX_URL_LENGTH } from '../../src/core/limits';
import { lintText, type Checkers } from '../../src/core/lint';
import type { Checker } from '../../src/core/providers/types';

const checkers: Checkers = {
  imagekit: imagekit.checker({ endpoints: ['https://ik.imagekit.io/demo'] }),
  imgix: imgix.checker({}),
};

/** A checker that counts the URLs it is asked about. */
function counting(inner: Checker): Checker & { calls: number; longest: number } {
  const c = {
    provider: inner.provider,
    configProblems: inner.configProblems,
    calls: 0,
    longest: 0,
    ownsHost: (h: string) => inner.ownsHost(h),
    check(u: string) {
      c.calls++;
      c.longest = Math.max(c.longest, u.length);
      return inner.check(u);
    },
  };
  return c;
}

describe('lint: what is checked', () => {
  it('wildcards with errors are reported with the exact range of the problem; plain and templated URLs are not checked', () => {
    const text =
      'a https://ik.imagekit.io/demo/x* b https://ik.imagekit.io/demo/plain.jpg c https://ik.imagekit.io/demo/${id}/* d';
    const findings = lintText(text, checkers);
    assert.deepEqual(
      findings.map((f) => [f.problem.code, text.slice(f.start, f.end), f.url]),
      [['wildcard-too-broad', '/x*', 'https://ik.imagekit.io/demo/x*']],
    );
  });

  it('imgix wildcards are reported too; info notes are not', () => {
    const findings = lintText(
      'https://assets.imgix.net/images/* https://ik.imagekit.io/demo/images/upload/2024/*',
      checkers,
    );
    assert.deepEqual(
      findings.map((f) => f.problem.code),
      ['imgix-no-wildcard'],
    );
  });
});

describe('lint: limits it tells of', () => {
  it('a 5 MB wildcard URL is one url-too-long error over the whole URL, naming the limit', () => {
    const url = `https://ik.imagekit.io/demo/${'a'.repeat(5_000_000)}/*`;
    const text = `x ${url} y`;
    const ik = counting(checkers.imagekit!);
    const findings = lintText(text, { imagekit: ik });
    assert.equal(findings.length, 1);
    assert.equal(findings[0].problem.code, 'url-too-long');
    assert.equal(findings[0].problem.severity, 'error');
    assert.match(findings[0].problem.message, /5,000,030 characters long; the limit is 8,192 \(limit: URL length\)/);
    assert.equal(findings[0].start, 2);
    assert.equal(findings[0].end, 2 + url.length);
    // Just under the limit: checked as usual.
    const short = `https://ik.imagekit.io/demo/${'a'.repeat(MAX_URL_LENGTH - 30)}*`;
    assert.ok(short.length <= MAX_URL_LENGTH);
    assert.deepEqual(lintText(short, checkers), []);
  });

  it('past the 10,000th URL: a warning at the first URL not checked, instead of silence', () => {
    const urls = Array.from({ length: MAX_SCAN_URLS }, (_, i) => `https://ik.imagekit.io/demo/p/${i}.jpg`);
    const late = 'https://ik.imagekit.io/demo/x*';
    const text = `${urls.join('\n')}\n${late}\n`;
    const findings = lintText(text, checkers);
    assert.equal(findings.length, 1);
    const [f] = findings;
    assert.equal(f.problem.code, 'too-many-urls');
    assert.equal(f.problem.severity, 'warning');
    assert.match(
      f.problem.message,
      /more than 10,000 ImageKit and imgix URLs.*not checked \(limit: URLs checked per document\)/,
    );
    assert.equal(text.slice(f.start, f.end), late);
    // With one URL fewer the wildcard is checked and its real problem shown.
    const fewer = `${urls.slice(1).join('\n')}\n${late}\n`;
    assert.deepEqual(
      lintText(fewer, checkers).map((x) => x.problem.code),
      ['wildcard-too-broad'],
    );
  });
});
