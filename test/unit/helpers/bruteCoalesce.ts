// An exact brute force for inventory-aware coalescing, for small cases only: independent of src/core/coalesce.ts's
// trie and knapsack. It lists every valid wildcard over every prefix of every changed URL (as the checker judges
// it, within the URL's own endpoint), keeps, of those covering the same changed URLs, the one that purges the
// fewest unchanged assets (they are nested prefixes, so its assets are a subset of the others'), and tries every
// subset of them, counting collateral as the true union of the assets purged.
import { assetKey } from '../../../src/core/coalesce';
import type { Checker } from '../../../src/core/providers/types';

export interface BruteResult {
  /** The fewest requests within the budget. */
  requests: number;
  /** The least collateral of a plan with that many requests. */
  collateral: number;
}

const MAX_CHANGED = 16;
const MAX_UNCHANGED = 30;
const MAX_CANDIDATES = 18;

function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v; v &= v - 1) n++;
  return n;
}

/** Every wildcard `P*` that is valid and sent as written, with P a prefix of a changed URL, in that URL's endpoint. */
export function validWildcards(url: string, base: string, checker: Checker): string[] {
  const out: string[] = [];
  for (let l = 1; l <= url.length; l++) {
    const w = `${url.slice(0, l)}*`;
    const t = checker.check(w);
    if (t.ok && t.kind === 'wildcard' && t.normalized === w && t.base === base) out.push(w);
  }
  return out;
}

export function bruteForce(
  changedInputs: readonly string[],
  inventory: readonly string[],
  checker: Checker,
  budgets: readonly number[],
): BruteResult[] {
  const changed = new Map<string, string>(); // normalised URL -> base
  for (const u of changedInputs) {
    const t = checker.check(u);
    if (t.ok && t.kind === 'exact' && t.normalized) changed.set(t.normalized, t.base ?? '');
  }
  const c = [...changed.keys()];
  const changedKeys = new Set(c.map(assetKey));
  const unchanged = [
    ...new Set(
      inventory
        .map((u) => checker.check(u))
        .filter((t) => t.ok && t.kind === 'exact' && t.normalized)
        .map((t) => assetKey(t.normalized!)),
    ),
  ].filter((k) => !changedKeys.has(k));
  if (c.length > MAX_CHANGED || unchanged.length > MAX_UNCHANGED)
    throw new Error(`brute force: case too large (${c.length} changed, ${unchanged.length} unchanged)`);

  // cover mask -> least collateral mask among the wildcards covering exactly those changed URLs
  const best = new Map<number, number>();
  for (const [url, base] of changed) {
    for (const w of validWildcards(url, base, checker)) {
      const prefix = w.slice(0, -1);
      let cover = 0;
      c.forEach((x, i) => {
        if (x.startsWith(prefix)) cover |= 1 << i;
      });
      // A wildcard over one changed URL never beats that URL's exact purge (same count, no collateral).
      if (popcount(cover) < 2) continue;
      const key = assetKey(prefix);
      let col = 0;
      unchanged.forEach((k, i) => {
        if (k.startsWith(key)) col |= 1 << i;
      });
      const prev = best.get(cover);
      if (prev === undefined || popcount(col) < popcount(prev)) best.set(cover, col);
    }
  }
  const cands = [...best.entries()];
  if (cands.length > MAX_CANDIDATES) throw new Error(`brute force: ${cands.length} candidate wildcards`);
  const full = c.length === 32 ? -1 : (1 << c.length) - 1;

  // For each request count, the least collateral (over every subset of the candidates).
  const leastByCount = new Map<number, number>();
  const visit = (i: number, picked: number, cover: number, col: number) => {
    if (i === cands.length) {
      const requests = picked + popcount(full & ~cover);
      const k = popcount(col);
      const prev = leastByCount.get(requests);
      if (prev === undefined || k < prev) leastByCount.set(requests, k);
      return;
    }
    visit(i + 1, picked, cover, col);
    visit(i + 1, picked + 1, cover | cands[i][0], col | cands[i][1]);
  };
  visit(0, 0, 0, 0);
  return budgets.map((b) => {
    let out: BruteResult | undefined;
    for (const [requests, collateral] of leastByCount) {
      if (collateral > b) continue;
      if (!out || requests < out.requests || (requests === out.requests && collateral < out.collateral))
        out = { requests, collateral };
    }
    return out ?? { requests: c.length, collateral: 0 };
  });
}
