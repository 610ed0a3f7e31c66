// Helpers the providers' wire adapters share: reading headers and ids a server sent (untrusted text), excerpts of
// bodies that were not what we expected, the hint for an HTTP status said the same way for every provider, what
// an answer that is not in the documented shape is (README "Security": what counts as a success), and the check
// that a key can travel in a header at all.

import { redact } from '../redact';
import { safeText } from '../untrusted';
import type { PurgeAnswer, Remedy, ResponseHeaders, UnexpectedAnswer } from './types';

export { isRecord, parseJson } from '../json';

/** The first value of a header, trimmed; undefined when absent. */
export function headerValue(headers: ResponseHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name.toLowerCase()];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim() : undefined;
}

/** A support identifier as a server sent it, kept only when it is a short printable token (server text is untrusted). */
export function cleanSupportId(v: unknown, keys: readonly string[] = []): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const s = String(v).trim();
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(s)) return undefined;
  // An id that carries a form of a key in use (a server echoing it) is not kept: it would be printed and stored.
  return keys.length > 0 && redact(s, keys) !== s ? undefined : s;
}

/**
 * A message a server sent (an error's message, title, detail, help), made safe to show and store: the keys in
 * use redacted before anything is cut, control, bidi and tag characters shown as visible escapes, one line of at
 * most 200 characters (safeText). Every server string a wire adapter passes on goes through here or
 * cleanSupportId; undefined for anything that is not a non-empty string.
 */
export function serverText(v: unknown, keys: readonly string[] = []): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = safeText(v, { keys });
  return s === '' ? undefined : s;
}

/** A non-negative decimal number from a header, or undefined. */
export function headerNumber(headers: ResponseHeaders | undefined, name: string): number | undefined {
  const v = headerValue(headers, name);
  if (v === undefined || !/^\d+(\.\d+)?$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * A short, printable excerpt of a body that was not the JSON we expected: `keys` are redacted from the whole body
 * before anything is cut, controls are neutralised, one line of at most 200 characters (safeText).
 */
export function bodyExcerpt(body: string, keys: readonly string[] = []): string {
  return safeText(body, { keys });
}

/** The media type of an answer's Content-Type, lower case, without parameters; undefined when it has none. */
export function mediaTypeOf(headers: ResponseHeaders | undefined): string | undefined {
  const t = headerValue(headers, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  return t ? t : undefined;
}

/** application/json, or a structured `+json` type (RFC 6839) such as JSON:API's application/vnd.api+json. */
export function isJsonMediaType(type: string | undefined): boolean {
  return type === 'application/json' || (type !== undefined && /^application\/[a-z0-9!#$&^_.-]+\+json$/.test(type));
}

/**
 * An answer that is not the documented one, as a message, a hint and the data (`unexpected`). `fromProvider`: the
 * provider's own API sent it (so the request reached it); otherwise something else answered in its place.
 * `what` names the request ("the purge", "the status request").
 */
/** What `unexpectedAnswer` is given: the answer, the documented success it is not, and whose it is. */
export interface UnexpectedInput {
  label: string;
  what: 'purge' | 'status';
  expected: string;
  httpStatus: number;
  headers: ResponseHeaders | undefined;
  body: string;
  keys: readonly string[] | undefined;
  fromProvider: boolean;
}

/**
 * Whether an answer that is not the documented success is read by `unexpectedAnswer` rather than as the provider's
 * error: any status below 400, and a 4xx (but 429) that did not come from the provider (a proxy's or a portal's).
 */
export function isUnexpected(httpStatus: number, fromProvider: boolean): boolean {
  return httpStatus < 400 || (!fromProvider && httpStatus < 500 && httpStatus !== 429);
}

/** A purge answer off the documented shape: `unknown` (it may have been received), saying what came instead. */
export function unexpectedPurgeAnswer(o: Omit<UnexpectedInput, 'what'>): PurgeAnswer {
  return { ok: false, status: 'unknown', httpStatus: o.httpStatus, ...unexpectedAnswer({ ...o, what: 'purge' }) };
}

export function unexpectedAnswer(o: UnexpectedInput): { message: string; hint: string; unexpected: UnexpectedAnswer } {
  const contentType = mediaTypeOf(o.headers);
  // The media type is server text too: only a token-shaped one is repeated.
  const type = contentType && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(contentType) ? contentType : undefined;
  const excerpt = bodyExcerpt(o.body, o.keys ?? []);
  const came = `HTTP ${o.httpStatus}${type ? `, ${type}` : ', no content type'}${excerpt ? `: "${excerpt}"` : ', empty body'}`;
  const unexpected: UnexpectedAnswer = {
    expected: o.expected,
    ...(type ? { contentType: type } : {}),
    excerpt,
    fromProvider: o.fromProvider,
  };
  if (o.fromProvider) {
    return {
      message: `Unexpected answer from ${o.label} (${came}); it documents ${o.expected}.`,
      hint:
        o.what === 'purge'
          ? `${o.label}'s API answered, but not as documented, so whether it purged is not known: it is treated as sent (it may have been received). Check the asset, and purge again if it is not fresh.`
          : `${o.label}'s API answered, but not as documented, so the purge's status is not known. Ask again later.`,
      unexpected,
    };
  }
  return {
    message: `Unexpected answer, not from ${o.label}'s API (${came}); ${o.label} answers ${o.expected}.`,
    hint: `Something else seems to have answered in ${o.label}'s place: a captive portal (sign in to the network), a proxy's or a firewall's page, or a wrong API base. ${
      o.what === 'purge'
        ? `Whether the purge reached ${o.label} is not known, so it is treated as sent (it may have been received${o.label === 'ImageKit' ? ', and it is counted against the month' : ''}). Once the connection goes through, check the asset and purge again if it is not fresh.`
        : 'Ask again once the connection goes through.'
    }`,
    unexpected,
  };
}

/**
 * Why a value cannot be a key, or undefined when it can: keys are visible ASCII (and an imgix key is sent in a
 * header as it is, where only visible ASCII is safe). Names the position (1-based, in characters), never the
 * character itself: it could be part of the key.
 */
export function keyCharProblem(key: string): string | undefined {
  let position = 0;
  for (const ch of key) {
    position++;
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x21 && cp <= 0x7e) continue;
    const what =
      cp > 0x7e && cp !== 0x7f ? 'a character that is not ASCII' : cp === 0x20 ? 'a space' : 'a control character';
    return `The key has ${what} at position ${position} of ${[...key].length}: keys are visible ASCII only (no spaces, no accented or invisible characters). Copy it again from the dashboard, as plain text.`;
  }
  return undefined;
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
