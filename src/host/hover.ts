// The hover on an ImageKit or imgix URL in an editor: what purging it covers (the provider's own PurgeScope, from the
// same rules the checker applies), the problems that stop it, its last purge in the history, and — only when asked,
// through the "Check cache state" link — the asset's caching headers from one HEAD request (src/core/cacheState.ts).
// The URL is found in the shared document index. The Markdown is trusted for our own two command ids only; all text
// that comes from a document or a server is escaped (and server text made safe first).

import * as vscode from 'vscode';
import type { CacheStateReport } from '../core/cacheState';
import { providerById } from '../core/providers/registry';
import {
  doneBy,
  type ProviderPlugin,
  type PurgeScope,
  type ScopeNote,
  type TargetCheck,
} from '../core/providers/types';
import type { ScanMatch } from '../core/scanner';
import type { DocumentIndex } from './documentIndex';
import type { HistoryBatch, HistoryRequest, HistoryStore } from './history';
import { describeRequest } from './historyTree';
import { Command, HoverCommand } from './ids';
import type { Settings } from './settings';

/** What the "Check cache state" link passes: the URL, and where it is (to show the hover there again). */
export interface CacheStateArgs {
  url: string;
  uri?: string;
  line?: number;
  character?: number;
}

/** A purge in the history that covers a URL: its own, one that listed it, or a wildcard over it. */
export interface LastPurge {
  batch: HistoryBatch;
  request: HistoryRequest;
  /** How it covers the URL. */
  how: 'url' | 'wildcard';
}

/** The newest request of the provider's batches that purged `url` (or covered it: listed, or a wildcard over it). */
export function lastPurgeOf(history: Pick<HistoryStore, 'all'>, provider: string, url: string): LastPurge | undefined {
  let best: LastPurge | undefined;
  for (const batch of history.all()) {
    if (batch.provider !== provider) continue;
    for (const request of batch.requests) {
      const own = request.url === url || request.covers.includes(url);
      const wildcard =
        !own && request.kind === 'wildcard' && request.url.endsWith('*') && url.startsWith(request.url.slice(0, -1));
      if (!own && !wildcard) continue;
      if (!best || request.startedAt > best.request.startedAt) best = { batch, request, how: own ? 'url' : 'wildcard' };
    }
  }
  return best;
}

/** Markdown-escapes text from a document or a server (no link, emphasis, HTML or command can come of it). */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>~&$:]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** Inline code for any text: a fence longer than any run of backticks in it. */
export function inlineCode(s: string): string {
  const text = s.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A command link whose arguments are data (JSON, URI-encoded). */
export function commandLink(label: string, command: string, args: unknown[], tooltip?: string): string {
  const title = tooltip ? ` "${tooltip.replace(/["\\]/g, '')}"` : '';
  return `[${label}](command:${command}?${encodeURIComponent(JSON.stringify(args))}${title})`;
}

/** "12 s ago", "5 min ago", "3 h ago", else the date. */
export function ago(then: number, now: number): string {
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 60) return vscode.l10n.t('{0} s ago', s);
  if (s < 3600) return vscode.l10n.t('{0} min ago', Math.round(s / 60));
  if (s < 86400) return vscode.l10n.t('{0} h ago', Math.round(s / 3600));
  return new Date(then).toLocaleString();
}

/** The provider's notes, in our words when we know the note, else its own (English) text. */
function noteText(n: ScopeNote): string {
  const a = (n.args ?? []).map(inlineCode);
  switch (n.code) {
    case 'cdn-and-internal-cache':
      return vscode.l10n.t("Purges the CDN's cache and ImageKit's internal cache.");
    case 'one-request':
      return vscode.l10n.t('One purge request, whatever number of URLs it matches.');
    case 'other-variants':
      return vscode.l10n.t(
        'Only this exact URL: the same file with another query string (?tr=…) is another cached URL; {0} purges them all.',
        a[0] ?? '',
      );
    case 'exact-only':
      return vscode.l10n.t(
        'Only this exact URL: the same file with another query string (?tr=…) is another cached URL.',
      );
    case 'sub-image':
      return vscode.l10n.t('Purged as a sub-image (an image used as a mark or a blend) of Source {0}.', a[0] ?? '');
    case 'sub-image-off':
      return vscode.l10n.t(
        'Not purged as a sub-image: an image used as a mark or a blend needs a sub-image purge (the Source id and sub-image settings).',
      );
    case 'source-id':
      return vscode.l10n.t('Sent with source_id {0}.', a[0] ?? '');
    case 'outside':
      return vscode.l10n.t(
        "Never purged: the file at the origin (your Source), other CDNs in front of imgix, browsers' and ISPs' caches. Replace or remove the origin file first.",
      );
    default:
      return escapeMarkdown(n.text).replace(/\\\{(\d+)\\\}/g, (all, i: string) => a[Number(i)] ?? all);
  }
}

