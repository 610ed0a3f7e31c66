// The document index (src/host/documentIndex.ts) and what reads it: the diagnostics, the
// `cdnPurge.documentHasUrls` context key and the quick fixes, in plain Node on a manual clock. One scan per
// document version whoever asks, one debounce, one size limit, one scheme list (a vscode-vfs document gets both
// its diagnostics and their quick fixes).
import assert from 'node:assert/strict';
import {
  closeDocument,
  collections,
  contextKeys,
  install,
  ManualTimers,
  openDocument,
  reset,
  setActiveDocument,
  setConfiguration,
  type Diagnostic,
  type TextDocument,
  type WorkspaceEdit,
} from '../helpers/vscode-stub';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
const idx = require('../../../src/host/documentIndex') as typeof import('../../../src/host/documentIndex');
const { UrlDiagnostics } = require('../../../src/host/diagnostics') as typeof import('../../../src/host/diagnostics');
const { PurgePatternFixes } =
  require('../../../src/host/codeActions') as typeof import('../../../src/host/codeActions');
const { DocumentUrlsContext } =
  require('../../../src/host/urlAtCursor') as typeof import('../../../src/host/urlAtCursor');
const { Settings } = require('../../../src/host/settings') as typeof import('../../../src/host/settings');
const { scanText } = require('../../../src/core/scanner') as typeof import('../../../src/core/scanner');

/** The replacements of a code action's edit (the stand-in's WorkspaceEdit records them). */
function edits(a: { edit?: unknown } | undefined) {
  return (a?.edit as WorkspaceEdit | undefined)?.replacements ?? [];
}

const BAD = 'https://ik.imagekit.io/demo/products/shoes/*/red.jpg';
const PLAIN = 'https://ik.imagekit.io/demo/products/red.jpg';

