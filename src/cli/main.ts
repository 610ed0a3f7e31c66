import { choiceWords, keyEnvWords, labels } from './help';
import { EXIT_OK, EXIT_USAGE, UsageError, writers, type CliIO } from './io';
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
  mcp       an MCP server over stdio for agents: tools check, plan and purge (purge only after a plan)
Run "cdn-purge <command> --help" for a command's options.
Exit status: 0 success, 1 a URL was invalid or a purge failed, 2 usage error.`;
}

type Command = (argv: string[], io: CliIO) => Promise<number>;

/**
 * Each command's module is loaded on first use: `check`, `plan`, `lint`, `--help` and `--version` neither load nor
 * run the emulator's node:http server or the purge pipeline they do not use, and the HTTP layer (undici) stays in
 * dist/http.js until a request is made (README "Performance").
 */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./check')).checkCommand,
  plan: async () => (await import('./plan')).planCommand,
  purge: async () => (await import('./purge')).purgeCommand,
  status: async () => (await import('./status')).statusCommand,
  lint: async () => (await import('./lint')).lintCommand,
  emulator: async () => (await import('./emulator')).emulatorCommand,
  mcp: async () => (await import('./mcp')).mcpCommand,
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
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    err(`Unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(', ')}. See cdn-purge --help.`);
    return EXIT_USAGE;
  }
  try {
    const command = await load();
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
