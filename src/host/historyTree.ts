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
      return 'sending…';
    case 'accepted':
      if (r.verify) return verifyWords(r);
      if (r.live === 'Completed') return 'completed';
      if (r.live === 'Pending') return 'pending';
      return 'received (verify to be sure)';
    case 'duplicate':
      return 'duplicate (purged seconds ago)';
    case 'cancelled':
      return 'cancelled';
    case 'unknown':
      return 'unknown: may have been received';
    default:
      return 'failed';
  }
}

function verifyWords(r: HistoryRequest): string {
  switch (r.verify?.state) {
    case 'updated':
      return 'verified: new version';
    case 'removed':
      return 'verified: removed (404)';
    case 'unchanged':
      return 'not yet fresh';
    case 'served':
      return 'served (nothing to compare)';
    default:
      return 'verify failed';
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
  if (r.verify?.state === 'unchanged' || r.verify?.state === 'error') return new vscode.ThemeIcon('warning', amber);
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

function batchSummary(b: HistoryBatch): { text: string; icon: vscode.ThemeIcon } {
  const count = (pred: (r: HistoryRequest) => boolean) => b.requests.filter(pred).length;
  const failed = count((r) => r.state === 'failed' || r.state === 'error');
  const sending = count((r) => r.state === 'sending');
  const pending = count((r) => r.state === 'accepted' && r.live === 'Pending');
  const unknown = count((r) => r.state === 'unknown');
  const done = b.requests.length - failed - sending - pending - unknown - count((r) => r.state === 'cancelled');
  const parts = [
    done ? `${done} done` : '',
    pending ? `${pending} pending` : '',
    sending ? `${sending} sending` : '',
    unknown ? `${unknown} unknown` : '',
    failed ? `${failed} failed` : '',
  ];
  const icon = sending
    ? new vscode.ThemeIcon('sync~spin')
    : failed
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'))
      : unknown
        ? new vscode.ThemeIcon('question', new vscode.ThemeColor('list.warningForeground'))
        : pending
          ? new vscode.ThemeIcon('clock')
          : new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
  return { text: parts.filter(Boolean).join(', '), icon };
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
      item.contextValue = 'batch';
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
    item.contextValue = `request${verifiable ? ' verifiable' : ''}`;
    item.accessibilityInformation = { label: `${r.url}: ${describeRequest(r)}` };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
