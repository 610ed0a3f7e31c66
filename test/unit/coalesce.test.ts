// Coalescing that knows the site (src/core/coalesce.ts through planPurge's `inventory`): property tests with
// fast-check against an exact brute force on small random cases, then examples, the curve and a large deploy.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assetKey, SortedKeys } from '../../src/core/coalesce';
import { imagekit } from '../../src/core/providers/imagekit';
import { imgix } from '../../src/core/providers/imgix';
import { planPurge, type Plan } from '../../src/core/planner';
import type { Checker } from '../../src/core/providers/types';
import { covers, ENDPOINTS, IK } from '../fuzz/planner-arbitraries';
import { syntheticDeploy, unchangedPurged } from '../../bench/coalesce';
import { bruteForce } from './helpers/bruteCoalesce';

/** The unchanged inventory assets a plan's requests purge, counted directly (each once). */
function purgedUnchanged(plan: Plan, changed: readonly string[], inventory: readonly string[], checker: Checker) {
  const changedKeys = new Set(
    changed.map((u) => checker.check(u)).flatMap((t) => (t.ok && t.normalized ? [assetKey(t.normalized)] : [])),
  );
  const assets = new Set(
    inventory
      .map((u) => checker.check(u))
      .flatMap((t) => (t.ok && t.kind === 'exact' && t.normalized ? [assetKey(t.normalized)] : [])),
  );
  const unchanged = [...assets].filter((k) => !changedKeys.has(k));
  const per = plan.requests.map((r) =>
    r.kind === 'wildcard' ? unchanged.filter((k) => k.startsWith(assetKey(r.url.slice(0, -1)))) : [],
  );
  return { per: per.map((p) => p.length), total: new Set(per.flat()).size, unchanged: unchanged.length };
}

// Few names, so URLs share folders and file-name prefixes (coalescing has work to do), and a few of each kind of
// trap: one-level folders (too broad), media/catalog and s/files (refused), a long name (15 characters), a
// non-ASCII folder (escapes), query variants (file-path wildcards), a second endpoint and a custom domain.
const folder = fc.constantFrom(
  'a',
  'shoes',
  'shoes/red',
  'media/catalog',
  's/files',
  'holiday-photos-2024',
  'x/y',
  'ü',
);
const file = fc
  .tuple(
    fc.constantFrom('red-1', 'red-2', 'red-10', 'blue', 'sample', 'photo-of-the-day'),
    fc.constantFrom('.jpg', '.jpg', '.png', ''),
    fc.constantFrom('', '', '', '', '?tr=w-100'),
  )
  .map(([s, e, q]) => `${s}${e}${q}`);
const origin = fc.constantFrom(IK, IK, IK, IK, 'https://ik.imagekit.io/demo/pat', 'https://images.example.com');
const smallUrl = fc
  .tuple(origin, fc.array(folder, { minLength: 1, maxLength: 2 }), file)
  .map(([o, f, x]) => [o, ...f, x].join('/'));

/** A pool of URLs, each changed or not, in the inventory or not (a changed URL may be missing from it: deleted). */
const smallCase = fc
  .uniqueArray(smallUrl, { minLength: 1, maxLength: 14 })
  .chain((pool) =>
    fc.record({
      pool: fc.constant(pool),
      changed: fc.array(
        fc.integer({ min: 0, max: 9 }).map((x) => x < 6),
        { minLength: pool.length, maxLength: pool.length },
      ),
      listed: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: pool.length, maxLength: pool.length }),
      budget: fc.integer({ min: 0, max: 4 }),
    }),
  )
  .map(({ pool, changed, listed, budget }) => ({
    changed: pool.filter((_, i) => changed[i]),
    inventory: pool.filter((_, i) => !changed[i] || listed[i] > 0),
    budget,
  }))
  .filter((c) => c.changed.length > 0);

