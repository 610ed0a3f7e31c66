// "A 200 does not mean done: verify." After a purge, fetch the asset again: a 404 means it was removed, a new
// validator (ETag, Last-Modified, or a digest of the bytes) means the new version is served, the same one means
// the CDN still serves the old version (not done yet, or the origin did not change).
// With the local emulator, assets are fetched from it: https://<host>/<path>?q → <emulator>/cdn/<host>/<path>?q.

import { createHash } from 'node:crypto';
import { emulatorAssetUrl } from './emulatorCdn';
import type { HttpClient } from './http';

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

export async function snapshotAsset(cdnUrl: string, client: HttpClient, options: { emulatorBase?: string; signal?: AbortSignal } = {}): Promise<AssetSnapshot> {
  try {
    const url = assetFetchUrl(cdnUrl, options.emulatorBase);
    const res = await client.send({ method: 'GET', url, headers: { accept: 'image/*,*/*;q=0.8' } }, { lane: 'verify', signal: options.signal });
    const h = (name: string) => {
      const v = res.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const validator = h('etag') ?? h('last-modified') ?? `sha256:${createHash('sha256').update(res.body).digest('hex').slice(0, 16)}`;
    return { status: res.status, validator: res.status < 400 ? validator : undefined };
  } catch (e) {
    return { status: 0, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Compares what was served before the purge with what is served now. */
export function compareSnapshots(before: AssetSnapshot | undefined, after: AssetSnapshot): { verdict: VerifyVerdict; detail: string } {
  if (after.status === 0) return { verdict: 'error', detail: `could not fetch the asset: ${after.error ?? 'no answer'}` };
  if (after.status === 404 || after.status === 410) return { verdict: 'removed', detail: `the CDN answers ${after.status}: the asset is gone` };
  if (after.status >= 400) return { verdict: 'error', detail: `the CDN answers HTTP ${after.status}` };
  if (!before || before.validator === undefined) {
    return { verdict: 'served', detail: `served (HTTP ${after.status}, ${after.validator}); there was no copy from before the purge to compare with` };
  }
  if (before.validator !== after.validator) return { verdict: 'updated', detail: `a new version is served (${before.validator} → ${after.validator})` };
  return { verdict: 'unchanged', detail: `the same version is still served (${after.validator}): the purge may not be complete yet, or the origin has not changed` };
}
