// Checks shared by the dev suite (extension.test.ts) and the packaged suite (packaged/packaged.test.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** The manifest the issue asks for: implicit activation (no "*"), untrusted-workspace support declared, an icon. */
export function checkManifest(ext: vscode.Extension<unknown>): void {
  const pj = ext.packageJSON;
  const events: string[] = pj.activationEvents ?? [];
  assert.ok(!events.includes('*'), 'activationEvents must not contain "*"');
  assert.ok(
    pj.capabilities?.untrustedWorkspaces?.supported !== undefined,
    'capabilities.untrustedWorkspaces is declared',
  );
  assert.equal(pj.main, './dist/extension.js');
  assert.ok(fs.existsSync(path.join(ext.extensionPath, 'dist', 'extension.js')), 'dist/extension.js is there');
  assert.ok(fs.existsSync(path.join(ext.extensionPath, pj.icon)), `the icon ${pj.icon} is there`);
  for (const c of pj.contributes.viewsContainers.activitybar)
    assert.ok(fs.existsSync(path.join(ext.extensionPath, c.icon)), `the activity bar icon ${c.icon} is there`);
}

/** Every command in contributes.commands is registered once the extension is active. */
export async function checkContributedCommands(ext: vscode.Extension<unknown>): Promise<void> {
  if (!ext.isActive) await ext.activate();
  const contributed: string[] = ext.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
  assert.ok(contributed.length > 0, 'the extension contributes commands');
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = contributed.filter((c) => !registered.has(c));
  assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  for (const c of ext.packageJSON.contributes.commands)
    assert.equal(c.category, 'CDN Purge', `${c.command} is in the "CDN Purge" category`);
}
