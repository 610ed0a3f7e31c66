// The exact CDN URLs the workspace is known to have, for the quick fixes that narrow a refused wildcard or replace it
// by the URLs it stands for: the document's own (from the document index), the other open documents', and the
// workspace files that cdn-purge.json's (or the settings') mappings map to URLs. The mapped files are listed once
// (findFiles over each rule's glob, at most MAX_MAPPED_FILES) and listed again only after files are created,
// deleted or renamed, or the settings change.

import * as vscode from 'vscode';
import { PathMapper } from '../core/mapping';
import type { DocumentIndex } from './documentIndex';
import type { Settings } from './settings';

/** Files listed through the mappings at most (the quick fixes only need examples). */
export const MAX_MAPPED_FILES = 5000;

export interface KnownUrlSet {
  /** The document's own URLs, in text order. */
  document: string[];
  /** URLs of other open documents and of mapped workspace files. */
  workspace: string[];
}

export class KnownUrls implements vscode.Disposable {
  private mapped?: Promise<string[]>;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly index: DocumentIndex,
    private readonly settings: Pick<Settings, 'mappings' | 'onDidChange'>,
  ) {
    const stale = () => (this.mapped = undefined);
    const watcher = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    this.disposables.push(
      watcher,
      watcher.onDidCreate(stale),
      watcher.onDidDelete(stale),
      vscode.workspace.onDidRenameFiles(stale),
      settings.onDidChange(stale),
    );
  }

  async collect(doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<KnownUrlSet> {
    const own = this.index.get(doc);
    const document = (own?.matches ?? []).filter((m) => !m.templated && !m.wildcard).map((m) => m.url);
    const others = this.index
      .entriesOfOpen()
      .filter((e) => e !== own)
      .flatMap((e) => e.matches.filter((m) => !m.templated && !m.wildcard).map((m) => m.url));
    const files = await this.mappedUrls(token);
    return { document, workspace: [...others, ...files] };
  }

  /** The URLs the mappings give the workspace's files (virtual workspaces too: findFiles works there). */
  mappedUrls(token?: vscode.CancellationToken): Promise<string[]> {
    this.mapped ??= this.listMapped(token).catch(() => {
      this.mapped = undefined;
      return [];
    });
    return this.mapped;
  }

  private async listMapped(token?: vscode.CancellationToken): Promise<string[]> {
    const rules = this.settings.mappings();
    if (rules.length === 0) return [];
    const mapper = new PathMapper(rules);
    const urls = new Set<string>();
    let left = MAX_MAPPED_FILES;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      for (const rule of rules) {
        if (left <= 0 || typeof rule.glob !== 'string' || rule.glob.trim() === '') continue;
        let files: vscode.Uri[];
        try {
          files = await vscode.workspace.findFiles(
            new vscode.RelativePattern(folder, rule.glob.trim()),
            null,
            left,
            token,
          );
        } catch {
          continue; // a glob VS Code cannot read: its files are simply not known here
        }
        left -= files.length;
        for (const f of files) {
          const mapped = mapper.mapFile(vscode.workspace.asRelativePath(f, false));
          if (mapped) urls.add(mapped.url);
        }
      }
    }
    return [...urls];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
