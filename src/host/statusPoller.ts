// Follows purges until they complete, for providers with a status API (ImageKit): polls the status of every Pending
// request in the history, a little slower each round (2 s up to 30 s), and stops when none is left. After an hour a
// request is marked Unknown rather than polled for ever. Runs again when a batch is sent or on "Refresh Purge Status".

import * as vscode from 'vscode';
import { isEmulator } from '../core/emulator';
import type { HttpClient } from '../core/http';
import { providerById } from '../core/providers/registry';
import type { ProviderId } from '../core/providers/types';
import { checkApiBase } from '../core/url';
import type { HistoryStore } from './history';
import type { PurgeLog } from './log';
import type { PurgeService } from './purgeService';
import { realTimers, type Timers } from './timers';

export const FIRST_DELAY_MS = 2000;
export const MAX_DELAY_MS = 30_000;
export const BACKOFF = 1.5;
export const GIVE_UP_MS = 60 * 60 * 1000;

/** What the poller needs: the API client (the transport's) and the stored keys (PurgeService's, which remembers them). */
export interface PollerTransport {
  http(): Promise<HttpClient>;
  storedKey: PurgeService['storedKey'];
}

export class StatusPoller implements vscode.Disposable {
  private timer?: unknown;
  private scheduledMs?: number;
  private delay = FIRST_DELAY_MS;
  private running = false;
  private disposed = false;

  constructor(
    private readonly history: HistoryStore,
    private readonly service: PollerTransport,
    private readonly log: Pick<PurgeLog, 'info' | 'warn' | 'error'>,
    private readonly clock: Timers = realTimers,
  ) {}

  /** The delay before the next round, while one is scheduled (for the tests of the backoff). */
  get nextDelay(): number | undefined {
    return this.timer === undefined ? undefined : this.scheduledMs;
  }

  /** Polls soon (now, when `immediately`), starting the backoff again. */
  kick(immediately = false): void {
    if (this.disposed) return;
    this.delay = FIRST_DELAY_MS;
    this.schedule(immediately ? 0 : this.delay);
  }

  /** The one pending timer: setting it cancels any other, so only one polling loop ever runs. */
  private schedule(ms: number): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.scheduledMs = ms;
    this.timer = this.clock.setTimeout(() => void this.round(), ms);
  }

  /** One round over every pending request; resolves when done. Returns how many are still pending. */
  async round(): Promise<number> {
    if (this.running || this.disposed) return this.history.pending().length;
    this.running = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    try {
      const pending = this.history.pending();
      const client = pending.length ? await this.service.http() : undefined;
      // Loaded with the first round that has something to poll, not at activation.
      const { fetchStatus } = await import('../core/purge');
      // One key lookup per provider and API base, not one per request.
      const keys = new Map<string, Promise<string | undefined>>();
      const keyFor = (provider: ProviderId, loopback: boolean) => {
        const k = `${provider} ${loopback}`;
        if (!keys.has(k)) keys.set(k, this.service.storedKey(provider, loopback));
        return keys.get(k)!;
      };
      await Promise.all(
        pending.map(async ({ batch, request }) => {
          const p = providerById(batch.provider);
          if (this.clock.now() - request.startedAt > GIVE_UP_MS) {
            this.history.update(request.id, {
              live: 'Unknown',
              liveCheckedAt: this.clock.now(),
              hint: `Still Pending after an hour; check it in the ${p?.label ?? batch.provider} dashboard, or verify the asset.`,
            });
            return;
          }
          // A provider without a status API (or not registered in this session) is not followed.
          if (!p?.status) return;
          const api = batch.apiBase ? checkApiBase(batch.apiBase) : undefined;
          if (!api?.ok || !client || !request.requestId) return;
          const key = await keyFor(batch.provider, isEmulator(api.api));
          if (!key) return;
          const s = await fetchStatus(request.requestId, { adapter: p, apiBase: api.api.base, key, client });
          // The provider's own words for "in progress" and "done" (ImageKit: Pending, Completed).
          const live =
            s.status === p.status.completed ? 'Completed' : s.status === p.status.pending ? 'Pending' : undefined;
          if (s.ok && live) {
            if (live !== request.live) {
              this.log.info(
                `[${batch.provider}] ${p.requestIdLabel} ${request.requestId} (${request.url}) → ${s.status}`,
              );
              this.history.update(request.id, { live, liveCheckedAt: this.clock.now() });
            }
          } else if (!s.ok && s.httpStatus === 404) {
            this.log.warn(
              `[${batch.provider}] ${p.requestIdLabel} ${request.requestId}: unknown to ${new URL(api.api.base).host} (${s.message ?? 'HTTP 404'})`,
            );
            this.history.update(request.id, { live: 'Unknown', liveCheckedAt: this.clock.now() });
          } else if (!s.ok) {
            this.log.warn(`[${batch.provider}] status of ${request.requestId}: ${s.message ?? `HTTP ${s.httpStatus}`}`);
          }
        }),
      );
    } catch (e) {
      this.log.error(`status polling failed: ${(e as Error).message}`);
    } finally {
      this.running = false;
    }
    const left = this.history.pending().length;
    if (left && !this.disposed) {
      this.delay = Math.min(MAX_DELAY_MS, Math.round(this.delay * BACKOFF));
      this.schedule(this.delay);
    }
    return left;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
