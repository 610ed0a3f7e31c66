// Spawns the built CLI (node dist/cli.js) with the parent's environment minus the keys, the state and quota
// locations and the proxy variables (unless `env` gives them), and keeps the child at hand (for signals).
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './paths';

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...extra };
  for (const k of [
    'IMAGEKIT_PRIVATE_KEY',
    'IMGIX_API_KEY',
    'XDG_STATE_HOME',
    'CDN_PURGE_QUOTA_FILE',
    'HTTPS_PROXY',
    'HTTP_PROXY',
    'https_proxy',
    'http_proxy',
    'NO_PROXY',
    'no_proxy',
  ])
    if (!(k in extra)) delete env[k];
  return env;
}

export function spawnCli(args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}
