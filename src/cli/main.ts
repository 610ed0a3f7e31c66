import { checkCommand } from './check';
import { choiceWords, keyEnvWords, labels } from './help';
import { emulatorCommand } from './emulator';
import { EXIT_OK, EXIT_USAGE, UsageError, writers, type CliIO } from './io';
import { lintCommand } from './lint';
import { planCommand } from './plan';
import { purgeCommand } from './purge';
import { statusCommand } from './status';
import { VERSION } from '../core/version';

export function mainHelp(): string {
  return `cdn-purge: purge images from the ${labels(() => true, 'and')} CDNs.

Usage: cdn-purge <command> [options]
  check     check URLs against the provider's rules, send nothing
  plan      print the requests a purge would send (--coalesce, --from-git)
  purge     purge URLs (key from ${keyEnvWords()})
  status    purge request status where the provider has a status API: ${choiceWords((p) => p.status !== undefined)} (--wait)
  lint      check every purge pattern in a repository's files (text, --format json or sarif)
  emulator  run a local emulator of the purge APIs and their CDN (try without an account)
Run "cdn-purge <command> --help" for a command's options.
Exit status: 0 success, 1 a URL was invalid or a purge failed, 2 usage error.`;
}

type Command = (argv: string[], io: CliIO) => Promise<number>;

export const COMMANDS: Record<string, Command> = {
  check: checkCommand,
  plan: planCommand,
  purge: purgeCommand,
  status: statusCommand,
  lint: lintCommand,
  emulator: emulatorCommand,
};

export async function main(argv: string[], io: CliIO): Promise<number> {
  const { out, err } = writers(io);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(mainHelp());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    out(VERSION);
    return EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    err(`Unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}. See cdn-purge --help.`);
    return EXIT_USAGE;
  }
  try {
    return await command(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`cdn-purge ${name}: ${e.message}`);
      err(`See cdn-purge ${name} --help.`);
      return EXIT_USAGE;
    }
    err(`cdn-purge ${name}: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_FAILED_UNEXPECTED;
  }
}

/** An unexpected error is a failure (1), never a crash with a stack trace. */
const EXIT_FAILED_UNEXPECTED = 1;

export { VERSION } from '../core/version';
