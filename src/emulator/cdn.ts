// The CDN side: an origin with a version per asset, and an edge cache in front of it.
// - GET /cdn/<host>/<path>[?query] serves the cached copy of https://<host>/<path>[?query] (X-Cache: HIT), or
//   fetches it from the origin and caches it (X-Cache: MISS). Every URL exists at the origin at version 1 until
//   the control API updates (version + 1) or deletes it.
// - The cache keeps serving what it has (stale after an origin change) until a purge covering the URL takes
//   effect: ImageKit exact (that URL, query included) or wildcard (every URL starting with the prefix) when its
//   status turns Completed; imgix base path (the URL and all its derivatives ?w=...) after imgixPurgeDelayMs. The
//   next request then gets the origin's current version, or 404 when it was deleted.
// Purges take effect lazily: due purges are applied before each CDN or origin request, so no timers run.

import { basePathOf, cdnUrlFromEmulatorPath, normalizeAssetUrl, originKeyOf } from '../core/emulatorCdn';
import type { ProviderId } from '../core/providers/types';
import type { Clock } from './clock';
import { text, type EmuRequest, type Reply } from './http';
import { renderAsset } from './image';

export type PurgeMatch = 'exact' | 'prefix' | 'base';

export interface PurgeEffect {
  provider: ProviderId;
  /** Normalised URL (exact, base) or URL prefix (prefix, without the "*"). */
  url: string;
  match: PurgeMatch;
  /** Emulator clock time when the purge reaches the cache. */
  effectiveAt: number;
}

interface OriginState {
  version: number;
  deleted: boolean;
}

interface CacheEntry {
  originKey: string;
  version: number;
  cachedAt: number;
}

export type OriginAction = 'update' | 'delete';

export interface OriginView {
  url: string;
  version: number;
  deleted: boolean;
  cached: Array<{ url: string; version: number; stale: boolean; cachedAt: string }>;
  pendingPurges: number;
}

/** Tells browsers to revalidate every time (ETag, 304), so a demo in a browser shows the change at once. */
export const ASSET_CACHE_CONTROL = 'public, max-age=0, must-revalidate';
const MAX_CACHE_ENTRIES = 10_000;

export class Cdn {
  private readonly origin = new Map<string, OriginState>();
  private readonly cache = new Map<string, CacheEntry>();
  private pending: PurgeEffect[] = [];

  constructor(private readonly clock: Clock) {}

  /** Queues a purge; it empties the covered cache entries once the clock reaches effectiveAt. */
  schedule(effect: PurgeEffect): void {
    const raw = effect.match === 'prefix' ? effect.url.replace(/\*$/, '') : effect.url;
    const url = normalizeAssetUrl(raw);
    if (url) this.pending.push({ ...effect, url });
  }

  /** Applies every purge that is due. */
  settle(): void {
    const now = this.clock.now();
    const due = this.pending.filter((p) => p.effectiveAt <= now);
    if (due.length === 0) return;
    this.pending = this.pending.filter((p) => p.effectiveAt > now);
    for (const key of [...this.cache.keys()]) {
      if (due.some((p) => covers(p, key))) this.cache.delete(key);
    }
  }

  serve(req: EmuRequest): Reply {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return text(405, 'The CDN serves GET and HEAD only.\n', { allow: 'GET, HEAD' });
    const url = cdnUrlFromEmulatorPath(req.path + (req.query !== undefined ? `?${req.query}` : ''));
    if (!url)
      return text(400, 'Not a CDN path: use /cdn/<host>/<path>[?query], e.g. /cdn/ik.imagekit.io/demo/sample.jpg.\n');
    this.settle();
    const now = this.clock.now();
    let entry = this.cache.get(url);
    const hit = entry !== undefined;
    if (!entry) {
      const originKey = originKeyOf(url);
      const o = this.originState(originKey);
      if (o.deleted)
        return text(404, `Not found: ${url} was deleted from the origin.\n`, {
          'cache-control': 'no-store',
          'x-cache': 'MISS',
        });
      entry = { originKey, version: o.version, cachedAt: now };
      this.cache.set(url, entry);
      if (this.cache.size > MAX_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    }
    const asset = renderAsset(url, entry.version);
    const headers: Record<string, string> = {
      'content-type': asset.contentType,
      etag: asset.etag,
      'cache-control': ASSET_CACHE_CONTROL,
      age: String(Math.max(0, Math.floor((now - entry.cachedAt) / 1000))),
      'x-cache': hit ? 'HIT' : 'MISS',
      'x-emulator-asset-version': String(entry.version),
    };
    const inm = req.headers['if-none-match'];
    if (typeof inm === 'string' && inm.split(',').some((t) => t.trim() === asset.etag || t.trim() === '*')) {
      return { kind: 'respond', status: 304, headers, body: '' };
    }
    return { kind: 'respond', status: 200, headers, body: asset.body };
  }

  /** Changes the origin: `update` publishes a new version (and undoes a delete), `delete` removes the asset. */
  changeOrigin(rawUrl: string, action: OriginAction): OriginView | undefined {
    const url = normalizeAssetUrl(rawUrl);
    if (!url) return undefined;
    this.settle();
    const key = originKeyOf(url);
    const o = this.originState(key);
    const next =
      action === 'update' ? { version: o.version + 1, deleted: false } : { version: o.version, deleted: true };
    this.origin.set(key, next);
    return this.view(key);
  }

  describeOrigin(rawUrl: string): OriginView | undefined {
    const url = normalizeAssetUrl(rawUrl);
    if (!url) return undefined;
    this.settle();
    return this.view(originKeyOf(url));
  }

  reset(): void {
    this.origin.clear();
    this.cache.clear();
    this.pending = [];
  }

  private originState(key: string): OriginState {
    return this.origin.get(key) ?? { version: 1, deleted: false };
  }

  private view(key: string): OriginView {
    const o = this.originState(key);
    const cached = [...this.cache.entries()]
      .filter(([, e]) => e.originKey === key)
      .map(([url, e]) => ({
        url,
        version: e.version,
        stale: o.deleted || e.version !== o.version,
        cachedAt: new Date(e.cachedAt).toISOString(),
      }));
    const pendingPurges = this.pending.filter((p) => covers(p, key) || cached.some((c) => covers(p, c.url))).length;
    return { url: key, version: o.version, deleted: o.deleted, cached, pendingPurges };
  }
}

function covers(p: PurgeEffect, key: string): boolean {
  if (p.match === 'exact') return key === p.url;
  if (p.match === 'prefix') return key.startsWith(p.url);
  return basePathOf(key) === p.url;
}
