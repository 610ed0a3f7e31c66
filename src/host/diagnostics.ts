// Inline diagnostics for purge patterns, as vscode-markdownlint does it: each with `source` and a `code` that links
// to its README section, at the level `cdnPurge.diagnostics.severity` gives its code (error … hint, or off). They
// follow the document index (documentIndex.ts) for open documents: set when a document is indexed (open, edit after
// the debounce, settings change), removed when it closes or diagnostics are turned off. "Check Workspace" adds the
// problems of every file (the core's lintPaths, as `cdn-purge lint` reports them); an open document's own
// diagnostics replace its file's, and when it closes its file's are checked again from disk. After a check, files
// created or changed on disk (a checkout, a build) are checked again, in batches, and deleted ones drop out.

import * as vscode from 'vscode';
import { levelOf, type Level, type LevelOverrides, type LintFinding } from '../core/lint';
import type { LintProblem } from '../core/lintReport';
import { docsUrl, type ProblemCode } from '../core/problems';
import type { DocumentEntry, DocumentIndex } from './documentIndex';
import type { Settings } from './settings';

export const DIAGNOSTIC_SOURCE = 'CDN Purge';

const SEVERITY: Record<Exclude<Level, 'off'>, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** The levels the settings give each code. */
export function levelOverrides(settings: Pick<Settings, 'get'>): LevelOverrides {
  return settings.get('diagnostics.severity');
}

function diagnostic(range: vscode.Range, code: ProblemCode, message: string, level: Level): vscode.Diagnostic {
  const d = new vscode.Diagnostic(range, message, SEVERITY[level === 'off' ? 'hint' : level]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: code, target: vscode.Uri.parse(docsUrl(code)) };
  return d;
}

/** A finding as a diagnostic, at its level (undefined when its level is off). */
export function toDiagnostic(
  doc: vscode.TextDocument,
  f: LintFinding,
  overrides?: LevelOverrides,
): vscode.Diagnostic | undefined {
  const level = levelOf(f.problem, overrides);
  if (level === 'off') return undefined;
  return diagnostic(
    new vscode.Range(doc.positionAt(f.start), doc.positionAt(f.end)),
    f.problem.code,
    f.problem.message,
    level,
  );
}

/** A problem `lintPaths` found in a file, as a diagnostic (1-based lines and columns to a Range). */
export function lintProblemDiagnostic(p: LintProblem, overrides?: LevelOverrides): vscode.Diagnostic | undefined {
  const level = levelOf(p, overrides);
  if (level === 'off') return undefined;
  const range = new vscode.Range(p.line - 1, p.column - 1, p.endLine - 1, p.endColumn - 1);
  return diagnostic(range, p.code, p.message, level);
}

