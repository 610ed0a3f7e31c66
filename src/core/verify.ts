// "A 200 does not mean done: verify." After a purge, fetch the asset again: a 404 means it was removed, a new
// validator (ETag, Last-Modified, or a digest of the bytes) means the new version is served, the same one means
// the CDN still serves the old version (not done yet, or the origin did not change).
// With the local emulator, assets are fetched from it: https://<host>/<path>?q → <emulator>/cdn/<host>/<path>?q.

import { createHash } from 'node:crypto';
import { emulatorAssetUrl } from './emulatorCdn';
import type { HttpClient, HttpResponse } from './http';
import { sleep } from './pacing';

export interface AssetSnapshot {
  status: number;
  /** ETag, else Last-Modified, else a digest of the body; undefined when the fetch failed. */
  validator?: string;
  error?: string;
  /** When the fetch started and ended (epoch ms). */
  at?: number;
  end?: number;
  /** The Age header (seconds the copy has been in a cache), when the CDN sent one. */
  age?: number;
  /** The CDN's X-Cache (its last value: the edge nearest to us): the copy came from its cache, or it fetched it. */
  cache?: 'hit' | 'miss';
}

export type VerifyVerdict = 'updated' | 'removed' | 'unchanged' | 'served' | 'error';

/** Where to fetch a CDN URL from: itself, or its copy on the local emulator. */
export function assetFetchUrl(cdnUrl: string, emulatorBase?: string): string {
  return emulatorBase ? emulatorAssetUrl(emulatorBase, cdnUrl) : cdnUrl;
}

/**
 * What the CDN serves for a URL now: a HEAD for its ETag or Last-Modified; only when it gives neither (or HEAD is
 * not allowed) a GET, whose body is hashed.
 */
