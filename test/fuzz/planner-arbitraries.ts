// Generators and invariants of the purge planner's property tests, shared by test/unit/planner.test.ts and the
// fuzzer (test/fuzz/properties.ts): random sets of realistic ImageKit URLs (valid and invalid of every kind) and
// random coalescing policies, and what every plan must satisfy.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Plan } from '../../src/core/planner';
import type { Checker } from '../../src/core/providers/types';

export const ENDPOINTS = [
  'https://ik.imagekit.io/demo',
  'https://ik.imagekit.io/demo/pat',
  'https://ik.imagekit.io/acme',
  'https://images.example.com',
];
export const IK = 'https://ik.imagekit.io/demo';

// ---- generators -------------------------------------------------------------------------------------------------

const origin = fc.constantFrom(
  'https://ik.imagekit.io/demo',
  'https://ik.imagekit.io/demo',
  'https://ik.imagekit.io/demo/pat',
  'https://ik.imagekit.io/acme',
  'https://images.example.com',
  'http://ik.imagekit.io/demo',
  'https://ik.imagekit.io/stranger', // not a configured imagekitId: invalid
  'https://evil.example.org', // not an endpoint: invalid
  'ftp://ik.imagekit.io/demo', // not http: invalid
);
const folder = fc.constantFrom(
  'images',
  'upload',
  'shoes',
  'media',
  'catalog',
  'media/catalog',
  's',
  'files',
  's/files',
  'a',
  'b',
  '2024',
  'product',
  'über',
  'my folder',
  'x%20y',
  'Ünïcødé',
  'deep-folder-name-here',
);
const stem = fc.constantFrom(
  'red-1',
  'red-2',
  'red-3',
  'red-10',
  'a',
  'b',
  'sample',
  'dog',
  'ü',
  'file name',
  '100%',
  'v1.2',
  'photo',
  '日本',
  'x%2Ay',
);
export const ext = fc.constantFrom('.jpg', '.png', '.webp', '', '.tar.gz', '.JPG');
const query = fc.constantFrom('', '', '', '', '?tr=w-100', '?tr=w-200', '?');
const shape = fc.constantFrom(
  'exact',
  'exact',
  'exact',
  'exact',
  'exact',
  'exact',
  'wildcard',
  'wildcard',
  'folder-wildcard',
  'mid-star',
  'query-star',
  'fragment',
  'endpoint',
);

export const ikUrl = fc
  .record({ origin, folders: fc.array(folder, { maxLength: 3 }), stem, ext, query, shape, cut: fc.nat(40) })
  .map(({ origin: o, folders, stem: s, ext: e, query: q, shape: k, cut }) => {
    const path = [...folders, `${s}${e}`].join('/');
    switch (k) {
      case 'wildcard':
        return `${o}/${path.slice(0, Math.max(1, path.length - (cut % Math.max(1, path.length))))}*`;
      case 'folder-wildcard':
        return `${o}/${folders.join('/')}${folders.length ? '/' : ''}*`;
      case 'mid-star':
        return `${o}/${path.slice(0, cut % (path.length + 1))}*${path.slice(cut % (path.length + 1))}/x.jpg`;
      case 'query-star':
        return `${o}/${path}*?tr=w-1`;
      case 'fragment':
        return `${o}/${path}${q}#frag`;
      case 'endpoint':
        return `${o}/`;
      default:
        return `${o}/${path}${q}`;
    }
  });

export const coalesceArb = fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined });

// ---- invariants ---------------------------------------------------------------------------------------------------

export function covers(requestUrl: string, kind: 'exact' | 'wildcard', url: string): boolean {
  return kind === 'wildcard' ? url.startsWith(requestUrl.slice(0, -1)) : url === requestUrl;
}

