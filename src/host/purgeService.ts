// Purging from the editor: URLs → plan per provider → confirmation → key → quota → requests with progress and
// cancel → history, output channel, live status. The one place the extension sends purges from.

import * as vscode from 'vscode';
import type { HttpClient } from '../core/http';
import { planPurge, type Plan } from '../core/planner';
import { docsUrl } from '../core/problems';
import { provider as adapterFor } from '../core/providers/registry';
import type { ProviderId, TargetCheck } from '../core/providers/types';
import { executePlan, spendsQuota, type PurgeResult } from '../core/purge';
import { Quota, type QuotaStore } from '../core/quota';
import { snapshotAsset } from '../core/verify';
import type { HistoryBatch, HistoryStore } from './history';
import type { PurgeLog } from './log';
import { keyName, type KeyStore, type KeySlot } from './secrets';
import type { Settings } from './settings';

/** Up to this many exact URLs get a "before" snapshot, so that verification can compare. */
const SNAPSHOT_LIMIT = 25;

export interface PurgeRequestOptions {
  /** Where the purge was started from, for the history: palette, editor, explorer, git, retry. */
  source: string;
  /** Force a provider (otherwise each URL's host decides). */
  provider?: ProviderId;
  /** Skip the confirmation (e.g. a retry of one request). */
  noConfirm?: boolean;
}

export interface PurgeOutcome {
  batches: HistoryBatch[];
  results: PurgeResult[];
  invalid: TargetCheck[];
}

/** A QuotaStore on globalState. */
function mementoQuota(memento: vscode.Memento): QuotaStore {
  return { get: (k) => memento.get<number>(k), set: async (k, v) => memento.update(k, v) };
}

export class PurgeService implements vscode.Disposable {
  private client?: HttpClient;
  private fetcher?: HttpClient;
  private readonly quota: QuotaStore;
  private readonly emitter = new vscode.EventEmitter<HistoryBatch>();
  /** Fires after a batch has been sent (the status poller listens). */
  readonly onDidPurge = this.emitter.event;

  constructor(
    private readonly settings: Settings,
    private readonly keys: KeyStore,
    private readonly history: HistoryStore,
    private readonly log: PurgeLog,
    globalState: vscode.Memento,
  ) {
    this.quota = mementoQuota(globalState);
  }

  /** The HTTP client, loaded on first use (undici is not loaded at activation). */
  async http(): Promise<HttpClient> {
    if (!this.client) {
      const { HttpClient } = await import('../core/http');
      this.client = new HttpClient({ timeoutMs: 30_000, onEvent: (e) => this.log.http(e) });
    }
    return this.client;
  }

  /** The client that fetches assets to verify purges: one retry, a shorter timeout, larger bodies (images). */
  async assetClient(): Promise<HttpClient> {
    if (!this.fetcher) {
      const { HttpClient } = await import('../core/http');
      this.fetcher = new HttpClient({
        concurrency: 6,
        timeoutMs: 10_000,
        retry: { maxRetries: 1 },
        maxBodyBytes: 32 * 1024 * 1024,
        onEvent: (e) => this.log.http(e),
      });
    }
    return this.fetcher;
  }

  /** The stored key for a provider and API base, without asking. */
  async storedKey(provider: ProviderId, loopback: boolean): Promise<string | undefined> {
    const key = await this.keys.get(provider, loopback ? 'emulator' : 'real');
    if (key) this.log.rememberKey(key);
    return key;
  }

  /** The key for a provider and API base; asks for it when missing. Undefined when the user gives none. */
  async keyFor(provider: ProviderId, loopback: boolean): Promise<string | undefined> {
    const slot: KeySlot = loopback ? 'emulator' : 'real';
    let key = await this.keys.get(provider, slot);
    if (!key) {
      const action = slot === 'emulator' ? 'Use Local Emulator…' : 'Set API Key…';
      const pick = await vscode.window.showErrorMessage(
        slot === 'emulator'
          ? `No ${keyName(provider)} is stored for the local emulator. Run "CDN Purge: Use Local Emulator" to store its test keys.`
          : `No ${keyName(provider)} is stored. Store it once; it is kept in VS Code's secret storage only.`,
        action,
      );
      if (pick)
        await vscode.commands.executeCommand(
          slot === 'emulator' ? 'cdnPurge.useEmulator' : 'cdnPurge.setKey',
          provider,
        );
      key = await this.keys.get(provider, slot);
    }
    if (key) this.log.rememberKey(key);
    return key;
  }