/** What purging covers, in lines of Markdown. */
export function scopeLines(scope: PurgeScope): string[] {
  const lines: string[] = [];
  if (scope.covers === 'prefix')
    lines.push(vscode.l10n.t('Purges every cached URL that starts with {0}', inlineCode(scope.prefix ?? scope.url)));
  else if (scope.covers === 'derivatives')
    lines.push(
      vscode.l10n.t(
        'Purges the base path {0}: the asset and every derivative of it (any parameters, e.g. ?w=400).',
        inlineCode(scope.url),
      ),
    );
  else lines.push(vscode.l10n.t('Purges {0}', inlineCode(scope.url)));
  if (scope.dropped)
    lines.push(
      vscode.l10n.t('Not sent: {0} (the purge URL has no parameters or fragment).', inlineCode(scope.dropped)),
    );
  const w = scope.wildcard;
  if (w) {
    const yes = vscode.l10n.t('yes');
    const no = vscode.l10n.t('no');
    lines.push(
      vscode.l10n.t(
        'Wildcard rules, on the path after the endpoint {0}: {1} levels (at least {2}), {3} characters (at least {4}), a complete file name: {5}. Any one is enough.',
        inlineCode(w.counted),
        w.levels,
        w.minLevels,
        w.chars,
        w.minChars,
        w.fileName ? yes : no,
      ),
    );
    if (w.refused)
      lines.push(
        vscode.l10n.t('$(error) It covers {0}, which wildcards may never cover.', inlineCode(`${w.refused}*`)),
      );
    else
      lines.push(
        w.accepted
          ? vscode.l10n.t('$(pass) The wildcard meets the rules.')
          : vscode.l10n.t('$(error) The wildcard is too broad: no condition holds.'),
      );
  }
  for (const n of scope.notes) lines.push(noteText(n));
  return lines;
}

export interface HoverContent {
  match: Pick<ScanMatch, 'url' | 'templated' | 'wildcard'>;
  plugin: Pick<ProviderPlugin, 'label' | 'monthlyQuota' | 'status' | 'scope'>;
  check?: TargetCheck;
  last?: LastPurge;
  /** The cache state checked, or `checking` while the HEAD is out. */
  cache?: CacheStateReport | 'checking';
  /** Where the URL is, for the cache link (to show the hover there again). */
  where?: { uri: string; line: number; character: number };
  now: number;
}

/** The hover's Markdown text (tested in plain Node): header, scope, problems, last purge, cache state, links. */
export function hoverMarkdown(c: HoverContent): string {
  const out: string[] = [];
  const label = escapeMarkdown(c.plugin.label);
  if (c.match.templated) {
    out.push(`**${label}** · ${vscode.l10n.t('CDN Purge')}`);
    out.push(
      vscode.l10n.t(
        'Built from a template (${…}, {{…}} or {…}): its real URL is unknown, so it is not checked or purged here.',
      ),
    );
    return out.join('\n\n');
  }
  const check = c.check;
  const kind = check?.kind === 'wildcard' ? vscode.l10n.t('wildcard purge') : vscode.l10n.t('purge');
  out.push(`$(flame) **${label}** ${kind} · ${vscode.l10n.t('CDN Purge')}`);
  const errors = check?.problems.filter((p) => p.severity === 'error') ?? [];
  const warnings = check?.problems.filter((p) => p.severity === 'warning') ?? [];
  const scope = check && check.normalized && c.plugin.scope ? c.plugin.scope(check) : undefined;
  if (scope) out.push(scopeLines(scope).join('  \n'));
  if (errors.length)
    out.push(
      errors
        .map((p) => vscode.l10n.t('$(error) Cannot be purged: {0} [{1}]', escapeMarkdown(p.message), p.code))
        .join('  \n'),
    );
  if (warnings.length)
    out.push(warnings.map((p) => `$(warning) ${escapeMarkdown(p.message)} [${p.code}]`).join('  \n'));
  if (check?.ok) {
    const facts: string[] = [];
    if (c.plugin.monthlyQuota && check.account)
      facts.push(
        vscode.l10n.t(
          'Counts as 1 of the {0} purge requests account {1} may send a month.',
          c.plugin.monthlyQuota,
          inlineCode(check.account),
        ),
      );
    facts.push(
      doneBy(c.plugin) === 'status'
        ? vscode.l10n.t('{0} says when the purge is done; the Purge History follows it.', label)
        : vscode.l10n.t(
            '{0} answers when it has received the purge, not when it is done: verify it from the Purge History.',
            label,
          ),
    );
    out.push(facts.join('  \n'));
  }
  out.push(lastPurgeLine(c.last, c.now));
  if (c.cache) out.push(cacheLines(c.cache, c.now));
  const links: string[] = [];
  if (check?.ok)
    links.push(
      commandLink(vscode.l10n.t('$(flame) Purge'), Command.purgeUrl, [c.match.url], vscode.l10n.t('Purge this URL')),
    );
  if (!c.match.wildcard && check?.normalized) {
    const args: CacheStateArgs = { url: check.normalized, ...(c.where ?? {}) };
    links.push(
      commandLink(
        vscode.l10n.t('$(cloud) Check cache state'),
        HoverCommand.checkCacheState,
        [args],
        vscode.l10n.t('One HEAD request to the CDN, without any key'),
      ),
    );
  }
  if (links.length) out.push(links.join(' · '));
  return out.join('\n\n');
}

