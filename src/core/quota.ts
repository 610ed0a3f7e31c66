// A provider with a monthly quota (ImageKit: 1000 purge requests a month per account, `monthlyQuota`): a counter per
// provider, account and calendar month (UTC), kept in an injected store (the extension's globalState, a JSON file for
// the CLI, memory in tests), and a check that says before a batch whether it would go over. What counts is one rule,
// spendsQuota() in purge.ts, applied by the pipeline for both front ends.

import type { ProviderPlugin } from './providers/types';

export interface QuotaStore {
  get(key: string): Promise<number | undefined> | number | undefined;
  set(key: string, value: number): Promise<void> | void;
}

export class MemoryQuotaStore implements QuotaStore {
  readonly data = new Map<string, number>();
  get(key: string): number | undefined {
    return this.data.get(key);
  }
  set(key: string, value: number): void {
    this.data.set(key, value);
  }
}

export interface QuotaCheck {
  ok: boolean;
  account: string;
  /** YYYY-MM, UTC. */
  month: string;
  used: number;
  limit: number;
  remaining: number;
  requested: number;
  message: string;
}

/** A planned request, as far as the quota cares: the account its URL belongs to. */
export interface AccountOf {
  target: { account?: string };
}

export function countByAccount(requests: readonly AccountOf[], prefix = ''): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const account = `${prefix}${r.target.account ?? 'default'}`;
    counts.set(account, (counts.get(account) ?? 0) + 1);
  }
  return counts;
}

export function monthKey(d: Date): string {
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** What the quota needs to know of its provider. */
export type QuotaProvider = Pick<ProviderPlugin, 'id' | 'label' | 'monthlyQuota' | 'support' | 'wildcards'>;

/** The counter prefix of purges sent to the local emulator: they never count against a real account. */
export const EMULATOR_QUOTA_PREFIX = 'emulator:';

export class Quota {
  private readonly limit: number;
  private readonly now: () => Date;

  /** `limit` defaults to the provider's monthlyQuota; a provider without one needs it given. */
  constructor(
    private readonly store: QuotaStore,
    private readonly provider: QuotaProvider,
    options: { limit?: number; now?: () => Date } = {},
  ) {
    const limit = options.limit ?? provider.monthlyQuota;
    if (limit === undefined) throw new Error(`${provider.label} has no monthly quota to count.`);
    this.limit = limit;
    this.now = options.now ?? (() => new Date());
  }

  private key(account: string): string {
    return `quota:${this.provider.id}:${account}:${monthKey(this.now())}`;
  }

  async used(account: string): Promise<number> {
    return (await this.store.get(this.key(account))) ?? 0;
  }

  /** Would `requested` more purge requests this month stay within the limit? */
  async check(account: string, requested: number): Promise<QuotaCheck> {
    const used = await this.used(account);
    const remaining = Math.max(0, this.limit - used);
    const ok = requested <= remaining;
    const month = monthKey(this.now());
    // The local emulator's count is kept apart and shown as such; its limit is not one support can raise.
    const emulator = account.startsWith(EMULATOR_QUOTA_PREFIX);
    const shown = emulator ? `${account.slice(EMULATOR_QUOTA_PREFIX.length)} on the local emulator` : account;
    const fewer = `${this.provider.wildcards ? 'Coalesce them into wildcards, purge' : 'Purge'} fewer URLs`;
    const message = ok
      ? `${requested} purge request${requested === 1 ? '' : 's'} for ${shown}; ${remaining - requested} of ${this.limit} left in ${month} after this.`
      : `${requested} purge requests for ${shown} would go over ${this.provider.label}'s limit of ${this.limit} a month: ${used} used in ${month}, ${remaining} left. ${
          emulator
            ? `${fewer}; the emulator's purges are counted apart from the real account's.`
            : `${fewer}, or ask ${this.provider.support} to raise the limit.`
        }`;
    return { ok, account, month, used, limit: this.limit, remaining, requested, message };
  }

  /**
   * Checks a batch request by request: each request counts against its own account (the imagekitId or custom
   * domain of its URL). `prefix` keeps other counters apart (e.g. the local emulator's). The first check over
   * the limit, or undefined when every account stays within it.
   */
  async checkBatch(requests: readonly AccountOf[], prefix = ''): Promise<QuotaCheck | undefined> {
    for (const [account, n] of countByAccount(requests, prefix)) {
      const q = await this.check(account, n);
      if (!q.ok) return q;
    }
    return undefined;
  }

  /** Counts the requests that spent quota (`sent[i]` true: see spendsQuota) against their accounts. */
  async recordBatch(requests: readonly AccountOf[], sent: readonly boolean[], prefix = ''): Promise<void> {
    for (const [account, n] of countByAccount(
      requests.filter((_, i) => sent[i]),
      prefix,
    ))
      await this.record(account, n);
  }

  async record(account: string, count: number): Promise<number> {
    const key = this.key(account);
    const next = ((await this.store.get(key)) ?? 0) + count;
    await this.store.set(key, next);
    return next;
  }
}
