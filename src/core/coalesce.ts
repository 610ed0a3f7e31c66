// Coalescing that knows the site (issue 11, item 8). Given the changed ImageKit URLs and an inventory of every
// asset the site serves, chooses the fewest requests (valid wildcards plus exact URLs) that cover every changed
// URL while purging at most `maxCollateral` unchanged assets in total (0 by default: none), and says for each
// wildcard how many unchanged assets it also purges.
//
// The algorithm, per endpoint (a wildcard never spans two endpoints, as without an inventory):
// - The changed URLs, sorted, define their compacted trie: its internal nodes are the LCP intervals (a node is a
//   maximal run of sorted URLs sharing a prefix longer than their parent's). A wildcard `P*` covers exactly the
//   URLs that start with P, so any wildcard that covers two or more changed URLs covers exactly one node's
//   URLs; and every cut depth in (parent depth, node depth] covers the same ones. The deepest *valid* cut (by
//   ImageKit's rules: judged by the checker itself) purges the fewest unchanged assets among them (a longer
//   prefix matches a subset), so it is the only candidate the node needs. A wildcard over one URL never beats the
//   exact URL.
// - Wildcards at different nodes that do not contain one another match disjoint sets of URLs, so collateral adds
//   up, and a wildcard inside another is never needed. The problem is then a tree knapsack: for each node, the
//   Pareto front of (requests, collateral) over its plans: either its wildcard (1, c) or the (min,+) combination
//   of its children's fronts and its own leaves (1 request, 0 collateral each). Points with collateral over the
//   budget are dropped.
// - Exactness: the front at the root holds, for every request count, the least collateral any plan with that
//   many requests can have (over the candidate wildcards, which lose nothing, as argued above). For a budget B
//   the plan is the point with the fewest requests whose collateral is at most B. A brute force over every valid
//   wildcard of small random cases checks this in the tests (test/unit/coalesce.test.ts).
// - Cost: sorting, O(n log n) comparisons; one cut search per node (usually one check); one binary search of
//   the unchanged inventory per candidate (O(log m)); the knapsack merges are O(n) for budget 0 (every front is
//   one point) and O(n · min(n, B + 1)) in general (a front has at most min(leaves, B + 1) points).

import type { Checker, TargetCheck } from './providers/types';

export interface CoalesceEntry {
  /** The normalised URL. */
  url: string;
  target: TargetCheck;
}

/** One request of an inventory-aware plan. */
export interface CoalescePick<T> {
  url: string;
  target: TargetCheck;
  /** The changed entries this request covers. */
  members: T[];
  /** True for a wildcard the planner made up. */
  coalesced: boolean;
  /** Unchanged inventory assets this request also purges (0 for an exact URL). */
  collateral: number;
}

/** What the plan says about the inventory it was made against. */
export interface InventoryReport {
  /** Distinct assets in the inventory (valid exact ImageKit URLs). */
  assets: number;
  /** Inventory entries that are not valid exact ImageKit URLs (not counted, never treated as assets). */
  skipped: TargetCheck[];
  /** Assets neither changed (an input URL) nor under a wildcard given in the input. */
  unchanged: number;
  /** The most unchanged assets the plan was allowed to purge. */
  budget: number;
  /** Unchanged assets the plan purges (each counted once). */
  collateral: number;
  /**
   * curve[b] = the fewest requests that purge at most b unchanged assets, for b = 0..min(curveUpTo, unchanged)
   * (when asked for; past the number of unchanged assets the count cannot fall any more).
   */
  curve?: number[];
}

export interface CoalesceOptions {
  /** Most unchanged assets purged in all (default 0). */
  maxCollateral?: number;
  /** Also compute the requests-vs-collateral curve for budgets 0..curveUpTo. */
  curveUpTo?: number;
}

/**
 * How an asset is compared: the URL without its scheme (http and https serve the same cached object as far as a
 * purge is concerned: counting both is the safe side), with %xx escapes in upper case.
 */
export function assetKey(url: string): string {
  return url.replace(/^https?:/i, '').replace(/%[0-9a-f]{2}/gi, (m) => m.toUpperCase());
}

/** A sorted set of asset keys, counted by prefix in O(log n). */
export class SortedKeys {
  readonly keys: readonly string[];

  constructor(keys: Iterable<string>) {
    this.keys = [...new Set(keys)].sort(compare);
  }

  get size(): number {
    return this.keys.length;
  }

