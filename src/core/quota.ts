// A provider with a monthly quota (ImageKit: 1000 purge requests a month per account, `monthlyQuota`): a counter per
// provider, account and calendar month (UTC), kept in an injected store (the extension's globalState, a JSON file for
// the CLI, memory in tests), and a check that says before a batch whether it would go over. What counts is one rule,
// spendsQuota() in purge.ts, applied by the pipeline for both front ends.

import os from 'node:os';
import type { ProviderPlugin } from './providers/types';

/**
 * Where counts live. `get`/`set` are enough for one process (the extension's globalState, memory in tests): the
 * reservations of runs in progress are then kept in memory. A store shared by processes (the CLI's JSON file)
 * implements `transact`, which runs a change on the whole data under a lock and writes it before resolving, so that
 * concurrent runs neither lose updates nor pass the limit together.
 */
export interface QuotaStore {
  get(key: string): Promise<number | undefined> | number | undefined;
  set(key: string, value: number): Promise<void> | void;
  /** Runs `change` on the data under the store's lock and makes the result durable before resolving. */
  transact?<T>(change: (data: QuotaData) => T): Promise<T>;
}

/** A store's whole data, as `transact` gives it: counts by key, and the reservations of runs in progress. */
export interface QuotaData {
  counts: Record<string, number>;
  reservations: Record<string, QuotaReservationRecord>;
}

/** Who holds a reservation (so a reservation of a process that died can be released) and what it holds. */
export interface QuotaReservationRecord {
  pid: number;
  host: string;
  /** Epoch ms. */
  at: number;
  /** Reserved and not yet spent, by counter key. */
  counts: Record<string, number>;
}

/** The liveness of a reservation's owner; injectable for tests. */
export interface OwnerCheck {
  pid: number;
  host: string;
  /** True when the process `pid` of this host is running. */
  alive(pid: number): boolean;
  now(): number;
}

/** A reservation of another host is taken as live until it is this old (its owner cannot be asked). */
export const FOREIGN_RESERVATION_TTL_MS = 24 * 60 * 60 * 1000;

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
  /** Held by other runs in progress (their reservations), when any. */
  reserved?: number;
  message: string;
}

/** A planned request, as far as the quota cares: the account its URL belongs to. */
export interface AccountOf {
  target: { account?: string };
}

/** The counter account of a request: its account (or "default") under a prefix (the emulator's). */
export function accountOf(r: AccountOf, prefix = ''): string {
  return `${prefix}${r.target.account ?? 'default'}`;
}

export function countByAccount(requests: readonly AccountOf[], prefix = ''): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of requests) {
    const account = accountOf(r, prefix);
    counts.set(account, (counts.get(account) ?? 0) + 1);
  }
  return counts;
}

export function monthKey(d: Date): string {
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The counter key of a provider's account in a month (YYYY-MM): `quota:<provider>:<account>:<month>`. */
export function quotaKey(provider: string, account: string, month: string): string {
  return `quota:${provider}:${account}:${month}`;
}

/**
 * A provider's counts of one month by account, read from a store's keys (e.g. the status bar reading globalState):
 * the emulator's accounts (EMULATOR_QUOTA_PREFIX) apart from the real ones. A value that is not a count is skipped.
 */
export function countsOfMonth(
  keys: readonly string[],
  get: (key: string) => unknown,
  provider: string,
  month: string,
): { real: Map<string, number>; emulator: Map<string, number> } {
  const head = `quota:${provider}:`;
  const tail = `:${month}`;
  const real = new Map<string, number>();
  const emulator = new Map<string, number>();
  for (const k of keys) {
    if (!k.startsWith(head) || !k.endsWith(tail) || k.length <= head.length + tail.length) continue;
    const v = get(k);
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) continue;
    const account = k.slice(head.length, -tail.length);
    if (account.startsWith(EMULATOR_QUOTA_PREFIX)) emulator.set(account.slice(EMULATOR_QUOTA_PREFIX.length), v);
    else real.set(account, v);
  }
  return { real, emulator };
}

/** What the quota needs to know of its provider. */
export type QuotaProvider = Pick<ProviderPlugin, 'id' | 'label' | 'monthlyQuota' | 'support' | 'wildcards'>;

/** The counter prefix of purges sent to the local emulator: they never count against a real account. */
export const EMULATOR_QUOTA_PREFIX = 'emulator:';

