// "Check Workspace"'s engine: the core's lintPaths (what `cdn-purge lint` runs) over every workspace folder on disk,
// with the extension's checkers (settings and cdn-purge.json), skipping what `files.exclude` and `search.exclude`
// exclude (besides node_modules, .git, .hg and .svn, which lintPaths never enters). Results by file URI.

import * as vscode from 'vscode';
import { compileGlob } from '../core/glob';
import { lintPaths, SKIPPED_FOLDERS, type LintNote, type LintProblem } from '../core/lintReport';
import type { Settings } from './settings';

export interface WorkspaceLintResult {
  /** Files with problems, by URI string. */
  files: Map<string, { uri: vscode.Uri; problems: LintProblem[] }>;
  checked: number;
  binary: number;
  errors: number;
  warnings: number;
  notes: LintNote[];
  /** Folders that are not on disk (virtual workspaces): not checked. */
  skippedFolders: string[];
  cancelled: boolean;
}

/** The `true` patterns of files.exclude and search.exclude for a folder, compiled (those our glob syntax reads). */
export function excludeMatcher(folder: vscode.WorkspaceFolder): (relative: string) => boolean {
  const globs: Array<{ match(p: string): boolean }> = [];
  for (const section of ['files', 'search']) {
    const map = vscode.workspace.getConfiguration(section, folder.uri).get<Record<string, unknown>>('exclude') ?? {};
    for (const [pattern, on] of Object.entries(map)) {
      if (on !== true) continue;
      const c = compileGlob(pattern.replace(/^\.?\//, '').replace(/\/$/, ''));
      if (c.ok) globs.push(c.glob);
    }
  }
  return (relative) => globs.some((g) => g.match(relative));
}

export async function lintWorkspace(
  settings: Pick<Settings, 'checkers'>,
  options: { signal?: AbortSignal; onFile?: (file: string, checked: number) => void; targets?: vscode.Uri[] } = {},
): Promise<WorkspaceLintResult> {
  const result: WorkspaceLintResult = {
    files: new Map(),
    checked: 0,
    binary: 0,
    errors: 0,
    warnings: 0,
    notes: [],
    skippedFolders: [],
    cancelled: false,
  };
  const checkers = settings.checkers();
  const folders = vscode.workspace.workspaceFolders ?? [];
  let checkedBefore = 0;
  for (const folder of folders) {
    if (folder.uri.scheme !== 'file') {
      result.skippedFolders.push(folder.name);
      continue;
    }
    const excluded = excludeMatcher(folder);
    // Files named one by one (changed on disk, a document closed) are checked unless the walk would skip them.
    const targets = options.targets
      ? options.targets.filter((t) => {
          if (vscode.workspace.getWorkspaceFolder(t)?.uri.toString() !== folder.uri.toString()) return false;
          const segments = vscode.workspace.asRelativePath(t, false).split('/');
          // The file, or a folder it is in, excluded (the walk would not have entered it).
          return !segments.some(
            (seg, i) => SKIPPED_FOLDERS.includes(seg) || excluded(segments.slice(0, i + 1).join('/')),
          );
        })
      : [folder.uri];
    if (targets.length === 0) continue;
    const report = await lintPaths(
      targets.map((t) => t.fsPath),
      {
        checkers,
        root: folder.uri.fsPath,
        exclude: excluded,
        signal: options.signal,
        onFile: (file, n) => options.onFile?.(file, checkedBefore + n),
      },
    );
    checkedBefore += report.checked;
    result.checked += report.checked;
    result.binary += report.binary;
    result.errors += report.errors;
    result.warnings += report.warnings;
    result.notes.push(...report.notes);
    for (const p of report.problems) {
      const uri = vscode.Uri.file(p.file);
      const key = uri.toString();
      const entry = result.files.get(key) ?? { uri, problems: [] };
      entry.problems.push(p);
      result.files.set(key, entry);
    }
    if (report.notes.some((n) => n.reason === 'cancelled')) {
      result.cancelled = true;
      break;
    }
  }
  return result;
}

/** Lints some files from disk with the settings' checkers (a closed document's file, after Check Workspace). */
export function fileLinter(
  settings: Pick<Settings, 'checkers'>,
): (files: vscode.Uri[]) => Promise<WorkspaceLintResult['files']> {
  return async (files) => (await lintWorkspace(settings, { targets: files })).files;
}
