// The "Purge History" tree: a node per batch (expanded for the newest), a node per request with its live
// status, HTTP status, time and requestId. A batch of one request shows as that request.

import * as vscode from 'vscode';
import { providerById } from '../core/providers/registry';
import type { HistoryBatch, HistoryRequest, HistoryStore } from './history';
import { ContextKey, View, VsCodeCommand } from './ids';
import {
  dayKey,
  dayKind,
  dayStart,
  filterCounts,
  groupByDay,
  isFiltered,
  requestCategory,
  visibleRequests,
  type HistoryFilter,
  type RequestCategory,
  type StatusFilter,
} from './historyView';

export { requestCategory, type RequestCategory } from './historyView';

/** A batch row or a request row: what the history's commands act on. */
export type HistoryNode = { type: 'batch'; batchId: string } | { type: 'request'; batchId: string; requestId: string };
/** A day group (Today, Yesterday, a date): the view's top level. */
export type DayNode = { type: 'day'; day: string };
/** Every node of the view. */
export type HistoryTreeNode = HistoryNode | DayNode;

/** What a request's state says, in words, for the tree and the tooltip. */
export function describeRequest(r: HistoryRequest): string {
  switch (r.state) {
    case 'sending':
      return vscode.l10n.t('sending…');
    case 'accepted':
      if (r.verify) return verifyWords(r);
      if (r.live === 'Completed') return vscode.l10n.t('completed');
      if (r.live === 'Pending') return vscode.l10n.t('pending');
      return vscode.l10n.t('received (verify to be sure)');
    case 'duplicate':
      return vscode.l10n.t('duplicate (purged seconds ago)');
    case 'cancelled':
      return vscode.l10n.t('cancelled');
    case 'unknown':
      return vscode.l10n.t('unknown: may have been received');
    default:
      return vscode.l10n.t('failed');
  }
}

function verifyWords(r: HistoryRequest): string {
  switch (r.verify?.state) {
    case 'updated':
      return vscode.l10n.t('verified: new version');
    case 'removed':
      return vscode.l10n.t('verified: removed (404)');
    case 'unchanged':
      return vscode.l10n.t('cannot tell (same version as before)');
    case 'served':
      return vscode.l10n.t('cannot tell (nothing to compare)');
    default:
      return vscode.l10n.t('verify failed');
  }
}

function requestIcon(r: HistoryRequest): vscode.ThemeIcon {
  const green = new vscode.ThemeColor('testing.iconPassed');
  const red = new vscode.ThemeColor('testing.iconFailed');
  const amber = new vscode.ThemeColor('list.warningForeground');
  if (r.state === 'sending') return new vscode.ThemeIcon('sync~spin');
  if (r.state === 'failed' || r.state === 'error') return new vscode.ThemeIcon('error', red);
  if (r.state === 'cancelled') return new vscode.ThemeIcon('circle-slash');
  if (r.state === 'unknown') return new vscode.ThemeIcon('question', amber);
  if (r.verify?.state === 'updated' || r.verify?.state === 'removed')
    return new vscode.ThemeIcon('verified-filled', green);
  if (r.verify?.state === 'error') return new vscode.ThemeIcon('warning', amber);
  // Same version as before (the origin may not have changed, or it was not cached): not a failure, no warning.
  if (r.verify?.state === 'unchanged' || r.verify?.state === 'served') return new vscode.ThemeIcon('question');
  if (r.live === 'Pending') return new vscode.ThemeIcon('clock');
  if (r.live === 'Completed' || r.state === 'duplicate') return new vscode.ThemeIcon('pass', green);
  return new vscode.ThemeIcon('check');
}

/** A provider's label; a batch of a provider not registered in this session shows its id. */
function providerLabel(id: string): string {
  return providerById(id)?.label ?? id;
}