function lastPurgeLine(last: LastPurge | undefined, now: number): string {
  if (!last) return vscode.l10n.t('$(history) Not in the Purge History.');
  const r = last.request;
  const status = escapeMarkdown(describeRequest(r));
  const http = r.httpStatus !== undefined ? ` · HTTP ${r.httpStatus}` : '';
  if (last.how === 'wildcard')
    return vscode.l10n.t(
      '$(history) Last purged {0} by the wildcard {1}: {2}{3}',
      ago(r.startedAt, now),
      inlineCode(r.url),
      status,
      http,
    );
  return vscode.l10n.t('$(history) Last purged {0}: {1}{2}', ago(r.startedAt, now), status, http);
}

function cacheLines(cache: CacheStateReport | 'checking', now: number): string {
  if (cache === 'checking') return vscode.l10n.t('$(sync~spin) Checking the cache state…');
  const when = ago(cache.at, now);
  if (cache.error)
    return vscode.l10n.t('$(warning) Cache state ({0}): no answer: {1}', when, escapeMarkdown(cache.error));
  const state =
    cache.cache === 'hit'
      ? vscode.l10n.t('cached (HIT)')
      : cache.cache === 'miss'
        ? vscode.l10n.t('not from the cache (MISS)')
        : vscode.l10n.t('no X-Cache header');
  const head = vscode.l10n.t('$(cloud) Cache state ({0}): HTTP {1}, {2}', when, cache.status ?? 0, state);
  // Header names are ours (a fixed list); values are the server's, made safe, shown as code.
  const rows = cache.headers.map((h) => `${h.name}: ${inlineCode(h.value)}`);
  return [head, ...rows].join('  \n');
}

/** The cache states checked, by URL, for a while (the hover shows the last one). */
export class CacheStates {
  static readonly KEEP_MS = 10 * 60_000;
  static readonly MAX = 100;
  private readonly states = new Map<string, CacheStateReport | 'checking'>();
  private readonly times = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  get(url: string): CacheStateReport | 'checking' | undefined {
    const t = this.times.get(url);
    if (t === undefined || this.now() - t > CacheStates.KEEP_MS) {
      this.states.delete(url);
      this.times.delete(url);
      return undefined;
    }
    return this.states.get(url);
  }

  set(url: string, state: CacheStateReport | 'checking'): void {
    this.states.delete(url);
    this.states.set(url, state);
    this.times.set(url, this.now());
    while (this.states.size > CacheStates.MAX) {
      const oldest = this.states.keys().next().value as string;
      this.states.delete(oldest);
      this.times.delete(oldest);
    }
  }
}

/** The URL at a position, from the document index. */
export function matchAt(index: DocumentIndex, doc: vscode.TextDocument, pos: vscode.Position): ScanMatch | undefined {
  const entry = index.get(doc);
  if (!entry || entry.matches.length === 0) return undefined;
  const offset = doc.offsetAt(pos);
  // The matches are in text order: a binary search finds the one around the offset.
  let lo = 0;
  let hi = entry.matches.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = entry.matches[mid];
    if (offset < m.start) hi = mid - 1;
    else if (offset > m.end) lo = mid + 1;
    else return m;
  }
  return undefined;
}

export class UrlHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly index: DocumentIndex,
    private readonly settings: Settings,
    private readonly history: Pick<HistoryStore, 'all'>,
    private readonly cache: CacheStates,
    private readonly now: () => number = Date.now,
  ) {}

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    if (!this.settings.get('hover.enabled')) return undefined;
    const match = matchAt(this.index, doc, pos);
    if (!match) return undefined;
    const plugin = providerById(match.provider);
    if (!plugin) return undefined;
    const check = match.templated ? undefined : this.settings.checker(match.provider).check(match.url);
    const url = check?.normalized ?? match.url;
    const start = doc.positionAt(match.start);
    const text = hoverMarkdown({
      match,
      plugin,
      check,
      last: check ? lastPurgeOf(this.history, match.provider, url) : undefined,
      cache: this.cache.get(url),
      where: { uri: doc.uri.toString(), line: start.line, character: start.character },
      now: this.now(),
    });
    const md = new vscode.MarkdownString(text, true);
    md.isTrusted = { enabledCommands: [Command.purgeUrl, HoverCommand.checkCacheState] };
    return new vscode.Hover(md, new vscode.Range(start, doc.positionAt(match.end)));
  }
}
