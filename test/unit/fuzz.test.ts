// The fuzz properties (test/fuzz/properties.ts) at a small count, so `npm test` runs every one of them;
// `npm run fuzz` runs the same properties 100,000 times each with a time bound per case. No timing here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import { PROPERTIES, runProperty } from '../fuzz/properties';
import { ROOT } from './helpers/paths';

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

describe('fuzz runner (npm run fuzz)', function () {
  this.timeout(120_000);

  it('a failing property is reported with its counterexample', () => {
    const r = runProperty(
      { name: 'always fails on 7', arbitrary: fc.nat(20), check: (n: unknown) => assert.notEqual(n, 7) },
      { numRuns: 2000, seed: 1 },
    );
    assert.equal(r.failed, true);
    assert.match(r.report ?? '', /Counterexample: \[7\]/);
  });

  it('ends with "fuzz: N cases, N failures" and exits 0 when every property holds', () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'out/test/fuzz/run.js')], {
      encoding: 'utf8',
      env: { ...process.env, FUZZ_RUNS: '50', FUZZ_ONLY: 'scanner', FUZZ_SEED: '42' },
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines[lines.length - 1], 'fuzz: 50 cases, 0 failures');
    assert.match(run.stdout, /seed 42/);
  });

  it('exits 1 when nothing matches FUZZ_ONLY (a run that tests nothing is not a pass)', () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'out/test/fuzz/run.js')], {
      encoding: 'utf8',
      env: { ...process.env, FUZZ_RUNS: '5', FUZZ_ONLY: 'no such property' },
    });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /fuzz: 0 cases, 0 failures\n$/);
  });
});
