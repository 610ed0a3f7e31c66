// Disable comments (src/core/directives.ts) as the editor and `cdn-purge lint` read them, the edits the "disable"
// quick fixes write, the levels a setting gives each code, the preferred fixes "Fix all" applies, and the narrower
// wildcards offered for a refused one (src/core/narrow.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { disableCommentEdit, parseDirectives, Suppressions } from '../../src/core/directives';
import { applyEdits, fixAllEdits, fixUrl, levelOf, lintText, type Checkers } from '../../src/core/lint';
import { lintPaths } from '../../src/core/lintReport';
import { narrowWildcard } from '../../src/core/narrow';
import { imagekit } from '../../src/core/providers/imagekit';
import { imgix } from '../../src/core/providers/imgix';
import { tmpDir } from './helpers/tmp';

const checkers: Checkers = {
  imagekit: imagekit.checker({ endpoints: ['https://ik.imagekit.io/demo'] }),
  imgix: imgix.checker({}),
};
const BROAD = 'https://ik.imagekit.io/demo/images*';
const MID = 'https://ik.imagekit.io/demo/products/shoes/*/red.jpg';
const CUT = 'https://ik.imagekit.io/demo/products/shoes/*';

function codes(text: string): string[] {
  return lintText(text, checkers).map((f) => `${text.slice(0, f.start).split(/\r\n|\r|\n/).length}:${f.problem.code}`);
}

describe('disable comments: what they silence', () => {
  it('without a directive every problem is reported (the baseline the other tests narrow)', () => {
    assert.deepEqual(codes(`${BROAD}\n${MID}\n`), ['1:wildcard-too-broad', '2:wildcard-not-at-end']);
  });

  it('disable-next-line, in any comment syntax, silences the next line only', () => {
    for (const comment of [
      '// cdn-purge-disable-next-line',
      '# cdn-purge-disable-next-line',
      '<!-- cdn-purge-disable-next-line -->',
      '/* cdn-purge-disable-next-line */',
      '-- cdn-purge-disable-next-line',
      '; cdn-purge-disable-next-line',
      '{# cdn-purge-disable-next-line #}',
      '  * cdn-purge-disable-next-line',
      'cdn-purge-disable-next-line',
    ]) {
      assert.deepEqual(codes(`${comment}\n${BROAD}\n${BROAD}\n`), ['3:wildcard-too-broad'], comment);
    }
  });

  it('names codes (commas or spaces), and a reason after " -- "; other codes still show', () => {
    const text = `// cdn-purge-disable-next-line wildcard-not-at-end, imgix-no-wildcard -- on purpose\n${BROAD} ${MID}\n`;
    assert.deepEqual(codes(text), ['2:wildcard-too-broad']);
    const spaced = `# cdn-purge-disable-next-line wildcard-too-broad wildcard-not-at-end\n${BROAD} ${MID}\n`;
    assert.deepEqual(codes(spaced), []);
  });

  it('disable-line silences its own line, after other text, in a comment', () => {
    assert.deepEqual(codes(`<img src="${BROAD}"> <!-- cdn-purge-disable-line wildcard-too-broad -->\n${BROAD}`), [
      '2:wildcard-too-broad',
    ]);
    assert.deepEqual(codes(`x = "${BROAD}"; // cdn-purge-disable-line\n`), []);
  });

  it('disable … enable is a region; at the top, the whole file; enable can name codes', () => {
    assert.deepEqual(codes(`/* cdn-purge-disable */\n${BROAD}\n${MID}\n`), []);
    assert.deepEqual(codes(`${BROAD}\n# cdn-purge-disable\n${BROAD}\n# cdn-purge-enable\n${BROAD}\n`), [
      '1:wildcard-too-broad',
      '5:wildcard-too-broad',
    ]);
    assert.deepEqual(codes(`# cdn-purge-disable\n# cdn-purge-enable wildcard-not-at-end\n${BROAD}\n${MID}\n`), [
      '4:wildcard-not-at-end',
    ]);
    assert.deepEqual(codes(`# cdn-purge-disable wildcard-too-broad\n${BROAD}\n${MID}\n`), ['3:wildcard-not-at-end']);
  });

  it('prose, quotes and backticks that mention a directive are not directives; an unknown code disables nothing', () => {
    for (const text of [
      `Use cdn-purge-disable-next-line to silence it\n${BROAD}`,
      `\`cdn-purge-disable-next-line\`\n${BROAD}`,
      `"cdn-purge-disable-next-line"\n${BROAD}`,
      `// cdn-purge-disable-next-line wildcard-too-braod\n${BROAD}`,
      `cdn-purge-disable-next-line disables the next line\n${BROAD}`,
      `// cdn-purge-disable-next-lines\n${BROAD}`,
    ])
      assert.deepEqual(codes(text), ['2:wildcard-too-broad'], text);
    assert.deepEqual(parseDirectives('// cdn-purge-disable-next-line wildcard-too-braod')[0].unknown, [
      'wildcard-too-braod',
    ]);
  });

  it('CRLF and CR line ends count as lines', () => {
    assert.deepEqual(codes(`// cdn-purge-disable-next-line\r\n${BROAD}\r\n${BROAD}`), ['3:wildcard-too-broad']);
    assert.deepEqual(codes(`// cdn-purge-disable-next-line\r${BROAD}\r${BROAD}`), ['3:wildcard-too-broad']);
  });

  it('the too-many-urls warning can be disabled like any code', () => {
    const s = new Suppressions('# cdn-purge-disable too-many-urls\n');
    assert.ok(s.disabledBy(40, 'too-many-urls'));
    assert.equal(s.disabledBy(40, 'wildcard-too-broad'), undefined);
  });

  it('`cdn-purge lint` honours them: a file-level disable and a next-line disable leave one problem', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'a.md'), `<!-- cdn-purge-disable -->\n${BROAD}\n`);
    fs.writeFileSync(path.join(dir, 'b.css'), `/* cdn-purge-disable-next-line */\n/* ${BROAD} */\n/* ${MID} */\n`);
    const report = await lintPaths([dir], { checkers, root: dir });
    assert.deepEqual(
      report.problems.map((p) => `${path.basename(p.file)}:${p.line}:${p.code}`),
      ['b.css:3:wildcard-not-at-end'],
    );
    assert.equal(report.errors, 1);
  });
});

