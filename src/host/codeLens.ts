// "Purge" above each line with an ImageKit or imgix URL that can be purged (one per URL, named by its file when a line
// has several), and "Purge all N URLs in this file" on the first such line; they run Purge URL with the URLs as
// arguments. From the shared document index; at most MAX_CODELENS_LINES lines a document get lenses (a big file's
// all-in-file lens still counts and purges every URL). Templated URLs and URLs the rules refuse get none (their
// diagnostics say why). Off with `cdnPurge.codeLens.enabled`, live.

import * as vscode from 'vscode';
import type { ScanMatch } from '../core/scanner';
import type { DocumentIndex } from './documentIndex';
import { Command } from './ids';
import type { Settings } from './settings';

/** Lines of one document that get a Purge lens at most. */
export const MAX_CODELENS_LINES = 200;

export interface LensSpec {
  line: number;
  /** Offsets of the URL (or, for the all-in-file lens, of the first URL). */
  start: number;
  end: number;
  title: string;
  tooltip: string;
  /** Purge URL's argument: one URL, or a list. */
  urls: string[];
}

/**
 * The last path segment of a URL with its query, for a lens title ("Purge a.jpg", "Purge a.jpg?w=800") when a line
 * has several URLs (srcset: the same file with other parameters).
 */
function fileName(url: string): string {
  const bare = url.replace(/#.*$/, '');
  const q = bare.indexOf('?');
  const path = (q < 0 ? bare : bare.slice(0, q)).replace(/\/+$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1) + (q < 0 ? '' : bare.slice(q));
  return last.length > 40 ? `${last.slice(0, 37)}...` : last || url;
}

/**
 * The lenses of a document's URLs (in plain Node for the tests): `purgeable` says whether the rules accept a URL,
 * `lineOf` gives an offset's line.
 */
export function lensSpecs(
  matches: readonly ScanMatch[],
  purgeable: (m: ScanMatch) => boolean,
  lineOf: (offset: number) => number,
  maxLines = MAX_CODELENS_LINES,
): LensSpec[] {
  const ok = matches.filter((m) => !m.templated && purgeable(m));
  if (ok.length === 0) return [];
  const byLine = new Map<number, ScanMatch[]>();
  for (const m of ok) {
    const line = lineOf(m.start);
    const list = byLine.get(line);
    if (list) list.push(m);
    else if (byLine.size < maxLines) byLine.set(line, [m]);
  }
  const specs: LensSpec[] = [];
  const all = [...new Set(ok.map((m) => m.url))];
  let first = true;
  for (const [line, list] of byLine) {
    if (first && all.length > 1) {
      specs.push({
        line,
        start: list[0].start,
        end: list[0].end,
        title: vscode.l10n.t('$(flame) Purge all {0} URLs in this file', all.length),
        tooltip: vscode.l10n.t('Purge the {0} ImageKit and imgix URLs of this file (asks first)', all.length),
        urls: all,
      });
    }
    first = false;
    const seen = new Set<string>();
    for (const m of list) {
      if (seen.has(m.url)) continue;
      seen.add(m.url);
      const several = list.filter((x) => x.url !== list[0].url).length > 0;
      specs.push({
        line,
        start: m.start,
        end: m.end,
        title: several ? vscode.l10n.t('$(flame) Purge {0}', fileName(m.url)) : vscode.l10n.t('$(flame) Purge'),
        tooltip: m.wildcard ? vscode.l10n.t('Purge the wildcard {0}', m.url) : vscode.l10n.t('Purge {0}', m.url),
        urls: [m.url],
      });
    }
  }
  return specs;
}

export class PurgeCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly index: DocumentIndex,
    private readonly settings: Settings,
  ) {
    this.disposables.push(
      this.emitter,
      index.onDidUpdate(() => this.emitter.fire()),
      settings.onDidChange(() => this.emitter.fire()),
    );
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.settings.get('codeLens.enabled')) return [];
    const entry = this.index.get(doc);
    if (!entry || entry.matches.length === 0) return [];
    const checked = new Map<string, boolean>();
    const purgeable = (m: ScanMatch) => {
      let ok = checked.get(m.url);
      if (ok === undefined) {
        ok = this.settings.checker(m.provider).check(m.url).ok;
        checked.set(m.url, ok);
      }
      return ok;
    };
    return lensSpecs(entry.matches, purgeable, (o) => doc.positionAt(o).line).map((s) => {
      const range = new vscode.Range(doc.positionAt(s.start), doc.positionAt(s.end));
      return new vscode.CodeLens(range, {
        title: s.title,
        tooltip: s.tooltip,
        command: Command.purgeUrl,
        arguments: [s.urls.length === 1 ? s.urls[0] : s.urls],
      });
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
