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

  async record(account: string, count: number): Promise<number> {
    const key = this.key(account);
    const next = ((await this.store.get(key)) ?? 0) + count;
    await this.store.set(key, next);
    return next;
  }
}
