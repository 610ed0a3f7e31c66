// The history of purges: batches of requests with their live status, kept in globalState (purges belong to
// accounts, not to a workspace). Every change is written through; a stored value that does not parse is kept
// aside, never thrown away; a purge that was in flight when VS Code closed is marked as such on the next start.

import * as vscode from 'vscode';
import type { ProviderId } from '../core/providers/types';
import { StorageKey } from './ids';
import { Storage } from './storage';
import { realTimers, type Timers } from './timers';
import type { PurgeResult } from '../core/purge';
import type { VerifyVerdict } from '../core/verify';

export type RequestState = 'sending' | PurgeResult['status'];
export type LiveStatus = 'Pending' | 'Completed' | 'Unknown';
export type VerifyState = VerifyVerdict;

export interface VerifyInfo {
  state: VerifyState;
  detail: string;
  at: number;
}

export interface HistoryRequest {
  id: string;
  url: string;
  kind: 'exact' | 'wildcard';
  covers: string[];
  state: RequestState;
  httpStatus?: number;
  requestId?: string;
  /** The provider's support id of the answer (ImageKit x-ik-requestId, imgix error id). */
  supportId?: string;
  ms?: number;
  attempts?: number;
  message?: string;
  hint?: string;
  /** ImageKit's purge status, followed until Completed. */
  live?: LiveStatus;
  liveCheckedAt?: number;
  verify?: VerifyInfo;
  /** The asset's validator before the purge (ETag / Last-Modified / digest), for verification. */
  before?: string;
  startedAt: number;
  finishedAt?: number;
  /**
   * It was being sent when VS Code closed (stored as `sending`): read back as `unknown` until the batch's in-flight
   * record (inFlight.ts) says whether it was dispatched; never dispatched, it becomes `cancelled` (not sent).
   */
  closedInFlight?: boolean;
}

/** A batch that a reload or a closed window interrupted before every request was sent. */
export interface InterruptedInfo {
  /** When it was found (the next activation). */
  at: number;
  /** Requests never dispatched (`cancelled`, "not sent"): what Resume sends. */
  notSent: number;
  /** Requests dispatched with no answer on record (`unknown`): never sent again by Resume. */
  mayHaveBeenReceived: number;
  /** The batch Resume made, once resumed. */
  resumedBy?: string;
}

export interface HistoryBatch {
  id: string;
  provider: ProviderId;
  /** Where it came from: palette, editor, explorer, git, retry. */
  source: string;
  /** Which API: the host of the API base ("api.imagekit.io", or "emulator 127.0.0.1:8787"). */
  target: string;
  /** The API base the batch was sent to (needed to follow its status); never a key. */
  apiBase?: string;
  createdAt: number;
  /** When this batch last changed (a window merging the stored history keeps the newer copy of a batch). */
  updatedAt?: number;
  requests: HistoryRequest[];
  interrupted?: InterruptedInfo;
}

const KEY = StorageKey.history;
const CORRUPT_KEY = StorageKey.historyUnreadable;
export const MAX_BATCHES = 200;
export const CHANGE_DELAY_MS = 100;
/**
 * Stored at most this often: the tree redraws every CHANGE_DELAY_MS, but globalState (one SQLite value shared by all
 * windows) is rewritten at most every WRITE_INTERVAL_MS, so a 20,000-request batch is a few writes, not one per 100 ms.
 */
export const WRITE_INTERVAL_MS = 2000;
/** Batches removed or cleared in this or another window, remembered so a merge does not bring them back. */
export const MAX_TOMBSTONES = 1000;

/** The history as stored under StorageKey.history. */
export interface StoredHistory {
  version: 1;
  batches: HistoryBatch[];
  /** Ids of batches removed (so another window's merge does not bring them back); absent in older data. */
  removed?: string[];
  /** Batches created before this time were cleared (Clear Purge History); absent in older data. */
  clearedAt?: number;
}

/**
 * A provider id as stored: any id a plugin may have (registry.ts's rule), registered now or not. A batch of a provider
 * that is not registered in this session (a plugin removed, an older or newer build) is kept, not put aside: the
 * tree shows it by its id and it is simply not followed or retried.
 */
