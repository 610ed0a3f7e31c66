// `cdn-purge`: the command-line tool on the same core as the extension. Thin: wires process I/O to main().
import { main } from './cli/main';
import { EXIT_INTERRUPTED, EXIT_USAGE, writers, type CliIO } from './cli/io';

const controller = new AbortController();
let interrupted: NodeJS.Signals | undefined;

/**
 * Ctrl-C (SIGINT) or SIGTERM (a CI runner cancelling the job): stop sending; the command then says exactly what was
 * sent, answered and not sent, records it (journal, quota) and exits 130 (143 for SIGTERM). A second signal quits at
 * once: the journal and the quota file are already up to date (each request is recorded before it is dispatched).
 */
function onSignal(signal: NodeJS.Signals): void {
  const code = signal === 'SIGTERM' ? 143 : EXIT_INTERRUPTED;
  if (interrupted) {
    process.stderr.write(
      '\nQuitting now. Every request sent was recorded before it was dispatched (the quota file, and the journal with --journal).\n',
    );
    process.exit(code);
  }
  interrupted = signal;
  process.stderr.write(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping (again to quit now)...\n`);
  controller.abort();
}
process.on('SIGINT', onSignal);
// The emulator stops on SIGTERM by itself, cleanly (exit 0): a signal to stop serving, not an interruption.
if (process.argv[2] !== 'emulator') process.on('SIGTERM', onSignal);

async function* noInput(): AsyncGenerator<Buffer> {}

const io: CliIO = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  // Streamed: the commands read it line by line, with limits, and stop reading at the first refusal.
  stdin: () => (process.stdin.isTTY ? noInput() : process.stdin),
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
  stderrIsTTY: process.stderr.isTTY === true && !process.env.CI,
  stdoutIsTTY: process.stdout.isTTY === true,
  columns: process.stderr.columns,
};

// The last resort: whatever escapes main() is one line of message (keys redacted), never a stack trace.
process.on('uncaughtException', (e) => {
  writers(io).err(`cdn-purge: unexpected error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = interrupted && code !== EXIT_USAGE ? (interrupted === 'SIGTERM' ? 143 : EXIT_INTERRUPTED) : code;
  },
  (e: unknown) => {
    writers(io).err(`cdn-purge: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