describe('disable comments: the edits the quick fixes write', () => {
  const edit = (text: string, at: string, languageId: string, scope: 'line' | 'file' = 'line') => {
    const e = disableCommentEdit(text, text.indexOf(at), 'wildcard-too-broad', languageId, scope);
    return e && applyEdits(text, [e]);
  };

  it('a line comment above, with the indentation, in the language syntax', () => {
    assert.equal(
      edit(`const a = 1;\n  load("${BROAD}");\n`, 'https', 'typescript'),
      `const a = 1;\n  // cdn-purge-disable-next-line wildcard-too-broad\n  load("${BROAD}");\n`,
    );
    assert.equal(
      edit(`a:\n  b: ${BROAD}\n`, 'https', 'yaml'),
      `a:\n  # cdn-purge-disable-next-line wildcard-too-broad\n  b: ${BROAD}\n`,
    );
    assert.equal(
      edit(`<p>\n  <img src="${BROAD}">\n`, 'https', 'html'),
      `<p>\n  <!-- cdn-purge-disable-next-line wildcard-too-broad -->\n  <img src="${BROAD}">\n`,
    );
    assert.equal(
      edit(`a {\n  b: url(${BROAD});\n}`, 'https', 'css'),
      `a {\n  /* cdn-purge-disable-next-line wildcard-too-broad */\n  b: url(${BROAD});\n}`,
    );
  });

  it('inside a block comment it writes a bare line (a comment cannot open there), and it is read', () => {
    const html = `<!--\n  ${BROAD}\n-->\n`;
    const fixed = edit(html, 'https', 'html')!;
    assert.equal(fixed, `<!--\n  cdn-purge-disable-next-line wildcard-too-broad\n  ${BROAD}\n-->\n`);
    assert.deepEqual(codes(fixed), []);
    const css = `/* see\n   ${BROAD}\n*/`;
    assert.equal(
      edit(css, 'https', 'css'),
      `/* see\n   cdn-purge-disable-next-line wildcard-too-broad\n   ${BROAD}\n*/`,
    );
  });

  it('Markdown: at the end of the line, so a list stays a list; JSON has no comments', () => {
    assert.equal(
      edit(`- ${BROAD} (old)\n- b\n`, 'https', 'markdown'),
      `- ${BROAD} (old) <!-- cdn-purge-disable-line wildcard-too-broad -->\n- b\n`,
    );
    assert.equal(edit(`{"a": "${BROAD}"}`, 'https', 'json'), undefined);
  });

  it('adds the code to a directive already there', () => {
    const text = `// cdn-purge-disable-next-line wildcard-not-at-end\n${BROAD}\n`;
    assert.equal(
      edit(text, 'https', 'javascript'),
      `// cdn-purge-disable-next-line wildcard-not-at-end, wildcard-too-broad\n${BROAD}\n`,
    );
  });

  it('file scope: at the top, after a #! line or front matter, in the language syntax', () => {
    assert.equal(
      edit(`#!/bin/sh\necho ${BROAD}\n`, 'https', 'shellscript', 'file'),
      `#!/bin/sh\n# cdn-purge-disable wildcard-too-broad\necho ${BROAD}\n`,
    );
    assert.equal(
      edit(`---\ntitle: x\n---\n${BROAD}\n`, 'https', 'markdown', 'file'),
      `---\ntitle: x\n---\n<!-- cdn-purge-disable wildcard-too-broad -->\n${BROAD}\n`,
    );
    const fixed = edit(`a\r\n${BROAD}\r\n`, 'https', 'html', 'file')!;
    assert.equal(fixed, `<!-- cdn-purge-disable wildcard-too-broad -->\r\na\r\n${BROAD}\r\n`);
    assert.deepEqual(codes(fixed), []);
  });

  it('inside <script> an HTML page gets a line comment', () => {
    assert.equal(
      edit(`<script>\n  go("${BROAD}");\n</script>`, 'https', 'html'),
      `<script>\n  // cdn-purge-disable-next-line wildcard-too-broad\n  go("${BROAD}");\n</script>`,
    );
  });
});

