// The "CDN Purge" output channel (a LogOutputChannel: levels, timestamps, the user's log level). One line per
// request with its status; retries, status polls and verifications too. Nothing that reaches it carries a key:
// requests are logged by URL and status only, and every message is redacted against the keys in use.

import * as vscode from 'vscode';
import type { HttpEvent } from '../core/http';
import { providerById } from '../core/providers/registry';
import type { PurgeResult } from '../core/purge';
import { redact } from '../core/redact';

export class PurgeLog implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private readonly keys = new Set<string>();

  constructor() {
    this.channel = vscode.window.createOutputChannel('CDN Purge', { log: true });
  }

  /** Keys in use are redacted from every line, should one ever appear in a message from a server. */
  rememberKey(key: string): void {
    this.keys.add(key);
  }

  private clean(s: string): string {
    return redact(s, [...this.keys]);
  }

  info(s: string): void {
    this.channel.info(this.clean(s));
  }

  warn(s: string): void {
    this.channel.warn(this.clean(s));
  }

  error(s: string): void {
    this.channel.error(this.clean(s));
  }

  /** One line per purge request: the outcome, the HTTP status, the time and the requestId. */
  result(provider: string, r: PurgeResult): void {
    const head = `[${provider}] ${r.kind === 'wildcard' ? 'wildcard ' : ''}${r.url}`;
    const status = `${r.status}${r.httpStatus !== undefined ? ` (HTTP ${r.httpStatus})` : ''} in ${r.ms} ms${r.attempts > 1 ? `, ${r.attempts} attempts` : ''}`;
    const id = r.requestId ? `, ${providerById(provider)?.requestIdLabel ?? 'id'} ${r.requestId}` : '';
    const why = [r.message, r.help && `help: ${r.help}`, r.hint, r.supportId && `support id ${r.supportId}`]
      .filter(Boolean)
      .join(' — ');
    const line = `${head} → ${status}${id}${why ? ` — ${why}` : ''}`;
    if (r.ok) this.info(line);
    else if (r.status === 'cancelled' || r.status === 'unknown') this.warn(line);
    else this.error(line);
  }

  /** HTTP client events: retries and transport errors (responses are logged as results). */
  http(e: HttpEvent): void {
    if (e.type === 'retry')
      this.warn(
        `[${e.lane.split(' ')[0]}] ${e.method} ${e.url}: ${e.reason}, retry ${e.attempt} in ${(e.delayMs / 1000).toFixed(1)} s`,
      );
    else if (e.type === 'error' && e.code !== 'aborted')
      this.error(`[${e.lane.split(' ')[0]}] ${e.method} ${e.url}: ${e.message}`);
    else if (e.type === 'response')
      this.channel.trace(`[${e.lane.split(' ')[0]}] ${e.method} ${e.url} → ${e.status} in ${e.ms} ms`);
    else if (e.type === 'rate')
      this.info(`[${e.lane.split(' ')[0]}] the API allows ${e.limit} requests per ${e.intervalMs} ms: pacing to that`);
    else if (e.type === 'stopped') this.warn(`[${e.lane.split(' ')[0]}] ${e.message}`);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
