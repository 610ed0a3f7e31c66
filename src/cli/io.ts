// What a CLI command may touch: output streams, stdin, the environment, the working directory. Passed in so
// the commands can run in-process in tests as well as from `dist/cli.js`. Everything written is redacted.

import { keyEnvs } from '../core/providers/registry';
import { redact } from '../core/redact';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stdin as it arrives (chunks of bytes or text): read line by line with limits, never buffered whole. */
  stdin?: () => AsyncIterable<Buffer | string>;
  /** stdin as one string (in-process callers and tests); used only when `stdin` is absent, with the same limits. */
  readStdin?: () => Promise<string>;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Cancels long work (SIGINT, SIGTERM). */
  signal?: AbortSignal;
  /** stderr is a terminal: the progress bar is drawn there (never otherwise). */
  stderrIsTTY?: boolean;
  /** stdout is the same kind of terminal: the bar is cleared before each line printed there. */
  stdoutIsTTY?: boolean;
  /** The terminal's width. */
  columns?: number;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** Interrupted by Ctrl-C (SIGINT): 128 + 2, as shells report it. */
export const EXIT_INTERRUPTED = 130;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Writers that redact every provider's key found in the environment (and `secrets`, e.g. a proxy's credentials)
 * before anything is printed.
 */
export function writers(
  io: CliIO,
  secrets: () => readonly string[] = () => [],
): { out: (line: string) => void; err: (line: string) => void } {
  const keys = keyEnvs().map((k) => io.env[k]);
  const all = () => [...keys, ...secrets()];
  return {
    out: (line) => io.stdout(`${redact(line, all())}\n`),
    err: (line) => io.stderr(`${redact(line, all())}\n`),
  };
}
