// Runs the CLI's main() in this process (not as a child): what a test registered here (a provider, an emulated
// API) is seen by the CLI. Same contract as runCli: exit code, stdout, stderr.
import { main } from '../../../src/cli/main';
import type { CliRun } from './cli';
import { tmpDir } from './tmp';

export async function runCliHere(
  argv: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; stdin?: string } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const home = tmpDir('cdn-purge-home-');
  const code = await main(argv, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    readStdin: async () => options.stdin ?? '',
    env: { HOME: home, CDN_PURGE_STATE_DIR: `${home}/state`, ...options.env },
    cwd: options.cwd ?? tmpDir('cdn-purge-cwd-'),
  });
  return { code, stdout, stderr };
}
