// ImageKit allows 1000 purge requests a month per account. A counter per account and calendar month (UTC),
// kept in an injected store (the extension's globalState, a JSON file for the CLI, memory in tests), and a
// check that says before a batch whether it would go over.

import { IMAGEKIT_MONTHLY_LIMIT } from './imagekit';

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

export class Quota {
  constructor(
    private readonly store: QuotaStore,
    private readonly limit = IMAGEKIT_MONTHLY_LIMIT,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private key(account: string): string {
    return `quota:imagekit:${account}:${monthKey(this.now())}`;
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
    const message = ok
      ? `${requested} purge request${requested === 1 ? '' : 's'} for ${account}; ${remaining - requested} of ${this.limit} left in ${month} after this.`
      : `${requested} purge requests for ${account} would go over ImageKit's limit of ${this.limit} a month: ${used} used in ${month}, ${remaining} left. Coalesce into wildcards (--coalesce), purge fewer URLs, or ask support@imagekit.io to raise the limit.`;
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

  /** Counts the requests ImageKit accepted (`sent[i]` true) against their accounts. */
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
