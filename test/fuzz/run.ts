// `npm run fuzz`: every property of test/fuzz/properties.ts, 100,000 cases each by default, each property in a
// worker thread. A case slower than the bound is a failure (a blow-up); a worker that reports no progress for a
// while is stopped and counted as a failure (a hang). Ends with "fuzz: N cases, N failures"; exit 1 on any failure.
//   FUZZ_RUNS      cases per property (100000)
//   FUZZ_CASE_MS   time bound of one case in ms (1000)
//   FUZZ_SEED      seed of the first property (the others: seed + their index); printed when not given
//   FUZZ_ONLY      run only the properties whose name contains this text
//   FUZZ_JOBS      properties run at once (the number of CPUs, at most 4)
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PROPERTIES, type RunResult } from './properties';

const runs = Number(process.env.FUZZ_RUNS ?? 100_000);
const caseMs = Number(process.env.FUZZ_CASE_MS ?? 1000);
const seed =
  process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 0x7fffffff);
const jobs = Math.max(1, Number(process.env.FUZZ_JOBS ?? Math.min(4, os.availableParallelism())));
const only = process.env.FUZZ_ONLY;
/** A property that has reported no progress for this long is stopped: a case hangs. */
const stallMs = Math.max(60_000, caseMs * 30);
/** A whole property may take at most this long (fast-check stops it and reports it as failed). */
const propertyMs = Number(process.env.FUZZ_PROPERTY_MS ?? 30 * 60_000);

const selected = PROPERTIES.map((p, index) => ({ p, index })).filter(
  ({ p }) => only === undefined || p.name.includes(only),
);

function runOne(index: number): Promise<RunResult & { ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const worker = new Worker(path.join(__dirname, 'worker.js'), {
      workerData: { index, runs, caseMs, seed: seed + index, propertyMs },
    });
    let done = 0;
    let settled = false;
    const finish = (r: RunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve({ ...r, ms: Date.now() - started });
    };
    let timer = setTimeout(stalled, stallMs);
    function stalled() {
      finish({
        name: PROPERTIES[index].name,
        cases: done,
        failed: true,
        report: `no case finished for ${stallMs / 1000} s after ${done} cases: a case hangs (reproduce with FUZZ_SEED=${seed} FUZZ_ONLY=...)`,
        slowestMs: stallMs,
      });
    }
    worker.on('message', (m: { type: 'progress'; done: number } | { type: 'done'; result: RunResult }) => {
      clearTimeout(timer);
      timer = setTimeout(stalled, stallMs);
      if (m.type === 'progress') done = m.done;
      else finish(m.result);
    });
    worker.on('error', (e) =>
      finish({
        name: PROPERTIES[index].name,
        cases: done,
        failed: true,
        report: `the worker failed: ${e.stack ?? e.message}`,
        slowestMs: 0,
      }),
    );
    worker.on('exit', (code) =>
      finish({
        name: PROPERTIES[index].name,
        cases: done,
        failed: true,
        report: `the worker exited (${code}) without a result`,
        slowestMs: 0,
      }),
    );
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  console.log(
    `fuzz: ${selected.length} properties, ${runs} cases each, a case may take ${caseMs} ms, seed ${seed}, ${jobs} at a time`,
  );
  const results: Array<RunResult & { ms: number }> = [];
  let next = 0;
  async function lane(): Promise<void> {
    while (next < selected.length) {
      const { index } = selected[next++];
      const r = await runOne(index);
      results.push(r);
      console.log(
        `  ${r.failed ? 'FAILED' : 'ok    '} ${r.name}: ${r.cases} cases in ${(r.ms / 1000).toFixed(1)} s, slowest case ${r.slowestMs.toFixed(1)} ms`,
      );
      if (r.failed)
        console.log(
          `${r.report}\n  (reproduce: FUZZ_SEED=${seed} FUZZ_ONLY=${JSON.stringify(r.name.slice(0, 20))} npm run fuzz)`.replace(
            /^/gm,
            '    ',
          ),
        );
    }
  }
  await Promise.all(Array.from({ length: Math.min(jobs, selected.length) }, lane));
  const cases = results.reduce((n, r) => n + r.cases, 0);
  const failures = results.filter((r) => r.failed).length;
  console.log(`fuzz: took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`fuzz: ${cases} cases, ${failures} failures`);
  return failures > 0 || selected.length === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`fuzz: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
