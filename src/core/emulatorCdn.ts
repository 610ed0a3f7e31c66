// The emulator's CDN serves `https://<host>/<path>[?query]` at `GET /cdn/<host>/<path>[?query]`, e.g.
//   https://ik.imagekit.io/demo/a.jpg         -> http://127.0.0.1:PORT/cdn/ik.imagekit.io/demo/a.jpg
//   https://assets.imgix.net/dogs.png?w=400   -> http://127.0.0.1:PORT/cdn/assets.imgix.net/dogs.png?w=400
// URLs are compared in the form the core sends them: host lower case, path and query percent-encoded exactly as the
// core's encodeExact does, no fragment. http and https URLs of the same host and path are the same asset.

import { encodeExact, parseUrl } from './url';

export const CDN_PREFIX = '/cdn/';

/** The normalised https URL (the CDN's cache key), or undefined when `url` is not an http(s) URL. */
export function normalizeAssetUrl(url: string): string | undefined {
  const p = parseUrl(url);
  if (!p.ok) return undefined;
  const u = p.url;
  const host = u.port ? `${u.hostname}:${u.port}` : u.hostname;
  const query = u.rawQuery === undefined || u.rawQuery === '' ? '' : `?${encodeExact(u.rawQuery)}`;
  return `https://${host}${encodeExact(u.rawPath)}${query}`;
}

/** The emulator URL that serves the asset of `cdnUrl`. Throws when `cdnUrl` is not an http(s) URL. */
export function emulatorAssetUrl(emulatorBase: string, cdnUrl: string): string {
  const normalized = normalizeAssetUrl(cdnUrl);
  if (!normalized)
    throw new TypeError(`"${cdnUrl}" is not an http(s) URL of an asset, e.g. https://ik.imagekit.io/demo/a.jpg.`);
  return `${emulatorBase.replace(/\/+$/, '')}${CDN_PREFIX}${normalized.slice('https://'.length)}`;
}

/** The inverse: the CDN URL an emulator path (`/cdn/<host>/<path>[?query]`) serves, or undefined. */
export function cdnUrlFromEmulatorPath(pathAndQuery: string): string | undefined {
  if (!pathAndQuery.startsWith(CDN_PREFIX)) return undefined;
  const rest = pathAndQuery.slice(CDN_PREFIX.length);
  const end = rest.search(/[/?]/);
  const host = end < 0 ? rest : rest.slice(0, end);
  if (host === '') return undefined;
  const tail = end < 0 ? '/' : rest[end] === '?' ? `/${rest.slice(end)}` : rest.slice(end);
  return normalizeAssetUrl(`https://${host}${tail}`);
}

/** The origin object behind a CDN URL: the URL without its query and without ImageKit `tr:` path segments. */
export function originKeyOf(normalizedUrl: string): string {
  const q = normalizedUrl.indexOf('?');
  const noQuery = q < 0 ? normalizedUrl : normalizedUrl.slice(0, q);
  const m = /^(https:\/\/[^/]+)(\/.*)?$/.exec(noQuery);
  if (!m) return noQuery;
  const path = (m[2] ?? '/')
    .split('/')
    .filter((seg, i) => i === 0 || !/^tr:/.test(seg))
    .join('/');
  return `${m[1]}${path || '/'}`;
}

/** The URL without its query (imgix's base path). */
export function basePathOf(normalizedUrl: string): string {
  const q = normalizedUrl.indexOf('?');
  return q < 0 ? normalizedUrl : normalizedUrl.slice(0, q);
}