  /** The index range [lo, hi) of the keys that start with `prefix`. */
  range(prefix: string): [number, number] {
    const k = this.keys;
    let lo = 0;
    let hi = k.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (k[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    // Keys that start with `prefix` are a run from `lo`; find where it ends.
    let end = k.length;
    let a = lo;
    while (a < end) {
      const mid = (a + end) >>> 1;
      if (k[mid].startsWith(prefix)) a = mid + 1;
      else end = mid;
    }
    return [lo, a];
  }

  countPrefix(prefix: string): number {
    const [lo, hi] = this.range(prefix);
    return hi - lo;
  }

  has(key: string): boolean {
    const [lo, hi] = this.range(key);
    return hi > lo && this.keys[lo] === key;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The inventory's URLs, checked: distinct valid exact URLs become asset keys, anything else is skipped. */
export function inventoryKeys(
  inventory: readonly string[],
  checker: Checker,
): { keys: string[]; skipped: TargetCheck[] } {
  const keys: string[] = [];
  const skipped: TargetCheck[] = [];
  for (const raw of inventory) {
    if (raw.trim() === '') continue;
    const t = checker.check(raw);
    if (!t.ok || t.kind !== 'exact' || !t.normalized) skipped.push(t);
    else keys.push(assetKey(t.normalized));
  }
  return { keys, skipped };
}

// ---- The Pareto fronts -------------------------------------------------------------------------------------------

/** Points sorted by requests ascending, collateral strictly descending; the last point has collateral 0. */
interface Front {
  r: number[];
  c: number[];
}

/** One (min,+) merge of an accumulated front with a child's: per result point, the pair it came from. */
interface MergeStep {
  child: Node;
  /** For each point of the merged front: i * childLength + j. */
  pairs: number[];
  childLength: number;
}

interface Node {
  /** Entries covered by this node and by none of its child nodes: each is an exact request or part of the wildcard. */
  leaves: number[];
  children: Node[];
  lb: number;
  rb: number;
  /**
   * The node's wildcard: its URL, the unchanged assets it purges, and their index range. Its check is not kept (one
   * per node of a 40,000-URL plan was a third of the plan's memory): a chosen one is checked again.
   */
  wildcard?: { url: string; collateral: number; lo: number; hi: number };
  front: Front;
  steps: MergeStep[];
  /** For each front point: -1 for the wildcard, else the index in the last merged front (or 0: leaves only). */
  tag: number[];
}

function merge(a: Front, b: Front, cap: number): { front: Front; pairs: number[] } {
  // Two one-point fronts (every front, when the budget is 0): their sum, without the tables below. Most merges of a
  // large plan are these, and a typed array each (its buffer allocated outside the JS heap) cost more memory than
  // the plan itself (issue 14).
  if (a.r.length === 1 && b.r.length === 1) {
    const c = a.c[0] + b.c[0];
    return c > cap ? { front: { r: [], c: [] }, pairs: [] } : { front: { r: [a.r[0] + b.r[0]], c: [c] }, pairs: [0] };
  }
  const lo = a.r[0] + b.r[0];
  const span = a.r[a.r.length - 1] + b.r[b.r.length - 1] - lo + 1;
  const best = new Float64Array(span).fill(Infinity);
  const arg = new Int32Array(span).fill(-1);
  const bl = b.r.length;
  for (let i = 0; i < a.r.length; i++) {
    for (let j = 0; j < bl; j++) {
      const c = a.c[i] + b.c[j];
      if (c > cap) continue;
      const k = a.r[i] + b.r[j] - lo;
      if (c < best[k]) {
        best[k] = c;
        arg[k] = i * bl + j;
      }
    }
  }
  const r: number[] = [];
  const cs: number[] = [];
  const pairs: number[] = [];
  for (let k = 0; k < span; k++) {
    if (arg[k] < 0) continue;
    if (cs.length && best[k] >= cs[cs.length - 1]) continue;
    r.push(k + lo);
    cs.push(best[k]);
    pairs.push(arg[k]);
  }
  return { front: { r, c: cs }, pairs };
}

/** Solves a node whose children are solved: its leaves, then each child merged in, then its own wildcard. */
function solve(node: Node, cap: number): void {
  let acc: Front = { r: [node.leaves.length], c: [0] };
  for (const child of node.children) {
    const m = merge(acc, child.front, cap);
    node.steps.push({ child, pairs: m.pairs, childLength: child.front.r.length });
    acc = m.front;
  }
  const tags = acc.r.map((_, i) => i);
  const w = node.wildcard;
  if (w && w.collateral <= cap && acc.r[0] > 1) {
    // (1, w) joins the front; the points it dominates (collateral ≥ its own) leave it.
    const r = [1];
    const c = [w.collateral];
    const tag = [-1];
    for (let i = 0; i < acc.r.length; i++) {
      if (acc.c[i] >= w.collateral) continue;
      r.push(acc.r[i]);
      c.push(acc.c[i]);
      tag.push(tags[i]);
    }
    node.front = { r, c };
    node.tag = tag;
  } else {
    node.front = acc;
    node.tag = tags;
  }
}

// ---- The trie of one endpoint's changed URLs -----------------------------------------------------------------------

function commonPrefix(a: string, b: string): number {
  const m = Math.min(a.length, b.length);
  let i = 0;
  while (i < m && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/**
 * The deepest depth d in (lo, hi] where `url.slice(0, d) + '*'` is a valid wildcard under `baseUrl`, as the
 * checker judges it (and sent as written: normalising it would purge something else). Never inside a %XX escape,
 * never in the query (a wildcard cannot have one).
 */
export function deepestValidCut(
  url: string,
  baseUrl: string,
  lo: number,
  hi: number,
  checker: Checker,
): { url: string; target: TargetCheck } | undefined {
  const q = url.indexOf('?');
  const top = Math.min(hi, q === -1 ? url.length : q);
  const floor = Math.max(lo + 1, baseUrl.length + 2);
  for (let d = top; d >= floor; d--) {
    if (url[d - 1] === '%' || url[d - 2] === '%') continue;
    const candidate = `${url.slice(0, d)}*`;
    const target = checker.check(candidate);
    if (target.ok && target.normalized === candidate && target.base === baseUrl) return { url: candidate, target };
  }
  return undefined;
}

/**
 * Builds the LCP-interval tree of the sorted URLs `s` bottom-up (a stack over the LCP array: nodes come off it in
 * post-order) and solves each node as it is closed. Returns the root, or undefined for fewer than two URLs.
 */
function buildAndSolve(
  s: readonly string[],
  baseUrl: string,
  checker: Checker,
  unchanged: SortedKeys,
  cap: number,
): Node | undefined {
  const n = s.length;
  if (n < 2) return undefined;
  const lcp = new Array<number>(n + 1).fill(0);
  for (let i = 1; i < n; i++) lcp[i] = commonPrefix(s[i - 1], s[i]);
  lcp[n] = -1; // closes every interval, the root included

  interface Open {
    depth: number;
    lb: number;
    children: Node[];
  }
  const close = (o: Open, rb: number, parentDepth: number): Node => {
    const node: Node = {
      leaves: [],
      children: o.children,
      lb: o.lb,
      rb,
      front: { r: [], c: [] },
      steps: [],
      tag: [],
    };
    let k = o.lb;
    for (const c of o.children) {
      for (; k < c.lb; k++) node.leaves.push(k);
      k = c.rb + 1;
    }
    for (; k <= rb; k++) node.leaves.push(k);
    const cut = deepestValidCut(s[o.lb], baseUrl, parentDepth, o.depth, checker);
    if (cut) {
      const [lo, hi] = unchanged.range(assetKey(cut.url.slice(0, -1)));
      node.wildcard = { url: cut.url, collateral: hi - lo, lo, hi };
    }
    solve(node, cap);
    return node;
  };

  const stack: Open[] = [{ depth: 0, lb: 0, children: [] }];
  let root: Node | undefined;
  for (let i = 1; i <= n; i++) {
    let lb = i - 1;
    let last: Node | undefined;
    while (stack.length && lcp[i] < stack[stack.length - 1].depth) {
      const top = stack.pop()!;
      const parent = stack[stack.length - 1];
      const node = close(top, i - 1, Math.max(lcp[i], parent ? parent.depth : 0));
      lb = top.lb;
      last = node;
      if (!parent)
        root = node; // the depth-0 interval, closed last by lcp[n] = -1
      else if (lcp[i] <= parent.depth) {
        parent.children.push(node);
        last = undefined;
      }
    }
    if (stack.length && lcp[i] > stack[stack.length - 1].depth) {
      stack.push({ depth: lcp[i], lb, children: last ? [last] : [] });
    }
  }
  return root;
}

// ---- The plan -------------------------------------------------------------------------------------------------------

interface Group<T> {
  entries: T[];
  root?: Node;
}

/**
 * The inventory-aware plan of the changed exact URLs `rest` (ImageKit only; grouped by endpoint here). `asked`
 * are the wildcards given in the input: assets under them were asked for, so they are not collateral.
 */
export function coalesceWithInventory<T extends CoalesceEntry>(
  rest: readonly T[],
  asked: readonly string[],
  inventory: readonly string[],
  checker: Checker,
  options: CoalesceOptions = {},
): { picks: CoalescePick<T>[]; report: InventoryReport } {
  const { keys, skipped } = inventoryKeys(inventory, checker);
  const all = new SortedKeys(keys);
  const changed = new Set(rest.map((e) => assetKey(e.url)));
  const underAsked = new Uint8Array(all.size);
  for (const w of asked) {
    const [lo, hi] = all.range(assetKey(w.slice(0, -1)));
    underAsked.fill(1, lo, hi);
  }
  const unchanged = new SortedKeys(all.keys.filter((k, i) => !underAsked[i] && !changed.has(k)));
  // A budget is a whole number of assets; past the number of unchanged assets nothing changes (Infinity: no limit).
  const whole = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? 0 : Math.max(0, Math.floor(x)));
  const finite = (x: number) => (Number.isFinite(x) ? x : unchanged.size);
  const budget = finite(whole(options.maxCollateral));
  // The curve stops at the number of unchanged assets: past it the count cannot fall any more.
  const curveUpTo =
    options.curveUpTo === undefined ? undefined : Math.min(finite(whole(options.curveUpTo)), unchanged.size);
  const cap = Math.min(Math.max(budget, curveUpTo ?? 0), unchanged.size);

  const byBase = new Map<string, T[]>();
  for (const e of rest) {
    const key = e.target.base ?? '';
    const g = byBase.get(key);
    if (g) g.push(e);
    else byBase.set(key, [e]);
  }
  const groups: Group<T>[] = [];
  for (const [baseUrl, entries] of byBase) {
    entries.sort((a, b) => compare(a.url, b.url));
    groups.push({
      entries,
      root: buildAndSolve(
        entries.map((e) => e.url),
        baseUrl,
        checker,
        unchanged,
        cap,
      ),
    });
  }

  // The endpoints together: their fronts merged (single URLs are leaves), as one more node.
  const top: Node = {
    leaves: [],
    children: [],
    lb: 0,
    rb: -1,
    front: { r: [], c: [] },
    steps: [],
    tag: [],
  };
  let singles = 0;
  for (const g of groups) {
    if (g.root) top.children.push(g.root);
    else singles += g.entries.length;
  }
  top.leaves = new Array<number>(singles).fill(-1);
  solve(top, cap);

  const front = top.front;
  // The fewest requests within the budget: the first point whose collateral fits (the last point has 0).
  let chosen = front.r.length - 1;
  for (let i = 0; i < front.r.length; i++) {
    if (front.c[i] <= budget) {
      chosen = i;
      break;
    }
  }
  let curve: number[] | undefined;
  if (curveUpTo !== undefined) {
    curve = new Array<number>(curveUpTo + 1);
    let p = front.r.length - 1;
    for (let b = 0; b <= curveUpTo; b++) {
      while (p > 0 && front.c[p - 1] <= b) p--;
      curve[b] = front.r[p] + asked.length;
    }
  }

  // Reconstruction, top-down with an explicit stack (a trie can be thousands of levels deep).
  const picks: CoalescePick<T>[] = [];
  const ranges: Array<[number, number]> = [];
  const groupOf = new Map<Node, Group<T>>();
  for (const g of groups) if (g.root) groupOf.set(g.root, g);
  const exact = (e: T) => picks.push({ url: e.url, target: e.target, members: [e], coalesced: false, collateral: 0 });
  for (const g of groups) if (!g.root) g.entries.forEach(exact);

  const work: Array<{ node: Node; point: number; group: Group<T> | undefined }> = [
    { node: top, point: chosen, group: undefined },
  ];
  while (work.length) {
    const { node, point, group } = work.pop()!;
    const tag = node.tag[point];
    if (tag === -1) {
      const w = node.wildcard!;
      picks.push({
        url: w.url,
        // The same check deepestValidCut accepted it with (a checker is a pure function of the URL).
        target: checker.check(w.url),
        members: group!.entries.slice(node.lb, node.rb + 1),
        coalesced: true,
        collateral: w.collateral,
      });
      ranges.push([w.lo, w.hi]);
      continue;
    }
    if (group) for (const k of node.leaves) exact(group.entries[k]);
    let idx = tag;
    for (let s = node.steps.length - 1; s >= 0; s--) {
      const step = node.steps[s];
      const pair = step.pairs[idx];
      const j = pair % step.childLength;
      idx = (pair - j) / step.childLength;
      work.push({ node: step.child, point: j, group: group ?? groupOf.get(step.child) });
    }
  }

  return {
    picks,
    report: {
      assets: all.size,
      skipped,
      unchanged: unchanged.size,
      budget,
      collateral: unionLength(ranges),
      ...(curve ? { curve } : {}),
    },
  };
}

/** The number of indices in a union of [lo, hi) ranges. */
function unionLength(ranges: Array<[number, number]>): number {
  const s = [...ranges].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -1;
  for (const [lo, hi] of s) {
    if (hi <= end) continue;
    total += hi - Math.max(lo, end);
    end = hi;
  }
  return total;
}
