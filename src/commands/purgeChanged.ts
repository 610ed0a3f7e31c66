// "CDN Purge: Purge Changed Files (git)…": the files git reports as changed (working tree, or since a ref),
// mapped to CDN URLs and purged. Uses the built-in git extension's API; without it, runs git directly.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { changedFiles, repoRoot } from '../core/git';
import { settingId } from '../host/ids';
import { requireTrust, type PurgeOutcome } from '../host/purgeService';
import type { Services } from '../host/services';
import { urlsForResources } from '../host/resourceUrls';

interface GitChange {
  uri: vscode.Uri;
  originalUri: vscode.Uri;
  renameUri?: vscode.Uri;
  /** The git extension's Status enum; 7 is UNTRACKED. */
  status: number;
}
const UNTRACKED = 7;
interface GitRepository {
  rootUri: vscode.Uri;
  state: { workingTreeChanges: GitChange[]; indexChanges: GitChange[]; untrackedChanges?: GitChange[] };
  diffWith(ref: string): Promise<GitChange[]>;
  /** Refreshes `state` from git. */
  status(): Promise<void>;
}
interface GitApi {
  repositories: GitRepository[];
}

async function gitApi(): Promise<GitApi | undefined> {
  const ext = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi }>('vscode.git');
  if (!ext) return undefined;
  try {
    const exports = ext.isActive ? ext.exports : await ext.activate();
    return exports.getAPI(1);
  } catch {
    return undefined;
  }
}

function changeUris(changes: readonly GitChange[]): vscode.Uri[] {
  return changes.flatMap((c) => [c.uri, c.originalUri, ...(c.renameUri ? [c.renameUri] : [])]);
}

export async function changedUris(ref: string | undefined): Promise<vscode.Uri[]> {
  const api = await gitApi();
  const folder = vscode.workspace.workspaceFolders?.[0];
  const repo =
    api?.repositories.find((r) => folder && isInside(folder.uri.fsPath, r.rootUri.fsPath)) ??
    api?.repositories.find((r) => folder && isInside(r.rootUri.fsPath, folder.uri.fsPath));
  if (repo) {
    await repo.status();
    // New files git does not track yet changed since any ref too (as `cdn-purge --from-git REF` counts them).
    const untracked = [
      ...repo.state.workingTreeChanges.filter((c) => c.status === UNTRACKED),
      ...(repo.state.untrackedChanges ?? []),
    ];
    const changes = ref
      ? [...(await repo.diffWith(ref)), ...untracked]
      : [...repo.state.workingTreeChanges, ...repo.state.indexChanges, ...(repo.state.untrackedChanges ?? [])];
    const seen = new Map<string, vscode.Uri>();
    for (const u of changeUris(changes)) seen.set(u.toString(), u);
    return [...seen.values()];
  }
  if (!folder || folder.uri.scheme !== 'file')
    throw new Error(vscode.l10n.t('No git repository is open: open the folder of a git repository.'));
  // git's paths are relative to the repository's root, which may be above the workspace folder (a folder of a
  // monorepo, or `npm start` opening sample/): they are joined to the root, and files outside the workspace are
  // left out by the caller.
  const root = await repoRoot(folder.uri.fsPath);
  const files = await changedFiles(root, ref);
  return files.map((f) => vscode.Uri.joinPath(vscode.Uri.file(root), f));
}

/** Whether `child` is `parent` or below it (not merely starting with the same characters: /a/bc is not in /a/b). */
function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Command.purgeChanged; a string argument is the ref (no prompts). */
export function purgeChanged(s: Services) {
  return async (refArg?: unknown): Promise<PurgeOutcome | undefined> => {
    // Before git runs: a hook or fsmonitor in an untrusted folder's .git/config would run with it.
    if (!requireTrust()) return undefined;
    let ref: string | undefined = typeof refArg === 'string' ? refArg : undefined;
    if (refArg === undefined) {
      const pick = await vscode.window.showQuickPick(
        [
          {
            label: vscode.l10n.t('Working tree changes'),
            detail: vscode.l10n.t('Staged, unstaged, untracked and deleted files'),
            since: false,
          },
          {
            label: vscode.l10n.t('Changes since a branch, tag or commit…'),
            detail: vscode.l10n.t('e.g. main, v1.2.0, HEAD~3'),
            since: true,
          },
        ],
        { title: vscode.l10n.t('Purge Changed Files') },
      );
      if (!pick) return undefined;
      if (pick.since) {
        ref = await vscode.window.showInputBox({
          title: vscode.l10n.t('Changes since…'),
          prompt: vscode.l10n.t('A branch, tag or commit'),
          value: 'main',
          validateInput: (v) =>
            v.trim() === '' || v.startsWith('-') ? vscode.l10n.t('Give a git ref, e.g. main') : undefined,
        });
        if (!ref) return undefined;
      }
    }
    let uris: vscode.Uri[];
    try {
      uris = await changedUris(ref?.trim() || undefined);
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('git: {0}', (e as Error).message));
      return undefined;
    }
    const inWorkspace = uris.filter((u) => vscode.workspace.getWorkspaceFolder(u));
    if (inWorkspace.length === 0) {
      void vscode.window.showInformationMessage(
        ref
          ? vscode.l10n.t('git reports no changed files since {0}.', ref)
          : vscode.l10n.t('git reports no changed files.'),
      );
      return undefined;
    }
    let mapped: { urls: string[]; unmapped: string[] };
    try {
      mapped = await urlsForResources(inWorkspace, s);
    } catch (e) {
      void vscode.window.showErrorMessage((e as Error).message);
      return undefined;
    }
    s.log.info(
      `git: ${inWorkspace.length} changed file${inWorkspace.length === 1 ? '' : 's'}${ref ? ` since ${ref}` : ''}, ${mapped.urls.length} mapped to CDN URLs`,
    );
    if (mapped.urls.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'None of the {0} changed files maps to a CDN URL (mappings: {1} or cdn-purge.json).',
          inWorkspace.length,
          settingId('mappings'),
        ),
      );
      return undefined;
    }
    return s.purge.purge(mapped.urls, { source: 'git' });
  };
}