function shortUrl(url: string): string {
  return url.replace(/^https?:\/\//, '');
}

/**
 * A batch row's summary: the count of each word its rows say (an imgix batch says "2 received", as its rows do), and
 * an icon that is a green check only when every request is done (never with a cancelled or unknown one).
 */
export function batchSummary(b: HistoryBatch): {
  text: string;
  icon: vscode.ThemeIcon;
  counts: Record<RequestCategory, number>;
} {
  const counts: Record<RequestCategory, number> = {
    sending: 0,
    failed: 0,
    unknown: 0,
    cancelled: 0,
    verifyFailed: 0,
    cannotTell: 0,
    pending: 0,
    received: 0,
    done: 0,
  };
  for (const r of b.requests) counts[requestCategory(r)]++;
  const words: Record<RequestCategory, (n: number) => string> = {
    done: (n) => vscode.l10n.t('{0} done', n),
    received: (n) => vscode.l10n.t('{0} received (verify to be sure)', n),
    pending: (n) => vscode.l10n.t('{0} pending', n),
    sending: (n) => vscode.l10n.t('{0} sending', n),
    cannotTell: (n) => vscode.l10n.t('{0} cannot tell', n),
    verifyFailed: (n) => vscode.l10n.t('{0} verify failed', n),
    unknown: (n) => vscode.l10n.t('{0} unknown', n),
    cancelled: (n) => vscode.l10n.t('{0} cancelled', n),
    failed: (n) => vscode.l10n.t('{0} failed', n),
  };
  const order: RequestCategory[] = [
    'done',
    'received',
    'pending',
    'sending',
    'cannotTell',
    'verifyFailed',
    'unknown',
    'cancelled',
    'failed',
  ];
  const text = order
    .filter((c) => counts[c] > 0)
    .map((c) => words[c](counts[c]))
    .join(', ');
  const amber = new vscode.ThemeColor('list.warningForeground');
  const icon = counts.sending
    ? new vscode.ThemeIcon('sync~spin')
    : counts.failed
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'))
      : counts.unknown
        ? new vscode.ThemeIcon('question', amber)
        : counts.cancelled
          ? new vscode.ThemeIcon('circle-slash', amber)
          : counts.verifyFailed
            ? new vscode.ThemeIcon('warning', amber)
            : counts.pending
              ? new vscode.ThemeIcon('clock')
              : counts.received || counts.cannotTell
                ? new vscode.ThemeIcon('check')
                : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  return { text, icon, counts };
}

export function requestTooltip(b: HistoryBatch, r: HistoryRequest): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  const heading =
    r.kind === 'wildcard'
      ? vscode.l10n.t('**{0}** wildcard purge — {1}', providerLabel(b.provider), describeRequest(r))
      : vscode.l10n.t('**{0}** purge — {1}', providerLabel(b.provider), describeRequest(r));
  md.appendMarkdown(heading + '\n\n');
  md.appendCodeblock(r.url, 'text');
  const rows: string[] = [];
  if (r.httpStatus !== undefined) {
    const parts = [vscode.l10n.t('HTTP {0}', r.httpStatus)];
    if (r.ms !== undefined) parts.push(vscode.l10n.t('in {0} ms', r.ms));
    if (r.attempts && r.attempts > 1) parts.push(vscode.l10n.t('after {0} attempts', r.attempts));
    rows.push(parts.join(' '));
  }
  if (r.requestId) rows.push(`${providerById(b.provider)?.requestIdLabel ?? 'id'}: \`${r.requestId}\``);
  if (r.live)
    rows.push(
      r.liveCheckedAt
        ? vscode.l10n.t('status: {0} (checked {1})', r.live, new Date(r.liveCheckedAt).toLocaleTimeString())
        : vscode.l10n.t('status: {0}', r.live),
    );
  if (r.verify) rows.push(vscode.l10n.t('verify: {0}', r.verify.detail));
  if (r.covers.length > 1 || (r.covers.length === 1 && r.covers[0] !== r.url))
    rows.push(
      r.covers.length === 1 ? vscode.l10n.t('covers 1 URL') : vscode.l10n.t('covers {0} URLs', r.covers.length),
    );
  if (r.message) rows.push(vscode.l10n.t('message: {0}', r.message));
  if (r.supportId)
    rows.push(vscode.l10n.t('support id: `{0}` (give it to {1} support)', r.supportId, providerLabel(b.provider)));
  if (r.hint) rows.push(r.hint);
  rows.push(vscode.l10n.t('{0}, {1}', b.target, new Date(r.startedAt).toLocaleString()));
  md.appendMarkdown(rows.map((x) => x.replace(/\n/g, ' ')).join('  \n'));
  return md;
}

const STATUS_WORDS: Record<StatusFilter, () => string> = {
  failed: () => vscode.l10n.t('failed'),
  pending: () => vscode.l10n.t('pending'),
  done: () => vscode.l10n.t('done'),
  unknown: () => vscode.l10n.t('unknown'),
};