const STORED_PROVIDER_ID = /^[a-z][a-z0-9-]{0,31}$/;

function isBatch(b: unknown): b is HistoryBatch {
  if (typeof b !== 'object' || b === null) return false;
  const x = b as Record<string, unknown>;
  return (
    typeof x.id === 'string' &&
    typeof x.provider === 'string' &&
    STORED_PROVIDER_ID.test(x.provider) &&
    typeof x.createdAt === 'number' &&
    Array.isArray(x.requests) &&
    x.requests.every(
      (r) =>
        typeof r === 'object' &&
        r !== null &&
        typeof (r as HistoryRequest).id === 'string' &&
        typeof (r as HistoryRequest).url === 'string',
    )
  );
}

function closedMessage(): string {
  return vscode.l10n.t('VS Code closed before the answer came: it may have been received. Purge again to be sure.');
}

/** What recoverInterrupted found in a batch. */
export interface Recovered {
  batch: HistoryBatch;
  notSent: number;
  mayHaveBeenReceived: number;
}

export class HistoryStore implements vscode.Disposable {
  private batches: HistoryBatch[] = [];
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private writing: Promise<void> = Promise.resolve();
  private counter = 0;
  private pendingChange?: unknown;
  private pendingWrite?: unknown;
  private lastWriteAt = -Infinity;
  /** Batches changed here since the last write: ours win over the stored copy when merging. */
  private readonly dirty = new Set<string>();
  private removed = new Set<string>();
  private clearedAt = 0;
  /** How many times the history was stored (for the tests and the benchmark). */
  writeCount = 0;
  private readonly storage: Storage;
  /** Problems met while loading, for the log. */
  readonly loadWarnings: string[] = [];

  constructor(
    memento: vscode.Memento,
    private readonly timers: Timers = realTimers,
  ) {
    this.storage = new Storage(memento);
    this.load();
  }

  private load(): void {
    const raw = this.storage.read(KEY);
    if (raw === undefined) return;
    const stored = raw as Partial<StoredHistory>;
    if (typeof raw !== 'object' || raw === null || stored.version !== 1 || !Array.isArray(stored.batches)) {
      void this.storage.write(CORRUPT_KEY, raw);
      this.loadWarnings.push(
        `The stored purge history could not be read; it was kept aside under "${CORRUPT_KEY}" and a new history started.`,
      );
      return;
    }
    const good = stored.batches.filter(isBatch);
    if (good.length !== stored.batches.length) {
      void this.storage.write(
        CORRUPT_KEY,
        stored.batches.filter((b) => !isBatch(b)),
      );
      this.loadWarnings.push(
        `${stored.batches.length - good.length} unreadable history entr${stored.batches.length - good.length === 1 ? 'y was' : 'ies were'} kept aside under "${CORRUPT_KEY}".`,
      );
    }
    let interrupted = 0;
    for (const b of good) {
      for (const r of b.requests) {
        if (r.state === 'sending') {
          // It may have been sent before VS Code closed: never report it as not sent (unless the batch's in-flight
          // record shows it was never dispatched: recoverInterrupted).
          r.state = 'unknown';
          r.message = closedMessage();
          r.closedInFlight = true;
          interrupted++;
        }
      }
    }
    if (interrupted)
      this.loadWarnings.push(
        `${interrupted} purge request${interrupted === 1 ? ' was' : 's were'} in flight when VS Code closed; marked as unknown.`,
      );
    this.batches = good;
    this.removed = new Set(Array.isArray(stored.removed) ? stored.removed.filter((x) => typeof x === 'string') : []);
    this.clearedAt = typeof stored.clearedAt === 'number' ? stored.clearedAt : 0;
    if (interrupted) {
      for (const b of good) if (b.requests.some((r) => r.state === 'unknown')) this.dirty.add(b.id);
      this.save();
    }
  }