/** The process and host a reservation is made by, and how to tell whether another owner still runs. */
export function localOwner(): OwnerCheck {
  return {
    pid: process.pid,
    host: os.hostname(),
    alive: (pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch (e) {
        // EPERM: it exists, owned by someone else.
        return (e as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
    now: () => Date.now(),
  };
}

/** Reservations whose owner has ended (or, on another host, that are older than a day): what they still hold was never sent. */
function deadReservations(data: QuotaData, owner: OwnerCheck): string[] {
  return Object.entries(data.reservations)
    .filter(([, r]) =>
      r.host === owner.host
        ? r.pid !== owner.pid && !owner.alive(r.pid)
        : owner.now() - r.at > FOREIGN_RESERVATION_TTL_MS,
    )
    .map(([id]) => id);
}

function reservedBy(data: QuotaData, key: string, except?: string): number {
  let n = 0;
  for (const [id, r] of Object.entries(data.reservations)) if (id !== except) n += r.counts[key] ?? 0;
  return n;
}

/** In-memory data of a get/set store: its counts are read and written through it, its reservations live here. */
const memoryReservations = new WeakMap<QuotaStore, Record<string, QuotaReservationRecord>>();
const memoryLocks = new WeakMap<QuotaStore, Promise<unknown>>();

/**
 * Runs a change on a store's data, atomically: through the store's own `transact` (a file lock) when it has one;
 * else, for a store of one process, one change at a time through get/set, reservations in memory.
 */
async function transact<T>(store: QuotaStore, keys: readonly string[], change: (data: QuotaData) => T): Promise<T> {
  if (store.transact) return store.transact(change);
  const previous = memoryLocks.get(store) ?? Promise.resolve();
  const run = previous.then(async () => {
    let reservations = memoryReservations.get(store);
    if (!reservations) memoryReservations.set(store, (reservations = {}));
    const counts: Record<string, number> = {};
    for (const k of keys) {
      const v = await store.get(k);
      if (typeof v === 'number') counts[k] = v;
    }
    const before = { ...counts };
    const result = change({ counts, reservations });
    // A count that went from none to 0 (counted, then given back) stays none.
    for (const [k, v] of Object.entries(counts))
      if (before[k] !== v && !(v === 0 && before[k] === undefined)) await store.set(k, v);
    return result;
  });
  memoryLocks.set(
    store,
    run.catch(() => undefined),
  );
  return run;
}

let reservationSeq = 0;

/**
 * A check-and-reserve made before a batch is sent: the requests it may send are held against the monthly limit, so
 * parallel runs cannot pass it together. Each request is counted (`spend`) before it is dispatched, so a purge that
 * may reach the server is always counted, even if the process is killed right after; `refund` gives back one the
 * server answered without spending (a refusal) or that was never sent; `release` frees what was not spent. Counts
 * are group-committed: the spends and refunds that arrive while the store is being written go into its next write
 * together, so 2,000 requests sent 8 at a time write the store a few hundred times instead of 2,000, and every
 * count is exact (none is counted ahead). A reservation left by a process that died is released by the next run
 * (everything it sent was already counted).
 */
export class QuotaReservation {
  private released = false;
  /** Counts waiting for the next write, by counter key (negative: refunds). */
  private queued = new Map<string, number>();
  /** The write the queued counts will be in (it starts when the one in progress ends). */
  private nextWrite?: Promise<void>;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: QuotaStore,
    readonly id: string,
    /** Counter key of each account (prefix included), for this reservation's month. */
    private readonly keyOf: (account: string) => string,
    /** What is held, by account (prefix included). */
    readonly accounts: ReadonlyMap<string, number>,
  ) {}

  /** One request for `account` is about to be sent: it is counted as used in the store before this resolves. */
  spend(account: string): Promise<void> {
    return this.queue(account, 1);
  }

  /** A request counted by `spend` turned out not to spend quota (refused, or never sent): its count is given back. */
  refund(account: string): Promise<void> {
    return this.queue(account, -1);
  }

  private queue(account: string, n: number): Promise<void> {
    const key = this.keyOf(account);
    this.queued.set(key, (this.queued.get(key) ?? 0) + n);
    this.nextWrite ??= this.writing
      .catch(() => undefined)
      .then(() => {
        const counts = this.queued;
        this.queued = new Map();
        this.nextWrite = undefined;
        this.writing = this.write(counts);
        return this.writing;
      });
    return this.nextWrite;
  }

  private async write(counts: ReadonlyMap<string, number>): Promise<void> {
    await transact(this.store, [...counts.keys()], (data) => {
      const r = data.reservations[this.id];
      for (const [key, n] of counts) {
        if (n === 0) continue;
        data.counts[key] = Math.max(0, (data.counts[key] ?? 0) + n);
        // What is spent is no longer only reserved (a refund does not reserve again: the batch is done with it).
        if (n > 0 && r && (r.counts[key] ?? 0) > 0) {
          r.counts[key] = Math.max(0, r.counts[key] - n);
          if (r.counts[key] === 0) delete r.counts[key];
        }
      }
    });
  }

  /** Frees what was reserved and not spent (after the counts still being written). Safe to call more than once. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await (this.nextWrite ?? this.writing).catch(() => undefined);
    await transact(this.store, [], (data) => {
      delete data.reservations[this.id];
    });
  }
}

export type ReserveResult =
  | {
      ok: true;
      reservation: QuotaReservation;
      /** Set when the batch went over and was reserved anyway (force). */ over?: QuotaCheck;
    }
  | { ok: false; check: QuotaCheck };

export class Quota {
  private readonly limit: number;
  private readonly now: () => Date;
  private readonly owner: OwnerCheck;

  /** `limit` defaults to the provider's monthlyQuota; a provider without one needs it given. */
  constructor(
    private readonly store: QuotaStore,
    private readonly provider: QuotaProvider,
    options: { limit?: number; now?: () => Date; owner?: OwnerCheck } = {},
  ) {
    const limit = options.limit ?? provider.monthlyQuota;
    if (limit === undefined) throw new Error(`${provider.label} has no monthly quota to count.`);
    this.limit = limit;
    this.now = options.now ?? (() => new Date());
    this.owner = options.owner ?? localOwner();
  }

  private key(account: string, month = monthKey(this.now())): string {
    return quotaKey(this.provider.id, account, month);
  }

  async used(account: string): Promise<number> {
    return (await this.store.get(this.key(account))) ?? 0;
  }

  private checkOf(account: string, requested: number, used: number, reserved: number): QuotaCheck {
    const remaining = Math.max(0, this.limit - used - reserved);
    const ok = requested <= remaining;
    const month = monthKey(this.now());
    // The local emulator's count is kept apart and shown as such; its limit is not one support can raise.
    const emulator = account.startsWith(EMULATOR_QUOTA_PREFIX);
    const shown = emulator ? `${account.slice(EMULATOR_QUOTA_PREFIX.length)} on the local emulator` : account;
    const fewer = `${this.provider.wildcards ? 'Coalesce them into wildcards, purge' : 'Purge'} fewer URLs`;
    const held = reserved ? `, ${reserved} reserved by runs in progress` : '';
    const message = ok
      ? `${requested} purge request${requested === 1 ? '' : 's'} for ${shown}; ${remaining - requested} of ${this.limit} left in ${month} after this.`
      : `${requested} purge requests for ${shown} would go over ${this.provider.label}'s limit of ${this.limit} a month: ${used} used in ${month}${held}, ${remaining} left. ${
          emulator
            ? `${fewer}; the emulator's purges are counted apart from the real account's.`
            : `${fewer}, or ask ${this.provider.support} to raise the limit.`
        }`;
    return {
      ok,
      account,
      month,
      used,
      limit: this.limit,
      remaining,
      requested,
      message,
      ...(reserved ? { reserved } : {}),
    };
  }

  /** Would `requested` more purge requests this month stay within the limit (counting what runs in progress hold)? */
  async check(account: string, requested: number): Promise<QuotaCheck> {
    const key = this.key(account);
    return transact(this.store, [key], (data) => {
      for (const id of deadReservations(data, this.owner)) delete data.reservations[id];
      return this.checkOf(account, requested, data.counts[key] ?? 0, reservedBy(data, key));
    });
  }

  /**
   * Checks a batch request by request: each request counts against its own account (the imagekitId or custom
   * domain of its URL). `prefix` keeps other counters apart (e.g. the local emulator's). The first check over
   * the limit, or undefined when every account stays within it. Reserves nothing (see reserve).
   */
  async checkBatch(requests: readonly AccountOf[], prefix = ''): Promise<QuotaCheck | undefined> {
    for (const [account, n] of countByAccount(requests, prefix)) {
      const q = await this.check(account, n);
      if (!q.ok) return q;
    }
    return undefined;
  }

  /**
   * Checks a batch and, in the same step (under the store's lock), reserves it: used + reserved by other runs +
   * this batch must stay within the limit for every account, else nothing is reserved and the first check over it
   * is returned. `force` reserves even then (the user said send anyway; `over` says by how much). Reservations
   * of processes that have ended are released first.
   */
  async reserve(
    requests: readonly AccountOf[],
    prefix = '',
    options: { force?: boolean } = {},
  ): Promise<ReserveResult> {
    const month = monthKey(this.now());
    const wanted = countByAccount(requests, prefix);
    const keys = [...wanted.keys()].map((a) => this.key(a, month));
    const id = `${this.owner.host}:${this.owner.pid}:${this.owner.now()}:${++reservationSeq}`;
    return transact(this.store, keys, (data) => {
      for (const dead of deadReservations(data, this.owner)) delete data.reservations[dead];
      let over: QuotaCheck | undefined;
      for (const [account, n] of wanted) {
        const key = this.key(account, month);
        const q = this.checkOf(account, n, data.counts[key] ?? 0, reservedBy(data, key));
        if (!q.ok) {
          over = q;
          break;
        }
      }
      if (over && !options.force) return { ok: false as const, check: over };
      const counts: Record<string, number> = {};
      for (const [account, n] of wanted) counts[this.key(account, month)] = n;
      data.reservations[id] = { pid: this.owner.pid, host: this.owner.host, at: this.owner.now(), counts };
      const reservation = new QuotaReservation(this.store, id, (a) => this.key(a, month), wanted);
      return { ok: true as const, reservation, ...(over ? { over } : {}) };
    });
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
    return transact(this.store, [key], (data) => {
      data.counts[key] = (data.counts[key] ?? 0) + count;
      return data.counts[key];
    });
  }
}