describe('levels and fixes', () => {
  it('a level per code overrides the rule severity; unknown values are ignored', () => {
    const p = { code: 'wildcard-too-broad' as const, severity: 'error' as const };
    assert.equal(levelOf(p), 'error');
    assert.equal(levelOf(p, { 'wildcard-too-broad': 'hint' }), 'hint');
    assert.equal(levelOf(p, { 'wildcard-too-broad': 'off' }), 'off');
    assert.equal(levelOf(p, { 'wildcard-too-broad': 'loud' as never }), 'error');
    assert.equal(levelOf({ code: 'url-encoded', severity: 'info' }), 'information');
  });

  it('fixUrl applies preferred fixes in turn: the query is dropped, then the text is valid', () => {
    assert.equal(
      fixUrl('https://ik.imagekit.io/demo/a/b/*?tr=w-100', checkers.imagekit!),
      'https://ik.imagekit.io/demo/a/b/*',
    );
    assert.equal(fixUrl(MID, checkers.imagekit!), CUT);
    assert.equal(fixUrl(BROAD, checkers.imagekit!), BROAD, 'no preferred fix: unchanged');
  });

  it('fixAllEdits: one edit per URL, only what `include` shows', () => {
    const text = `x ${MID} y https://ik.imagekit.io/demo/c/d/*?q=1 z ${BROAD}`;
    const findings = lintText(text, checkers);
    const all = applyEdits(text, fixAllEdits(findings, checkers));
    assert.equal(all, `x ${CUT} y https://ik.imagekit.io/demo/c/d/* z ${BROAD}`);
    const some = fixAllEdits(findings, checkers, (f) => f.problem.code !== 'wildcard-query');
    assert.equal(applyEdits(text, some), `x ${CUT} y https://ik.imagekit.io/demo/c/d/*?q=1 z ${BROAD}`);
  });
});

describe('narrowing a refused wildcard', () => {
  const known = [
    'https://ik.imagekit.io/demo/images/hero.png',
    'https://ik.imagekit.io/demo/images/products/shoe.png',
    'https://ik.imagekit.io/demo/images/products/bag.png',
    'https://ik.imagekit.io/demo/images/banners/spring.png',
    'https://ik.imagekit.io/demo/images/products/shoe.png',
    'https://ik.imagekit.io/demo/other/a.png',
    'https://ik.imagekit.io/demo/images/*',
  ];

  it('offers valid folder wildcards over the known URLs under it, most URLs first, and lists those URLs', () => {
    const r = narrowWildcard(BROAD, known, checkers.imagekit!);
    assert.deepEqual(r.under, [
      'https://ik.imagekit.io/demo/images/banners/spring.png',
      'https://ik.imagekit.io/demo/images/hero.png',
      'https://ik.imagekit.io/demo/images/products/bag.png',
      'https://ik.imagekit.io/demo/images/products/shoe.png',
    ]);
    assert.deepEqual(
      r.wildcards.map((w) => [w.pattern, w.covers.length]),
      [
        ['https://ik.imagekit.io/demo/images/products/*', 2],
        ['https://ik.imagekit.io/demo/images/banners/*', 1],
      ],
    );
    for (const w of r.wildcards) assert.ok(checkers.imagekit!.check(w.pattern).ok, w.pattern);
  });

  it('over media/catalog/ only wildcards below it; imgix gets the exact URLs only', () => {
    const r = narrowWildcard(
      'https://ik.imagekit.io/demo/media/catalog/*',
      ['https://ik.imagekit.io/demo/media/catalog/product/a/1.jpg'],
      checkers.imagekit!,
    );
    assert.deepEqual(
      r.wildcards.map((w) => w.pattern),
      ['https://ik.imagekit.io/demo/media/catalog/product/*'],
    );
    const x = narrowWildcard(
      'https://assets.imgix.net/products/*',
      ['https://assets.imgix.net/products/watch.png?w=400', 'https://assets.imgix.net/banners/a.png'],
      checkers.imgix!,
    );
    assert.deepEqual(x, { under: ['https://assets.imgix.net/products/watch.png'], wildcards: [] });
  });

  it('nothing known under it: nothing offered', () => {
    assert.deepEqual(narrowWildcard(BROAD, ['https://ik.imagekit.io/demo/x/y.png'], checkers.imagekit!), {
      under: [],
      wildcards: [],
    });
  });
});

describe('replacing a wildcard by the URLs under it', () => {
  it('a list item becomes one item per URL; other lines keep their indentation', async () => {
    const { listSeparator } = await import('../../src/core/narrow');
    const md = `- ${BROAD} (old)`;
    assert.equal(listSeparator(md, md.indexOf('https')), '\n- ');
    const numbered = `1. ${BROAD}`;
    assert.equal(listSeparator(numbered, numbered.indexOf('https')), '\n1. ');
    const html = `x\r\n    <img src="${BROAD}">`;
    assert.equal(listSeparator(html, html.indexOf('https')), '\r\n    ');
  });
});
