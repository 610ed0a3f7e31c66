// Helpers for the integration suites, which run inside the extension host of a real VS Code (code-server driven
// by scripts/run-integration.js, or a desktop VS Code through @vscode/test-electron).
//
// What the runner gives a suite (environment variables of the extension host):
//   CDN_PURGE_TEST_EMULATOR_URL  the emulator the runner started (also seeded as the cdnPurge.*.apiBase settings)
//   CDN_PURGE_TEST_WORKSPACE     the throw-away copy of sample/ that the window opened (suites may write into it)
//   CDN_PURGE_RUNNER_URL         the runner's control server: UI actions and screenshots through playwright-core
//                                (absent with @vscode/test-electron: `ui.available` is false there)
//   CDN_PURGE_EXPECT_EXTENSION_PATH  set in the packaged run: where the installed .vsix must be loaded from
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { format } from 'node:util';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'cdn-purge.cdn-purge';

/** Prefix of the test run's console lines, so the runner can tell them from the workbench's own (it shows only these). */
export const LOG_TAG = 'ext|';

/** A line in the runner's output (the mocha reporter writes through this too). Plain console.log goes only to its log. */
export function log(...args: unknown[]): void {
  for (const line of format(...args).split('\n')) console.log(`${LOG_TAG} ${line}`);
}

/** The extension under test (throws when VS Code does not know it: wrong extensionDevelopmentPath). */
export function extension<T = unknown>(): vscode.Extension<T> {
  const ext = vscode.extensions.getExtension<T>(EXTENSION_ID);
  assert.ok(ext, `VS Code has no extension ${EXTENSION_ID}: check the runner's extensionDevelopmentPath`);
  return ext;
}

/** Waits until `fn` returns a truthy value (or stops throwing) and returns it; fails with `what` after timeoutMs. */
export async function waitFor<T>(
  what: string,
  fn: () => T | Promise<T>,
  { timeoutMs = 30000, intervalMs = 100 } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`Timed out after ${timeoutMs / 1000}s waiting for ${what} (last: ${detail})`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How many tests have started in this run (index.ts counts them), so a test can tell it ran first. */
export const testRun = { started: 0 };

/** The emulator's URL; a clear error when the runner did not start one. */
export function emulatorUrl(): string {
  const url = process.env.CDN_PURGE_TEST_EMULATOR_URL;
  if (!url)
    throw new Error(
      'No emulator: the runner sets CDN_PURGE_TEST_EMULATOR_URL when it could start `node dist/cli.js emulator` (see its log).',
    );
  return url;
}

/** The workspace folder the window has open (a throw-away copy of sample/). */
export function workspaceFolder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the test window has no workspace folder open');
  return f;
}

/** Opens a workspace file in an editor and puts the cursor on the first occurrence of `text` (offset into it). */
export async function openAt(relPath: string, text?: string, offset = 1): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(workspaceFolder().uri, relPath);
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  if (text !== undefined) {
    const at = doc.getText().indexOf(text);
    assert.ok(at >= 0, `${relPath} does not contain ${JSON.stringify(text)}`);
    const pos = doc.positionAt(at + offset);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenter);
  }
  return editor;
}

// ---------------------------------------------------------------------------------------------------------------
// The browser, driven by the runner (playwright-core on the page that shows this very workbench).

