// One index of the ImageKit and imgix URLs in open documents, shared by the diagnostics, the
// `cdnPurge.documentHasUrls` context key and the quick fixes: each document version is scanned once (and its
// wildcards checked once), on open at once, on change after one debounce, again for every open document when the
// settings change. One scheme list and one size limit decide what is indexed, so the three always agree.

import * as vscode from 'vscode';
import { lintMatches, type LintFinding } from '../core/lint';
import { scanText, type ScanMatches } from '../core/scanner';
import type { Settings } from './settings';
import { realTimers, type Timers } from './timers';

/**
 * The documents indexed: files on disk, new files, remote and virtual workspaces (vscode-vfs: GitHub
 * repositories opened without a clone), settings files and notebook cells. Not output channels (they change on
 * every log line), git's read-only copies or other extensions' virtual documents.
 */
export const INDEXED_SCHEMES: readonly string[] = [
  'file',
  'untitled',
  'vscode-remote',
  'vscode-vfs',
  'vscode-userdata',
  'vscode-notebook-cell',
];

/** The same list as a DocumentSelector, for providers (the quick fixes). */
export const INDEXED_SELECTOR: readonly vscode.DocumentFilter[] = INDEXED_SCHEMES.map((scheme) => ({ scheme }));

/** Edits are indexed this long after the last keystroke. */
export const INDEX_DEBOUNCE_MS = 250;

/** Documents longer than this (UTF-16 units) are not scanned. */
export const MAX_INDEXED_TEXT = 5 * 1024 * 1024;

export interface DocumentEntry {
  /** The document version the entry describes. */
  version: number;
  /** The URLs found, in order (at most MAX_SCAN_URLS; `matches.truncated` says when there were more). */
  matches: ScanMatches;
  /** The problems of its purge patterns (URLs with a `*`), without those its disable comments name. */
  findings: LintFinding[];
  /** Set when the document was not scanned: larger than MAX_INDEXED_TEXT. */
  tooLarge?: boolean;
}

export interface DocumentIndexOptions {
  timers?: Timers;
  debounceMs?: number;
  /** The scanner (tests count its calls). */
  scan?: typeof scanText;
}

export function isIndexed(doc: vscode.TextDocument): boolean {
  return INDEXED_SCHEMES.includes(doc.uri.scheme) && !doc.isClosed;
}

export class DocumentIndex implements vscode.Disposable {
  private readonly entries = new Map<string, DocumentEntry>();
  private readonly published = new Map<string, DocumentEntry>();
  private readonly timers = new Map<string, unknown>();
  private readonly updated = new vscode.EventEmitter<{ document: vscode.TextDocument; entry: DocumentEntry }>();
  private readonly removed = new vscode.EventEmitter<vscode.Uri>();
  /** A document's entry was computed (opened, edited, settings changed). */
  readonly onDidUpdate = this.updated.event;
  /** A document was closed: its entry is gone. */
  readonly onDidRemove = this.removed.event;

  /** The entries of the open documents published so far (URLs other documents know, for the quick fixes). */
  entriesOfOpen(): DocumentEntry[] {
    return [...this.published.values()];
  }
  private readonly disposables: vscode.Disposable[] = [];
  private readonly clock: Timers;
  private readonly debounceMs: number;
  private readonly scan: typeof scanText;

  constructor(
    private readonly settings: Settings,
    options: DocumentIndexOptions = {},
  ) {
    this.clock = options.timers ?? realTimers;
    this.debounceMs = options.debounceMs ?? INDEX_DEBOUNCE_MS;
    this.scan = options.scan ?? scanText;
    this.disposables.push(
      this.updated,
      this.removed,
      vscode.workspace.onDidOpenTextDocument((d) => this.publish(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
      settings.onDidChange(() => this.refreshAll()),
    );
  }

  /** Indexes every open document now (activation). */
  refreshAll(): void {
    this.entries.clear();
    this.published.clear();
    for (const d of vscode.workspace.textDocuments) this.publish(d);
  }

  /**
   * The entry for the document's current version, scanned now if it has not been yet (a quick fix asked for
   * before the debounce ran). Undefined for a document that is not indexed.
   */
  get(doc: vscode.TextDocument): DocumentEntry | undefined {
    if (!isIndexed(doc)) return undefined;
    const key = doc.uri.toString();
    const cached = this.entries.get(key);
    if (cached && cached.version === doc.version) return cached;
    const entry = this.compute(doc);
    this.entries.set(key, entry);
    return entry;
  }

  private compute(doc: vscode.TextDocument): DocumentEntry {
    const text = doc.getText();
    if (text.length > MAX_INDEXED_TEXT) return { version: doc.version, matches: [], findings: [], tooLarge: true };
    const checkers = this.settings.checkers();
    const matches = this.scan(text, this.settings.classifier());
    return { version: doc.version, matches, findings: lintMatches(matches, checkers, text) };
  }

  private publish(doc: vscode.TextDocument): void {
    const entry = this.get(doc);
    if (!entry) return;
    const key = doc.uri.toString();
    this.cancel(key);
    if (this.published.get(key) === entry) return;
    this.published.set(key, entry);
    this.updated.fire({ document: doc, entry });
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isIndexed(doc)) return;
    const key = doc.uri.toString();
    this.cancel(key);
    this.timers.set(
      key,
      this.clock.setTimeout(() => {
        this.timers.delete(key);
        this.publish(doc);
      }, this.debounceMs),
    );
  }

  private cancel(key: string): void {
    const t = this.timers.get(key);
    if (t !== undefined) this.clock.clearTimeout(t);
    this.timers.delete(key);
  }

  private forget(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    this.cancel(key);
    const had = this.entries.delete(key) || this.published.delete(key);
    this.published.delete(key);
    if (had) this.removed.fire(doc.uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) this.clock.clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables) d.dispose();
  }
}
