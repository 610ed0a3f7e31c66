// Localisation: every user-visible string of package.json is a `%key%` of package.nls.json (and every key there is
// used), and the extension's code shows no literal text: notifications, dialogs, pickers, input boxes, progress,
// the status bar, hovers and CodeLens titles go through vscode.l10n.t with a static message (placeholders {0}, {1}…,
// never a template literal, so a translation bundle can be extracted from the sources). Log lines of the output
// channel stay English (README "Translations").
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/paths';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const pj = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, Json>;
const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;

/** Fields that VS Code or the Marketplace show to a user, by the name of the property that holds them. */
const VISIBLE = new Set([
  'displayName',
  'description',
  'title',
  'shortTitle',
  'category',
  'name',
  'contextualTitle',
  'contents',
  'markdownDescription',
  'patternErrorMessage',
  'deprecationMessage',
  'markdownDeprecationMessage',
  'enumDescriptions',
  'markdownEnumDescriptions',
  'userDescription',
  'modelDescription',
  'label',
]);
/** Where those names are ids or data rather than text. */
const NOT_TEXT = [/^contributes\.languageModelTools\.\d+\.name$/, /\.inputSchema\./];

/** Every [path, string] under the user-visible fields of the manifest's sections that show text. */
function visibleStrings(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (v: Json, at: string, visible: boolean) => {
    if (typeof v === 'string') {
      if (visible && !NOT_TEXT.some((r) => r.test(at))) out.push([at, v]);
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}.${i}`, visible));
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k, visible || VISIBLE.has(k));
  };
  walk(pj.displayName, 'displayName', true);
  walk(pj.description, 'description', true);
  walk(pj.contributes, 'contributes', false);
  walk(pj.capabilities, 'capabilities', false);
  return out;
}

describe('l10n: package.json through package.nls.json', () => {
  it('every user-visible string of package.json is a %key% of package.nls.json', () => {
    const strings = visibleStrings();
    assert.ok(strings.length >= 40, `found ${strings.length} user-visible strings`);
    const literal = strings.filter(([, v]) => !/^%[\w.-]+%$/.test(v));
    assert.deepEqual(literal, [], 'write these as "%key%" and put the text in package.nls.json');
    const missing = strings.filter(([, v]) => !(v.slice(1, -1) in nls));
    assert.deepEqual(missing, [], 'keys used in package.json but missing from package.nls.json');
  });

  it('every key of package.nls.json is used, and none is empty', () => {
    const used = new Set(visibleStrings().map(([, v]) => v.slice(1, -1)));
    assert.deepEqual(
      Object.keys(nls).filter((k) => !used.has(k)),
      [],
      'unused keys in package.nls.json',
    );
    assert.deepEqual(
      Object.entries(nls).filter(([, v]) => typeof v !== 'string' || v.trim() === ''),
      [],
    );
  });

  it('the .vsix carries package.nls.json (and any translation of it)', () => {
    const ignore = fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8');
    assert.match(ignore, /^!package\.nls\*\.json$/m);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The code: no literal UI text outside vscode.l10n.t.

/**
 * Files whose strings are not swept yet (their owner is on it): each is checked once it leaves this list. Remove a
 * file from here in the commit that moves its text to vscode.l10n.t.
 */
export const NOT_YET_LOCALISED = new Set<string>([]);

function sources(): string[] {
  const list = (dir: string): string[] =>
    fs
      .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
      .flatMap((e) =>
        e.isDirectory() ? list(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : [],
      );
  return [...list('src/host'), ...list('src/commands'), 'src/extension.ts'];
}

/** Literal text handed to the UI: the first argument of a message, or a UI property set to a string literal. */
const LITERAL_UI = [
  /\bshow(?:Information|Warning|Error)Message\(\s*[`'"]/g,
  /\b(?:title|prompt|placeHolder|placeholder|detail|tooltip|label|description|text|validationMessage)\s*[:=]\s*[`'"][^`'"\n]*[A-Za-z]{2}/g,
  /\bnew vscode\.(?:TreeItem|CodeLens|Hover|MarkdownString)\(\s*[`'"][^`'"\n]*[A-Za-z]{2}/g,
  /\bappendMarkdown\(\s*[`'"][^`'"\n]*[A-Za-z]{2}/g,
  // A message that cannot be extracted into a bundle: l10n.t given a template literal with substitutions.
  /\bl10n\.t\(\s*`[^`]*\$\{/g,
];

/** The text with comments blanked out (same length, so offsets still give line numbers). */
function withoutComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`])\/\/[^\n]*/g, (c, pre: string) => pre + ' '.repeat(c.length - pre.length));
}

describe('l10n: the code shows no literal text', () => {
  const files = sources();

  it('finds the extension sources', () => {
    assert.ok(files.length >= 25, `${files.length} files`);
    for (const f of NOT_YET_LOCALISED) assert.ok(files.includes(f), `${f} is listed but does not exist`);
  });

  it('the check finds literal text (it can fail)', () => {
    const sample = withoutComments(
      "void vscode.window.showErrorMessage(\n  'Nope');\n// showInformationMessage('a comment is fine')\nconst t = { title: 'Purge URL' };",
    );
    assert.equal(LITERAL_UI.filter((r) => new RegExp(r.source).test(sample)).length, 2);
  });

  for (const file of files.filter((f) => !NOT_YET_LOCALISED.has(f))) {
    it(`${file}: UI text goes through vscode.l10n.t with a static message`, () => {
      const text = withoutComments(fs.readFileSync(path.join(ROOT, file), 'utf8'));
      const bad: string[] = [];
      for (const r of LITERAL_UI)
        for (const m of text.matchAll(r)) {
          const line = text.slice(0, m.index).split('\n').length;
          bad.push(`${file}:${line}: ${m[0].replace(/\s+/g, ' ')}`);
        }
      assert.deepEqual(bad, []);
    });
  }
});
