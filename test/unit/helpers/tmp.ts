// Temporary directories that are removed when the test run ends. Under `npm run test:unit` (scripts/run-unit.js)
// CDN_PURGE_TEST_TMP names the run's temp folder: the directories are made there and left for the runner, which
// searches them for the test keys (key hygiene) and then removes the whole run folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];
const runnerOwned = process.env.CDN_PURGE_TEST_TMP;

export function tmpDir(prefix = 'cdn-purge-test-'): string {
  const dir = fs.mkdtempSync(path.join(runnerOwned || os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function cleanupTmp(): void {
  const dirs = made.splice(0);
  if (runnerOwned) return;
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}

process.on('exit', cleanupTmp);
