// What the editor's diagnostics show: the purge patterns (URLs with a `*`) found by the scanner whose check
// reports errors or warnings, with the exact range of each problem. Plain URLs are page content, not purge
// targets, so they are not linted; templated URLs (`${…}`, `{{…}}`) are never checked. Disable comments
// (./directives) remove what they name; a level per code (error … hint, or off) is how a front end shows a finding.

import { Suppressions } from './directives';
import { describeCount } from './limits';
import { problem, type Fix, type Problem, type ProblemCode, type Severity } from './problems';
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

/** The findings of a text, without those its disable comments name. */
export function lintText(text: string, checkers: Checkers): LintFinding[] {
  return lintMatches(scanText(text, classifierFrom(checkers)), checkers, text);
}

/**
 * The findings of one scan (scanText's result, so a document scanned once serves every consumer); given the text
 * scanned, without those its disable comments name.
 */
export function lintMatches(matches: ScanMatches, checkers: Checkers, text?: string): LintFinding[] {
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
  return text === undefined ? findings : new Suppressions(text).filter(findings);
}

// ---- Levels ----------------------------------------------------------------------------------------------------------

/** How a finding is shown: the editor's four severities, or not at all. */
export const LEVELS = ['error', 'warning', 'information', 'hint', 'off'] as const;
export type Level = (typeof LEVELS)[number];
/** A level per problem code (the setting cdnPurge.diagnostics.severity); codes not named keep their own. */
export type LevelOverrides = Partial<Record<ProblemCode, Level>>;

export function defaultLevel(severity: Severity): Level {
  return severity === 'info' ? 'information' : severity;
}

export function levelOf(p: Pick<Problem, 'code' | 'severity'>, overrides?: LevelOverrides): Level {
  const o = overrides?.[p.code];
  return o !== undefined && (LEVELS as readonly string[]).includes(o) ? o : defaultLevel(p.severity);
}

// ---- Fixes -----------------------------------------------------------------------------------------------------------

/** The fix applied without asking (fix-all, on save): the one the rules mark preferred. */
export function preferredFix(p: Pick<Problem, 'fixes'>): Fix | undefined {
  return p.fixes?.find((f) => f.preferred === true);
}

/**
 * A URL with every preferred fix applied in turn (a fix may leave another problem with a preferred fix, e.g. a
 * query dropped, then a "*" cut), at most `passes` times; the URL itself when nothing has one. Only problems that
 * `include` accepts are fixed (the shown ones: not disabled, not off).
 */
export function fixUrl(
  url: string,
  checker: Checker,
  include: (p: Problem) => boolean = () => true,
  passes = 10,
): string {
  let current = url;
  const seen = new Set([current]);
  for (let i = 0; i < passes; i++) {
    const fix = checker
      .check(current)
      .problems.filter((p) => p.severity !== 'info' && include(p))
      .map(preferredFix)
      .find((f) => f !== undefined);
    if (!fix || seen.has(fix.replacement)) break;
    current = fix.replacement;
    seen.add(current);
  }
  return current;
}

/** A text edit: replace [start, end) by `text`. */
export interface TextEditSpec {
  start: number;
  end: number;
  text: string;
}

/**
 * The edits that fix every finding that has a preferred fix, one per URL (in text order, never overlapping): what
 * "Fix all" and the source.fixAll action apply, and what `cdn-purge lint --fix` could write.
 */
export function fixAllEdits(
  findings: readonly LintFinding[],
  checkers: Checkers,
  include: (f: LintFinding) => boolean = () => true,
): TextEditSpec[] {
  const edits: TextEditSpec[] = [];
  const done = new Set<number>();
  for (const f of [...findings].sort((a, b) => a.urlStart - b.urlStart)) {
    if (done.has(f.urlStart) || !include(f) || !preferredFix(f.problem)) continue;
    const checker = checkers[f.provider];
    if (!checker) continue;
    done.add(f.urlStart);
    // The other shown findings of the same URL may be fixed too; a disabled or hidden code is not.
    const shown = new Set(findings.filter((g) => g.urlStart === f.urlStart && include(g)).map((g) => g.problem.code));
    const fixed = fixUrl(f.url, checker, (p) => shown.has(p.code) || p.code === f.problem.code);
    if (fixed !== f.url && (edits.length === 0 || edits[edits.length - 1].end <= f.urlStart))
      edits.push({ start: f.urlStart, end: f.urlEnd, text: fixed });
  }
  return edits;
}

/** A text with edits applied (non-overlapping, any order). */
export function applyEdits(text: string, edits: readonly TextEditSpec[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
