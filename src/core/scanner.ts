// Finds the providers' URLs (and wildcard purge patterns) in any text: HTML, CSS, JS/TS, JSON, Markdown,
// YAML. One pass, linear in the text's length, constant stack. The diagnostics run it on every change. At most
// MAX_SCAN_URLS URLs are returned; a result that stopped there says so (`truncated`).

import { MAX_SCAN_URLS } from './limits';
import { providers } from './providers/registry';
import type { ProviderId } from './providers/types';

export interface ScanMatch {
  /** Offsets in the text: text.slice(start, end) === url. */
  start: number;
  end: number;
  url: string;
  provider: ProviderId;
  /** Contains template syntax (`${…}`, `{{…}}`, `{…}`): not a literal URL, so never checked or purged. */
  templated: boolean;
  /** Contains a `*`: a wildcard purge pattern. */
  wildcard: boolean;
}

/** Tells which provider, if any, serves a host. */
export type HostClassifier = (hostname: string) => ProviderId | undefined;

// Anything up to whitespace, a quote, angle brackets, a backslash, a backtick, brackets, "|" or "^" ends a URL.
// Parentheses belong to it only in balanced pairs (a_(1).jpg), so "(see https://…/a.jpg)", Markdown's
// [text](url) and CSS url(…) still end at ")". It is the language of
//   /https?:\/\/[^\s"'<>`\\()[\]|^]+(?:\([^\s"'<>`\\()[\]|^]*\)[^\s"'<>`\\()[\]|^]*)*/gi
// matched by hand: the regular expression's group loop keeps a backtrack entry per group, and about 3 million
// "()" overflow its stack (RangeError). Here each run is one sticky character-class match, each group a test of
// one character: linear, with constant stack.
const START = /https?:\/\//gi;
const RUN = /[^\s"'<>`\\()[\]|^]*/y;
const TRAILING = '.,;:!?';

/** The end of the run of URL characters (no parentheses) starting at i. */
function runEnd(text: string, i: number): number {
  RUN.lastIndex = i;
  RUN.exec(text);
  return RUN.lastIndex;
}

/** The end of the URL whose scheme ends at `afterScheme`, or -1 when no URL character follows the scheme. */
export function urlEnd(text: string, afterScheme: number): number {
  let j = runEnd(text, afterScheme);
  if (j === afterScheme) return -1;
  while (text.charCodeAt(j) === 0x28 /* ( */) {
    const k = runEnd(text, j + 1);
    if (text.charCodeAt(k) !== 0x29 /* ) */) break;
    j = runEnd(text, k + 1);
  }
  return j;
}

/** The URL without trailing sentence punctuation; a loop, not /[.,;:!?]+$/ (quadratic on long runs of dots). */
function trimTrailing(url: string): string {
  let end = url.length;
  while (end > 0 && TRAILING.includes(url[end - 1])) end--;
  return url.slice(0, end);
}

/** Set on a scan result that stopped at its limit: the first URL not returned, so a caller can say so there. */
export interface ScanTruncation {
  limit: number;
  next: ScanMatch;
}

/** The matches, in order; `truncated` (not enumerable, so the array compares as before) when the limit was reached with more URLs after it. */
export type ScanMatches = ScanMatch[] & { readonly truncated?: ScanTruncation };

export function scanText(text: string, classify: HostClassifier, maxMatches = MAX_SCAN_URLS): ScanMatches {
  const out: ScanMatch[] = [];
  const re = new RegExp(START.source, START.flags);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const hostStart = m.index + m[0].length;
    const end = urlEnd(text, hostStart);
    if (end < 0) {
      re.lastIndex = m.index + 1;
      continue;
    }
    re.lastIndex = end;
    let url = text.slice(m.index, end);
    const trimmed = trimTrailing(url);
    // A trailing ":" or "." belongs to the sentence, unless it leaves nothing after the host.
    if (trimmed.length > url.indexOf('//') + 2) url = trimmed;
    let hostEnd = hostStart - m.index;
    while (hostEnd < url.length && !'/?#:'.includes(url[hostEnd])) hostEnd++;
    const provider = classify(url.slice(hostStart - m.index, hostEnd).toLowerCase());
    if (!provider) continue;
    const match: ScanMatch = {
      start: m.index,
      end: m.index + url.length,
      url,
      provider,
      templated: /\$\{|\{\{|\{|\}/.test(url),
      wildcard: url.includes('*'),
    };
    if (out.length >= maxMatches) {
      Object.defineProperty(out, 'truncated', {
        value: { limit: maxMatches, next: match } satisfies ScanTruncation,
        enumerable: false,
      });
      break;
    }
    out.push(match);
  }
  return out;
}

/**
 * A classifier from each provider's notion of its hosts (Checker.ownsHost), asked in the registry's order (the
 * built-ins first, ImageKit before imgix).
 */
export function classifierFrom(owners: Partial<Record<ProviderId, { ownsHost(h: string): boolean }>>): HostClassifier {
  return (host) => providers().find((p) => owners[p.id]?.ownsHost(host))?.id;
}
