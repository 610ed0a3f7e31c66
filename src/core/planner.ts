// The purge planner: from a set of URLs, the requests to send.
// - Every input is checked; invalid ones are reported, never sent.
// - Every provider: normalised and de-duplicated (imgix: derivatives collapse onto their base path).
// - A provider with wildcards (ImageKit): de-duplicated; URLs under a wildcard given in the input join that
//   wildcard; and, when coalescing is asked for, groups of URLs are replaced by the fewest *valid* wildcard purges
//   that cover them, a wildcard being used only where it saves at least `coalesce` requests over the best plan
//   without it. Which providers have wildcards is their plugin's `wildcards` capability.
// Invariants (property-tested): every valid input is covered by a request, every request is valid, and there are
// never more requests than distinct valid URLs.

import { coalesceWithInventory, deepestValidCut, type InventoryReport } from './coalesce';
import { providerById } from './providers/registry';
import type { Checker, ProviderId, TargetCheck } from './providers/types';

export const DEFAULT_COALESCE = 2;

export interface PlanOptions {
  /** Coalesce into wildcards (providers with wildcards only): the requests a wildcard must save. Off when undefined, false or 0. */
  coalesce?: number | false;
  /**
   * ImageKit: every asset the site serves (URLs, one per asset). When given, the URLs are coalesced against it
   * whatever `coalesce` says: the fewest requests that purge at most `maxCollateral` unchanged assets (see
   * ./coalesce). Ignored for imgix, which has no wildcards.
   */
  inventory?: readonly string[];
  /** With `inventory`: the most unchanged assets the plan may purge in all (default 0). */
  maxCollateral?: number;
  /** With `inventory`: also compute `plan.inventory.curve`, the fewest requests for each budget 0..curveUpTo. */
  curveUpTo?: number;
}

export interface PlannedRequest {
  /** The URL that is sent (normalised; ends in `*` for a wildcard). */
  url: string;
  kind: 'exact' | 'wildcard';
  /** The distinct normalised URLs this request covers (itself included when it was asked for). */
  covers: string[];
  /** The inputs, as given, behind this request. */
  inputs: string[];
  /** True when the planner made this wildcard up (coalescing); false when it was asked for. */
  coalesced: boolean;
  target: TargetCheck;
  /** With an inventory: the unchanged assets this request also purges. */
  collateral?: number;
}

export interface Plan {
  provider: ProviderId;
  requests: PlannedRequest[];
  /** Inputs that cannot be sent, with their problems. */
  invalid: TargetCheck[];
  /** Valid inputs with warnings or notes worth showing (e.g. query dropped, Video API). */
  notes: TargetCheck[];
  /** Number of inputs (blank lines ignored). */
  inputCount: number;
  /** Distinct valid normalised URLs. */
  distinct: number;
  /** With an inventory (ImageKit): what the plan purges of it. */
  inventory?: InventoryReport;
}

interface Entry {
  url: string;
  target: TargetCheck;
  inputs: string[];
}

export function planPurge(inputs: readonly string[], checker: Checker, options: PlanOptions = {}): Plan {
  const byUrl = new Map<string, Entry>();
  const invalid: TargetCheck[] = [];
  const notes: TargetCheck[] = [];
  let inputCount = 0;
  for (const raw of inputs) {
    if (raw.trim() === '') continue;
    inputCount++;
    const target = checker.check(raw);
    if (!target.ok || !target.normalized) {
      invalid.push(target);
      continue;
    }
    if (target.problems.length) notes.push(target);
    const existing = byUrl.get(target.normalized);
    if (existing) existing.inputs.push(target.input);
    else byUrl.set(target.normalized, { url: target.normalized, target, inputs: [target.input] });
  }
  const entries = [...byUrl.values()];
  const base: Omit<Plan, 'requests'> = {
    provider: checker.provider,
    invalid,
    notes,
    inputCount,
    distinct: entries.length,
  };
  if (!providerById(checker.provider)?.wildcards) {
    return { ...base, requests: entries.map((e) => request(e.url, e.target, [e], false)) };
  }
  const { requests, rest } = absorbIntoWildcards(entries);
  if (options.inventory) {
    const asked = requests.map((r) => r.url);
    const { picks, report } = coalesceWithInventory(rest, asked, options.inventory, checker, options);
    for (const r of requests) r.collateral = 0;
    for (const p of picks)
      requests.push({ ...request(p.url, p.target, p.members, p.coalesced), collateral: p.collateral });
    requests.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
    return { ...base, requests, inventory: report };
  }
  // 0 (the setting's "off"), false and undefined turn coalescing off: a wildcard also purges files nobody listed.
  const coalesce =
    typeof options.coalesce === 'number' && options.coalesce > 0 ? Math.max(1, options.coalesce) : undefined;
  if (coalesce === undefined) {
    requests.push(...rest.map((e) => request(e.url, e.target, [e], false)));
  } else {
    const groups = new Map<string, Entry[]>();
    for (const e of rest) {
      const key = e.target.base ?? '';
      const g = groups.get(key);
      if (g) g.push(e);
      else groups.set(key, [e]);
    }
    for (const [baseUrl, group] of groups) requests.push(...coalesceGroup(baseUrl, group, checker, coalesce));
  }
  requests.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  return { ...base, requests };
}

