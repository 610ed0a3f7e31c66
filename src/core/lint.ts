// What the editor's diagnostics show: the purge patterns (URLs with a `*`) found by the scanner whose check
// reports errors or warnings, with the exact range of each problem. Plain URLs are page content, not purge
// targets, so they are not linted; templated URLs (`${…}`, `{{…}}`) are never checked.

import { describeCount } from './limits';
import { problem, type Problem } from './problems';
import { listProviders } from './providers/registry';
import type { Checker, ProviderId } from './providers/types';
import { classifierFrom, scanText, type ScanMatches } from './scanner';

export interface LintFinding {
  /** The range the problem is about, as offsets in the text. */
  start: number;
  end: number;
  /** The whole URL and its range. */
  url: string;
  urlStart: number;
  urlEnd: number;
  provider: ProviderId;
  problem: Problem;
}

export type Checkers = Partial<Record<ProviderId, Checker>>;

export function lintText(text: string, checkers: Checkers): LintFinding[] {
  return lintMatches(scanText(text, classifierFrom(checkers)), checkers);
}

/** The findings of one scan (scanText's result, so a document scanned once serves every consumer). */
export function lintMatches(matches: ScanMatches, checkers: Checkers): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const m of matches) {
    if (!m.wildcard || m.templated) continue;
    const checker = checkers[m.provider];
    if (!checker) continue;
    // A URL over MAX_URL_LENGTH is refused by parseUrl before any work on it (url-too-long).
    const check = checker.check(m.url);
    for (const problem of check.problems) {
      if (problem.severity === 'info') continue;
      const narrow = problem.start !== undefined && problem.end !== undefined && problem.end > problem.start;
      findings.push({
        start: narrow ? m.start + problem.start! : m.start,
        end: narrow ? m.start + Math.min(problem.end!, m.url.length) : m.end,
        url: m.url,
        urlStart: m.start,
        urlEnd: m.end,
        provider: m.provider,
        problem,
      });
    }
  }
  const cut = matches.truncated;
  if (cut) {
    const next = cut.next;
    findings.push({
      start: next.start,
      end: next.end,
      url: next.url,
      urlStart: next.start,
      urlEnd: next.end,
      provider: next.provider,
      problem: problem(
        'too-many-urls',
        'warning',
        `This document has more than ${describeCount(cut.limit)} ${listProviders()} URLs; from this one on, its wildcards are not checked (limit: URLs checked per document). Split the file to have the rest checked.`,
      ),
    });
  }
  return findings;
}