describe('host: one document index for diagnostics, the context key and quick fixes', () => {
  let timers: ManualTimers;
  let scans: string[];
  let settings: InstanceType<typeof Settings>;
  let index: InstanceType<typeof idx.DocumentIndex>;
  let diagnostics: InstanceType<typeof UrlDiagnostics>;
  let context: InstanceType<typeof DocumentUrlsContext>;
  let fixes: InstanceType<typeof PurgePatternFixes>;

  beforeEach(() => {
    timers = new ManualTimers();
    scans = [];
    settings = new Settings();
    index = new idx.DocumentIndex(settings, {
      timers,
      scan: (text, classify, max) => {
        scans.push(text);
        return scanText(text, classify, max);
      },
    });
    diagnostics = new UrlDiagnostics(index, settings);
    context = new DocumentUrlsContext(index);
    fixes = new PurgePatternFixes(index, settings);
  });
  afterEach(() => {
    for (const d of [fixes, context, diagnostics, index, settings]) (d as { dispose?: () => void }).dispose?.();
    reset();
  });

  const ours = (doc: TextDocument): Diagnostic[] => collections.find((c) => c.name === 'cdn-purge')?.get(doc.uri) ?? [];
  const quickFixes = (doc: TextDocument) =>
    fixes.provideCodeActions(doc as never, ours(doc)[0]?.range as never, { diagnostics: ours(doc) } as never);
  /** The fixes the rules compute (not the disable comments or the documentation link). */
  const ruleFixes = async (doc: TextDocument) =>
    (await quickFixes(doc)).filter((a) => !/^(Disable |Show documentation)/.test(a.title));

  it('a document opened is scanned once, and that one scan serves all three', async () => {
    const doc = openDocument('file:///ws/a.html', `<img src="${BAD}">`);
    setActiveDocument(doc);
    assert.equal(scans.length, 1);
    assert.equal(ours(doc).length, 1);
    assert.equal(ours(doc)[0].source, 'CDN Purge');
    assert.deepEqual(
      (ours(doc)[0].code as { value: string }).value,
      'wildcard-not-at-end',
      'the code links the problem',
    );
    assert.equal(contextKeys.get('cdnPurge.documentHasUrls'), true);
    const actions = await quickFixes(doc);
    assert.deepEqual(
      actions.map((a) => a.title),
      [
        'Purge everything up to the first "*"',
        'Remove the "*" (purge one exact URL)',
        'Disable wildcard-not-at-end for this line',
        'Disable wildcard-not-at-end for the entire file',
        'Show documentation for wildcard-not-at-end',
      ],
    );
    assert.equal(edits(actions.find((a) => a.isPreferred))[0].text, 'https://ik.imagekit.io/demo/products/shoes/*');
    assert.equal(scans.length, 1, 'the context key and the quick fixes used the same scan');
  });

  it('edits are indexed once after the debounce, however many keystrokes', () => {
    const doc = openDocument('file:///ws/a.md', PLAIN);
    assert.equal(scans.length, 1);
    for (const c of 'abc') doc.setText(`${doc.getText()}${c}`);
    doc.setText(`${BAD}\n`);
    assert.equal(scans.length, 1, 'nothing while typing');
    assert.deepEqual(timers.waiting, [idx.INDEX_DEBOUNCE_MS], 'one debounce timer for the document');
    timers.advance(idx.INDEX_DEBOUNCE_MS - 1);
    assert.equal(scans.length, 1);
    assert.equal(ours(doc).length, 0);
    timers.advance(1);
    assert.equal(scans.length, 2, 'one scan for the final version');
    assert.equal(ours(doc).length, 1, 'the diagnostic follows the edit');
  });

  it('a quick fix asked for before the debounce scans the new version once; the debounce then reuses it', () => {
    const doc = openDocument('file:///ws/a.txt', 'nothing yet');
    doc.setText(`see ${BAD} here`);
    const entry = index.get(doc as never);
    assert.equal(entry?.version, doc.version);
    assert.equal(entry?.findings.length, 1);
    assert.equal(scans.length, 2);
    timers.advance(idx.INDEX_DEBOUNCE_MS);
    assert.equal(scans.length, 2, 'no second scan of the same version');
    assert.equal(ours(doc).length, 1, 'the diagnostics were published from it');
  });

  it('one scheme list: a vscode-vfs document (GitHub repository without a clone) gets diagnostics and their quick fixes', async () => {
    assert.ok(idx.INDEXED_SCHEMES.includes('vscode-vfs'));
    assert.deepEqual(
      idx.INDEXED_SELECTOR.map((f) => f.scheme),
      [...idx.INDEXED_SCHEMES],
      'the code action selector is the same list',
    );
    const doc = openDocument('vscode-vfs://github/acme/site/index.html', `<img src="${BAD}">`);
    assert.equal(ours(doc).length, 1);
    assert.equal((await ruleFixes(doc)).length, 2);
  });

  it('documents of other schemes (output channels, git copies) are not indexed at all', async () => {
    const out = openDocument('output:extension-output-cdn-purge', `${BAD}`);
    const git = openDocument('git:/ws/a.html?ref=HEAD', `${BAD}`);
    out.setText(`${BAD} again`);
    timers.advance(idx.INDEX_DEBOUNCE_MS);
    setActiveDocument(git);
    assert.equal(scans.length, 0);
    assert.equal(ours(out).length + ours(git).length, 0);
    assert.equal(index.get(out as never), undefined);
    assert.equal(contextKeys.get('cdnPurge.documentHasUrls'), false);
    assert.deepEqual(
      await fixes.provideCodeActions(git as never, undefined as never, { diagnostics: [] } as never),
      [],
    );
  });

  it('one size limit: a document over MAX_INDEXED_TEXT is not scanned, has no diagnostics and no menu item', () => {
    const big = openDocument('file:///ws/big.txt', `${BAD} ${'x'.repeat(idx.MAX_INDEXED_TEXT)}`);
    setActiveDocument(big);
    assert.equal(scans.length, 0);
    assert.equal(index.get(big as never)?.tooLarge, true);
    assert.equal(ours(big).length, 0);
    assert.equal(contextKeys.get('cdnPurge.documentHasUrls'), false);
  });

  it('the context key follows the active editor and its edits', () => {
    const a = openDocument('file:///ws/a.txt', PLAIN);
    const b = openDocument('file:///ws/b.txt', 'no CDN URL here');
    setActiveDocument(a);
    assert.equal(contextKeys.get('cdnPurge.documentHasUrls'), true);
    setActiveDocument(b);
    assert.equal(contextKeys.get('cdnPurge.documentHasUrls'), false);
    b.setText(`now ${PLAIN}`);
    assert.equal(contextKeys.get('cdnPurge.documentHasUrls'), false, 'not before the debounce');
    timers.advance(idx.INDEX_DEBOUNCE_MS);
    assert.equal(contextKeys.get('cdnPurge.documentHasUrls'), true);
    assert.equal(context.value, true);
    setActiveDocument(undefined);
    assert.equal(contextKeys.get('cdnPurge.documentHasUrls'), false);
  });

  it('a settings change indexes the open documents again (a new endpoint is recognised); closing clears', () => {
    const doc = openDocument('file:///ws/a.txt', 'https://images.example.com/a/*/b.jpg');
    setActiveDocument(doc);
    assert.equal(ours(doc).length, 0);
    assert.equal(contextKeys.get('cdnPurge.documentHasUrls'), false);
    setConfiguration('imagekit.endpoints', ['https://images.example.com']);
    assert.equal(scans.length, 2);
    assert.equal(ours(doc).length, 1);
    assert.equal(contextKeys.get('cdnPurge.documentHasUrls'), true);
    closeDocument(doc);
    assert.equal(ours(doc).length, 0);
    assert.equal(collections.find((c) => c.name === 'cdn-purge')?.has(doc.uri as never), false);
  });

  it('diagnostics off: none shown, while the context key still works', () => {
    setConfiguration('diagnostics.enabled', false);
    const doc = openDocument('file:///ws/a.txt', BAD);
    setActiveDocument(doc);
    assert.equal(ours(doc).length, 0);
    assert.equal(contextKeys.get('cdnPurge.documentHasUrls'), true);
    setConfiguration('diagnostics.enabled', true);
    assert.equal(ours(doc).length, 1);
  });

  it('quick fixes are taken from the current text, even for a diagnostic drawn before the edit', async () => {
    const doc = openDocument('file:///ws/a.txt', BAD);
    const old = ours(doc);
    doc.setText(`xx ${BAD}`);
    // Before the debounce: the diagnostic is the old one, the edit is computed on the new text.
    const actions = (
      await fixes.provideCodeActions(doc as never, old[0].range as never, { diagnostics: old } as never)
    ).filter((a) => !/^(Disable |Show documentation)/.test(a.title));
    assert.equal(actions.length, 2);
    const r = edits(actions[0])[0].range;
    assert.equal(doc.getText(r as never), BAD, 'the edit replaces the whole URL where it is now');
    doc.setText('no URL any more');
    assert.deepEqual(
      await fixes.provideCodeActions(doc as never, old[0].range as never, { diagnostics: old } as never),
      [],
      'no edit for a URL that is gone',
    );
  });
});
