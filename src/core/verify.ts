// "A 200 does not mean done: verify." After a purge, fetch the asset again: a 404 means it was removed, a new
// validator (ETag, Last-Modified, or a digest of the bytes) means the new version is served, the same one means
// the CDN still serves the old version (not done yet, or the origin did not change).
// With the local emulator, assets are fetched from it: https://<host>/<path>?q → <emulator>/cdn/<host>/<path>?q.

import { createHash } from 'node:crypto';
import { emulatorAssetUrl } from './emulatorCdn';
import type { HttpClient, HttpResponse } from './http';

export interface AssetSnapshot {
  status: number;
  /** ETag, else Last-Modified, else a digest of the body; undefined when the fetch failed. */
  validator?: string;
  error?: string;
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
    const head = await fetchOnce('HEAD');
    const validator = header(head, 'etag') ?? header(head, 'last-modified');
    if (head.status !== 405 && head.status !== 501 && (validator || head.status >= 400)) {
      return { status: head.status, validator: head.status < 400 ? validator : undefined };
    }
    const res = await fetchOnce('GET');
    const fromGet =
      header(res, 'etag') ??
      header(res, 'last-modified') ??
      `sha256:${createHash('sha256').update(res.body).digest('hex').slice(0, 16)}`;
    return { status: res.status, validator: res.status < 400 ? fromGet : undefined };
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
