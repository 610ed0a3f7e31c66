// The .vsix's README (scripts/vsix-readme.js, run by `npm run package`): README.md's user part, links to left-out
// headings sent to the repository's README, the screenshots' relative links left for vsce to make absolute.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers/paths';

/* eslint-disable @typescript-eslint/no-require-imports */
const { vsixReadme, anchors, START } = require(path.join(ROOT, 'scripts', 'vsix-readme.js')) as {
  vsixReadme(readme: string, repo: string): string;
  anchors(markdown: string): Set<string>;
  START: string;
};

const REPO = 'https://github.com/o/r';

describe('the .vsix README (README.md user part)', () => {
  it('stops before "## Development" and links left-out headings to the repository', () => {
    const readme = [
      '# Title',
      '![shot](media/screenshots/a.png) see [Use](#use), [Limits](#limits) and [Troubleshooting](#troubleshooting).',
      '## Use',
      '### `cdn-purge.json`',
      'text [json](#cdn-purgejson)',
      '## Development',
      '### Troubleshooting',
      '## Limits',
    ].join('\n');
    const out = vsixReadme(readme, REPO);
    assert.doesNotMatch(out, /## Development|### Troubleshooting/);
    assert.match(out, /\[Use\]\(#use\)/);
    assert.match(out, /\[json\]\(#cdn-purgejson\)/);
    assert.match(out, /\[Limits\]\(https:\/\/github\.com\/o\/r\/blob\/HEAD\/README\.md#limits\)/);
    assert.match(out, /\[Troubleshooting\]\(https:\/\/github\.com\/o\/r\/blob\/HEAD\/README\.md#troubleshooting\)/);
    assert.match(out, /!\[shot\]\(media\/screenshots\/a\.png\)/, 'relative image links are left to vsce');
    assert.match(out, /README on the repository\]\(https:\/\/github\.com\/o\/r\/blob\/HEAD\/README\.md#development\)/);
  });

  it('leaves out what comes before the start marker (the developer commands), keeping the title', () => {
    const readme = ['# Title', '```sh', 'npm start', '```', START, 'What it does.', '## Development', 'x'].join('\n');
    const out = vsixReadme(readme, REPO);
    assert.match(out, /^# Title\n\nWhat it does\./);
    assert.doesNotMatch(out, /npm start/);
  });

  it('on the real README: starts with what the extension does, not the developer commands', () => {
    const out = vsixReadme(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'), REPO);
    assert.doesNotMatch(out.split('\n## ')[0], /npm start|npm test/);
    assert.match(out.split('\n## ')[0], /!\[[^\]]+\]\(media\/screenshots\/[a-z-]+\.png\)/, 'pictures first');
  });

  it("GitHub's anchors: punctuation dropped, repeats numbered, headings in code blocks ignored", () => {
    const a = anchors('## A `b.c` d\n## A `b.c` d\n```\n# not a heading\n```\n### Rate limits, retries');
    assert.deepEqual([...a], ['a-bc-d', 'a-bc-d-1', 'rate-limits-retries']);
  });

  it('on the real README: about half of it, every in-page link resolves', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const out = vsixReadme(readme, REPO);
    assert.ok(out.length < readme.length * 0.7, `${out.length} of ${readme.length} characters`);
    const kept = anchors(out);
    const inPage = [...out.matchAll(/\]\(#([^)\s]+)\)/g)].map((m) => m[1]);
    assert.ok(inPage.length > 5);
    assert.deepEqual(
      inPage.filter((x) => !kept.has(x)),
      [],
    );
  });
});
