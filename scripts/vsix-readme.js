#!/usr/bin/env node
// The README of the .vsix (what the Marketplace and the Extensions view show): README.md's user part, everything
// before its "## Development" section, written to out/vsix/README.md for `vsce package --readme-path` (npm run
// package). The development part (building, tests, benchmarks, the emulator's reference) is half of README and of
// no use inside the editor; a link to the full README on the repository ends the file. Links to a heading that is
// left out go to that heading in the repository's README; relative links (the screenshots, SECURITY.md) stay as
// they are, and vsce makes them absolute on the repository as it does for README.md itself.
//
//   node scripts/vsix-readme.js [--out FILE]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const CUT = /^## Development\s*$/m;
/**
 * Where the user part starts: README.md opens with the two commands of a developer's first run, which a user of the
 * .vsix has no use for; the .vsix README keeps the title and starts at this marker (what the extension does,
 * pictures first).
 */
const START = '<!-- vsix-readme: starts here -->';

/** GitHub's anchor of a heading: lower case, punctuation dropped (not `-` or `_`), spaces to `-`. */
function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a markdown text's headings (outside code blocks), with GitHub's -1, -2 for repeats. */
function anchors(markdown) {
  const seen = new Map();
  const out = new Set();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fence = !fence;
    const m = !fence && /^#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/** The repository's web address from package.json (`https://github.com/owner/name`), without `.git`. */
function repositoryUrl(pkg) {
  const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository && pkg.repository.url;
  if (!repo) throw new Error('package.json has no repository: the left-out sections could not be linked');
  return repo.replace(/^git\+/, '').replace(/\.git$/, '');
}

/** README's user part, with links to left-out headings pointing at the repository's README. */
function vsixReadme(readme, repo) {
  const cut = CUT.exec(readme);
  if (!cut) throw new Error('README.md has no "## Development" heading: the user part could not be found');
  let part = readme.slice(0, cut.index).trimEnd();
  const start = part.indexOf(START);
  if (start >= 0) {
    const title = /^# .*$/m.exec(part.slice(0, start));
    part = `${title ? `${title[0]}\n\n` : ''}${part.slice(start + START.length).trimStart()}`;
  }
  const kept = anchors(part);
  const full = `${repo}/blob/HEAD/README.md`;
  const linked = part.replace(/\]\(#([^)\s]+)\)/g, (all, anchor) => (kept.has(anchor) ? all : `](${full}#${anchor})`));
  return `${linked}\n\n---\n\nDevelopment, tests, benchmarks and the emulator's reference: [README on the repository](${full}#development).\n`;
}

function main() {
  const i = process.argv.indexOf('--out');
  const out = i > 0 ? path.resolve(process.argv[i + 1]) : path.join(repoRoot, 'out', 'vsix', 'README.md');
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const text = vsixReadme(fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8'), repositoryUrl(pkg));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, text);
  console.log(`${path.relative(repoRoot, out)}: ${text.length} characters (README.md's user part)`);
}

if (require.main === module) main();

module.exports = { vsixReadme, anchors, slug, START };
