// The steps the README screenshot tests share: a purge on the emulator to picture, and the picture itself.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { CdnPurgeApi } from '../../../src/extension';
import { emulatorUrl, extension, openAt, sleep, ui, waitFor } from '../harness';
import { setConfirm } from '../helpers';

/** Takes the named screenshot once animations and hovers have settled, and checks that it is a PNG. */
export async function shot(name: string): Promise<string> {
  await sleep(600);
  const file = await ui.screenshot(name);
  const b = fs.readFileSync(file);
  assert.ok(b.length > 1000 && b.subarray(1, 4).toString('latin1') === 'PNG', `${file} is a PNG`);
  return file;
}

/**
 * Opens `file` at `url` (line 20 shown at the top), points the extension at the emulator without confirmations,
 * purges `url` and waits for it to be done, then clears the notifications: the state the pictures show.
 */
export async function purgedOnEmulator(
  file: string,
  url: string,
): Promise<{ editor: vscode.TextEditor; api: CdnPurgeApi }> {
  const ext = extension<CdnPurgeApi>();
  const editor = await openAt(file, url, 20);
  await waitFor('the extension to be active', () => ext.isActive, { timeoutMs: 60000 });
  const api = ext.exports;
  assert.ok(await vscode.commands.executeCommand<string>('cdnPurge.useEmulator', emulatorUrl()));
  await setConfirm(false);
  await vscode.commands.executeCommand('cdnPurge.purgeUrl', url);
  await waitFor('the purge completed', () => api.history.pending().length === 0, { timeoutMs: 60000 });
  await vscode.commands.executeCommand('notifications.clearAll');
  return { editor, api };
}
