// URL parsing that keeps the path exactly as written. WHATWG `new URL()` rewrites paths (`\` becomes `/`,
// `/a/../b` becomes `/b`, `%2e` is decoded), which would purge a different object than the one asked for, so
// only the authority goes through `new URL()`; the path, query and fragment are split by hand and encoded here.

import { describeCount, MAX_URL_LENGTH } from './limits';
import { problem, type Problem } from './problems';

export interface ParsedUrl {
  /** The input, trimmed. Offsets in problems refer to this string. */
  input: string;
  scheme: 'http' | 'https';
  /** Lower-cased host as `new URL()` serialises it (IDNA applied, IPv6 in brackets). */
  hostname: string;
  /** Empty when it is the scheme's default port. */
  port: string;
  /** `scheme://host[:port]` */
  origin: string;
  /** The path as written (not encoded), always starting with `/`. */
  rawPath: string;
  /** Offset of rawPath in `input`. */
  pathStart: number;
  /** Query without `?`, or undefined when there is none. */
  rawQuery?: string;
  /** Fragment without `#`, or undefined. */
  rawFragment?: string;
  /** The input had no scheme (`you.imgix.net/a.png`, `//host/a.png`): https was assumed. */
  assumedScheme?: boolean;
}

export type ParseResult = { ok: true; url: ParsedUrl } | { ok: false; problem: Problem };

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):(?!\d)/;
const SCHEME_WITH_SLASHES = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
/** A host name with at least one dot and a top-level label of letters, then a path: `you.imgix.net/your-image.png`. */
const HOST_FIRST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?::\d+)?\//;

export function parseUrl(raw: string): ParseResult {
  const input = raw.trim();
  if (input === '') {
    return {
      ok: false,
      problem: problem(
        'invalid-url',
        'error',
        'The URL is empty. Give the full URL of the image, starting with https://.',
      ),
    };
  }
  // Before any other work: a multi-megabyte "URL" costs nothing more than this comparison.
  if (input.length > MAX_URL_LENGTH)
    return { ok: false, problem: problem('url-too-long', 'error', urlTooLongMessage(input.length)) };
  const m = SCHEME.exec(input);
  if (!m) {
    // imgix's document writes purge URLs as `you.imgix.net/your-image.png`: a host name first means https.
    const prefix = input.startsWith('//') ? 'https:' : HOST_FIRST.test(input) ? 'https://' : undefined;
    if (prefix) {
      const r = parseUrl(prefix + input);
      if (r.ok)
        return { ok: true, url: { ...r.url, input, pathStart: r.url.pathStart - prefix.length, assumedScheme: true } };
      const { start, end, ...rest } = r.problem;
      return {
        ok: false,
        problem:
          start === undefined || end === undefined
            ? rest
            : { ...rest, start: Math.max(0, start - prefix.length), end: Math.max(0, end - prefix.length) },
      };
    }
    return {
      ok: false,
      problem: problem(
        'invalid-url',
        'error',
        `"${short(input)}" is not an absolute URL. Give the full URL, starting with https://.`,
      ),
    };
  }
  const scheme = m[1].toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    return {
      ok: false,
      problem: problem(
        'not-http',
        'error',
        `Only http and https URLs can be purged, not ${scheme}:. Use the https:// URL the CDN serves the image from.`,
        {
          start: 0,
          end: m[0].length,
        },
      ),
    };
  }
  const rest = input.slice(m[0].length);
  if (!rest.startsWith('//')) {
    return {
      ok: false,
      problem: problem('invalid-url', 'error', `"${short(input)}" has no host: write it as ${scheme}://host/path.`),
    };
  }
  const authStart = m[0].length + 2;
  let authEnd = authStart;
  while (authEnd < input.length && !'/?#\\'.includes(input[authEnd])) authEnd++;
  const authority = input.slice(authStart, authEnd);
  if (authority === '') {
    return {
      ok: false,
      problem: problem('invalid-url', 'error', `"${short(input)}" has no host: write it as ${scheme}://host/path.`),
    };
  }
  if (authority.includes('@')) {
    return {
      ok: false,
      problem: problem(
        'invalid-url',
        'error',
        'The URL contains a user name or password before the host. Remove the "user:password@" part: purge URLs never carry credentials.',
        {
          start: authStart,
          end: authEnd,
        },
      ),
    };
  }
  let host: URL;
  try {
    host = new URL(`${scheme}://${authority}/`);
  } catch {
    return {
      ok: false,
      problem: problem('invalid-url', 'error', `"${authority}" is not a valid host name. Check the URL for typos.`, {
        start: authStart,
        end: authEnd,
      }),
    };
  }
  if (input[authEnd] === '\\') {
    return {
      ok: false,
      problem: problem(
        'invalid-url',
        'error',
        'A backslash follows the host. Write the path with forward slashes: https://host/path.',
        { start: authEnd, end: authEnd + 1 },
      ),
    };
  }
  let i = authEnd;
  while (i < input.length && input[i] !== '?' && input[i] !== '#') i++;
  const rawPath = input.slice(authEnd, i) || '/';
  let rawQuery: string | undefined;
  let rawFragment: string | undefined;
  if (input[i] === '?') {
    const hash = input.indexOf('#', i);
    rawQuery = input.slice(i + 1, hash === -1 ? undefined : hash);
    if (hash !== -1) rawFragment = input.slice(hash + 1);
  } else if (input[i] === '#') {
    rawFragment = input.slice(i + 1);
  }
  const port = host.port;
  return {
    ok: true,
    url: {
      input,
      scheme,
      hostname: host.hostname,
      port,
      origin: `${scheme}://${host.hostname}${port ? `:${port}` : ''}`,
      rawPath,
      pathStart: authEnd,
      rawQuery,
      rawFragment,
    },
  };
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Why a host (as `new URL()` serialises it: lower case, IDNA applied) is not a DNS host name a CDN's own domain
 * can have, or undefined when it is one: labels of letters, digits and hyphens (1 to 63, no hyphen at either end), at
 * least two of them, at most 253 characters, no IP address. `new URL()` alone lets through "a_b", "-a", "a..b", "a*b".
 */
