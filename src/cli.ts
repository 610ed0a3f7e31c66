// `cdn-purge`: the command-line tool on the same core as the extension. Thin: wires process I/O to main().
import { main } from './cli/main';

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  process.stderr.write('\nCancelling (Ctrl-C again to quit now)...\n');
  controller.abort();
});

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    if (process.stdin.isTTY) return resolve('');
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = interrupted && code === 0 ? 130 : code;
  },
  (e: unknown) => {
    process.stderr.write(`cdn-purge: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
