// The sample workspace (sample/) is what `npm start` opens and what the integration tests and screenshots use: its
// files must be what they claim to be. CSS: a comment ends at the first "*/", so a wildcard URL followed by "/" in a
// comment ends it early and the rest of the comment becomes broken CSS.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { lintText, type Checkers } from '../../src/core/lint';
import { imagekit } from '../../src/core/providers/imagekit';
import { imgix } from '../../src/core/providers/imgix';
import { ROOT } from './helpers/paths';

/** The CSS outside comments (a comment ends at the first "*\/", as in every CSS parser). */
function withoutComments(css: string): string {
  return css.replace(/\/\*[\s\S]*?\*\//g, ' ');
}

describe('the sample workspace', () => {
  const css = fs.readFileSync(path.join(ROOT, 'sample/css/site.css'), 'utf8');

  it('site.css is valid CSS: comments end where they were meant to, braces balance, only selectors at the top level', () => {
    const code = withoutComments(css);
    assert.ok(
      !code.includes('*/'),
      `a "*/" outside a comment: ${JSON.stringify(code.slice(code.indexOf('*/') - 60, code.indexOf('*/') + 2))}`,
    );
    assert.ok(!code.includes('/*'), 'a comment that never ends');
    let depth = 0;
    let top = '';
    for (const ch of code) {
      if (ch === '{') {
        assert.match(top.trim(), /^[\w.#>,: -]+$/, `a selector, not ${JSON.stringify(top.trim())}`);
        top = '';
        depth++;
      } else if (ch === '}') depth--;
      else if (depth === 0) top += ch;
      assert.ok(depth >= 0, 'a "}" without its "{"');
    }
    assert.equal(depth, 0, 'every "{" is closed');
    assert.equal(top.trim(), '', 'nothing after the last rule');
  });

  it('site.css still shows one invalid wildcard (with a quick fix) and one valid one, in its comment', () => {
    const checkers: Checkers = {
      imagekit: imagekit.checker({ endpoints: ['https://ik.imagekit.io/demo'] }),
      imgix: imgix.checker({}),
    };
    const findings = lintText(css, checkers);
    assert.deepEqual(
      findings.map((f) => [f.problem.code, f.url]),
      [['wildcard-not-at-end', 'https://ik.imagekit.io/demo/theme/assets/*.png']],
    );
    assert.ok(
      findings[0].problem.fixes?.some((f) => f.preferred),
      'it has a preferred fix',
    );
  });
});