export async function snapshotAsset(
  cdnUrl: string,
  client: HttpClient,
  options: { emulatorBase?: string; signal?: AbortSignal } = {},
): Promise<AssetSnapshot> {
  try {
    const url = assetFetchUrl(cdnUrl, options.emulatorBase);
    const fetchOnce = (method: 'HEAD' | 'GET') =>
      client.send(
        { method, url, headers: { accept: 'image/*,*/*;q=0.8' } },
        { lane: 'verify', signal: options.signal },
      );
    const header = (res: HttpResponse, name: string) => {
      const v = res.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const at = Date.now();
    const cacheInfo = (res: HttpResponse) => {
      const age = Number(header(res, 'age'));
      const cache = cacheState(header(res, 'x-cache'));
      return {
        at,
        end: Date.now(),
        ...(header(res, 'age') !== undefined && Number.isFinite(age) && age >= 0 ? { age } : {}),
        ...(cache ? { cache } : {}),
      };
    };
    const head = await fetchOnce('HEAD');
    const validator = header(head, 'etag') ?? header(head, 'last-modified');
    if (head.status !== 405 && head.status !== 501 && (validator || head.status >= 400)) {
      return { status: head.status, validator: head.status < 400 ? validator : undefined, ...cacheInfo(head) };
    }
    const res = await fetchOnce('GET');
    const fromGet =
      header(res, 'etag') ??
      header(res, 'last-modified') ??
      `sha256:${createHash('sha256').update(res.body).digest('hex').slice(0, 16)}`;
    return { status: res.status, validator: res.status < 400 ? fromGet : undefined, ...cacheInfo(res) };
  } catch (e) {
    return { status: 0, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Compares what was served before the purge with what is served now. */
export function compareSnapshots(
  before: AssetSnapshot | undefined,
  after: AssetSnapshot,
): { verdict: VerifyVerdict; detail: string } {
  if (after.status === 0)
    return { verdict: 'error', detail: `could not fetch the asset: ${after.error ?? 'no answer'}` };
  if (after.status === 404 || after.status === 410)
    return { verdict: 'removed', detail: `the CDN answers ${after.status}: the asset is gone` };
  if (after.status >= 400) return { verdict: 'error', detail: `the CDN answers HTTP ${after.status}` };
  if (!before || before.validator === undefined) {
    return {
      verdict: 'served',
      detail: `served (HTTP ${after.status}, ${after.validator}); there was no copy from before the purge to compare with`,
    };
  }
  if (before.validator !== after.validator)
    return { verdict: 'updated', detail: `a new version is served (${before.validator} → ${after.validator})` };
  return {
    verdict: 'unchanged',
    detail: `the same version is still served (${after.validator}): the purge may not be complete yet, or the origin has not changed`,
  };
}

/**
 * X-Cache as CDNs send it: "HIT", "MISS", "Hit from cloudfront", "RefreshHit from cloudfront", "HIT, MISS" (a shield,
 * then the edge: the last value is the cache nearest to us). Undefined when absent or neither.
 */
export function cacheState(value: string | undefined): 'hit' | 'miss' | undefined {
  if (!value) return undefined;
  const last = value.split(',').pop()!.trim().toLowerCase();
  if (/hit/.test(last)) return 'hit';
  if (/miss/.test(last)) return 'miss';
  return undefined;
}

/**
 * Whether the asset is served fresh after a purge, told honestly:
 * - `fresh`: another version than before is served (`updated`), the asset is gone (`removed`, 404 or 410), or it is
 *   served where it was not before (`added`);
 * - `stale`: the same version as before, and the CDN's Age says its copy was cached before the purge was sent
 *   (`cached-before-purge`): the purge has not taken effect (yet);
 * - `cannot-tell`: the same version, but nothing says the copy is old: the CDN fetched it again after the purge and
 *   got the same version (`origin-unchanged`: the origin did not change), it was not cached before we looked
 *   (`not-cached-before`), the CDN sends no Age or X-Cache (`no-cache-headers`), there is no copy from before
 *   (`no-before`), or there is no single asset to fetch (`not-fetchable`: a wildcard);
 * - `error`: the asset could not be fetched, or the CDN answers an error (`fetch-failed`).
 * `final` is true when fetching again cannot change the verdict.
 */
export type Freshness = 'fresh' | 'stale' | 'cannot-tell' | 'error';

export type FreshnessReason =
  | 'updated'
  | 'removed'
  | 'added'
  | 'cached-before-purge'
  | 'origin-unchanged'
  | 'not-cached-before'
  | 'no-cache-headers'
  | 'no-before'
  | 'not-fetchable'
  | 'fetch-failed';

export interface FreshnessVerdict {
  verdict: Freshness;
  reason: FreshnessReason;
  detail: string;
  final: boolean;
}

const gone = (status: number) => status === 404 || status === 410;

/**
 * Judges `after` against `before` (the copy from just before the purge; undefined when there is none) for a purge
 * sent at `purgedAt` (epoch ms, the moment before it was dispatched).
 */
export function judgeFreshness(
  before: AssetSnapshot | undefined,
  after: AssetSnapshot,
  purgedAt: number,
): FreshnessVerdict {
  const v = (verdict: Freshness, reason: FreshnessReason, detail: string, final: boolean): FreshnessVerdict => ({
    verdict,
    reason,
    detail,
    final,
  });
  if (after.status === 0)
    return v('error', 'fetch-failed', `could not fetch the asset: ${after.error ?? 'no answer'}`, false);
  if (gone(after.status)) {
    if (before && gone(before.status))
      return v('cannot-tell', 'no-before', `the CDN answers ${after.status}, as it did before the purge`, true);
    return v('fresh', 'removed', `the CDN answers ${after.status}: the asset is gone`, true);
  }
  if (after.status >= 400) return v('error', 'fetch-failed', `the CDN answers HTTP ${after.status}`, false);
  if (before && gone(before.status))
    return v('fresh', 'added', `served (HTTP ${after.status}) where the CDN answered ${before.status} before`, true);
  if (!before || before.validator === undefined)
    return v(
      'cannot-tell',
      'no-before',
      `served (HTTP ${after.status}, ${after.validator}); there is no copy from before the purge to compare with`,
      true,
    );
  if (before.validator !== after.validator)
    return v('fresh', 'updated', `a new version is served (${before.validator} → ${after.validator})`, true);
  const same = `the same version is served (${after.validator})`;
  // Age is whole seconds: the copy entered the cache between (start - age - 1 s) and (end - age).
  const cachedAfter =
    after.cache === 'miss' ||
    (after.age !== undefined && after.at !== undefined && after.at - (after.age + 1) * 1000 >= purgedAt);
  if (cachedAfter)
    return v(
      'cannot-tell',
      'origin-unchanged',
      `${same}, fetched again by the CDN after the purge: the origin has not changed`,
      true,
    );
  const notCachedBefore = before.cache === 'miss';
  const cachedBefore =
    after.age !== undefined &&
    (after.end ?? after.at) !== undefined &&
    (after.end ?? after.at)! - after.age * 1000 < purgedAt;
  if (notCachedBefore)
    return v(
      'cannot-tell',
      'not-cached-before',
      `${same}; the CDN had not cached it before the purge (its copy is the one fetched when we looked), so the purge cannot be told from it`,
      false,
    );
  if (cachedBefore)
    return v(
      'stale',
      'cached-before-purge',
      `${same}, from a copy the CDN cached ${after.age} s ago, before the purge: the purge has not taken effect yet`,
      false,
    );
  return v(
    'cannot-tell',
    'no-cache-headers',
    `${same}, and the CDN sends no Age or X-Cache to tell an old copy from a new fetch of an unchanged origin`,
    false,
  );
}

export interface VerifyOptions {
  client: HttpClient;
  /** The copy from before the purge (snapshotAsset), or undefined. */
  before?: AssetSnapshot;
  /** When the purge was sent (epoch ms). */
  purgedAt: number;
  /** Give up at this time (epoch ms), with the verdict of the last fetch. */
  deadline: number;
  /** First wait between fetches (default 1000 ms), ×1.5 each time up to 10 s. */
  intervalMs?: number;
  emulatorBase?: string;
  signal?: AbortSignal;
  onFetch?: (snapshot: AssetSnapshot, verdict: FreshnessVerdict) => void;
}

export interface VerifyResult extends FreshnessVerdict {
  url: string;
  /** Fetches made. */
  fetches: number;
  /** The deadline passed before the verdict was final. */
  timedOut: boolean;
  /** The last snapshot. */
  after: AssetSnapshot;
}

/** Fetches the asset until its verdict is final (fresh, or final cannot-tell) or the deadline passes. */
export async function verifyFresh(url: string, o: VerifyOptions): Promise<VerifyResult> {
  let wait = o.intervalMs ?? 1000;
  let fetches = 0;
  for (;;) {
    const after = await snapshotAsset(url, o.client, {
      ...(o.emulatorBase ? { emulatorBase: o.emulatorBase } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    fetches++;
    const verdict = judgeFreshness(o.before, after, o.purgedAt);
    o.onFetch?.(after, verdict);
    const left = o.deadline - Date.now();
    if (verdict.final || o.signal?.aborted || left <= 0)
      return { ...verdict, url, fetches, timedOut: !verdict.final && !o.signal?.aborted, after };
    // The last fetch is made at the deadline, not a whole interval before it.
    await sleep(Math.min(wait, left), o.signal).catch(() => undefined);
    wait = Math.min(10_000, Math.round(wait * 1.5));
  }
}
