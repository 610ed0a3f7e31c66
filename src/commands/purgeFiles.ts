// Explorer → "Purge from CDN": files map to their URLs through the mapping rules (settings cdnPurge.mappings and
// cdn-purge.json). A folder becomes one ImageKit wildcard over its URL prefix when that wildcard is valid;
// otherwise (imgix, or a wildcard ImageKit would refuse) its files are listed and purged one by one.

import * as vscode from 'vscode';
import { PathMapper } from '../core/mapping';
import { provider } from '../core/providers/registry';
import { settingId, VsCodeCommand } from '../host/ids';
import type { PurgeOutcome } from '../host/purgeService';
import type { Services } from '../host/services';

const MAX_FILES = 5000;

function relative(uri: vscode.Uri): string | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return undefined;
  return vscode.workspace.asRelativePath(uri, false);
}

export async function urlsForResources(
  resources: readonly vscode.Uri[],
  s: Services,
  token?: vscode.CancellationToken,
): Promise<{ urls: string[]; unmapped: string[] }> {
  const mapper = new PathMapper(s.settings.mappings());
  if (mapper.problems.length)
    throw new Error(`Mapping rules: ${mapper.problems[0]} (settings ${settingId('mappings')} or cdn-purge.json)`);
  const urls: string[] = [];
  const unmapped: string[] = [];
  for (const uri of resources) {
    const rel = relative(uri);
    if (rel === undefined) {
      unmapped.push(uri.fsPath);
      continue;
    }
    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(uri);
    } catch {
      // A deleted file can still be purged by its mapping.
      stat = { type: vscode.FileType.File, ctime: 0, mtime: 0, size: 0 };
    }
    if (stat.type & vscode.FileType.Directory) {
      // Every rule that maps the folder to a URL prefix ImageKit accepts as a wildcard gives one purge...
      const wildcards = mapper
        .mapFolder(rel)
        .map((m) => `${m.prefix}*`)
        .filter((w) => {
          const p = s.settings.providerOf(w);
          return p !== undefined && provider(p).wildcards && s.settings.checker(p).check(w).ok;
        });
      urls.push(...wildcards);
      // ...and the folder's files that no such wildcard covers (other rules, imgix) are purged one by one.
      const files = await vscode.workspace.findFiles(
        new vscode.RelativePattern(uri, '**/*'),
        undefined,
        MAX_FILES + 1,
        token,
      );
      const uncovered = files
        .map((f) => mapper.mapFile(vscode.workspace.asRelativePath(f, false))?.url)
        .filter((u): u is string => u !== undefined && !wildcards.some((w) => u.startsWith(w.slice(0, -1))));
      if (files.length > MAX_FILES && (uncovered.length > 0 || wildcards.length === 0)) {
        throw new Error(
          `${rel} has more than ${MAX_FILES} files: rather than purge some of them, nothing was sent. Purge its subfolders, or map it with a recursive glob ("${rel}/**") so that it becomes one ImageKit wildcard.`,
        );
      }
      urls.push(...uncovered);
      if (wildcards.length === 0 && uncovered.length === 0) unmapped.push(rel);
    } else {
      const m = mapper.mapFile(rel);
      if (m) urls.push(m.url);
      else unmapped.push(rel);
    }
  }
  return { urls: [...new Set(urls)], unmapped };
}

/** Command.purgeFiles, from the Explorer: (clicked item, selected items). */
export function purgeFiles(s: Services) {
  return async (uri?: vscode.Uri, uris?: vscode.Uri[]): Promise<PurgeOutcome | undefined> => {
    const resources = uris?.length
      ? uris
      : uri
        ? [uri]
        : vscode.window.activeTextEditor
          ? [vscode.window.activeTextEditor.document.uri]
          : [];
    if (resources.length === 0) {
      void vscode.window.showErrorMessage('Right-click files or folders in the Explorer to purge them from the CDN.');
      return undefined;
    }
    let mapped: { urls: string[]; unmapped: string[] };
    try {
      mapped = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'CDN Purge: mapping files to URLs' },
        () => urlsForResources(resources, s),
      );
    } catch (e) {
      void vscode.window
        .showErrorMessage((e as Error).message, 'Open Settings')
        .then((a) => a && vscode.commands.executeCommand(VsCodeCommand.openSettings, settingId('mappings')));
      return undefined;
    }
    if (mapped.unmapped.length) {
      const msg = `No mapping gives a CDN URL for ${mapped.unmapped.length === 1 ? mapped.unmapped[0] : `${mapped.unmapped.length} of the selected items`}. Add a rule such as { "glob": "public/images/**", "url": "https://ik.imagekit.io/<id>/images/" } to ${settingId('mappings')} or cdn-purge.json.`;
      s.log.warn(msg);
      if (mapped.urls.length === 0) {
        void vscode.window
          .showErrorMessage(msg, 'Open Settings')
          .then((a) => a && vscode.commands.executeCommand(VsCodeCommand.openSettings, settingId('mappings')));
        return undefined;
      }
      void vscode.window.showWarningMessage(msg);
    }
    return s.purge.purge(mapped.urls, { source: 'explorer' });
  };
}
