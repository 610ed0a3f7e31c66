// The fuzz properties (test/fuzz/properties.ts) at a small count, so `npm test` runs every one of them;
// `npm run fuzz` runs the same properties 100,000 times each with a time bound per case. No timing here.
import assert from 'node:assert/strict';
import { PROPERTIES, runProperty } from '../fuzz/properties';

const RUNS = 300;

describe('fuzz properties (300 cases each; npm run fuzz runs 100,000)', function () {
  this.timeout(120_000);
  for (const p of PROPERTIES) {
    it(p.name, () => {
      const r = runProperty(p, { numRuns: RUNS });
      assert.equal(r.failed, false, r.report);
      assert.equal(r.cases, RUNS);
    });
  }
});
