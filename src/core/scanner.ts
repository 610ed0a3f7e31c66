// Finds ImageKit and imgix URLs (and wildcard purge patterns) in any text: HTML, CSS, JS/TS, JSON, Markdown,
// YAML. One pass of a regular expression with a single character class (no nested quantifiers, so no
// backtracking blow-up): linear in the text's length. The diagnostics run it on every change.

import type { ProviderId } from './provider';

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
// [text](url) and CSS url(…) still end at ")". Each group starts with "(" and its runs exclude parentheses, so
// there is nothing to backtrack into: linear.
const URL_RE = /https?:\/\/[^\s"'<>`\\()[\]|^]+(?:\([^\s"'<>`\\()[\]|^]*\)[^\s"'<>`\\()[\]|^]*)*/gi;
const TRAILING = '.,;:!?';

/** The URL without trailing sentence punctuation; a loop, not /[.,;:!?]+$/ (quadratic on long runs of dots). */
function trimTrailing(url: string): string {
  let end = url.length;
  while (end > 0 && TRAILING.includes(url[end - 1])) end--;
  return url.slice(0, end);
}

export function scanText(text: string, classify: HostClassifier, maxMatches = 10_000): ScanMatch[] {
  const out: ScanMatch[] = [];
  URL_RE.lastIndex = 0;
  for (let m = URL_RE.exec(text); m !== null; m = URL_RE.exec(text)) {
    let url = m[0];
    const trimmed = trimTrailing(url);
    // A trailing ":" or "." belongs to the sentence, unless it leaves nothing after the host.
    if (trimmed.length > url.indexOf('//') + 2) url = trimmed;
    const hostStart = url.indexOf('//') + 2;
    let hostEnd = hostStart;
    while (hostEnd < url.length && !'/?#:'.includes(url[hostEnd])) hostEnd++;
    const provider = classify(url.slice(hostStart, hostEnd).toLowerCase());
    if (!provider) continue;
    out.push({
      start: m.index,
      end: m.index + url.length,
      url,
      provider,
      templated: /\$\{|\{\{|\{|\}/.test(url),
      wildcard: url.includes('*'),
    });
    if (out.length >= maxMatches) break;
  }
  return out;
}

/** A classifier from each provider's notion of its hosts (Checker.ownsHost); ImageKit is asked first. */
export function classifierFrom(owners: Partial<Record<ProviderId, { ownsHost(h: string): boolean }>>): HostClassifier {
  return (host) => {
    if (owners.imagekit?.ownsHost(host)) return 'imagekit';
    if (owners.imgix?.ownsHost(host)) return 'imgix';
    return undefined;
  };
}