  /** Splits URLs by provider (from the host, or as forced); unknown hosts are reported. */
  private group(
    urls: readonly string[],
    forced?: ProviderId,
  ): { groups: Map<ProviderId, string[]>; unknown: string[] } {
    const groups = new Map<ProviderId, string[]>();
    const unknown: string[] = [];
    for (const url of urls) {
      const p = forced ?? this.settings.providerOf(url);
      if (!p) unknown.push(url);
      else groups.set(p, [...(groups.get(p) ?? []), url]);
    }
    return { groups, unknown };
  }

  async purge(urls: readonly string[], options: PurgeRequestOptions): Promise<PurgeOutcome | undefined> {
    const { groups, unknown } = this.group(urls, options.provider);
    if (unknown.length) {
      const msg = `${unknown.length === 1 ? `"${unknown[0]}" is` : `${unknown.length} URLs are`} not on an ImageKit or imgix host. Add the custom domain to the settings (cdnPurge.imagekit.endpoints or cdnPurge.imgix.domains).`;
      this.log.warn(msg);
      if (groups.size === 0) {
        void vscode.window
          .showErrorMessage(msg, 'Open Settings')
          .then((a) => a && vscode.commands.executeCommand('workbench.action.openSettings', 'cdnPurge'));
        return undefined;
      }
      void vscode.window.showWarningMessage(msg);
    }
    const outcome: PurgeOutcome = { batches: [], results: [], invalid: [] };
    for (const [provider, list] of groups) {
      const r = await this.purgeProvider(provider, list, options);
      if (!r) continue;
      if (r.batch) outcome.batches.push(r.batch);
      outcome.results.push(...r.results);
      outcome.invalid.push(...r.invalid);
    }
    return outcome.batches.length || outcome.invalid.length ? outcome : undefined;
  }

  private async reportInvalid(provider: ProviderId, plan: Plan): Promise<boolean> {
    for (const t of plan.invalid) {
      for (const p of t.problems.filter((x) => x.severity === 'error'))
        this.log.error(`[${provider}] not sent: ${t.input} — [${p.code}] ${p.message}`);
    }
    if (plan.invalid.length === 0) return true;
    const first = plan.invalid[0];
    const problem = first.problems.find((p) => p.severity === 'error') ?? first.problems[0];
    const what = plan.invalid.length === 1 ? first.input : `${plan.invalid.length} of ${plan.inputCount} URLs`;
    const text = `${adapterFor(provider).label} would refuse ${what}: ${problem?.message ?? 'invalid URL'}`;
    if (plan.requests.length === 0) {
      void vscode.window.showErrorMessage(text, 'Learn More', 'Show Output').then((pick) => {
        if (pick === 'Learn More' && problem) void vscode.env.openExternal(vscode.Uri.parse(docsUrl(problem.code)));
        if (pick === 'Show Output') this.log.show();
      });
      return false;
    }
    const pick = await vscode.window.showWarningMessage(
      text,
      {
        modal: true,
        detail: `The other ${plan.requests.length} request${plan.requests.length === 1 ? '' : 's'} can be sent.`,
      },
      'Purge the Valid Ones',
    );
    return pick === 'Purge the Valid Ones';
  }

