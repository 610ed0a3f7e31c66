// A broken cdn-purge.json in a real VS Code: saving one puts a diagnostic on the file where it is wrong and shows a
// notification whose button opens the file there; saving it fixed removes the diagnostic and its endpoints are used
// again.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { workspaceFolder } from './harness';
import { api, captureMessages, waitFor } from './helpers';

function configDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'CDN Purge' && typeof d.code === 'object' && d.code.value === 'cdn-purge.json');
}

describe('A broken cdn-purge.json is shown', function () {
  this.timeout(60_000);
  let uri: vscode.Uri;
  let original: Uint8Array;

  before(async () => {
    await api();
    uri = vscode.Uri.joinPath(workspaceFolder().uri, 'cdn-purge.json');
    original = await vscode.workspace.fs.readFile(uri);
  });

  after(async () => {
    await vscode.workspace.fs.writeFile(uri, original);
    // The suites after this one use the sample's endpoints and mappings: wait until the extension reads them again.
    const a = await api();
    const text = Buffer.from(original).toString('utf8');
    await waitFor('the original cdn-purge.json to be read again', () =>
      a.settings.projectConfig?.text === text && configDiagnostics(uri).length === 0 ? true : undefined,
    );
    if (vscode.window.activeTextEditor?.document.uri.toString() === uri.toString())
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a diagnostic on the error and a notification that opens the file there; gone once the file is fixed', async () => {
    const a = await api();
    assert.equal(a.settings.providerOf('https://images.example.com/a.png'), undefined);
    // A trailing comma after the last member: not JSON.
    const broken = '{\n  "imagekit": { "endpoints": ["https://images.example.com"] },\n}\n';
    const capture = captureMessages((m) =>
      m.message.startsWith('cdn-purge.json') ? 'Open cdn-purge.json' : undefined,
    );
    try {
      await vscode.workspace.fs.writeFile(uri, Buffer.from(broken));
      const [d] = await waitFor('the diagnostic on cdn-purge.json', () =>
        configDiagnostics(uri).length ? configDiagnostics(uri) : undefined,
      );
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
      assert.match(d.message, /^cdn-purge\.json is not valid JSON/);
      assert.deepEqual([d.range.start.line, d.range.start.character], [2, 0], 'on the "}" after the trailing comma');
      assert.match(String((d.code as { target: vscode.Uri }).target), /README\.md#cdn-purgejson$/);

      const note = await waitFor('the notification', () =>
        capture.messages.find((m) => m.message.startsWith('cdn-purge.json')),
      );
      assert.equal(note.kind, 'error');
      assert.match(note.message, /Its endpoints and mappings are not used until it is fixed\.$/);
      assert.deepEqual(note.items, ['Open cdn-purge.json']);
      // The button (answered) opened the file with the problem selected.
      const editor = await waitFor('cdn-purge.json in the editor', () =>
        vscode.window.activeTextEditor?.document.uri.toString() === uri.toString()
          ? vscode.window.activeTextEditor
          : undefined,
      );
      assert.deepEqual([editor.selection.start.line, editor.selection.start.character], [2, 0]);
    } finally {
      capture.restore();
    }

    const fixed = '{\n  "imagekit": { "endpoints": ["https://images.example.com"] }\n}\n';
    await vscode.workspace.fs.writeFile(uri, Buffer.from(fixed));
    await waitFor('the diagnostic to go', () => (configDiagnostics(uri).length === 0 ? true : undefined));
    await waitFor('its endpoint to be used', () =>
      a.settings.providerOf('https://images.example.com/a.png') === 'imagekit' ? true : undefined,
    );
    assert.deepEqual(a.settings.projectConfigErrors, []);
  });

  it('an unknown key is a warning on the key, and the rest of the file is used', async () => {
    const a = await api();
    const text = '{\n  "imagekit": { "endpoints": ["https://images2.example.com"] },\n  "mapings": []\n}\n';
    const capture = captureMessages();
    try {
      await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
      const doc = await vscode.workspace.openTextDocument(uri);
      // The editor opened by the test before reloads the saved text; then the diagnostic sits on the key.
      const d = await waitFor('the diagnostic on the unknown key', () => {
        const [x] = configDiagnostics(uri);
        return x && doc.getText() === text && doc.getText(x.range) === '"mapings"' ? x : undefined;
      });
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.match(d.message, /unknown key "mapings"/);
      await waitFor('the warning notification', () =>
        capture.messages.find((m) => m.kind === 'warning' && /unknown key "mapings"/.test(m.message)),
      );
      assert.equal(a.settings.providerOf('https://images2.example.com/a.png'), 'imagekit');
    } finally {
      capture.restore();
    }
  });
});
