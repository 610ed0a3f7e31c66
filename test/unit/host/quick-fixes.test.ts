// The diagnostics' levels and the quick fixes (src/host/diagnostics.ts, codeActions.ts, knownUrls.ts) in plain Node:
// a level per code (hint, off), disable comments honoured and written, a too-broad wildcard narrowed from the URLs
// the workspace is known to have (this file, open files, files mapped by cdn-purge.json) or replaced by them, fix
// all (the quick fix and source.fixAll.cdnPurge), an endpoint added to cdn-purge.json, and Check Workspace's
// results merged with the live diagnostics of open documents.
import assert from 'node:assert/strict';
import { applyEdits as applyJsonEdits, parse } from 'jsonc-parser';
import {
  closeDocument,
  CodeActionKind,
  collections,
  DiagnosticSeverity,
  install,
  openDocument,
  reset,
  setConfiguration,
  Uri,
  workspaceState,
  writeFile,
  type Diagnostic,
  type TextDocument,
  type WorkspaceEdit,
} from '../helpers/vscode-stub';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
const idx = require('../../../src/host/documentIndex') as typeof import('../../../src/host/documentIndex');
const { UrlDiagnostics } = require('../../../src/host/diagnostics') as typeof import('../../../src/host/diagnostics');
const { PurgePatternFixes, endpointFor } =
  require('../../../src/host/codeActions') as typeof import('../../../src/host/codeActions');
const { KnownUrls } = require('../../../src/host/knownUrls') as typeof import('../../../src/host/knownUrls');
const { Settings } = require('../../../src/host/settings') as typeof import('../../../src/host/settings');

const WS = Uri.file('/ws');
const BROAD = 'https://ik.imagekit.io/demo/images*';
const MID = 'https://ik.imagekit.io/demo/products/shoes/*/red.jpg';
const CUT = 'https://ik.imagekit.io/demo/products/shoes/*';

function replacements(a: { edit?: unknown } | undefined) {
  return (a?.edit as WorkspaceEdit | undefined)?.replacements ?? [];
}

/** The document's text with an action's edits applied (edits on this document only). */
function applied(doc: TextDocument, a: { edit?: unknown } | undefined): string {
  const rs = replacements(a)
    .filter((r) => r.uri.toString() === doc.uri.toString())
    .map((r) => ({ start: doc.offsetAt(r.range.start), end: doc.offsetAt(r.range.end), text: r.text }))
    .sort((x, y) => y.start - x.start);
  let text = doc.getText();
  for (const r of rs) text = text.slice(0, r.start) + r.text + text.slice(r.end);
  return text;
}

