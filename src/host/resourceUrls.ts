// Workspace files and folders → CDN URLs, for the Explorer's and git's purges: the VS Code part (workspace-relative
// paths, which are folders, a folder's files); the mapping itself is the core's (core/fileTargets.ts).

import * as vscode from 'vscode';
import { FileTargetError, urlsForPaths, type PathEntry } from '../core/fileTargets';
import { PathMapper } from '../core/mapping';
import { settingId } from './ids';
import type { Settings } from './settings';

function relative(uri: vscode.Uri): string | undefined {
  if (!vscode.workspace.getWorkspaceFolder(uri)) return undefined;
  return vscode.workspace.asRelativePath(uri, false);
}

/**
 * The URLs of workspace files and folders (the VS Code part: workspace-relative paths, which are folders, a folder's
 * files; the mapping itself is core/fileTargets.ts). Throws an Error whose message says what to fix.
 */
export async function urlsForResources(
  resources: readonly vscode.Uri[],
  s: { settings: Pick<Settings, 'mappings' | 'providerOf' | 'checker'> & { readonly ready?: Promise<void> } },
  token?: vscode.CancellationToken,
): Promise<{ urls: string[]; unmapped: string[] }> {
  await s.settings.ready;
  const entries: PathEntry[] = [];
  const outside: string[] = [];
  const folders = new Map<string, vscode.Uri>();
  for (const uri of resources) {
    const rel = relative(uri);
    if (rel === undefined) {
      outside.push(uri.fsPath);
      continue;
    }
    let folder = false;
    try {
      folder = ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.Directory) !== 0;
    } catch {
      // A deleted file can still be purged by its mapping.
    }
    if (folder) folders.set(rel, uri);
    entries.push({ path: rel, folder });
  }
  try {
    const r = await urlsForPaths(entries, {
      mapper: new PathMapper(s.settings.mappings()),
      providerOf: (url) => s.settings.providerOf(url),
      checker: (id) => s.settings.checker(id),
      listFiles: async (folder, limit) => {
        const files = await vscode.workspace.findFiles(
          new vscode.RelativePattern(folders.get(folder)!, '**/*'),
          undefined,
          limit,
          token,
        );
        return files.map((f) => vscode.workspace.asRelativePath(f, false));
      },
    });
    return { urls: r.urls, unmapped: [...outside, ...r.unmapped] };
  } catch (e) {
    if (e instanceof FileTargetError && e.kind === 'mappings')
      throw new Error(`${e.message} (settings ${settingId('mappings')} or cdn-purge.json)`, { cause: e });
    throw e;
  }
}
