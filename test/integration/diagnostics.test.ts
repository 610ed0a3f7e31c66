// Inline diagnostics for purge patterns and their quick fixes, in a real editor.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, waitFor } from './helpers';

async function open(content: string, language = 'html'): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument({ content, language });
  await vscode.window.showTextDocument(doc);
  return doc;
}

function ours(doc: vscode.TextDocument): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'CDN Purge');
}

describe('Diagnostics for purge patterns', function () {
  this.timeout(30_000);

  before(async () => {
    await api();
  });

  it('flags invalid wildcards with a code that links to the README, and leaves valid ones alone', async () => {
    const doc = await open(
      [
        '<img src="https://ik.imagekit.io/demo/images*">',
        '<img src="https://ik.imagekit.io/demo/folder/*/sample.jpg">',
        '<img src="https://ik.imagekit.io/demo/media/catalog/*">',
        '<img src="https://ik.imagekit.io/demo/images/upload*">',
        '<img src="https://assets.imgix.net/photos/*">',
        '<img src="https://ik.imagekit.io/demo/${name}*">',
      ].join('\n'),
    );
    const diags = await waitFor('diagnostics', () => (ours(doc).length >= 4 ? ours(doc) : undefined));
    const codes = diags.map((d) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code))).sort();
    assert.deepEqual(codes, [
      'imgix-no-wildcard',
      'wildcard-not-at-end',
      'wildcard-path-unsupported',
      'wildcard-too-broad',
    ]);
    for (const d of diags) {
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
      const target = typeof d.code === 'object' ? d.code.target.toString() : '';
      assert.match(target, /README\.md#/);
    }
    assert.ok(!diags.some((d) => d.range.start.line === 3), 'images/upload* (two levels) is valid');
    assert.ok(!diags.some((d) => d.range.start.line === 5), 'a templated URL is not checked');
    const notAtEnd = diags.find((d) => String((d.code as { value: string }).value) === 'wildcard-not-at-end')!;
    assert.equal(doc.getText(notAtEnd.range), '*', 'the range is the misplaced "*"');
  });

  it('offers the quick fixes, the preferred one first, and fixing clears the diagnostic', async () => {
    const doc = await open('see https://ik.imagekit.io/demo/products/shoes/*/red.jpg for the list', 'plaintext');
    const [diag] = await waitFor('a diagnostic', () => (ours(doc).length ? ours(doc) : undefined));
    // Actions come back through the command without their diagnostics; in a plaintext document only ours exist.
    // Asked again until they come (the first request of a run can come before the provider is registered).
    const mine = await waitFor('the quick fixes', async () => {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        doc.uri,
        diag.range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const fixes = actions.filter((x) => x.kind?.value === vscode.CodeActionKind.QuickFix.value);
      return fixes.length ? fixes : undefined;
    });
    assert.deepEqual(
      mine.map((x) => x.title),
      [
        'Purge everything up to the first "*"',
        'Remove the "*" (purge one exact URL)',
        'Disable wildcard-not-at-end for this line',
        'Disable wildcard-not-at-end for the entire file',
        'Show documentation for wildcard-not-at-end',
      ],
    );
    const preferred = mine.find((x) => x.isPreferred);
    assert.ok(preferred?.edit);
    assert.ok(await vscode.workspace.applyEdit(preferred.edit));
    assert.equal(doc.getText(), 'see https://ik.imagekit.io/demo/products/shoes/* for the list');
    await waitFor('the diagnostic to go', () => (ours(doc).length === 0 ? true : undefined));
  });

  it('follows edits as you type (debounced) and settings changes', async () => {
    const doc = await open('https://ik.imagekit.io/demo/a*', 'plaintext');
    await waitFor('a diagnostic', () => (ours(doc).length === 1 ? true : undefined));
    const editor = vscode.window.activeTextEditor!;
    await editor.edit((e) => e.insert(new vscode.Position(0, doc.getText().length - 1), 'bc/def'));
    assert.equal(doc.getText(), 'https://ik.imagekit.io/demo/abc/def*');
    await waitFor('the diagnostic to go after the edit', () => (ours(doc).length === 0 ? true : undefined));
    const c = vscode.workspace.getConfiguration('cdnPurge');
    await editor.edit((e) =>
      e.replace(new vscode.Range(0, 0, 0, doc.getText().length), 'https://ik.imagekit.io/demo/a*'),
    );
    await waitFor('the diagnostic again', () => (ours(doc).length === 1 ? true : undefined));
    await c.update('diagnostics.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      await waitFor('diagnostics off', () => (ours(doc).length === 0 ? true : undefined));
    } finally {
      await c.update('diagnostics.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