export function checkInvariants(inputs: string[], checker: Checker, coalesce: number | undefined, plan: Plan): void {
  const checks = inputs.filter((i) => i.trim() !== '').map((i) => checker.check(i));
  const validUrls = new Set(checks.filter((c) => c.ok).map((c) => c.normalized!));
  const validInputs = new Set(checks.filter((c) => c.ok).map((c) => c.input));

  // Every valid input is covered by a request (exact equality, or under the wildcard's prefix).
  for (const url of validUrls) {
    assert.ok(
      plan.requests.some((r) => covers(r.url, r.kind, url)),
      `${url} is not covered by ${JSON.stringify(plan.requests.map((r) => r.url))}`,
    );
  }
  // Every request is valid when re-checked, and is sent exactly as the checker normalises it.
  for (const r of plan.requests) {
    const again = checker.check(r.url);
    assert.equal(again.ok, true, `request ${r.url} is not valid: ${JSON.stringify(again.problems.map((p) => p.code))}`);
    assert.equal(again.normalized, r.url);
    assert.equal(again.kind, r.kind);
    assert.equal(r.target.normalized, r.url);
  }
  // Never more requests than distinct valid URLs; the plan counts them right.
  assert.ok(plan.requests.length <= validUrls.size, `${plan.requests.length} requests for ${validUrls.size} URLs`);
  assert.equal(plan.distinct, validUrls.size);
  assert.equal(plan.inputCount, checks.length);
  // Invalid inputs are never sent: they are all listed as invalid, and no request comes from them.
  assert.equal(plan.invalid.length, checks.filter((c) => !c.ok).length);
  for (const r of plan.requests)
    for (const i of r.inputs) assert.ok(validInputs.has(i), `request ${r.url} carries input ${i}`);
  // The covers of the requests partition the distinct valid URLs, and each cover is really covered.
  const covered = plan.requests.flatMap((r) => r.covers);
  assert.equal(covered.length, validUrls.size);
  assert.deepEqual(new Set(covered), validUrls);
  for (const r of plan.requests)
    for (const c of r.covers) assert.ok(covers(r.url, r.kind, c), `${r.url} claims to cover ${c}`);
  // A made-up wildcard never ends inside a %XX escape.
  for (const r of plan.requests.filter((x) => x.coalesced)) assert.doesNotMatch(r.url, /%[0-9A-Fa-f]?\*$/, r.url);
  // No duplicate requests; sorted output.
  assert.equal(new Set(plan.requests.map((r) => r.url)).size, plan.requests.length);
  assert.deepEqual(
    plan.requests.map((r) => r.url),
    [...plan.requests.map((r) => r.url)].sort(),
  );
  if (coalesce === undefined) {
    // With coalescing off, no wildcard is invented: every request is one of the inputs.
    for (const r of plan.requests) {
      assert.equal(r.coalesced, false);
      assert.ok(validUrls.has(r.url), `${r.url} was not asked for`);
    }
  } else {
    // A made-up wildcard saves at least N requests, so it covers at least N + 1 URLs.
    for (const r of plan.requests.filter((x) => x.coalesced)) {
      assert.equal(r.kind, 'wildcard');
      assert.ok(r.covers.length >= coalesce + 1, `${r.url} covers ${r.covers.length} < ${coalesce + 1}`);
    }
  }
}

// ---- input wildcards and their siblings ---------------------------------------------------------------------------

const SIBLING_DIRS = ['https://ik.imagekit.io/demo/images/products', 'https://ik.imagekit.io/demo/shoes/red'];
const SIBLING_STEMS = ['red-1', 'red-10', 'red-1x', 'red-', 'red', 're', 'red-2', 'rec', 'reda', 'red_1', 'red-1/a'];

/**
 * Wildcards asked for in the input (`<dir>/<prefix>*`, always broad enough: two levels) mixed with files in the same
 * folder whose names share part of the prefix but do not start with it (`red-1*` and `red-.jpg`, `red.jpg`,
 * `red-2.jpg`): the case where a wildcard must not absorb a sibling it does not cover.
 */
export const siblingUrl = fc
  .record({
    dir: fc.constantFrom(...SIBLING_DIRS),
    stem: fc.constantFrom(...SIBLING_STEMS),
    cut: fc.nat(6),
    wildcard: fc.boolean(),
    e: fc.constantFrom('.jpg', '.png', ''),
  })
  .map(({ dir, stem, cut, wildcard, e }) =>
    wildcard ? `${dir}/${stem.slice(0, Math.max(1, stem.length - (cut % stem.length)))}*` : `${dir}/${stem}${e}`,
  );

/**
 * What the planner must do with coalescing off, worked out independently of it: every input wildcard not under
 * another one is a request covering exactly the valid URLs that start with its prefix; every other valid URL is a
 * request of its own.
 */
export function expectedWithoutCoalescing(inputs: string[], checker: Checker): Map<string, string[]> {
  const valid = new Map<string, 'exact' | 'wildcard'>();
  for (const i of inputs) {
    const t = checker.check(i);
    if (t.ok && t.normalized) valid.set(t.normalized, t.kind);
  }
  const prefix = (u: string) => (valid.get(u) === 'wildcard' ? u.slice(0, -1) : u);
  const wildcards = [...valid.keys()].filter((u) => valid.get(u) === 'wildcard');
  const top = wildcards.filter((w) => !wildcards.some((o) => o !== w && prefix(w).startsWith(prefix(o))));
  const plan = new Map<string, string[]>();
  for (const u of valid.keys()) {
    const owner = top.find((w) => prefix(u).startsWith(prefix(w)));
    const key = owner ?? u;
    plan.set(key, [...(plan.get(key) ?? []), u].sort());
  }
  return plan;
}
