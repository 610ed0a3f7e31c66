// The purge planner: property tests (fast-check) over random sets of realistic ImageKit URLs and random coalescing
// policies, then example-based tests of imgix de-duplication and ImageKit coalescing choices.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { imagekit, judgeWildcard } from '../../src/core/providers/imagekit';
import { imgix } from '../../src/core/providers/imgix';
import { DEFAULT_COALESCE, planPurge, type Plan } from '../../src/core/planner';
import {
  checkInvariants,
  coalesceArb,
  covers,
  ENDPOINTS,
  expectedWithoutCoalescing,
  ext,
  IK,
  ikUrl,
  siblingUrl,
} from '../fuzz/planner-arbitraries';

describe('planner: properties over random ImageKit URL sets (fast-check)', function () {
  this.timeout(120_000);
  const checker = imagekit.checker({ endpoints: ENDPOINTS });

  it('the generator produces a useful mix: valid exact, valid wildcard, invalid of several kinds', () => {
    const sample = fc.sample(ikUrl, { numRuns: 2000, seed: 42 });
    const checks = sample.map((u) => checker.check(u));
    const kinds = new Set<string>(checks.flatMap((c) => c.problems.map((p) => p.code)));
    assert.ok(checks.filter((c) => c.ok && c.kind === 'exact').length > 500);
    assert.ok(checks.filter((c) => c.ok && c.kind === 'wildcard').length > 50);
    for (const code of [
      'wildcard-too-broad',
      'wildcard-not-at-end',
      'wildcard-query',
      'wildcard-path-unsupported',
      'not-under-endpoint',
      'not-http',
      'empty-path',
      'url-encoded',
      'fragment-dropped',
    ]) {
      assert.ok(kinds.has(code), `generator never produced ${code}`);
    }
  });

  it('every valid input is covered, every request is valid, never more requests than distinct valid URLs, invalid inputs never sent', () => {
    fc.assert(
      fc.property(fc.array(ikUrl, { maxLength: 40 }), coalesceArb, (urls, coalesce) => {
        checkInvariants(urls, checker, coalesce, planPurge(urls, checker, { coalesce }));
      }),
      { numRuns: 400 },
    );
  });

  it('the invariants hold for large sets sharing prefixes (coalescing has real work to do)', () => {
    const family = fc
      .record({
        o: fc.constantFrom(IK, 'https://images.example.com'),
        f: fc.array(fc.constantFrom('a', 'b', 'shoes', 'media/catalog', 's/files', 'x/y'), {
          minLength: 1,
          maxLength: 3,
        }),
        n: fc.integer({ min: 1, max: 30 }),
        e: ext,
      })
      .map(({ o, f, n, e }) => `${o}/${f.join('/')}/red-${n}${e}`);
    fc.assert(
      fc.property(fc.array(family, { minLength: 5, maxLength: 120 }), coalesceArb, (urls, coalesce) => {
        checkInvariants(urls, checker, coalesce, planPurge(urls, checker, { coalesce }));
      }),
      { numRuns: 150 },
    );
  });

  it('coalescing never needs more requests than not coalescing, and a lower N never needs more than a higher one', () => {
    fc.assert(
      fc.property(fc.array(ikUrl, { maxLength: 40 }), (urls) => {
        const off = planPurge(urls, checker).requests.length;
        const counts = [1, 2, 3, 4].map((n) => planPurge(urls, checker, { coalesce: n }).requests.length);
        assert.ok(counts.every((c) => c <= off));
        for (let i = 1; i < counts.length; i++)
          assert.ok(counts[i - 1] <= counts[i], `N=${i}: ${counts[i - 1]} > N=${i + 1}: ${counts[i]}`);
      }),
      { numRuns: 200 },
    );
  });

  it('with no endpoints configured (any imagekitId), the invariants hold too', () => {
    const open = imagekit.checker({});
    fc.assert(
      fc.property(fc.array(ikUrl, { maxLength: 30 }), coalesceArb, (urls, coalesce) => {
        checkInvariants(urls, open, coalesce, planPurge(urls, open, { coalesce }));
      }),
      { numRuns: 150 },
    );
  });

  it('an input wildcard takes exactly the URLs under it, never a sibling that only shares part of its prefix', () => {
    // The generator does produce the case: a wildcard and a sibling in its folder that it does not cover.
    const sample = fc.sample(fc.array(siblingUrl, { minLength: 2, maxLength: 12 }), { numRuns: 300, seed: 7 });
    const hasCase = (urls: string[]) =>
      urls.some(
        (w) =>
          w.endsWith('*') &&
          urls.some(
            (u) =>
              !u.endsWith('*') && !u.startsWith(w.slice(0, -1)) && u.startsWith(w.slice(0, w.lastIndexOf('/') + 1)),
          ),
      );
    assert.ok(sample.filter(hasCase).length > 100, 'siblings the wildcard does not cover are generated');
    fc.assert(
      fc.property(fc.array(siblingUrl, { maxLength: 16 }), coalesceArb, (urls, coalesce) => {
        const plan = planPurge(urls, checker, { coalesce });
        checkInvariants(urls, checker, coalesce, plan);
        if (coalesce === undefined) {
          const expected = expectedWithoutCoalescing(urls, checker);
          assert.deepEqual(
            new Map(plan.requests.map((r) => [r.url, [...r.covers].sort()])),
            expected,
            JSON.stringify(urls),
          );
        }
      }),
      { numRuns: 400 },
    );
  });

  it('the plan does not depend on the order of the inputs', () => {
    fc.assert(
      fc.property(
        fc
          .array(ikUrl, { maxLength: 30 })
          .chain((a) => fc.tuple(fc.constant(a), fc.shuffledSubarray(a, { minLength: a.length, maxLength: a.length }))),
        coalesceArb,
        ([a, b], coalesce) => {
          const pa = planPurge(a, checker, { coalesce }).requests.map((r) => r.url);
          const pb = planPurge(b, checker, { coalesce }).requests.map((r) => r.url);
          assert.deepEqual(pa, pb);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('planner: imgix', () => {
  const checker = imgix.checker({});
  it('derivatives collapse onto their base path: one request, every input kept', () => {
    const inputs = [
      'https://assets.imgix.net/dogs.png?w=400',
      'https://assets.imgix.net/dogs.png?w=800&h=200',
      'https://assets.imgix.net/dogs.png',
      'https://assets.imgix.net/dogs.png#x',
    ];
    const plan = planPurge(inputs, checker);
    assert.deepEqual(
      plan.requests.map((r) => r.url),
      ['https://assets.imgix.net/dogs.png'],
    );
    assert.deepEqual(plan.requests[0].inputs, inputs);
    assert.equal(plan.distinct, 1);
    assert.equal(plan.inputCount, 4);
  });
  it('an encoded and an unencoded spelling are one asset; "+" is another', () => {
    const plan = planPurge(
      [
        'https://assets.imgix.net/image file.png',
        'https://assets.imgix.net/image%20file.png',
        'https://assets.imgix.net/image+file.png',
      ],
      checker,
    );
    assert.deepEqual(
      plan.requests.map((r) => r.url),
      ['https://assets.imgix.net/image%20file.png', 'https://assets.imgix.net/image+file.png'],
    );
  });
  it('never coalesces, even when asked; a "*" input is invalid and not sent', () => {
    const urls = Array.from({ length: 6 }, (_, i) => `https://assets.imgix.net/a/b/red-${i}.jpg`);
    const plan = planPurge([...urls, 'https://assets.imgix.net/a/b/*'], checker, { coalesce: 1 });
    assert.equal(plan.requests.length, 6);
    assert.ok(plan.requests.every((r) => r.kind === 'exact' && !r.coalesced));
    assert.deepEqual(
      plan.invalid.map((t) => t.problems[0].code),
      ['imgix-no-wildcard'],
    );
  });
  it('keeps notes (query dropped, Video API) for valid inputs', () => {
    const plan = planPurge(['https://assets.imgix.net/v.mp4?x=1'], checker);
    assert.deepEqual(
      plan.notes[0].problems.map((p) => p.code),
      ['imgix-query-dropped', 'imgix-video-api'],
    );
  });
});

describe('planner: ImageKit examples', () => {
  const checker = imagekit.checker({});
  const urls = (plan: Plan) => plan.requests.map((r) => r.url);

  it('de-duplicates: the same URL (trimmed) is one request with all its inputs; query variants are distinct', () => {
    const plan = planPurge(
      [`${IK}/a.jpg`, `  ${IK}/a.jpg `, `${IK}/a.jpg#frag`, `${IK}/a.jpg?tr=w-100`, '', '   '],
      checker,
    );
    assert.deepEqual(urls(plan), [`${IK}/a.jpg`, `${IK}/a.jpg?tr=w-100`]);
    assert.equal(plan.requests[0].inputs.length, 3);
    assert.equal(plan.inputCount, 4, 'blank lines are not inputs');
  });

  it('coalescing picks the narrowest wildcard among equally short plans (shoes/red-*, not shoes/*)', () => {
    const three = [`${IK}/cat/shoes/red-1.jpg`, `${IK}/cat/shoes/red-2.jpg`, `${IK}/cat/shoes/red-3.jpg`];
    assert.equal(checker.check(`${IK}/cat/shoes/*`).ok, true, 'the broader wildcard would be valid too');
    const plan = planPurge(three, checker, { coalesce: 2 });
    assert.deepEqual(urls(plan), [`${IK}/cat/shoes/red-*`]);
    assert.equal(plan.requests[0].coalesced, true);
    assert.deepEqual(plan.requests[0].covers, three);
  });

  it('the N policy: a wildcard is used only where it saves at least N requests', () => {
    const three = [`${IK}/cat/shoes/red-1.jpg`, `${IK}/cat/shoes/red-2.jpg`, `${IK}/cat/shoes/red-3.jpg`];
    assert.deepEqual(urls(planPurge(three, checker, { coalesce: 1 })), [`${IK}/cat/shoes/red-*`]);
    assert.deepEqual(urls(planPurge(three, checker, { coalesce: 2 })), [`${IK}/cat/shoes/red-*`]);
    assert.deepEqual(urls(planPurge(three, checker, { coalesce: 3 })), three);
    const four = [...three, `${IK}/cat/shoes/blue-1.jpg`];
    // cat/shoes/* saves 3 requests over four exact URLs, but only 1 over cat/shoes/red-* + blue-1.
    assert.deepEqual(urls(planPurge(four, checker, { coalesce: 1 })), [`${IK}/cat/shoes/*`]);
    assert.deepEqual(urls(planPurge(four, checker, { coalesce: 2 })), [
      `${IK}/cat/shoes/blue-1.jpg`,
      `${IK}/cat/shoes/red-*`,
    ]);
    assert.equal(DEFAULT_COALESCE, 2);
  });

  it('shoes/* at the top is too broad (one level), so red-* + blue-1 is the best valid plan', () => {
    const four = [`${IK}/shoes/red-1.jpg`, `${IK}/shoes/red-2.jpg`, `${IK}/shoes/red-3.jpg`, `${IK}/shoes/blue-1.jpg`];
    assert.deepEqual(urls(planPurge(four, checker, { coalesce: 1 })), [`${IK}/shoes/blue-1.jpg`, `${IK}/shoes/red-*`]);
  });

  it('a group whose only common wildcard is too broad stays exact', () => {
    const four = ['a1.jpg', 'a2.jpg', 'a3.jpg', 'a4.jpg'].map((f) => `${IK}/${f}`);
    const plan = planPurge(four, checker, { coalesce: 1 });
    assert.deepEqual(urls(plan), four);
    assert.ok(plan.requests.every((r) => !r.coalesced && r.kind === 'exact'));
  });

  it('picks the fewest requests across sibling folders', () => {
    const plan = planPurge(
      [`${IK}/p/q/a.jpg`, `${IK}/p/q/b.jpg`, `${IK}/p/r/c.jpg`, `${IK}/p/r/d.jpg`, `${IK}/p/s/e.jpg`],
      checker,
      { coalesce: 1 },
    );
    assert.deepEqual(urls(plan), [`${IK}/p/q/*`, `${IK}/p/r/*`, `${IK}/p/s/e.jpg`]);
  });

  it('a long common prefix allows a wildcard even at one level (15 characters)', () => {
    const plan = planPurge(
      [`${IK}/holiday-photos-2024-a.jpg`, `${IK}/holiday-photos-2024-b.jpg`, `${IK}/holiday-photos-2024-c.jpg`],
      checker,
      { coalesce: 2 },
    );
    assert.deepEqual(urls(plan), [`${IK}/holiday-photos-2024-*`]);
  });

  it('transformations of one file coalesce into the file path wildcard (sample.jpg*)', () => {
    const plan = planPurge(
      [`${IK}/sample.jpg?tr=w-100`, `${IK}/sample.jpg?tr=w-200`, `${IK}/sample.jpg?tr=w-300`],
      checker,
      { coalesce: 2 },
    );
    assert.deepEqual(urls(plan), [`${IK}/sample.jpg*`]);
  });

  it('wildcards given in the input absorb the URLs (and narrower wildcards) they cover, even without coalescing', () => {
    const plan = planPurge(
      [`${IK}/x/y/*`, `${IK}/x/y/a.jpg`, `${IK}/x/y/z/b.jpg`, `${IK}/x/y/z/*`, `${IK}/x/yy.jpg`, `${IK}/x/y/*`],
      checker,
    );
    assert.deepEqual(urls(plan), [`${IK}/x/y/*`, `${IK}/x/yy.jpg`]);
    const w = plan.requests[0];
    assert.equal(w.coalesced, false);
    assert.deepEqual(w.covers.sort(), [`${IK}/x/y/*`, `${IK}/x/y/a.jpg`, `${IK}/x/y/z/*`, `${IK}/x/y/z/b.jpg`].sort());
    assert.equal(w.inputs.length, 5);
  });

  it('media/catalog/* and s/files/* are never produced by coalescing; narrower wildcards below them can be', () => {
    const flat = ['a', 'b', 'c', 'd', 'e'].map((f) => `${IK}/media/catalog/${f}.jpg`);
    const sfiles = ['a', 'b', 'c', 'd'].map((f) => `${IK}/s/files/${f}.png`);
    const plan = planPurge([...flat, ...sfiles], checker, { coalesce: 1 });
    assert.deepEqual(urls(plan), [...flat, ...sfiles].sort());
    const nested = planPurge(
      [
        `${IK}/media/catalog/p/a.jpg`,
        `${IK}/media/catalog/p/b.jpg`,
        `${IK}/media/catalog/q/c.jpg`,
        `${IK}/media/catalog/q/d.jpg`,
      ],
      checker,
      { coalesce: 1 },
    );
    assert.deepEqual(urls(nested), [`${IK}/media/catalog/p/*`, `${IK}/media/catalog/q/*`]);
    for (const r of [...plan.requests, ...nested.requests].filter((x) => x.kind === 'wildcard')) {
      const counted = r.url.slice(IK.length + 1, -1);
      assert.equal(judgeWildcard(counted).refused, undefined, r.url);
    }
  });

  it('never merges URLs of different endpoints into one wildcard', () => {
    const c = imagekit.checker({ endpoints: ['https://ik.imagekit.io/demo', 'https://ik.imagekit.io/demo/pat'] });
    const plan = planPurge([`${IK}/pat/x/a.jpg`, `${IK}/pat/x/b.jpg`, `${IK}/pat/x/c.jpg`, `${IK}/pax/a.jpg`], c, {
      coalesce: 1,
    });
    for (const r of plan.requests) assert.equal(c.check(r.url).ok, true);
    assert.ok(plan.requests.some((r) => r.url === `${IK}/pax/a.jpg`));
  });

  it('never cuts a wildcard inside a %XX escape', () => {
    const plan = planPurge(
      [`${IK}/folder/%C3%A91.jpg`, `${IK}/folder/%C3%A92.jpg`, `${IK}/folder/%C3%A93.jpg`],
      checker,
      { coalesce: 2 },
    );
    assert.deepEqual(urls(plan), [`${IK}/folder/%C3%A9*`]);
    // é è ê are %C3%A9 %C3%A8 %C3%AA: their common prefix "%C3%A" ends inside an escape; the cut steps back.
    const accents = planPurge([`${IK}/folder/é1.jpg`, `${IK}/folder/è2.jpg`, `${IK}/folder/ê3.jpg`], checker, {
      coalesce: 2,
    });
    assert.deepEqual(urls(accents), [`${IK}/folder/%C3*`]);
  });

  it('coalesce 0 or false is off (as the setting "0 turns it off" says)', () => {
    const three = [`${IK}/shoes/red-1.jpg`, `${IK}/shoes/red-2.jpg`, `${IK}/shoes/red-3.jpg`];
    assert.deepEqual(urls(planPurge(three, checker, { coalesce: 0 })), three);
    assert.deepEqual(urls(planPurge(three, checker, { coalesce: false })), three);
  });

  it('invalid inputs are reported with their problems and not planned', () => {
    const plan = planPurge([`${IK}/images*`, 'not a url', `${IK}/ok.jpg`], checker);
    assert.deepEqual(urls(plan), [`${IK}/ok.jpg`]);
    assert.deepEqual(
      plan.invalid.map((t) => [t.input, t.problems[0].code]),
      [
        [`${IK}/images*`, 'wildcard-too-broad'],
        ['not a url', 'invalid-url'],
      ],
    );
  });

  it('an empty input gives an empty plan', () => {
    const plan = planPurge([], checker, { coalesce: 2 });
    assert.deepEqual([plan.requests.length, plan.invalid.length, plan.inputCount, plan.distinct], [0, 0, 0, 0]);
  });

  it('plans 2000 URLs with coalescing without trouble', () => {
    const many = Array.from({ length: 2000 }, (_, i) => `${IK}/catalog/item-${Math.floor(i / 50)}/photo-${i}.jpg`);
    const plan = planPurge(many, checker, { coalesce: 2 });
    assert.equal(plan.distinct, 2000);
    assert.ok(plan.requests.length <= 40, `${plan.requests.length} requests`);
    for (const u of many) assert.ok(plan.requests.some((r) => covers(r.url, r.kind, u)));
  });
});
