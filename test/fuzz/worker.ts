// One fuzz property in a worker thread (test/fuzz/run.ts starts it), so that a case that never ends can be stopped.
import { parentPort, workerData } from 'node:worker_threads';
import { PROPERTIES, runProperty } from './properties';

const { index, runs, caseMs, seed, propertyMs } = workerData as {
  index: number;
  runs: number;
  caseMs: number;
  seed: number;
  propertyMs: number;
};
const result = runProperty(PROPERTIES[index], {
  numRuns: runs,
  caseMs,
  seed,
  propertyMs,
  onProgress: (done) => parentPort!.postMessage({ type: 'progress', done }),
});
parentPort!.postMessage({ type: 'done', result });