export interface UiClickOptions {
  button?: 'left' | 'right' | 'middle';
  clickCount?: number;
  /** Which match of the selector (0 = first, -1 = last). */
  nth?: number;
  /** Relative to the element's top-left corner. */
  position?: { x: number; y: number };
  modifiers?: Array<'Alt' | 'Control' | 'Meta' | 'Shift'>;
  timeoutMs?: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function runnerRequest<T>(body: Record<string, unknown>): Promise<T> {
  const base = process.env.CDN_PURGE_RUNNER_URL;
  if (!base)
    return Promise.reject(
      new Error(
        'No UI driver: this run has no browser (CDN_PURGE_RUNNER_URL is unset). Put UI checks in describeUi().',
      ),
    );
  const data = Buffer.from(JSON.stringify(body));
  return new Promise<T>((resolve, reject) => {
    const req = http.request(
      `${base}/ui`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': data.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const reply = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
              ok: boolean;
              result?: T;
              error?: string;
            };
            if (reply.ok) resolve(reply.result as T);
            else reject(new Error(`UI ${String(body.op)} failed: ${reply.error}`));
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * UI actions performed by the runner with playwright-core. Selectors are playwright selectors (CSS, `text=…`,
 * `:has-text()`, …) on the workbench page.
 */
export const ui = {
  /** True when a runner with a browser drives this run (code-server); false under @vscode/test-electron. */
  get available(): boolean {
    return !!process.env.CDN_PURGE_RUNNER_URL;
  },
  click: (selector: string, options: UiClickOptions = {}) => runnerRequest<void>({ op: 'click', selector, ...options }),
  hover: (selector: string, options: { nth?: number; timeoutMs?: number } = {}) =>
    runnerRequest<void>({ op: 'hover', selector, ...options }),
  /** Clicks at page coordinates. */
  mouse: (x: number, y: number, options: { button?: 'left' | 'right'; action?: 'click' | 'move' } = {}) =>
    runnerRequest<void>({ op: 'mouse', x, y, ...options }),
  /** Drags with the left button, e.g. a sash between two parts of the workbench. */
  drag: (from: { x: number; y: number }, to: { x: number; y: number }) => runnerRequest<void>({ op: 'drag', from, to }),
  /** A key or chord for the focused element, e.g. 'Escape', 'Control+Shift+P'. */
  press: (key: string) => runnerRequest<void>({ op: 'press', key }),
  type: (text: string) => runnerRequest<void>({ op: 'type', text }),
  /** Waits until a match of the selector reaches `state` (default visible). */
  waitFor: (
    selector: string,
    options: { state?: 'visible' | 'attached' | 'hidden' | 'detached'; timeoutMs?: number } = {},
  ) => runnerRequest<void>({ op: 'waitFor', selector, ...options }),
  count: (selector: string) => runnerRequest<number>({ op: 'count', selector }),
  /** innerText of every match. */
  texts: (selector: string) => runnerRequest<string[]>({ op: 'texts', selector }),
  /** An attribute of every match. */
  attributes: (selector: string, name: string) =>
    runnerRequest<Array<string | null>>({ op: 'attributes', selector, name }),
  box: (selector: string, options: { nth?: number } = {}) =>
    runnerRequest<Box | null>({ op: 'box', selector, ...options }),
  /** Saves a PNG (of the page, or of the first match of `selector`) as `<name>.png` in the runner's screenshot folder. */
  screenshot: (name: string, options: { selector?: string } = {}) =>
    runnerRequest<string>({ op: 'screenshot', name, ...options }),
};

/** `describe` for suites that need the browser: registered only when the runner drives one (see ui.available). */
export function describeUi(title: string, fn: (this: Mocha.Suite) => void): void {
  if (ui.available) describe(title, fn);
  else uiSuitesLeftOut.push(title);
}

/** Titles of describeUi suites not registered in this run (reported by index.ts, so the omission is visible). */
export const uiSuitesLeftOut: string[] = [];

// Selectors of the workbench (VS Code 1.139) that suites share.
export const sel = {
  activityItem: (label: string) => `.part.activitybar .action-item a.action-label[aria-label^="${label}"]`,
  sidebar: '.part.sidebar',
  sidebarTitle: '.part.sidebar .composite.title',
  paneHeader: (name: string) => `.part.sidebar .pane-header:has-text("${name}")`,
  contextMenuItem: (label: string) => `.context-view .monaco-menu .action-item:has(.action-label:text-is("${label}"))`,
  contextMenu: '.context-view .monaco-menu',
  cursor: '.monaco-editor.focused .cursors-layer .cursor',
};