describe('host: diagnostic levels, disable comments and quick fixes', () => {
  let settings: InstanceType<typeof Settings>;
  let index: InstanceType<typeof idx.DocumentIndex>;
  let diagnostics: InstanceType<typeof UrlDiagnostics>;
  let known: InstanceType<typeof KnownUrls>;
  let fixes: InstanceType<typeof PurgePatternFixes>;
  let relinted: string[];

  beforeEach(async () => {
    workspaceState.folders = [{ uri: WS, name: 'ws', index: 0 }];
    writeFile(
      Uri.joinPath(WS, 'cdn-purge.json'),
      JSON.stringify(
        {
          imagekit: { endpoints: ['https://ik.imagekit.io/demo'] },
          mappings: [{ glob: 'images/**', url: 'https://ik.imagekit.io/demo/images/', provider: 'imagekit' }],
        },
        null,
        2,
      ),
    );
    for (const f of ['images/banners/a.png', 'images/banners/b.png', 'images/products/shoe.png', 'other/x.png'])
      writeFile(Uri.joinPath(WS, f), 'PNG');
    settings = new Settings();
    await settings.reloadProject();
    index = new idx.DocumentIndex(settings);
    relinted = [];
    diagnostics = new UrlDiagnostics(index, settings, async (uris) => {
      relinted.push(...uris.map((u) => u.toString()));
      return new Map();
    });
    known = new KnownUrls(index, settings);
    fixes = new PurgePatternFixes(index, settings, known);
  });
  afterEach(() => {
    for (const d of [fixes, known, diagnostics, index, settings]) (d as { dispose?: () => void }).dispose?.();
    reset();
  });

  const ours = (doc: TextDocument): Diagnostic[] => collections.find((c) => c.name === 'cdn-purge')?.get(doc.uri) ?? [];
  const actionsFor = (doc: TextDocument, only?: keyof typeof CodeActionKind) =>
    fixes.provideCodeActions(
      doc as never,
      ours(doc)[0]?.range as never,
      { diagnostics: ours(doc), ...(only ? { only: CodeActionKind[only] } : {}) } as never,
    );

  it('cdnPurge.diagnostics.severity gives a code its level; off hides it; other codes keep theirs', () => {
    const doc = openDocument('file:///ws/a.md', `${BROAD}\n${MID}\n`, 'markdown');
    assert.deepEqual(
      ours(doc).map((d) => d.severity),
      [DiagnosticSeverity.Error, DiagnosticSeverity.Error],
    );
    setConfiguration('diagnostics.severity', { 'wildcard-too-broad': 'hint' });
    assert.deepEqual(
      ours(doc).map((d) => [(d.code as { value: string }).value, d.severity]),
      [
        ['wildcard-too-broad', DiagnosticSeverity.Hint],
        ['wildcard-not-at-end', DiagnosticSeverity.Error],
      ],
    );
    setConfiguration('diagnostics.severity', { 'wildcard-too-broad': 'off', 'wildcard-not-at-end': 'information' });
    assert.deepEqual(
      ours(doc).map((d) => [(d.code as { value: string }).value, d.severity]),
      [['wildcard-not-at-end', DiagnosticSeverity.Information]],
    );
  });

  it('a disable comment hides the problem; the "disable for this line" fix writes one in the language syntax', async () => {
    const hidden = openDocument('file:///ws/a.ts', `// cdn-purge-disable-next-line\nload("${BROAD}");\n`, 'typescript');
    assert.equal(ours(hidden).length, 0);
    const doc = openDocument('file:///ws/b.ts', `function f() {\n  load("${BROAD}");\n}\n`, 'typescript');
    const disable = (await actionsFor(doc)).find((a) => a.title === 'Disable wildcard-too-broad for this line');
    assert.ok(disable, 'offered');
    const fixed = applied(doc, disable);
    assert.equal(
      fixed,
      `function f() {\n  // cdn-purge-disable-next-line wildcard-too-broad\n  load("${BROAD}");\n}\n`,
    );
    doc.setText(fixed);
    assert.equal(index.get(doc as never)?.findings.length, 0, 'the comment it wrote silences the problem');
    const file = (await actionsFor(openDocument('file:///ws/c.yaml', `a: ${BROAD}\n`, 'yaml'))).find((a) =>
      a.title.endsWith('for the entire file'),
    );
    assert.equal(replacements(file)[0].text, '# cdn-purge-disable wildcard-too-broad\n');
  });

  it('a too-broad wildcard: narrower wildcards from known URLs (mapped files, open files), or the URLs themselves', async () => {
    openDocument('file:///ws/index.html', '<img src="https://ik.imagekit.io/demo/images/products/bag.png">', 'html');
    const doc = openDocument(
      'file:///ws/plan.md',
      `- ${BROAD} (after the deploy)\n- https://ik.imagekit.io/demo/images/logo.png\n`,
      'markdown',
    );
    const actions = await actionsFor(doc);
    const titles = actions.map((a) => a.title);
    assert.deepEqual(titles.slice(0, 4), [
      'Narrow to ik.imagekit.io/demo/images/banners/* (2 known URLs under it)',
      'Narrow to ik.imagekit.io/demo/images/products/* (2 known URLs under it)',
      'Replace by the 1 URL under it in this file',
      'Replace by the 5 known URLs under it (open files and mapped workspace files)',
    ]);
    assert.equal(
      applied(doc, actions[0]),
      `- https://ik.imagekit.io/demo/images/banners/* (after the deploy)\n- https://ik.imagekit.io/demo/images/logo.png\n`,
    );
    assert.equal(
      applied(doc, actions[3]),
      [
        '- https://ik.imagekit.io/demo/images/banners/a.png',
        '- https://ik.imagekit.io/demo/images/banners/b.png',
        '- https://ik.imagekit.io/demo/images/logo.png',
        '- https://ik.imagekit.io/demo/images/products/bag.png',
        '- https://ik.imagekit.io/demo/images/products/shoe.png (after the deploy)',
        '- https://ik.imagekit.io/demo/images/logo.png',
        '',
      ].join('\n'),
      'one list item per URL',
    );
    for (const a of actions.slice(0, 2)) {
      const after = applied(doc, a);
      doc.setText(after);
      assert.ok(
        !index.get(doc as never)!.findings.some((f) => f.problem.code === 'wildcard-too-broad'),
        `${a.title}: valid`,
      );
    }
  });

  it('fix all: the quick fix and source.fixAll.cdnPurge apply every preferred fix, not what is off', async () => {
    const q = 'https://ik.imagekit.io/demo/c/d/*?tr=w-100';
    const doc = openDocument('file:///ws/a.txt', `${MID}\n${q}\n${BROAD}\n`);
    const quick = (await actionsFor(doc)).find((a) => a.title.startsWith('Fix all'));
    assert.equal(quick?.title, 'Fix all 2 CDN Purge problems that have a fix in this file');
    assert.equal(applied(doc, quick), `${CUT}\nhttps://ik.imagekit.io/demo/c/d/*\n${BROAD}\n`);
    const source = await actionsFor(doc, 'SourceFixAll');
    assert.deepEqual(
      source.map((a) => [a.title, a.kind?.value]),
      [['Fix all CDN Purge problems that have a fix', 'source.fixAll.cdnPurge']],
    );
    assert.equal(applied(doc, source[0]), applied(doc, quick));
    setConfiguration('diagnostics.severity', { 'wildcard-query': 'off' });
    const some = await actionsFor(doc, 'SourceFixAll');
    assert.equal(applied(doc, some[0]), `${CUT}\n${q}\n${BROAD}\n`, 'an off code is not fixed');
  });

  it('a URL under no endpoint: adds its endpoint to cdn-purge.json, as an edit of that file', async () => {
    const url = 'https://ik.imagekit.io/shop/banners/2025/*';
    const doc = openDocument('file:///ws/a.txt', url);
    assert.equal((ours(doc)[0].code as { value: string }).value, 'not-under-endpoint');
    const add = (await actionsFor(doc)).find((a) => a.title.startsWith('Add '));
    assert.equal(add?.title, 'Add https://ik.imagekit.io/shop to imagekit.endpoints in cdn-purge.json');
    const config = replacements(add);
    assert.ok(config.every((r) => r.uri.toString() === 'file:///ws/cdn-purge.json'));
    const jsonDoc = workspaceState.documents.find((d) => d.uri.toString() === 'file:///ws/cdn-purge.json')!;
    const text = applyJsonEdits(
      jsonDoc.getText(),
      config.map((r) => ({
        offset: jsonDoc.offsetAt(r.range.start),
        length: jsonDoc.offsetAt(r.range.end) - jsonDoc.offsetAt(r.range.start),
        content: r.text,
      })),
    );
    assert.deepEqual((parse(text) as { imagekit: { endpoints: string[] } }).imagekit.endpoints, [
      'https://ik.imagekit.io/demo',
      'https://ik.imagekit.io/shop',
    ]);
    assert.equal(endpointFor('https://images.example.com/a/*'), 'https://images.example.com');
  });

  it("Check Workspace's problems show for closed files; an open file's live ones replace them; closing checks it again", () => {
    const uri = Uri.parse('file:///ws/site/page.html');
    const problem = {
      file: '/ws/site/page.html',
      line: 2,
      column: 5,
      endLine: 2,
      endColumn: 20,
      code: 'wildcard-too-broad' as const,
      severity: 'error' as const,
      message: 'too broad',
      url: BROAD,
      provider: 'imagekit',
    };
    diagnostics.setWorkspaceResults(new Map([[uri.toString(), { uri: uri as never, problems: [problem] }]]));
    const shown = () => collections.find((c) => c.name === 'cdn-purge')?.get(uri) ?? [];
    assert.deepEqual(
      shown().map((d) => [d.range.start.line, d.range.start.character, d.message]),
      [[1, 4, 'too broad']],
    );
    setConfiguration('diagnostics.severity', { 'wildcard-too-broad': 'warning' });
    assert.equal(shown()[0].severity, DiagnosticSeverity.Warning, 'a level change redraws them');
    const doc = openDocument(uri, 'no purge pattern any more', 'html');
    assert.equal(shown().length, 0, 'the live diagnostics (none) replace the file’s');
    closeDocument(doc);
    assert.deepEqual(relinted, [uri.toString()], 'checked again from disk when it closes');
    diagnostics.setWorkspaceResults(new Map());
    assert.equal(shown().length, 0);
  });
});
