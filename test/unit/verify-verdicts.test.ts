// --verify's verdicts are honest: "fresh" only when a new version (or a 404 after a delete) is seen, "stale" only
// when the CDN's Age shows its copy was cached before the purge, and "cannot tell" when nothing can show it
// (the origin did not change, the asset was not cached before, no Age or X-Cache).
import assert from 'node:assert/strict';
import { cacheState, judgeFreshness, type AssetSnapshot } from '../../src/core/verify';

const purgedAt = 1_000_000;
const snap = (s: Partial<AssetSnapshot>): AssetSnapshot => ({ status: 200, validator: '"v1"', ...s });

describe('verify: honest verdicts (judgeFreshness)', () => {
  it('a new validator is fresh (updated); a 404 after a 200 is fresh (removed)', () => {
    assert.deepEqual(
      [
        judgeFreshness(snap({}), snap({ validator: '"v2"' }), purgedAt).verdict,
        judgeFreshness(snap({}), snap({ validator: '"v2"' }), purgedAt).reason,
      ],
      ['fresh', 'updated'],
    );
    const gone = judgeFreshness(snap({}), { status: 404 }, purgedAt);
    assert.deepEqual([gone.verdict, gone.reason, gone.final], ['fresh', 'removed', true]);
  });

  it('the same version from a copy cached before the purge (Age) is stale, not final', () => {
    const after = snap({ at: purgedAt + 5_000, end: purgedAt + 5_100, age: 60, cache: 'hit' });
    const v = judgeFreshness(snap({ cache: 'hit' }), after, purgedAt);
    assert.deepEqual([v.verdict, v.reason, v.final], ['stale', 'cached-before-purge', false]);
  });

  it('the same version fetched again by the CDN after the purge: cannot tell (origin unchanged), never "stale"', () => {
    const miss = judgeFreshness(snap({ cache: 'hit' }), snap({ at: purgedAt + 5_000, cache: 'miss' }), purgedAt);
    assert.deepEqual([miss.verdict, miss.reason], ['cannot-tell', 'origin-unchanged']);
    const young = judgeFreshness(snap({}), snap({ at: purgedAt + 10_000, end: purgedAt + 10_000, age: 2 }), purgedAt);
    assert.deepEqual([young.verdict, young.reason], ['cannot-tell', 'origin-unchanged']);
  });

  it('not cached before the purge, no cache headers, or no copy from before: cannot tell', () => {
    const notCached = judgeFreshness(snap({ cache: 'miss' }), snap({ at: purgedAt - 1, end: purgedAt + 10 }), purgedAt);
    assert.deepEqual([notCached.verdict, notCached.reason], ['cannot-tell', 'not-cached-before']);
    const none = judgeFreshness(snap({}), snap({}), purgedAt);
    assert.deepEqual([none.verdict, none.reason], ['cannot-tell', 'no-cache-headers']);
    const noBefore = judgeFreshness(undefined, snap({}), purgedAt);
    assert.deepEqual([noBefore.verdict, noBefore.reason], ['cannot-tell', 'no-before']);
  });

  it('a fetch that fails or an error status is an error, not stale', () => {
    assert.equal(judgeFreshness(snap({}), { status: 0, error: 'ECONNREFUSED' }, purgedAt).verdict, 'error');
    assert.equal(judgeFreshness(snap({}), { status: 503 }, purgedAt).verdict, 'error');
  });

  it('X-Cache: the last value is the edge nearest to us', () => {
    assert.equal(cacheState('HIT, MISS'), 'miss');
    assert.equal(cacheState('Hit from cloudfront'), 'hit');
    assert.equal(cacheState('RefreshHit from cloudfront'), 'hit');
    assert.equal(cacheState(undefined), undefined);
    assert.equal(cacheState('PASS'), undefined);
  });
});
