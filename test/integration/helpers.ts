// Feature-test helpers on top of harness.ts: the extension's API (its services), the emulator's control API,
// and the output channel's text.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CdnPurgeApi } from '../../src/extension';
import { StorageKey } from '../../src/host/ids';
import { emulatorUrl, extension } from './harness';

export { waitFor } from './harness';

export async function api(): Promise<CdnPurgeApi> {
  const ext = extension<CdnPurgeApi>();
  return ext.isActive ? ext.exports : ext.activate();
}

export async function emulator<T = unknown>(pathAndQuery: string, body?: unknown): Promise<T> {
  const res = await fetch(
    `${emulatorUrl()}${pathAndQuery}`,
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  if (!res.ok) throw new Error(`emulator ${pathAndQuery}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export interface LoggedRequest {
  method: string;
  path: string;
  provider: string;
  auth: string | null;
  body: unknown;
  status: number | null;
}

export async function emulatorRequests(provider?: string): Promise<LoggedRequest[]> {
  return (
    await emulator<{ requests: LoggedRequest[] }>(`/_emulator/requests${provider ? `?provider=${provider}` : ''}`)
  ).requests;
}

/**
 * The purges the emulator received (POSTs), leaving out the status reads the poller still makes for earlier tests'
 * pending purges, which may arrive after a reset.
 */
export async function emulatorPurges(provider?: string): Promise<LoggedRequest[]> {
  return (await emulatorRequests(provider)).filter((r) => r.method === 'POST');
}

export async function resetEmulator(): Promise<void> {
  await emulator('/_emulator/reset', {});
}

/** Turns cdnPurge.confirm on or off (user settings). */
export async function setConfirm(on: boolean): Promise<void> {
  await vscode.workspace.getConfiguration('cdnPurge').update('confirm', on, vscode.ConfigurationTarget.Global);
}

/**
 * The hooks of a suite that purges on the emulator with cdnPurge.confirm on: the emulator and its keys first,
 * confirmations on for the suite (off again after it), the emulator's log cleared before each test.
 */
export function confirmingOnEmulator(): void {
  before(async () => {
    await useEmulator();
    await setConfirm(true);
  });
  after(async () => {
    await setConfirm(false);
  });
  beforeEach(async () => {
    await resetEmulator();
  });
}

/** Points the extension at the emulator with its test keys, and turns confirmations off (modals block tests). */
export async function useEmulator(): Promise<CdnPurgeApi> {
  const a = await api();
  await vscode.commands.executeCommand('cdnPurge.useEmulator', emulatorUrl());
  await setConfirm(false);
  return a;
}

/** The text the "CDN Purge" output channel wrote to its log file. */
export function outputChannelText(context: vscode.ExtensionContext): string {
  // context.logUri is <logs>/<session>/exthostN/<extension id>; output channels log beside it.
  const roots = [path.dirname(context.logUri.fsPath), path.dirname(path.dirname(context.logUri.fsPath))];
  for (const root of roots) {
    const found = findFiles(root, (f) => f.endsWith('CDN Purge.log'));
    if (found.length) return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  }
  return '';
}

function findFiles(dir: string, pred: (f: string) => boolean, depth = 4): string[] {
  if (depth < 0 || !fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findFiles(p, pred, depth - 1));
    else if (pred(p)) out.push(p);
  }
  return out;
}

export interface CapturedMessage {
  kind: 'info' | 'warning' | 'error';
  message: string;
  /** The buttons' titles. */
  items: string[];
  modal: boolean;
  detail?: string;
}

type Show = (message: string, ...rest: unknown[]) => Thenable<unknown>;

/**
 * Records every notification and dialog the extension shows (it shares this `vscode` API object with the tests).
 * `answer` picks a button by title; a modal dialog nobody answers is dismissed (resolves undefined) instead of
 * blocking the test; other messages are shown as usual. Call restore() when done (in a finally).
 */
export function captureMessages(answer: (m: CapturedMessage) => string | undefined = () => undefined): {
  messages: CapturedMessage[];
  restore(): void;
} {
  const w = vscode.window as unknown as Record<
    'showInformationMessage' | 'showWarningMessage' | 'showErrorMessage',
    Show
  >;
  const originals = {
    showInformationMessage: w.showInformationMessage,
    showWarningMessage: w.showWarningMessage,
    showErrorMessage: w.showErrorMessage,
  };
  const messages: CapturedMessage[] = [];
  const patch = (name: keyof typeof originals, kind: CapturedMessage['kind']): Show =>
    function (message: string, ...rest: unknown[]) {
      const options = rest.find(
        (x): x is vscode.MessageOptions => typeof x === 'object' && x !== null && !('title' in x),
      );
      const items = rest.filter(
        (x): x is string | vscode.MessageItem =>
          typeof x === 'string' || (typeof x === 'object' && x !== null && 'title' in x),
      );
      const m: CapturedMessage = {
        kind,
        message,
        items: items.map((i) => (typeof i === 'string' ? i : i.title)),
        modal: options?.modal === true,
        ...(options?.detail ? { detail: options.detail } : {}),
      };
      messages.push(m);
      const pick = answer(m);
      if (pick !== undefined || m.modal)
        return Promise.resolve(items.find((i) => (typeof i === 'string' ? i : i.title) === pick));
      return originals[name].call(vscode.window, message, ...rest);
    };
  w.showInformationMessage = patch('showInformationMessage', 'info');
  w.showWarningMessage = patch('showWarningMessage', 'warning');
  w.showErrorMessage = patch('showErrorMessage', 'error');
  return {
    messages,
    restore: () => Object.assign(w, originals),
  };
}

/** Answers the next quick picks with `pick` (given the items), instead of showing them. Call restore() when done. */
export function answerQuickPicks(pick: (items: readonly vscode.QuickPickItem[]) => unknown): { restore(): void } {
  const w = vscode.window as unknown as { showQuickPick: unknown };
  const original = w.showQuickPick;
  w.showQuickPick = async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>) =>
    pick(await items);
  return { restore: () => (w.showQuickPick = original) };
}

/** The history as stored in globalState, once every change so far is written. */
export async function storedHistory(a: CdnPurgeApi): Promise<{ version: number; batches: unknown[] } | undefined> {
  await a.history.flush();
  return a.context.globalState.get(StorageKey.history);
}
