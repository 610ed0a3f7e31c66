// Lazy activation in the real VS Code (issues 12 and 14): what activation loads is dist/extension.js alone, which
// registers the commands and returns; the rest (dist/host.js: services, the history view, diagnostics, the
// planner) is loaded right after activation, and the HTTP layer (dist/http.js, undici) only by the first request.
// This file runs right after activation.test.ts (the runner sorts the files), before any test has purged.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CdnPurgeApi } from '../../src/extension';
import { extension, openAt, waitFor } from './harness';

/** The files of the extension's dist/ folder that this extension host has loaded. */
function loadedFromDist(ext: vscode.Extension<unknown>): string[] {
  const dist = path.join(ext.extensionPath, 'dist');
  return Object.keys(require.cache)
    .filter((f) => path.dirname(f) === dist)
    .map((f) => path.basename(f))
    .sort();
}

describe('Lazy activation', function () {
  this.timeout(60_000);

  it('activation loads only dist/extension.js; the rest follows at once, the HTTP layer not before a request', async () => {
    const ext = extension<CdnPurgeApi>();
    if (!ext.isActive) await openAt('index.html');
    await waitFor('the extension to be active', () => ext.isActive, { timeoutMs: 30_000 });
    const { startup } = ext.exports;
    assert.deepEqual(startup.loadedAtActivation, ['extension.js'], 'activation loaded nothing but the entry');
    // Nothing asked for the rest (no command, no read of the API but `startup`): it is loaded after activation.
    await waitFor('the rest loaded after activation', () => startup.hostLoaded, { timeoutMs: 30_000 });
    assert.deepEqual(loadedFromDist(ext), ['extension.js', 'host.js'], 'the HTTP layer waits for a request');
    // And it works: the history view has its provider, the output channel says how long activation took.
    assert.ok(ext.exports.tree.visible !== undefined);
    await vscode.commands.executeCommand('cdnPurge.showOutput');
  });
});
