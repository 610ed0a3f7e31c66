// The GitHub Action's entry point (action.yml: `runs.main: dist/action.js`): the Action's run on the runner's Node,
// wired to process I/O. Thin: src/action/main.ts turns the inputs into `cdn-purge purge` and its report into
// outputs, a job summary and annotations.
import { runAction } from './action/main';

const controller = new AbortController();
// A cancelled job gets SIGINT, then SIGTERM: stop sending, report exactly what was sent, exit 130.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => controller.abort());

runAction({
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  env: process.env,
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stdout.write(`::error title=cdn-purge::${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
