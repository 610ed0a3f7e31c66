// The "Purge History" tree: a node per batch (expanded for the newest), a node per request with its live
// status, HTTP status, time and requestId. A batch of one request shows as that request.

import * as vscode from 'vscode';
import { providerById } from '../core/providers/registry';
import type { HistoryBatch, HistoryRequest, HistoryStore } from './history';

export type HistoryNode = { type: 'batch'; batchId: string } | { type: 'request'; batchId: string; requestId: string };

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

/** What a request's row says, as one of the words a batch row counts. */
export type RequestCategory =
  'sending' | 'failed' | 'unknown' | 'cancelled' | 'verifyFailed' | 'cannotTell' | 'pending' | 'received' | 'done';

export function requestCategory(r: HistoryRequest): RequestCategory {
  switch (r.state) {
    case 'sending':
      return 'sending';
    case 'cancelled':
      return 'cancelled';
    case 'unknown':
      return 'unknown';
    case 'duplicate':
      return 'done';
    case 'accepted':
      if (r.verify) {
        if (r.verify.state === 'updated' || r.verify.state === 'removed') return 'done';
        if (r.verify.state === 'error') return 'verifyFailed';
        return 'cannotTell';
      }
      if (r.live === 'Completed') return 'done';
      if (r.live === 'Pending') return 'pending';
      // imgix's 200 (and an ImageKit status that could not be read): received, not known to be done.
      return 'received';
    default:
      return 'failed';
  }
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
  md.appendMarkdown(
    `**${providerLabel(b.provider)}** ${r.kind === 'wildcard' ? 'wildcard ' : ''}purge — ${describeRequest(r)}\n\n`,
  );
  md.appendCodeblock(r.url, 'text');
  const rows: string[] = [];
  if (r.httpStatus !== undefined)
    rows.push(
      `HTTP ${r.httpStatus}${r.ms !== undefined ? ` in ${r.ms} ms` : ''}${r.attempts && r.attempts > 1 ? ` after ${r.attempts} attempts` : ''}`,
    );
  if (r.requestId) rows.push(`${providerById(b.provider)?.requestIdLabel ?? 'id'}: \`${r.requestId}\``);
  if (r.live)
    rows.push(
      `status: ${r.live}${r.liveCheckedAt ? ` (checked ${new Date(r.liveCheckedAt).toLocaleTimeString()})` : ''}`,
    );
  if (r.verify) rows.push(`verify: ${r.verify.detail}`);
  if (r.covers.length > 1 || (r.covers.length === 1 && r.covers[0] !== r.url))
    rows.push(`covers ${r.covers.length} URL${r.covers.length === 1 ? '' : 's'}`);
  if (r.message) rows.push(`message: ${r.message}`);
  if (r.supportId) rows.push(`support id: \`${r.supportId}\` (give it to ${providerLabel(b.provider)} support)`);
  if (r.hint) rows.push(r.hint);
  rows.push(`${b.target}, ${new Date(r.startedAt).toLocaleString()}`);
  md.appendMarkdown(rows.map((x) => x.replace(/\n/g, ' ')).join('  \n'));
  return md;
}

export class HistoryTreeProvider implements vscode.TreeDataProvider<HistoryNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<HistoryNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: HistoryStore) {
    this.subscription = store.onDidChange(() => this.emitter.fire(undefined));
  }

  getChildren(node?: HistoryNode): HistoryNode[] {
    if (!node) {
      return this.store
        .all()
        .map((b) =>
          b.requests.length === 1
            ? { type: 'request', batchId: b.id, requestId: b.requests[0].id }
            : { type: 'batch', batchId: b.id },
        );
    }
    if (node.type === 'batch') {
      return (this.store.batch(node.batchId)?.requests ?? []).map((r) => ({
        type: 'request',
        batchId: node.batchId,
        requestId: r.id,
      }));
    }
    return [];
  }

  getParent(node: HistoryNode): HistoryNode | undefined {
    if (node.type === 'batch') return undefined;
    const b = this.store.batch(node.batchId);
    return b && b.requests.length > 1 ? { type: 'batch', batchId: b.id } : undefined;
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    const b = this.store.batch(node.batchId);
    if (!b) return new vscode.TreeItem('(gone)');
    if (node.type === 'batch') {
      const s = batchSummary(b);
      const item = new vscode.TreeItem(
        `${b.requests.length} ${providerLabel(b.provider)} purges`,
        this.store.all()[0]?.id === b.id
          ? vscode.TreeItemCollapsibleState.Expanded
          : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = b.id;
      item.description = `${s.text} · ${new Date(b.createdAt).toLocaleTimeString()}`;
      item.iconPath = s.icon;
      item.tooltip = `${b.requests.length} ${providerLabel(b.provider)} purges from the ${b.source}, ${new Date(b.createdAt).toLocaleString()}, to ${b.target}: ${s.text}`;
      const verifiable = b.requests.some(
        (r) => r.kind === 'exact' && (r.state === 'accepted' || r.state === 'duplicate'),
      );
      const hasFailed = s.counts.failed + s.counts.unknown + s.counts.cancelled > 0;
      item.contextValue = `batch${verifiable ? ' verifiable' : ''}${hasFailed ? ' hasFailed' : ''}`;
      return item;
    }
    const r = b.requests.find((x) => x.id === node.requestId);
    if (!r) return new vscode.TreeItem('(gone)');
    const item = new vscode.TreeItem(shortUrl(r.url), vscode.TreeItemCollapsibleState.None);
    item.id = r.id;
    const extra = [r.httpStatus !== undefined ? String(r.httpStatus) : '', r.ms !== undefined ? `${r.ms} ms` : '']
      .filter(Boolean)
      .join(' · ');
    item.description = `${describeRequest(r)}${extra ? ` · ${extra}` : ''}${b.requests.length === 1 ? ` · ${providerLabel(b.provider)}` : ''}`;
    item.iconPath = requestIcon(r);
    item.tooltip = requestTooltip(b, r);
    const verifiable = r.kind === 'exact' && (r.state === 'accepted' || r.state === 'duplicate');
    const failedHere = b.requests.length === 1 && ['failed', 'unknown', 'cancelled'].includes(requestCategory(r));
    item.contextValue = `request${verifiable ? ' verifiable' : ''}${r.kind === 'exact' ? ' openable' : ''}${failedHere ? ' hasFailed' : ''}`;
    item.accessibilityInformation = { label: `${r.url}: ${describeRequest(r)}` };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