  /**
   * Merges what another window stored since (globalState is shared by all windows): batches by id, the copy changed
   * here winning for batches changed here since the last write, otherwise the newer copy; removals and clears of
   * either side stay removed.
   */
  private merge(): void {
    const raw = this.storage.read(KEY) as Partial<StoredHistory> | undefined;
    if (typeof raw !== 'object' || raw === null || raw.version !== 1 || !Array.isArray(raw.batches)) return;
    for (const id of Array.isArray(raw.removed) ? raw.removed : []) if (typeof id === 'string') this.removed.add(id);
    if (typeof raw.clearedAt === 'number' && raw.clearedAt > this.clearedAt) this.clearedAt = raw.clearedAt;
    const byId = new Map(this.batches.map((b) => [b.id, b]));
    for (const theirs of raw.batches.filter(isBatch)) {
      const ours = byId.get(theirs.id);
      if (!ours) byId.set(theirs.id, theirs);
      else if (!this.dirty.has(ours.id) && (theirs.updatedAt ?? 0) > (ours.updatedAt ?? 0)) byId.set(theirs.id, theirs);
    }
    this.batches = [...byId.values()]
      .filter((b) => !this.removed.has(b.id) && (b.createdAt >= this.clearedAt || this.dirty.has(b.id)))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Stores the history now if the last write is WRITE_INTERVAL_MS old, else when it is. */
  private save(): void {
    if (this.pendingWrite !== undefined) return;
    const wait = this.lastWriteAt + WRITE_INTERVAL_MS - this.timers.now();
    if (wait > 0) {
      this.pendingWrite = this.timers.setTimeout(() => {
        this.pendingWrite = undefined;
        this.write();
      }, wait);
      return;
    }
    this.write();
  }

  private write(): void {
    this.merge();
    this.lastWriteAt = this.timers.now();
    this.writeCount++;
    this.dirty.clear();
    const snapshot: StoredHistory = {
      version: 1,
      batches: this.batches.slice(0, MAX_BATCHES),
      removed: [...this.removed].slice(-MAX_TOMBSTONES),
      clearedAt: this.clearedAt || undefined,
    };
    this.batches = snapshot.batches;
    const write = () => this.storage.write(KEY, snapshot);
    this.writing = this.writing.then(write, write).then(undefined, (e: Error) => {
      this.onWriteError?.(e);
    });
  }

  /** Called when storing the history fails (the log listens). */
  onWriteError?: (e: Error) => void;

  /** Writes now what is pending; resolves when every change so far is stored. */
  flush(): Promise<void> {
    if (this.pendingChange !== undefined) {
      this.timers.clearTimeout(this.pendingChange);
      this.pendingChange = undefined;
      this.emitter.fire();
      this.pendingWrite ??= true;
    }
    if (this.pendingWrite !== undefined) {
      if (this.pendingWrite !== true) this.timers.clearTimeout(this.pendingWrite);
      this.pendingWrite = undefined;
      this.write();
    }
    return this.writing;
  }

  /**
   * Changes are stored and announced together, at most every CHANGE_DELAY_MS: a batch of thousands of results
   * writes the history (and redraws the tree) a few times, not once per result.
   */
  private changed(batch?: HistoryBatch): void {
    if (batch) {
      batch.updatedAt = Date.now();
      this.dirty.add(batch.id);
    }
    this.pendingChange ??= this.timers.setTimeout(() => {
      this.pendingChange = undefined;
      this.save();
      this.emitter.fire();
    }, CHANGE_DELAY_MS);
  }

  newId(prefix: string): string {
    return `${prefix}${Date.now().toString(36)}${(this.counter++).toString(36)}`;
  }

  all(): readonly HistoryBatch[] {
    return this.batches;
  }

  batch(id: string): HistoryBatch | undefined {
    return this.batches.find((b) => b.id === id);
  }

  find(requestId: string): { batch: HistoryBatch; request: HistoryRequest } | undefined {
    for (const batch of this.batches) {
      const request = batch.requests.find((r) => r.id === requestId);
      if (request) return { batch, request };
    }
    return undefined;
  }

  add(batch: Omit<HistoryBatch, 'id' | 'createdAt'>): HistoryBatch {
    const b: HistoryBatch = { ...batch, id: this.newId('b'), createdAt: Date.now() };
    this.batches.unshift(b);
    this.changed(b);
    return b;
  }

  update(requestId: string, patch: Partial<HistoryRequest>): HistoryRequest | undefined {
    const hit = this.find(requestId);
    if (!hit) return undefined;
    Object.assign(hit.request, patch);
    this.changed(hit.batch);
    return hit.request;
  }

  /** Removes batches (by id) or single requests (by request id) from the history, in every window. */
  remove(ids: { batches?: readonly string[]; requests?: readonly string[] }): number {
    let n = 0;
    for (const id of ids.batches ?? []) {
      const i = this.batches.findIndex((b) => b.id === id);
      if (i < 0) continue;
      this.batches.splice(i, 1);
      this.removed.add(id);
      this.dirty.delete(id);
      n++;
    }
    for (const id of ids.requests ?? []) {
      const hit = this.find(id);
      if (!hit) continue;
      hit.batch.requests = hit.batch.requests.filter((r) => r.id !== id);
      n++;
      if (hit.batch.requests.length === 0) this.remove({ batches: [hit.batch.id] });
      else this.changed(hit.batch);
    }
    if (n) this.changed();
    return n;
  }

  /** Requests whose ImageKit status is still Pending. */
  pending(): Array<{ batch: HistoryBatch; request: HistoryRequest }> {
    const out: Array<{ batch: HistoryBatch; request: HistoryRequest }> = [];
    for (const batch of this.batches)
      for (const request of batch.requests)
        if (request.live === 'Pending' && request.requestId) out.push({ batch, request });
    return out;
  }

  /**
   * A batch a reload or a closed window interrupted, from its in-flight record: of its requests still on record as
   * `sending` (this window's load found them so, or reads them back as `unknown` with `closedInFlight`), those never
   * dispatched become `cancelled` (not sent: Resume sends them) and the dispatched ones `unknown` (may have been
   * received: never sent again silently). Requests with a result on record keep it. Undefined when the batch is
   * gone or nothing in it was left in flight.
   */
  recoverInterrupted(
    batchId: string,
    requestIds: readonly string[],
    dispatched: ReadonlySet<number>,
  ): Recovered | undefined {
    const batch = this.batch(batchId);
    if (!batch) return undefined;
    const sent = new Set([...dispatched].map((i) => requestIds[i]));
    let notSent = 0;
    let mayHaveBeenReceived = 0;
    for (const r of batch.requests) {
      if (!(r.state === 'sending' || (r.state === 'unknown' && r.closedInFlight))) continue;
      delete r.closedInFlight;
      if (sent.has(r.id) || !requestIds.includes(r.id)) {
        r.state = 'unknown';
        r.message = closedMessage();
        mayHaveBeenReceived++;
      } else {
        r.state = 'cancelled';
        r.message = vscode.l10n.t('Not sent: VS Code closed or reloaded before it was sent. Resume sends it.');
        notSent++;
      }
    }
    if (notSent + mayHaveBeenReceived === 0) return undefined;
    batch.interrupted = { at: Date.now(), notSent, mayHaveBeenReceived };
    this.changed(batch);
    return { batch, notSent, mayHaveBeenReceived };
  }

  /** The interrupted batch was resumed by `byBatchId` (its Resume action goes). */
  markResumed(batchId: string, byBatchId: string): void {
    const batch = this.batch(batchId);
    if (!batch?.interrupted) return;
    batch.interrupted = { ...batch.interrupted, resumedBy: byBatchId };
    this.changed(batch);
  }

  /** Interrupted batches that were not resumed yet, newest first. */
  resumable(): HistoryBatch[] {
    return this.batches.filter(
      (b) => b.interrupted && !b.interrupted.resumedBy && b.requests.some((r) => r.state === 'cancelled'),
    );
  }

  clear(): void {
    this.clearedAt = Date.now() + 1;
    this.batches = [];
    this.dirty.clear();
    this.changed();
  }

  dispose(): void {
    void this.flush();
    this.emitter.dispose();
  }
}
