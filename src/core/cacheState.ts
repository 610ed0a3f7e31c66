// The cache state of one asset, asked for by the user (the editor hover's "Check cache state"): one HEAD request to
// the CDN (or, with the local emulator, to its copy of the CDN) through the transport's asset client, which never
// carries a key. Only the caching headers are kept, each made safe (safeText: redacted, controls neutralised,
// capped): whatever the CDN sends is untrusted text. Bounded: one attempt window of CACHE_STATE_TIMEOUT_MS in all.

import type { HttpClient, HttpResponse } from './http';
import { safeText } from './untrusted';
import { assetFetchUrl, cacheState } from './verify';

/** The whole check, retries included, ends by then. */
export const CACHE_STATE_TIMEOUT_MS = 8000;

/** The response headers shown, in this order (lower case, as undici gives them). */
export const CACHE_STATE_HEADERS = [
  'x-cache',
  'age',
  'cache-control',
  'last-modified',
  'etag',
  'expires',
  'date',
  'content-type',
  'content-length',
] as const;

/** Each shown header value is cut to this many characters. */
export const MAX_CACHE_HEADER_TEXT = 120;

export interface CacheStateReport {
  /** The CDN URL asked about. */
  url: string;
  /** Where the HEAD went (the emulator's copy of the CDN, or the URL itself). */
  fetched: string;
  /** When the check started and ended (epoch ms). */
  at: number;
  end: number;
  /** The HTTP status, when an answer came. */
  status?: number;
  /** The caching headers the CDN sent, in CACHE_STATE_HEADERS order, values made safe. */
  headers: Array<{ name: string; value: string }>;
  /** X-Cache read as the edge nearest to us (cacheState). */
  cache?: 'hit' | 'miss';
  /** Why no answer came (made safe). */
  error?: string;
}

export interface CacheStateOptions {
  /** The local emulator's base URL: the asset is asked of its CDN. */
  emulatorBase?: string;
  signal?: AbortSignal;
  /** Default CACHE_STATE_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Keys in use, redacted from anything shown (the request carries none). */
  keys?: readonly string[];
  now?: () => number;
}

function first(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** One HEAD to the asset: its caching headers, or why there is no answer. Never throws. */
export async function checkCacheState(
  url: string,
  client: HttpClient,
  options: CacheStateOptions = {},
): Promise<CacheStateReport> {
  const now = options.now ?? Date.now;
  const at = now();
  const safe = (s: string) => safeText(s, { keys: options.keys, max: MAX_CACHE_HEADER_TEXT });
  let fetched = url;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? CACHE_STATE_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    fetched = assetFetchUrl(url, options.emulatorBase);
    const res = await client.send(
      // No authorization header, ever: the CDN serves the asset to anyone, and a key must not leave for it.
      { method: 'HEAD', url: fetched, headers: { accept: 'image/*,*/*;q=0.8' } },
      { lane: 'cache-state', signal, deadline: at + (options.timeoutMs ?? CACHE_STATE_TIMEOUT_MS) },
    );
    const headers: CacheStateReport['headers'] = [];
    for (const name of CACHE_STATE_HEADERS) {
      const v = first(res, name);
      if (v !== undefined) headers.push({ name, value: safe(v) });
    }
    const cache = cacheState(first(res, 'x-cache'));
    return { url, fetched, at, end: now(), status: res.status, headers, ...(cache ? { cache } : {}) };
  } catch (e) {
    const timedOut = timeout.aborted && !options.signal?.aborted;
    const why = timedOut
      ? `no answer within ${Math.round((options.timeoutMs ?? CACHE_STATE_TIMEOUT_MS) / 1000)} s`
      : e instanceof Error
        ? e.message
        : String(e);
    return { url, fetched, at, end: now(), headers: [], error: safe(why) };
  }
}
