// A broken cdn-purge.json is shown, not ignored: each problem the core's parser reports becomes a diagnostic on the
// file (on the key or value it is about, or the syntax error's position), and a notification says what is wrong
// with a button that opens the file there. While the file is open its text is checked as you type; otherwise the
// saved file (what the extension uses) is. Fixing the file removes the diagnostics.

import { parseTree, findNodeAtLocation, type Node, type ParseError } from 'jsonc-parser';
import * as vscode from 'vscode';
import { parseProjectConfig, PROJECT_CONFIG_FILE, type ConfigIssue } from '../core/config';
import { DOCS_BASE } from '../core/problems';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { INDEX_DEBOUNCE_MS } from './documentIndex';
import type { ProjectConfigSource, Settings } from './settings';
import { realTimers, type Timers } from './timers';

/** The code of cdn-purge.json's diagnostics; it links to README's section on the file. */
export const CONFIG_DIAGNOSTIC_CODE = 'cdn-purge.json';
export const CONFIG_DOCS_URL = `${DOCS_BASE}#cdn-purgejson`;
export const OPEN_ACTION = vscode.l10n.t('Open {0}', PROJECT_CONFIG_FILE);

export interface ConfigProblem {
  message: string;
  /** Offsets into the file's text. */
  start: number;
  end: number;
  severity: 'error' | 'warning';
}

function nodeRange(n: Node): { start: number; end: number } {
  return { start: n.offset, end: n.offset + n.length };
}

function firstLine(text: string): { start: number; end: number } {
  const nl = text.indexOf('\n');
  return { start: 0, end: nl < 0 ? text.length : nl };
}

/**
 * Where in the text a problem reported by parseProjectConfig is: a syntax error at its position, an unknown key on
 * the key, a wrong value on the value (the issue's JSON path), the whole value for "not an object", anything else
 * (too large) on the first line.
 */
export function locateConfigProblem(
  text: string,
  issue: ConfigIssue,
  root: Node | undefined,
  syntax: ParseError[],
): { start: number; end: number } {
  if (/is not valid JSON/.test(issue.message)) {
    const e = syntax[0];
    if (e) return { start: e.offset, end: e.offset + Math.max(1, e.length) };
    const at = /at position (\d+)/.exec(issue.message);
    if (at) return { start: Number(at[1]), end: Number(at[1]) + 1 };
    return firstLine(text);
  }
  if (!root) return firstLine(text);
  if (issue.path.length === 0) return /must hold a JSON object/.test(issue.message) ? nodeRange(root) : firstLine(text);
  const value = findNodeAtLocation(root, issue.path);
  // An unknown key: the key itself, not its value.
  if (/unknown key/.test(issue.message) && value?.parent?.type === 'property' && value.parent.children?.[0])
    return nodeRange(value.parent.children[0]);
  return value ? nodeRange(value) : firstLine(text);
}

/** The problems of a cdn-purge.json text, with ranges; `issues` when already parsed (the saved file's). */
export function configProblems(text: string, issues?: readonly ConfigIssue[]): ConfigProblem[] {
  const found = issues ?? parseProjectConfig(text, PROJECT_CONFIG_FILE).issues;
  if (found.length === 0) return [];
  const syntax: ParseError[] = [];
  // The BOM is not JSON (the core skips it): a space in its place keeps the offsets after it.
  const json = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const root = parseTree(json, syntax, { disallowComments: true, allowTrailingComma: false });
  return found.map((issue) => ({
    message: issue.message,
    ...locateConfigProblem(text, issue, root, syntax),
    severity: /unknown key/.test(issue.message) ? 'warning' : 'error',
  }));
}

function toDiagnostic(doc: { positionAt(o: number): vscode.Position } | undefined, p: ConfigProblem) {
  const range = doc ? new vscode.Range(doc.positionAt(p.start), doc.positionAt(p.end)) : new vscode.Range(0, 0, 0, 0);
  const d = new vscode.Diagnostic(
    range,
    p.message,
    p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: CONFIG_DIAGNOSTIC_CODE, target: vscode.Uri.parse(CONFIG_DOCS_URL) };
  return d;
}

/** Offsets to positions in a text that is not open in an editor. */
function textPositions(text: string): { positionAt(o: number): vscode.Position } {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return {
    positionAt(o: number) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= o) lo = mid;
        else hi = mid - 1;
      }
      return new vscode.Position(lo, o - starts[lo]);
    },
  };
}

