// What a refused wildcard could be instead, given the URLs known to lie under it (in the document, in other open
// documents, the workspace's files through the mappings): valid narrower wildcards, each over a folder of those URLs,
// or the exact URLs themselves. The quick fixes of wildcard-too-broad, wildcard-path-unsupported and
// imgix-no-wildcard offer these. Validity is the provider's own checker's, so a suggestion is never refused.

import type { Checker } from './providers/types';

export interface Narrowing {
  /** A valid wildcard (ends with "*"). */
  pattern: string;
  /** The known URLs it covers (normalized, sorted). */
  covers: string[];
}

export interface NarrowResult {
  /** The known exact URLs the wildcard stands for (normalized, valid, sorted, no duplicates). */
  under: string[];
  /** Valid wildcards narrower than it, over folders of those URLs: most URLs first, at most `max`. */
  wildcards: Narrowing[];
}

/** The part before a trailing "*", or undefined when the text is not a prefix wildcard (one "*", at the end). */
export function wildcardPrefix(pattern: string): string | undefined {
  const star = pattern.indexOf('*');
  return star >= 0 && star === pattern.length - 1 ? pattern.slice(0, -1) : undefined;
}

/**
 * The known URLs under a wildcard and the valid narrower wildcards over them. `wildcard` is as written; for a
 * provider without wildcards (imgix) only `under` is of use (its checker refuses every "*").
 */
export function narrowWildcard(wildcard: string, known: Iterable<string>, checker: Checker, max = 5): NarrowResult {
  const check = checker.check(wildcard);
  const written = check.normalized ?? wildcard;
  const prefix = wildcardPrefix(written) ?? wildcardPrefix(wildcard.trim());
  if (prefix === undefined) return { under: [], wildcards: [] };
  const under = new Set<string>();
  for (const url of known) {
    if (url.includes('*')) continue;
    const c = checker.check(url);
    if (!c.ok || c.kind !== 'exact' || !c.normalized) continue;
    // The query is not part of what a wildcard matches in a path sense; a purge of the exact URL keeps it.
    if (c.normalized.startsWith(prefix) && c.normalized.length > prefix.length) under.add(c.normalized);
  }
  const sorted = [...under].sort();
  const groups = new Map<string, string[]>();
  const valid = new Map<string, boolean>();
  const isValid = (p: string) => {
    let v = valid.get(p);
    if (v === undefined) {
      const c = checker.check(p);
      v = c.ok && c.kind === 'wildcard';
      valid.set(p, v);
    }
    return v;
  };
  for (const url of sorted) {
    const path = url.split(/[?#]/, 1)[0];
    // The broadest valid folder wildcard under the prefix: cut after each "/" past it, shallowest first.
    for (let i = path.indexOf('/', prefix.length); i >= 0; i = path.indexOf('/', i + 1)) {
      const candidate = `${path.slice(0, i + 1)}*`;
      if (candidate.length - 1 <= prefix.length) continue;
      if (isValid(candidate)) {
        const list = groups.get(candidate) ?? [];
        list.push(url);
        groups.set(candidate, list);
        break;
      }
    }
  }
  const wildcards = [...groups.entries()]
    .map(([pattern, covers]) => ({ pattern, covers }))
    .sort((a, b) => b.covers.length - a.covers.length || (a.pattern < b.pattern ? -1 : 1))
    .slice(0, max);
  return { under: sorted, wildcards };
}

/**
 * What goes between URLs that replace one URL in a text: a new line that starts as the URL's line does when only
 * whitespace and list or comment markers come before the URL (`- `, `1. `, `# `, `  `), else a new line with the
 * line's indentation.
 */
export function listSeparator(text: string, urlStart: number): string {
  let lineStart = urlStart;
  while (lineStart > 0 && text[lineStart - 1] !== '\n' && text[lineStart - 1] !== '\r') lineStart--;
  const prefix = text.slice(lineStart, urlStart);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (/^[\s>*+\-#/;%!<]*(?:\d+[.)]\s+)?$/.test(prefix)) return eol + prefix;
  return eol + /^[ \t]*/.exec(prefix)![0];
}