  private async purgeProvider(
    provider: ProviderId,
    urls: string[],
    options: PurgeRequestOptions,
  ): Promise<{ batch?: HistoryBatch; results: PurgeResult[]; invalid: TargetCheck[] } | undefined> {
    const label = adapterFor(provider).label;
    const config = this.settings.configProblems(provider);
    if (config.length) {
      const pick = await vscode.window.showErrorMessage(`${label} settings: ${config[0].message}`, 'Open Settings');
      if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', `cdnPurge.${provider}`);
      return undefined;
    }
    const plan = planPurge(urls, this.settings.checker(provider), {
      coalesce: adapterFor(provider).wildcards ? this.settings.coalesce : undefined,
    });
    if (!(await this.reportInvalid(provider, plan))) return { results: [], invalid: plan.invalid };
    const requests = plan.requests;
    if (requests.length === 0) return undefined;

    let api: { base: string; loopback: boolean };
    try {
      api = this.settings.apiBase(provider);
    } catch (e) {
      void vscode.window
        .showErrorMessage((e as Error).message, 'Open Settings')
        .then(
          (a) => a && vscode.commands.executeCommand('workbench.action.openSettings', `cdnPurge.${provider}.apiBase`),
        );
      return undefined;
    }
    const target = api.loopback ? `emulator ${new URL(api.base).host}` : new URL(api.base).host;
    const wildcards = requests.filter((r) => r.kind === 'wildcard');
    if (this.settings.confirm && !options.noConfirm && (requests.length > 1 || wildcards.length > 0)) {
      const covered = requests.reduce((n, r) => n + r.covers.length, 0);
      const lines = requests.slice(0, 12).map((r) => `${r.kind === 'wildcard' ? '✱ ' : ''}${r.url}`);
      if (requests.length > 12) lines.push(`… and ${requests.length - 12} more`);
      const pick = await vscode.window.showWarningMessage(
        `Purge ${requests.length} ${label} request${requests.length === 1 ? '' : 's'}${covered > requests.length ? ` covering ${covered} URLs` : ''}${api.loopback ? ' (local emulator)' : ''}?`,
        {
          modal: true,
          detail: `${wildcards.length ? `${wildcards.length} wildcard${wildcards.length === 1 ? '' : 's'}: every URL starting with the part before * is purged.\n` : ''}${lines.join('\n')}`,
        },
        'Purge',
      );
      if (pick !== 'Purge') return undefined;
    }

    const key = await this.keyFor(provider, api.loopback);
    if (!key) return undefined;

    // The emulator's purges are counted apart from the real accounts'.
    const quotaPrefix = api.loopback ? 'emulator:' : '';
    const quota = adapterFor(provider).monthlyQuota ? new Quota(this.quota, adapterFor(provider)) : undefined;
    if (quota) {
      const over = await quota.checkBatch(requests, quotaPrefix);
      if (over) {
        const pick = await vscode.window.showWarningMessage(over.message, { modal: true }, 'Purge Anyway');
        if (pick !== 'Purge Anyway') return undefined;
      }
    }

    const client = await this.http();
    const adapter = adapterFor(provider);
    const batch = this.history.add({
      provider,
      source: options.source,
      target,
      apiBase: api.base,
      requests: requests.map((r) => ({
        id: this.history.newId('r'),
        url: r.url,
        kind: r.kind,
        covers: r.covers,
        state: 'sending',
        startedAt: Date.now(),
      })),
    });
    this.log.info(
      `[${provider}] purging ${requests.length} request${requests.length === 1 ? '' : 's'} via ${target} (${options.source})`,
    );

    const results = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Purging from ${label}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        try {
          // A copy from before the purge lets "verify" tell a new version from the old one.
          const exact = batch.requests.filter((r) => r.kind === 'exact').slice(0, SNAPSHOT_LIMIT);
          if (exact.length) {
            progress.report({ message: 'reading the current versions…' });
            await Promise.all(
              exact.map(async (r) => {
                const s = await snapshotAsset(r.url, await this.assetClient(), {
                  emulatorBase: api.loopback ? api.base : undefined,
                  signal: controller.signal,
                });
                if (s.validator) this.history.update(r.id, { before: s.validator });
              }),
            );
          }
          let done = 0;
          progress.report({ message: `sending ${requests.length} request${requests.length === 1 ? '' : 's'}…` });
          return await executePlan(requests, {
            adapter,
            apiBase: api.base,
            key,
            client,
            signal: controller.signal,
            ...(this.settings.rateLimit(provider) !== undefined
              ? { ratePerSecond: this.settings.rateLimit(provider) }
              : {}),
            onResult: (res, i) => {
              done++;
              progress.report({ increment: 100 / requests.length, message: `${done} of ${requests.length}` });
              this.log.result(provider, res);
              this.history.update(batch.requests[i].id, {
                state: res.status,
                httpStatus: res.httpStatus,
                requestId: res.requestId,
                supportId: res.supportId,
                ms: res.ms,
                attempts: res.attempts,
                message: res.message,
                hint: res.hint,
                finishedAt: Date.now(),
                ...(adapter.status && res.status === 'accepted' && res.requestId ? { live: 'Pending' as const } : {}),
              });
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );

    if (quota) {
      // Accepted purges and those that may have been received count; refused (4xx, 5xx) and unsent ones do not.
      await quota
        .recordBatch(requests, results.map(spendsQuota), quotaPrefix)
        .then(undefined, (e: Error) =>
          this.log.warn(`could not record the ${adapterFor(provider).label} quota count: ${e.message}`),
        );
    }
    this.emitter.fire(batch);
    void this.summarise(provider, batch, results, plan.invalid.length);
    return { batch, results, invalid: plan.invalid };
  }

  private async summarise(
    provider: ProviderId,
    batch: HistoryBatch,
    results: PurgeResult[],
    invalid: number,
  ): Promise<void> {
    const label = adapterFor(provider).label;
    const failed = results.filter((r) => !r.ok && r.status !== 'cancelled' && r.status !== 'unknown');
    const unknown = results.filter((r) => r.status === 'unknown');
    const cancelled = results.filter((r) => r.status === 'cancelled').length;
    const ok = results.filter((r) => r.ok).length;
    if (failed.length) {
      const first = failed[0];
      const pick = await vscode.window.showErrorMessage(
        `${failed.length} of ${results.length} ${label} purge${results.length === 1 ? '' : 's'} failed${first.httpStatus ? ` (HTTP ${first.httpStatus})` : ''}: ${first.message ?? ''} ${first.hint ?? ''}`.trim(),
        'Show Output',
        'Purge Again',
      );
      if (pick === 'Show Output') this.log.show();
      if (pick === 'Purge Again') void vscode.commands.executeCommand('cdnPurge.retryBatch', batch.id);
      return;
    }
    if (unknown.length) {
      const first = unknown[0];
      const pick = await vscode.window.showWarningMessage(
        `${unknown.length} of ${results.length} ${label} purge${results.length === 1 ? '' : 's'} may have been received, but no answer came: ${first.message ?? ''}`.trim(),
        'Show Output',
        'Show History',
      );
      if (pick === 'Show Output') this.log.show();
      if (pick === 'Show History') void vscode.commands.executeCommand('cdnPurge.history.focus');
      return;
    }
    if (cancelled) {
      void vscode.window
        .showWarningMessage(
          `Cancelled: ${ok} of ${results.length} ${label} purges were sent before you cancelled.`,
          'Show Output',
        )
        .then((a) => a && this.log.show());
      return;
    }
    const them = ok === 1 ? 'it' : 'them';
    const verify = !adapterFor(provider).status;
    const note = verify
      ? ` ${label} received ${them}; a 200 does not mean done: verify by fetching again.`
      : ` ${label} is processing ${them}; the history shows when ${ok === 1 ? 'it completes' : 'they complete'}.`;
    const actions = verify ? ['Verify', 'Show History'] : ['Show History'];
    const pick = await vscode.window.showInformationMessage(
      `Purged ${ok} ${label} request${ok === 1 ? '' : 's'}${invalid ? ` (${invalid} invalid, not sent)` : ''}.${note}`,
      ...actions,
    );
    if (pick === 'Verify') void vscode.commands.executeCommand('cdnPurge.verifyBatch', batch.id);
    if (pick === 'Show History') void vscode.commands.executeCommand('cdnPurge.history.focus');
  }

  dispose(): void {
    this.emitter.dispose();
    // Closing drops idle keep-alive connections; nothing is waiting for it.
    Promise.all([this.client?.close(), this.fetcher?.close()]).catch(() => undefined);
  }
}
