// Every problem code in PROBLEM_CODES is reached by real inputs through the real checkers (and the API base check),
// has a message that says what to do, and a README section (the diagnostics link to README.md#<code>).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { imagekit } from '../../src/core/providers/imagekit';
import { imgix } from '../../src/core/providers/imgix';
import { MAX_ENDPOINTS, MAX_SCAN_URLS, MAX_URL_LENGTH } from '../../src/core/limits';
import { lintText } from '../../src/core/lint';
import { docsUrl, hasErrors, PROBLEM_CODES, problem, type Problem } from '../../src/core/problems';
import type { ProviderConfig } from '../../src/core/providers/types';
import { checkApiBase } from '../../src/core/url';
import { ROOT } from './helpers/paths';

/** Inputs that, between them, should produce every problem code. */
function produceAll(): Problem[] {
  const out: Problem[] = [];
  const ik = (url: string, config: ProviderConfig = {}) => {
    const c = imagekit.checker(config);
    out.push(...c.configProblems, ...c.check(url).problems);
  };
  const ix = (url: string, config: ProviderConfig = {}) => {
    const c = imgix.checker(config);
    out.push(...c.configProblems, ...c.check(url).problems);
  };
  ik('not a url');
  ik('ftp://ik.imagekit.io/demo/a.jpg');
  ik('https://images.example.com/a.jpg');
  ik('https://ik.imagekit.io/demo');
  ik('https://ik.imagekit.io/demo/a b.jpg#top');
  ik('https://ik.imagekit.io/demo/a.jpg', { endpoints: ['https://ik.imagekit.io'] });
  ik('https://ik.imagekit.io/demo/folder/*/sample.jpg');
  ik('https://ik.imagekit.io/demo/images/upload*?tr=w-100');
  ik('https://ik.imagekit.io/demo/images*');
  ik('https://ik.imagekit.io/demo/media/catalog/*');
  ix('https://assets.imgix.net/images/*');
  ix('you.imgix.net/your-image.png');
  ix('https://assets.imgix.net/dogs.png?w=400');
  ix('https://assets.imgix.net/clip.mp4');
  ix('https://assets.imgix.net/a.png', { subImage: true });
  ix('https://assets.imgix.net/a.png', { sourceId: 'not-hex' });
  const api = checkApiBase('http://example.com');
  if (!api.ok) out.push(api.problem);
  // Limits (README "Limits").
  ik(`https://ik.imagekit.io/demo/${'a'.repeat(MAX_URL_LENGTH)}.jpg`);
  ik('https://ik.imagekit.io/id0/a.jpg', {
    endpoints: Array.from({ length: MAX_ENDPOINTS + 1 }, (_, i) => `https://ik.imagekit.io/id${i}`),
  });
  const manyUrls = Array.from({ length: MAX_SCAN_URLS }, (_, i) => `https://ik.imagekit.io/demo/${i}.jpg`).join(' ');
  out.push(
    ...lintText(`${manyUrls} https://ik.imagekit.io/demo/x*`, { imagekit: imagekit.checker({}) }).map((f) => f.problem),
  );
  return out;
}

describe('problems: every code is reachable and documented', () => {
  const produced = produceAll();
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  for (const code of PROBLEM_CODES) {
    it(`${code} is produced by a real input`, () => {
      assert.ok(
        produced.some((p) => p.code === code),
        `no input produced ${code}`,
      );
    });
  }

  it('no input produced a code outside PROBLEM_CODES', () => {
    for (const p of produced) assert.ok((PROBLEM_CODES as readonly string[]).includes(p.code), p.code);
  });

  it('every code has a README section "### <code>" (the anchor diagnostics link to)', () => {
    for (const code of PROBLEM_CODES) {
      assert.match(readme, new RegExp(`^### ${code}$`, 'm'), `README.md has no "### ${code}"`);
      assert.equal(docsUrl(code), `https://github.com/cdn-purge/cdn-purge/blob/main/README.md#${code}`);
    }
  });

  it('every produced message is a sentence that says what to do, never just the code', () => {
    for (const p of produced) {
      assert.ok(p.message.length >= 40, `${p.code}: "${p.message}"`);
      assert.notEqual(p.message, p.code);
      assert.ok(['error', 'warning', 'info'].includes(p.severity));
    }
  });

  it('severities: notes are info, the Video API is a warning, the rest are errors', () => {
    const sev = new Map(produced.map((p) => [p.code, p.severity]));
    assert.equal(sev.get('url-encoded'), 'info');
    assert.equal(sev.get('fragment-dropped'), 'info');
    assert.equal(sev.get('imgix-query-dropped'), 'info');
    assert.equal(sev.get('imgix-video-api'), 'warning');
    for (const code of [
      'invalid-url',
      'not-http',
      'not-under-endpoint',
      'empty-path',
      'invalid-endpoint',
      'insecure-api-base',
      'wildcard-not-at-end',
      'wildcard-query',
      'wildcard-too-broad',
      'wildcard-path-unsupported',
      'imgix-no-wildcard',
      'imgix-sub-image-needs-source-id',
      'imgix-invalid-source-id',
    ] as const) {
      assert.equal(sev.get(code), 'error', code);
    }
  });

  it('hasErrors counts only errors; problem() keeps offsets and fixes', () => {
    const note = problem('url-encoded', 'info', 'n');
    const err = problem('invalid-url', 'error', 'e', { start: 1, end: 2, fixes: [{ title: 't', replacement: 'r' }] });
    assert.equal(hasErrors([note]), false);
    assert.equal(hasErrors([note, err]), true);
    assert.deepEqual(err, {
      code: 'invalid-url',
      severity: 'error',
      message: 'e',
      start: 1,
      end: 2,
      fixes: [{ title: 't', replacement: 'r' }],
    });
  });
});