function request(url: string, target: TargetCheck, entries: Entry[], coalesced: boolean): PlannedRequest {
  return {
    url,
    kind: target.kind,
    covers: entries.map((e) => e.url),
    inputs: entries.flatMap((e) => e.inputs),
    coalesced,
    target,
  };
}

/** Wildcards asked for in the input take every URL (and narrower wildcard) under them. */
function absorbIntoWildcards(entries: Entry[]): { requests: PlannedRequest[]; rest: Entry[] } {
  const prefix = (e: Entry) => (e.target.kind === 'wildcard' ? e.url.slice(0, -1) : e.url);
  // Sorted by prefix, a wildcard comes right before everything it covers; wildcards sort before an equal exact URL.
  const sorted = [...entries].sort((a, b) => {
    const pa = prefix(a);
    const pb = prefix(b);
    if (pa !== pb) return pa < pb ? -1 : 1;
    return (a.target.kind === 'wildcard' ? 0 : 1) - (b.target.kind === 'wildcard' ? 0 : 1);
  });
  const groups = new Map<Entry, Entry[]>();
  const rest: Entry[] = [];
  let open: Entry | undefined;
  for (const e of sorted) {
    if (open && prefix(e).startsWith(prefix(open))) {
      groups.get(open)!.push(e);
      continue;
    }
    if (e.target.kind === 'wildcard') {
      open = e;
      groups.set(e, [e]);
    } else {
      open = undefined;
      rest.push(e);
    }
  }
  const requests = [...groups].map(([w, members]) => request(w.url, w.target, members, false));
  return { requests, rest };
}

interface Interval {
  depth: number;
  lb: number;
  rb: number;
  children: Interval[];
}

/**
 * Minimum-request cover of one endpoint's exact URLs by wildcards. The URLs are sorted and the internal nodes of
 * their compacted trie (LCP intervals) enumerated bottom-up; at each node the choice is one wildcard over the
 * node, at the deepest valid cut between its parent's depth and its own, or the best plan of its children.
 */
function coalesceGroup(baseUrl: string, group: Entry[], checker: Checker, minSaved: number): PlannedRequest[] {
  const s = [...group].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  const n = s.length;
  if (n < 2) return s.map((e) => request(e.url, e.target, [e], false));
  const lcp = new Array<number>(n + 1).fill(0);
  for (let i = 1; i < n; i++) lcp[i] = commonPrefix(s[i - 1].url, s[i].url);
  lcp[n] = -1; // closes every interval, the root included

  type Choice = { cost: number; wildcard?: { url: string; target: TargetCheck }; children: Interval[] };
  const choice = new Map<Interval, Choice>();
  const decide = (iv: Interval, parentDepth: number) => {
    const inChildren = iv.children.reduce((k, c) => k + (c.rb - c.lb + 1), 0);
    const below = iv.children.reduce((k, c) => k + choice.get(c)!.cost, 0) + (iv.rb - iv.lb + 1 - inChildren);
    let best: Choice = { cost: below, children: iv.children };
    if (below - 1 >= minSaved) {
      const w = deepestValidCut(s[iv.lb].url, baseUrl, parentDepth, iv.depth, checker);
      if (w) best = { cost: 1, wildcard: w, children: iv.children };
    }
    choice.set(iv, best);
  };

  // Bottom-up traversal of the LCP intervals; lcp[n] = -1 pops the root last.
  const stack: Interval[] = [{ depth: 0, lb: 0, rb: -1, children: [] }];
  let root: Interval | undefined;
  for (let i = 1; i <= n; i++) {
    let lb = i - 1;
    let last: Interval | undefined;
    while (stack.length && lcp[i] < stack[stack.length - 1].depth) {
      const top = stack.pop()!;
      top.rb = i - 1;
      const parent = stack[stack.length - 1];
      decide(top, Math.max(lcp[i], parent ? parent.depth : 0));
      if (!parent) root = top;
      last = top;
      lb = top.lb;
      if (parent && lcp[i] <= parent.depth) {
        parent.children.push(top);
        last = undefined;
      }
    }
    if (stack.length && lcp[i] > stack[stack.length - 1].depth) {
      stack.push({ depth: lcp[i], lb, rb: -1, children: last ? [last] : [] });
    }
  }
  if (!root) throw new Error('planner: the LCP traversal did not close its root');
  const out: PlannedRequest[] = [];
  const emit = (iv: Interval) => {
    const c = choice.get(iv)!;
    const members = s.slice(iv.lb, iv.rb + 1);
    if (c.wildcard) {
      out.push(request(c.wildcard.url, c.wildcard.target, members, true));
      return;
    }
    const inChild = new Set<number>();
    for (const child of c.children) {
      for (let k = child.lb; k <= child.rb; k++) inChild.add(k);
      emit(child);
    }
    for (let k = iv.lb; k <= iv.rb; k++) if (!inChild.has(k)) out.push(request(s[k].url, s[k].target, [s[k]], false));
  };
  emit(root);
  return out;
}

function commonPrefix(a: string, b: string): number {
  const m = Math.min(a.length, b.length);
  let i = 0;
  while (i < m && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