export class ProjectConfigProblems implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('cdn-purge.json');
  private readonly disposables: vscode.Disposable[] = [];
  private readonly timers = new Map<string, unknown>();
  /** The saved file's problems last announced, so a notification is shown once per new set. */
  private announced = '';
  private readonly clock: Timers;

  constructor(
    private readonly settings: Settings,
    options: { timers?: Timers } = {},
  ) {
    this.clock = options.timers ?? realTimers;
    this.disposables.push(
      this.collection,
      settings.onDidChange(() => this.refresh()),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidOpenTextDocument((d) => this.refreshDocument(d)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (this.isConfigFile(d.uri)) this.refresh();
      }),
    );
  }

  /** A cdn-purge.json at the root of a workspace folder (the files the extension reads). */
  private isConfigFile(uri: vscode.Uri): boolean {
    const current = this.settings.projectConfig?.uri.toString();
    if (current !== undefined && uri.toString() === current) return true;
    return (vscode.workspace.workspaceFolders ?? []).some(
      (f) => vscode.Uri.joinPath(f.uri, PROJECT_CONFIG_FILE).toString() === uri.toString(),
    );
  }

  private openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
    return vscode.workspace.textDocuments.find((d) => !d.isClosed && d.uri.toString() === uri.toString());
  }

  /** Shows the saved file's problems (or the open document's), and announces a new set of saved problems. */
  refresh(): void {
    const source = this.settings.projectConfig;
    // Files that no longer are the one in use lose their diagnostics.
    this.collection.forEach((uri) => {
      if (uri.toString() !== source?.uri.toString()) this.collection.delete(uri);
    });
    if (!source) {
      this.announced = '';
      return;
    }
    const doc = this.openDocument(source.uri);
    if (doc && doc.isDirty) this.refreshDocument(doc);
    // An open editor may not have reloaded the saved text yet: its positions only when it holds that text.
    else this.show(source.uri, doc?.getText() === source.text ? doc : undefined, source.text ?? '', source.issues);
    void this.announce(source);
  }

  private refreshDocument(doc: vscode.TextDocument): void {
    if (!this.isConfigFile(doc.uri)) return;
    this.show(doc.uri, doc, doc.getText());
  }

  private show(uri: vscode.Uri, doc: vscode.TextDocument | undefined, text: string, issues?: readonly ConfigIssue[]) {
    const problems = configProblems(text, issues);
    if (problems.length === 0) {
      this.collection.delete(uri);
      return;
    }
    const positions = doc ?? textPositions(text);
    this.collection.set(
      uri,
      problems.map((p) => toDiagnostic(positions, p)),
    );
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!this.isConfigFile(doc.uri)) return;
    const key = doc.uri.toString();
    const t = this.timers.get(key);
    if (t !== undefined) this.clock.clearTimeout(t);
    this.timers.set(
      key,
      this.clock.setTimeout(() => {
        this.timers.delete(key);
        if (!doc.isClosed) this.refreshDocument(doc);
      }, INDEX_DEBOUNCE_MS),
    );
  }

  private async announce(source: ProjectConfigSource): Promise<void> {
    const key = JSON.stringify([source.uri.toString(), source.errors]);
    if (source.errors.length === 0 || key === this.announced) {
      if (source.errors.length === 0) this.announced = '';
      return;
    }
    this.announced = key;
    const n = source.errors.length;
    const syntax = source.errors.some((e) => /is not valid JSON|larger than/.test(e));
    const effect = syntax
      ? vscode.l10n.t('Its endpoints and mappings are not used until it is fixed.')
      : vscode.l10n.t('The parts in error are not used until they are fixed.');
    const head = source.errors[0];
    const text =
      n === 1
        ? vscode.l10n.t('{0} {1}', head, effect)
        : n === 2
          ? vscode.l10n.t('{0} (and 1 more problem) {1}', head, effect)
          : vscode.l10n.t('{0} (and {1} more problems) {2}', head, n - 1, effect);
    const pick = syntax
      ? await vscode.window.showErrorMessage(text, OPEN_ACTION)
      : await vscode.window.showWarningMessage(text, OPEN_ACTION);
    if (pick !== OPEN_ACTION) return;
    const doc = await vscode.workspace.openTextDocument(source.uri);
    const first = configProblems(doc.getText())[0];
    const range = first ? new vscode.Range(doc.positionAt(first.start), doc.positionAt(first.end)) : undefined;
    await vscode.window.showTextDocument(doc, range ? { selection: range } : {});
  }

  dispose(): void {
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