/** The filter in words, for the view's description and message: "imgix · failed · “hero”". */
export function filterWords(f: HistoryFilter): string {
  const parts: string[] = [];
  if (f.providers?.length) parts.push(f.providers.map(providerLabel).join(', '));
  if (f.statuses?.length) parts.push(f.statuses.map((x) => STATUS_WORDS[x]()).join(', '));
  const text = f.text?.trim();
  if (text) parts.push(vscode.l10n.t('“{0}”', text));
  return parts.join(' · ');
}

/** A day group's label: Today, Yesterday, or the date in the user's locale. */
export function dayLabel(day: string, now = Date.now()): string {
  const kind = dayKind(day, now);
  if (kind === 'today') return vscode.l10n.t('Today');
  if (kind === 'yesterday') return vscode.l10n.t('Yesterday');
  return new Date(dayStart(day)).toLocaleDateString(undefined, {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  });
}

export class HistoryTreeProvider implements vscode.TreeDataProvider<HistoryTreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<HistoryTreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscription: vscode.Disposable;
  private filterValue: HistoryFilter | undefined;
  private view?: Pick<vscode.TreeView<unknown>, 'description' | 'message'>;

  constructor(private readonly store: HistoryStore) {
    this.subscription = store.onDidChange(() => {
      this.emitter.fire(undefined);
      this.describe();
    });
  }

  /** The active filter; undefined when the view shows everything. */
  get filter(): HistoryFilter | undefined {
    return this.filterValue;
  }

  /** Filters the view (undefined or an empty filter: everything); the clear action shows only when filtered. */
  setFilter(f: HistoryFilter | undefined): void {
    this.filterValue = isFiltered(f)
      ? {
          ...(f.providers?.length ? { providers: [...f.providers] } : {}),
          ...(f.statuses?.length ? { statuses: [...f.statuses] } : {}),
          ...(f.text?.trim() ? { text: f.text.trim() } : {}),
        }
      : undefined;
    void vscode.commands.executeCommand(VsCodeCommand.setContext, ContextKey.historyFiltered, !!this.filterValue);
    this.emitter.fire(undefined);
    this.describe();
  }

  /** The view whose description and message say what the filter is (activate gives it). */
  attach(view: Pick<vscode.TreeView<unknown>, 'description' | 'message'>): vscode.Disposable {
    this.view = view;
    this.describe();
    return { dispose: () => (this.view = undefined) };
  }

  private describe(): void {
    if (!this.view) return;
    const f = this.filterValue;
    if (!f) {
      this.view.description = undefined;
      this.view.message = undefined;
      return;
    }
    const words = filterWords(f);
    const { shown, total } = filterCounts(this.store.all(), f);
    this.view.description = vscode.l10n.t('Filtered: {0}', words);
    this.view.message =
      shown === 0
        ? vscode.l10n.t('No purge matches the filter ({0}). Clear the filter to see all {1}.', words, total)
        : vscode.l10n.t('Showing {0} of {1} purges that match: {2}.', shown, total, words);
  }

  private batchNode(b: HistoryBatch): HistoryNode {
    const shown = visibleRequests(b, this.filterValue);
    return b.requests.length === 1 && shown.length === 1
      ? { type: 'request', batchId: b.id, requestId: shown[0].id }
      : { type: 'batch', batchId: b.id };
  }

  getChildren(node?: HistoryTreeNode): HistoryTreeNode[] {
    if (!node) return groupByDay(this.store.all(), this.filterValue).map((g) => ({ type: 'day', day: g.key }));
    if (node.type === 'day')
      return (groupByDay(this.store.all(), this.filterValue).find((g) => g.key === node.day)?.batches ?? []).map((b) =>
        this.batchNode(b),
      );
    if (node.type === 'batch') {
      const b = this.store.batch(node.batchId);
      return (b ? visibleRequests(b, this.filterValue) : []).map((r) => ({
        type: 'request',
        batchId: node.batchId,
        requestId: r.id,
      }));
    }
    return [];
  }

  /** Every batch and request node the view shows, depth first (for the tests and for finding a node). */
  nodes(): HistoryNode[] {
    const out: HistoryNode[] = [];
    const walk = (n: HistoryTreeNode) => {
      if (n.type !== 'day') out.push(n);
      for (const c of this.getChildren(n)) walk(c);
    };
    for (const day of this.getChildren()) for (const c of this.getChildren(day)) walk(c);
    return out;
  }

  getParent(node: HistoryTreeNode): HistoryTreeNode | undefined {
    if (node.type === 'day') return undefined;
    const b = this.store.batch(node.batchId);
    if (!b) return undefined;
    const day: DayNode = { type: 'day', day: dayKeyOf(b) };
    if (node.type === 'batch') return day;
    return this.batchNode(b).type === 'batch' ? { type: 'batch', batchId: b.id } : day;
  }

  getTreeItem(node: HistoryTreeNode): vscode.TreeItem {
    if (node.type === 'day') {
      const groups = groupByDay(this.store.all(), this.filterValue);
      const g = groups.find((x) => x.key === node.day);
      const item = new vscode.TreeItem(
        dayLabel(node.day),
        groups[0]?.key === node.day
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = `day:${node.day}`;
      const n = g?.requests ?? 0;
      item.description = n === 1 ? vscode.l10n.t('1 purge') : vscode.l10n.t('{0} purges', n);
      item.iconPath = new vscode.ThemeIcon('calendar');
      item.contextValue = 'day';
      return item;
    }
    const b = this.store.batch(node.batchId);
    if (!b) return new vscode.TreeItem(vscode.l10n.t('(gone)'));
    if (node.type === 'batch') {
      const s = batchSummary(b);
      const item = new vscode.TreeItem(
        vscode.l10n.t('{0} {1} purges', b.requests.length, providerLabel(b.provider)),
        this.store.all()[0]?.id === b.id || isFiltered(this.filterValue)
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = b.id;
      item.description = resumable(b)
        ? vscode.l10n.t('interrupted · {0} · {1}', s.text, new Date(b.createdAt).toLocaleTimeString())
        : vscode.l10n.t('{0} · {1}', s.text, new Date(b.createdAt).toLocaleTimeString());
      item.iconPath = s.icon;
      item.tooltip = vscode.l10n.t(
        '{0} {1} purges from the {2}, {3}, to {4}: {5}',
        b.requests.length,
        providerLabel(b.provider),
        b.source,
        new Date(b.createdAt).toLocaleString(),
        b.target,
        s.text,
      );
      const verifiable = b.requests.some(
        (r) => r.kind === 'exact' && (r.state === 'accepted' || r.state === 'duplicate'),
      );
      const hasFailed = s.counts.failed + s.counts.unknown + s.counts.cancelled > 0;
      item.contextValue = `batch${verifiable ? ' verifiable' : ''}${hasFailed ? ' hasFailed' : ''}${resumable(b) ? ' interrupted' : ''}`;
      return item;
    }
    const r = b.requests.find((x) => x.id === node.requestId);
    if (!r) return new vscode.TreeItem(vscode.l10n.t('(gone)'));
    const item = new vscode.TreeItem(shortUrl(r.url), vscode.TreeItemCollapsibleState.None);
    item.id = r.id;
    const parts = [describeRequest(r)];
    if (r.httpStatus !== undefined) parts.push(String(r.httpStatus));
    if (r.ms !== undefined) parts.push(vscode.l10n.t('{0} ms', r.ms));
    if (b.requests.length === 1) parts.push(providerLabel(b.provider));
    item.description = parts.join(' · ');
    item.iconPath = requestIcon(r);
    item.tooltip = requestTooltip(b, r);
    const verifiable = r.kind === 'exact' && (r.state === 'accepted' || r.state === 'duplicate');
    const failedHere = b.requests.length === 1 && ['failed', 'unknown', 'cancelled'].includes(requestCategory(r));
    const interrupted = b.requests.length === 1 && resumable(b);
    item.contextValue = `request${verifiable ? ' verifiable' : ''}${r.kind === 'exact' ? ' openable' : ''}${failedHere ? ' hasFailed' : ''}${interrupted ? ' interrupted' : ''}`;
    item.accessibilityInformation = { label: vscode.l10n.t('{0}: {1}', r.url, describeRequest(r)) };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

/** An interrupted batch not resumed yet, with requests never sent: its row offers Resume. */
function resumable(b: HistoryBatch): boolean {
  return !!b.interrupted && !b.interrupted.resumedBy && b.requests.some((r) => r.state === 'cancelled');
}

function dayKeyOf(b: HistoryBatch): string {
  return dayKey(b.createdAt);
}

/**
 * The Purge History view. Typed by the rows the history's commands act on (batches and requests): a day row in its
 * selection has no batch, and the commands do nothing with it.
 */
export function createHistoryView(provider: HistoryTreeProvider): vscode.TreeView<HistoryNode> {
  const view = vscode.window.createTreeView<HistoryTreeNode>(View.history, {
    treeDataProvider: provider,
    showCollapseAll: true,
  });
  return view as unknown as vscode.TreeView<HistoryNode>;
}