/** The problem code of one of our diagnostics (undefined for another source's). */
export function diagnosticCode(d: vscode.Diagnostic): string | undefined {
  if (d.source !== DIAGNOSTIC_SOURCE || d.code === undefined) return undefined;
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** Lints files from disk (the core's lintPaths with the extension's checkers): Check Workspace's engine. */
export type FileLinter = (files: vscode.Uri[]) => Promise<Map<string, { uri: vscode.Uri; problems: LintProblem[] }>>;

export class UrlDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('cdn-purge');
  private readonly disposables: vscode.Disposable[] = [];
  /** Check Workspace's problems by file URI (kept as problems, so a level change redraws them). */
  private workspace?: Map<string, { uri: vscode.Uri; problems: LintProblem[] }>;
  /** Open documents' URIs whose diagnostics come from the index. */
  private readonly live = new Set<string>();
  /** Files changed on disk since the last batch, checked again together (after Check Workspace only). */
  private readonly changedFiles = new Map<string, vscode.Uri>();
  private changeTimer?: ReturnType<typeof setTimeout>;

  constructor(
    index: DocumentIndex,
    private readonly settings: Settings,
    private readonly lintFiles?: FileLinter,
  ) {
    this.disposables.push(
      this.collection,
      index.onDidUpdate(({ document, entry }) => this.show(document, entry)),
      index.onDidRemove((uri) => this.closed(uri)),
      settings.onDidChange(() => this.redrawWorkspace()),
    );
    if (lintFiles) {
      const watcher = vscode.workspace.createFileSystemWatcher('**/*');
      this.disposables.push(
        watcher,
        watcher.onDidCreate((u) => this.fileChanged(u)),
        watcher.onDidChange((u) => this.fileChanged(u)),
        watcher.onDidDelete((u) => this.fileDeleted(u)),
      );
    }
  }

  /** How long changes on disk are gathered before they are checked. */
  static readonly CHANGE_BATCH_MS = 500;

  private fileChanged(uri: vscode.Uri): void {
    if (!this.workspace || uri.scheme !== 'file' || this.live.has(uri.toString())) return;
    this.changedFiles.set(uri.toString(), uri);
    this.changeTimer ??= setTimeout(() => {
      this.changeTimer = undefined;
      const batch = [...this.changedFiles.values()];
      this.changedFiles.clear();
      void this.lintFiles!(batch).then(
        (found) => {
          if (!this.workspace) return;
          for (const u of batch) {
            const key = u.toString();
            const problems = found.get(key)?.problems ?? [];
            if (problems.length) this.workspace.set(key, { uri: u, problems });
            else if (this.workspace.delete(key)) this.collection.delete(u);
            this.drawFile(key);
          }
        },
        () => undefined,
      );
    }, UrlDiagnostics.CHANGE_BATCH_MS);
  }

  private fileDeleted(uri: vscode.Uri): void {
    if (!this.workspace) return;
    // A folder deleted takes its files with it.
    const prefix = `${uri.toString()}/`;
    for (const [key, entry] of [...this.workspace]) {
      if (key !== uri.toString() && !key.startsWith(prefix)) continue;
      this.workspace.delete(key);
      if (!this.live.has(key)) this.collection.delete(entry.uri);
    }
  }

  private show(doc: vscode.TextDocument, entry: DocumentEntry): void {
    const key = doc.uri.toString();
    this.live.add(key);
    const overrides = levelOverrides(this.settings);
    const diags = this.settings.diagnosticsEnabled
      ? entry.findings.map((f) => toDiagnostic(doc, f, overrides)).filter((d) => d !== undefined)
      : [];
    if (diags.length === 0) this.collection.delete(doc.uri);
    else this.collection.set(doc.uri, diags);
  }

  /** A document closed: its live diagnostics go; after Check Workspace, its file's problems come back from disk. */
  private closed(uri: vscode.Uri): void {
    const key = uri.toString();
    this.live.delete(key);
    this.collection.delete(uri);
    if (!this.workspace || uri.scheme !== 'file' || !this.lintFiles) return;
    void this.lintFiles([uri]).then(
      (found) => {
        if (this.live.has(key) || !this.workspace) return;
        const problems = found.get(key)?.problems ?? [];
        if (problems.length) this.workspace.set(key, { uri, problems });
        else this.workspace.delete(key);
        this.drawFile(key);
      },
      () => undefined,
    );
  }

  /** Check Workspace's results: every file's problems (files without any are absent). Replaces the previous run's. */
  setWorkspaceResults(results: ReadonlyMap<string, { uri: vscode.Uri; problems: LintProblem[] }>): void {
    const before = this.workspace;
    this.workspace = new Map(results);
    for (const key of before?.keys() ?? []) if (!this.workspace.has(key)) this.drawFile(key, before!.get(key)!.uri);
    for (const key of this.workspace.keys()) this.drawFile(key);
  }

  /** The files Check Workspace found problems in (for the tests and the summary). */
  get workspaceFiles(): number {
    return this.workspace?.size ?? 0;
  }

  private drawFile(key: string, gone?: vscode.Uri): void {
    if (this.live.has(key)) return;
    const entry = this.workspace?.get(key);
    if (!entry) {
      if (gone) this.collection.delete(gone);
      return;
    }
    const overrides = levelOverrides(this.settings);
    const diags = entry.problems.map((p) => lintProblemDiagnostic(p, overrides)).filter((d) => d !== undefined);
    if (diags.length) this.collection.set(entry.uri, diags);
    else this.collection.delete(entry.uri);
  }

  private redrawWorkspace(): void {
    for (const key of this.workspace?.keys() ?? []) this.drawFile(key);
  }

  dispose(): void {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    for (const d of this.disposables) d.dispose();
  }
}