export function hostNameProblem(host: string): string | undefined {
  if (host.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(host)) return 'an IP address is not a CDN domain';
  if (host.length > 253) return 'a host name has at most 253 characters';
  if (host.endsWith('.')) return 'remove the trailing "."';
  const labels = host.split('.');
  if (labels.length < 2) return 'a CDN domain has at least two labels (assets.imgix.net, images.example.com)';
  const bad = labels.find((l) => !LABEL.test(l));
  if (bad !== undefined) {
    return bad === ''
      ? 'it has an empty label (two dots in a row, or a leading dot)'
      : `the label "${bad}" is not 1 to 63 letters, digits and inner hyphens`;
  }
  return undefined;
}

export function urlTooLongMessage(length: number): string {
  return `The URL is ${describeCount(length)} characters long; the limit is ${describeCount(MAX_URL_LENGTH)} (limit: URL length). A URL this long is never sent: check that it is not data, or several URLs run together.`;
}

/**
 * True when a word is written like a URL without a scheme: `host.tld/path` (as imgix writes purge URLs) or
 * `//host/path`. Used to tell a URL from a git ref.
 */
export function looksLikeUrl(s: string): boolean {
  return SCHEME_WITH_SLASHES.test(s) || s.startsWith('//') || HOST_FIRST.test(s);
}

function short(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

const HEX = '0123456789ABCDEF';
// Unsafe in a URL path or query (RFC 1738 "unsafe" plus controls); `%` is handled separately.
const UNSAFE = new Set([...' "<>\\^`{|}[]'].map((c) => c.charCodeAt(0)));

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9A-Fa-f]$/.test(c);
}

/**
 * Percent-encodes unsafe ASCII and non-ASCII characters, keeps existing `%XX` escapes as written, and encodes a
 * `%` that does not start an escape. Everything else (including `+`, `*`, `,`, `:`, `=`, `&`) stays exactly as it is.
 */
export function encodeExact(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    if (c === '%') {
      out += isHex(s[i + 1]) && isHex(s[i + 2]) ? '%' : '%25';
    } else if (code < 0x20 || code === 0x7f || UNSAFE.has(code)) {
      out += `%${HEX[code >> 4]}${HEX[code & 15]}`;
    } else if (code > 0x7f) {
      const cp = s.codePointAt(i) ?? code;
      if (cp > 0xffff) i++;
      const isLoneSurrogate = cp >= 0xd800 && cp <= 0xdfff;
      for (const b of Buffer.from(isLoneSurrogate ? '\ufffd' : String.fromCodePoint(cp), 'utf8'))
        out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** Decodes `%XX` escapes for counting and comparing; malformed escapes are left as they are. */
export function decodeLoose(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/(%[0-9A-Fa-f]{2})+/g, (m) => {
      try {
        return decodeURIComponent(m);
      } catch {
        return m;
      }
    });
  }
}

/**
 * True for hosts that never leave this machine: localhost, 127.0.0.0/8, ::1. Not `*.localhost`: the system
 * resolver may send such names to DNS, and a key must never travel in clear to wherever that answers.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export interface ApiBase {
  /** Without a trailing slash. */
  base: string;
  loopback: boolean;
}

/**
 * Checks an API base URL (a default or an override for the emulator). Keys travel in headers, so plain http is
 * refused for anything but a loopback host, before any request is made.
 */
export function checkApiBase(raw: string): { ok: true; api: ApiBase } | { ok: false; problem: Problem } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return {
      ok: false,
      problem: problem(
        'insecure-api-base',
        'error',
        `The API base "${raw}" is not a URL. Use e.g. https://api.imagekit.io or, for the emulator, http://127.0.0.1:PORT.`,
      ),
    };
  }
  const loopback = isLoopbackHost(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    return {
      ok: false,
      problem: problem(
        'insecure-api-base',
        'error',
        `Refusing to send a key to ${u.protocol}//${u.host}: plain http is allowed only for a loopback host (127.0.0.1, ::1, localhost). Use https://.`,
      ),
    };
  }
  if (u.username || u.password || u.search || u.hash) {
    return {
      ok: false,
      problem: problem(
        'insecure-api-base',
        'error',
        'The API base must not contain credentials, a query or a fragment.',
      ),
    };
  }
  return { ok: true, api: { base: `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`, loopback } };
}
