// `cdn-purge`: the command-line tool on the same core as the extension. Thin: wires process I/O to main().
import { main } from './cli/main';
import { writers, type CliIO } from './cli/io';

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write('\nCancelling (Ctrl-C again to quit now)...\n');
  controller.abort();
});

async function* noInput(): AsyncGenerator<Buffer> {}

const io: CliIO = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  // Streamed: the commands read it line by line, with limits, and stop reading at the first refusal.
  stdin: () => (process.stdin.isTTY ? noInput() : process.stdin),
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
};

// The last resort: whatever escapes main() is one line of message (keys redacted), never a stack trace.
process.on('uncaughtException', (e) => {
  writers(io).err(`cdn-purge: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = interrupted && code === 0 ? 130 : code;
  },
  (e: unknown) => {
    writers(io).err(`cdn-purge: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