describe('coalescing with an inventory: properties against a brute force (fast-check)', function () {
  this.timeout(120_000);
  const checker = imagekit.checker({ endpoints: ENDPOINTS });

  it('covers every changed URL, sends only valid requests, stays within the budget, and reports collateral truly', () => {
    fc.assert(
      fc.property(smallCase, ({ changed, inventory, budget }) => {
        const plan = planPurge(changed, checker, { inventory, maxCollateral: budget });
        for (const u of changed) {
          const n = checker.check(u).normalized!;
          assert.ok(
            plan.requests.some((r) => covers(r.url, r.kind, n)),
            `${n} not covered by ${JSON.stringify(plan.requests.map((r) => r.url))}`,
          );
        }
        for (const r of plan.requests) {
          const t = checker.check(r.url);
          assert.equal(t.ok, true, `${r.url}: ${t.problems.map((p) => p.code).join(', ')}`);
          assert.equal(t.normalized, r.url);
        }
        const direct = purgedUnchanged(plan, changed, inventory, checker);
        assert.ok(direct.total <= budget, `${direct.total} unchanged purged, budget ${budget}`);
        assert.equal(plan.inventory!.collateral, direct.total);
        assert.equal(plan.inventory!.unchanged, direct.unchanged);
        assert.deepEqual(
          plan.requests.map((r) => r.collateral),
          direct.per,
        );
        // Never more requests than without coalescing.
        assert.ok(plan.requests.length <= planPurge(changed, checker).requests.length);
      }),
      { numRuns: 400, seed: 11 },
    );
  });

  it('the request count is the exact minimum (and its collateral the least for that count), for every budget', () => {
    let coalescedSomewhere = 0;
    fc.assert(
      fc.property(smallCase, ({ changed, inventory }) => {
        const budgets = [0, 1, 2, 3, 4];
        const brute = bruteForce(changed, inventory, checker, budgets);
        const plan = planPurge(changed, checker, { inventory, maxCollateral: 0, curveUpTo: 4 });
        for (const b of budgets) {
          const p = b === 0 ? plan : planPurge(changed, checker, { inventory, maxCollateral: b });
          assert.equal(
            p.requests.length,
            brute[b].requests,
            `budget ${b}: ${JSON.stringify(p.requests.map((r) => r.url))}`,
          );
          assert.equal(p.inventory!.collateral, brute[b].collateral, `budget ${b}: collateral`);
          const curve = plan.inventory!.curve!;
          assert.equal(curve.length, Math.min(4, plan.inventory!.unchanged) + 1);
          assert.equal(curve[Math.min(b, curve.length - 1)], brute[b].requests, `curve at ${b}`);
        }
        if (plan.requests.some((r) => r.coalesced)) coalescedSomewhere++;
      }),
      { numRuns: 300, seed: 14 },
    );
    assert.ok(
      coalescedSomewhere > 30,
      `only ${coalescedSomewhere} cases coalesced anything: the generator is too weak`,
    );
  });

  it('at the collateral the old coalescing purges, the inventory plan never needs more requests', () => {
    fc.assert(
      fc.property(smallCase, ({ changed, inventory }) => {
        const old = planPurge(changed, checker, { coalesce: 1 });
        const spent = purgedUnchanged(old, changed, inventory, checker).total;
        const plan = planPurge(changed, checker, { inventory, maxCollateral: spent });
        assert.ok(plan.requests.length <= old.requests.length, `${plan.requests.length} > ${old.requests.length}`);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('the plan does not depend on the order of the inputs or of the inventory', () => {
    fc.assert(
      fc.property(
        smallCase.chain((c) =>
          fc.record({
            c: fc.constant(c),
            a: fc.shuffledSubarray(c.changed, { minLength: c.changed.length }),
            i: fc.shuffledSubarray(c.inventory, { minLength: c.inventory.length }),
          }),
        ),
        ({ c, a, i }) => {
          const p = planPurge(c.changed, checker, { inventory: c.inventory, maxCollateral: c.budget });
          const q = planPurge(a, checker, { inventory: i, maxCollateral: c.budget });
          assert.deepEqual(
            q.requests.map((r) => [r.url, r.collateral]),
            p.requests.map((r) => [r.url, r.collateral]),
          );
        },
      ),
      { numRuns: 150, seed: 3 },
    );
  });
});

describe('coalescing with an inventory: examples', () => {
  const checker = imagekit.checker({});
  const urls = (plan: Plan) => plan.requests.map((r) => r.url);
  const shoes = ['red-1', 'red-2', 'red-3', 'blue-1'].map((f) => `${IK}/cat/shoes/${f}.jpg`);

  it('a wildcard that would purge an unchanged asset is not used; a narrower one that purges none is', () => {
    const inventory = [...shoes, `${IK}/cat/shoes/blue-2.jpg`];
    const plan = planPurge(shoes, checker, { inventory });
    assert.deepEqual(urls(plan), [`${IK}/cat/shoes/blue-1.jpg`, `${IK}/cat/shoes/red-*`]);
    assert.deepEqual(
      plan.requests.map((r) => r.collateral),
      [0, 0],
    );
    assert.equal(plan.requests[1].coalesced, true);
    assert.deepEqual(plan.inventory, { assets: 5, skipped: [], unchanged: 1, budget: 0, collateral: 0 });
  });

  it('--max-collateral lets the wider wildcard in, and the plan says what it also purges', () => {
    const inventory = [...shoes, `${IK}/cat/shoes/blue-2.jpg`];
    const plan = planPurge(shoes, checker, { inventory, maxCollateral: 1 });
    assert.deepEqual(urls(plan), [`${IK}/cat/shoes/*`]);
    assert.equal(plan.requests[0].collateral, 1);
    assert.equal(plan.inventory!.collateral, 1);
    assert.deepEqual(plan.requests[0].covers, [...shoes].sort());
  });

  it('coalesces where nothing unchanged is in the way, even for two URLs (no N threshold with an inventory)', () => {
    const two = [`${IK}/cat/bags/a.jpg`, `${IK}/cat/bags/b.jpg`];
    assert.deepEqual(urls(planPurge(two, checker, { inventory: two, coalesce: 5 })), [`${IK}/cat/bags/*`]);
  });

  it('an empty inventory means nothing unchanged can be hit: the fewest valid wildcards', () => {
    const plan = planPurge(shoes, checker, { inventory: [] });
    assert.deepEqual(urls(plan), [`${IK}/cat/shoes/*`]);
    assert.equal(plan.inventory!.assets, 0);
  });

  it('ImageKit rules still hold: a too-broad or refused wildcard is never chosen, whatever the inventory', () => {
    const flat = ['a1.jpg', 'a2.jpg', 'a3.jpg'].map((f) => `${IK}/${f}`);
    assert.deepEqual(urls(planPurge(flat, checker, { inventory: flat })), flat);
    const catalog = ['a', 'b', 'c'].map((f) => `${IK}/media/catalog/${f}.jpg`);
    assert.deepEqual(urls(planPurge(catalog, checker, { inventory: catalog })), catalog);
  });

  it('assets under a wildcard given in the input were asked for: not collateral', () => {
    const inventory = [`${IK}/x/y/old.jpg`, `${IK}/x/y/a.jpg`, `${IK}/p/q/1.jpg`, `${IK}/p/q/2.jpg`];
    const plan = planPurge([`${IK}/x/y/*`, `${IK}/p/q/1.jpg`, `${IK}/p/q/2.jpg`], checker, { inventory });
    assert.deepEqual(urls(plan), [`${IK}/p/q/*`, `${IK}/x/y/*`]);
    assert.deepEqual(
      plan.requests.map((r) => [r.coalesced, r.collateral]),
      [
        [true, 0],
        [false, 0],
      ],
    );
    assert.equal(plan.inventory!.unchanged, 0);
  });

  it('compares assets without their scheme and with %xx in either case (the safe side)', () => {
    const two = [`${IK}/cat/bags/a%c3%a9.jpg`, `${IK}/cat/bags/b.jpg`];
    const plan = planPurge(two, checker, {
      inventory: [
        'http://ik.imagekit.io/demo/cat/bags/c.jpg',
        `${IK}/cat/bags/A%C3%A9.jpg`,
        `${IK}/cat/bags/a%C3%A9.jpg`,
      ],
    });
    assert.deepEqual(urls(plan), two, 'c.jpg over http is the same asset, so cat/bags/* would purge it');
    assert.equal(plan.inventory!.unchanged, 2);
  });

  it('inventory entries that are not valid exact URLs are reported as skipped, not counted', () => {
    const plan = planPurge(shoes, checker, {
      inventory: [...shoes, `${IK}/cat/shoes/*`, 'not a url', 'https://example.org/x.jpg', ''],
    });
    assert.deepEqual(
      plan.inventory!.skipped.map((t) => t.input),
      [`${IK}/cat/shoes/*`, 'not a url', 'https://example.org/x.jpg'],
    );
    assert.equal(plan.inventory!.assets, 4);
  });

  it('imgix has no wildcards: the inventory changes nothing', () => {
    const ix = imgix.checker({});
    const list = ['https://assets.imgix.net/a/1.png', 'https://assets.imgix.net/a/2.png'];
    const plan = planPurge(list, ix, { inventory: list });
    assert.deepEqual(urls(plan), list);
    assert.equal(plan.inventory, undefined);
  });

  it('a trie thousands of levels deep is solved without recursion (no stack overflow)', () => {
    const deep = Array.from({ length: 2000 }, (_, k) => `${IK}/${'ab/'.repeat(k + 1)}f.jpg`);
    // Unchanged g.jpg beside f.jpg at levels 1, 4 and 7: ab/ab/* (2 levels) would purge 3 of them.
    const extra = [1, 4, 7].map((k) => deep[k].replace(/f\.jpg$/, 'g.jpg'));
    const inventory = [...deep, ...extra];
    const plan = planPurge(deep, checker, { inventory, maxCollateral: 5, curveUpTo: 5 });
    for (const u of deep) assert.ok(plan.requests.some((r) => covers(r.url, r.kind, u)));
    assert.deepEqual(urls(plan), [`${IK}/ab/ab/*`, deep[0]]);
    assert.equal(plan.inventory!.collateral, 3);
    // Budget 0: one wildcard below the deepest g.jpg, the 8 f.jpg above it exact; each unit of budget lets the
    // wildcard climb past one more g.jpg.
    const none = planPurge(deep, checker, { inventory });
    assert.equal(none.inventory!.collateral, 0);
    assert.equal(none.requests.length, 9);
    assert.deepEqual(plan.inventory!.curve, [9, 6, 3, 2]);
  });

  it('the curve: non-increasing, at 0 the zero-collateral plan, at the number of unchanged assets the fewest valid wildcards', () => {
    const many = Array.from({ length: 300 }, (_, i) => `${IK}/shop/cat-${i % 6}/sku-${i % 40}/view-${i}.jpg`);
    const inventory = [
      ...many,
      ...Array.from({ length: 200 }, (_, i) => `${IK}/shop/cat-${i % 6}/sku-${i % 50}/old-${i}.jpg`),
    ];
    const changed = many.filter((_, i) => i % 3 !== 0);
    const plan = planPurge(changed, checker, { inventory, curveUpTo: 1e9 });
    const curve = plan.inventory!.curve!;
    assert.equal(curve.length, plan.inventory!.unchanged + 1, 'the curve stops where it cannot fall any more');
    assert.ok(curve.length > 150);
    assert.equal(curve[0], plan.requests.length);
    for (let b = 1; b < curve.length; b++) assert.ok(curve[b] <= curve[b - 1], `curve rises at ${b}`);
    const unlimited = planPurge(changed, checker, { inventory: [] }).requests.length;
    assert.equal(curve[plan.inventory!.unchanged], unlimited);
    assert.ok(curve[0] > curve[curve.length - 1], 'the curve is not flat on this case');
    for (const b of [1, 17, 120]) {
      const p = planPurge(changed, checker, { inventory, maxCollateral: b });
      assert.equal(p.requests.length, curve[b], `budget ${b}`);
      assert.ok(p.inventory!.collateral <= b);
    }
    // No limit (Infinity) is the end of the curve; NaN is no budget at all.
    assert.equal(planPurge(changed, checker, { inventory, maxCollateral: Infinity }).requests.length, unlimited);
    assert.equal(planPurge(changed, checker, { inventory, maxCollateral: NaN }).requests.length, curve[0]);
  });

  it("the bench's deploy (about 2,000 changed among 8,000, seeded): zero collateral, every URL covered, ≥ 5× fewer", () => {
    const { site, changed } = syntheticDeploy();
    const shop = imagekit.checker({ endpoints: ['https://ik.imagekit.io/shop'] });
    assert.ok(site.length > 7500 && changed.length > 1800, `${changed.length} changed among ${site.length}`);
    const plan = planPurge(changed, shop, { inventory: site });
    assert.equal(plan.inventory!.collateral, 0);
    assert.equal(unchangedPurged(plan, changed, site), 0);
    for (const u of changed)
      assert.ok(
        plan.requests.some((r) => covers(r.url, r.kind, u)),
        u,
      );
    assert.ok(plan.requests.length * 5 <= changed.length, `${plan.requests.length} requests for ${changed.length}`);
    // Without the inventory, coalescing purges thousands of unchanged assets (the complaint).
    assert.ok(unchangedPurged(planPurge(changed, shop, { coalesce: 2 }), changed, site) > 1000);
  });
});

describe('SortedKeys', () => {
  it('counts keys by prefix, whatever characters they hold', () => {
    const k = new SortedKeys(['//h/a', '//h/ab', '//h/b', '//h/a\uffffz', '//h/a', '//g/x']);
    assert.equal(k.size, 5);
    assert.equal(k.countPrefix('//h/a'), 3);
    assert.equal(k.countPrefix('//h/'), 4);
    assert.equal(k.countPrefix('//'), 5);
    assert.equal(k.countPrefix('//z'), 0);
    assert.equal(k.has('//h/ab'), true);
    assert.equal(k.has('//h/abc'), false);
  });
});
