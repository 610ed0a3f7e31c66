// Helpers the providers' wire adapters share: reading headers and ids a server sent (untrusted text), excerpts of
// bodies that were not what we expected, and the hint for an HTTP status said the same way for every provider.

import type { Remedy, ResponseHeaders } from './types';

export { isRecord, parseJson } from '../json';

/** The first value of a header, trimmed; undefined when absent. */
export function headerValue(headers: ResponseHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name.toLowerCase()];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim() : undefined;
}

/** A support identifier as a server sent it, kept only when it is a short printable token (server text is untrusted). */
export function cleanSupportId(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const s = String(v).trim();
  return /^[A-Za-z0-9._:-]{1,128}$/.test(s) ? s : undefined;
}

/** A non-negative decimal number from a header, or undefined. */
export function headerNumber(headers: ResponseHeaders | undefined, name: string): number | undefined {
  const v = headerValue(headers, name);
  if (v === undefined || !/^\d+(\.\d+)?$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** A short, printable excerpt of a body that was not the JSON we expected. */
export function bodyExcerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

/** What fixes a refusal with this HTTP status, for the front end to word (undefined: nothing the user can do). */
export function remedyForStatus(httpStatus: number): Remedy | undefined {
  if (httpStatus === 401 || httpStatus === 403) return 'key';
  if (httpStatus === 400 || httpStatus === 422) return 'url';
  if (httpStatus === 429 || httpStatus >= 500) return 'later';
  return undefined;
}

/**
 * What to do about an HTTP status, said the same way for every provider. It names no setting, flag or command:
 * `remedyForStatus` says what fixes it, and each front end words where (README "Where things go").
 */
export function hintForStatus(provider: string, keyName: string, httpStatus: number): string {
  if (httpStatus === 401 || httpStatus === 403) {
    return `${provider} refused the key. Check that ${keyName} is right and has purge permission, then store it again.`;
  }
  if (httpStatus === 400 || httpStatus === 422)
    return `${provider} refused the request. Check the URL against the rules.`;
  if (httpStatus === 404) return `${provider} does not know this resource. Check the URL or the request id.`;
  if (httpStatus === 429)
    return `${provider} is rate limiting this account. Wait a while and purge again; fewer, wider purges help.`;
  if (httpStatus >= 500) return `${provider} had a server error. It was retried; try again later.`;
  return `Unexpected HTTP ${httpStatus} from ${provider}.`;
}
