// The CLI's quota counter lives in a small JSON file: $CDN_PURGE_STATE_DIR, else $XDG_STATE_HOME/cdn-purge,
// else ~/.local/state/cdn-purge. It holds counts per account and month, never a key.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { QuotaStore } from '../core/quota';

export function stateDir(env: Record<string, string | undefined>): string {
  if (env.CDN_PURGE_STATE_DIR) return env.CDN_PURGE_STATE_DIR;
  const base = env.XDG_STATE_HOME || path.join(env.HOME || os.homedir(), '.local', 'state');
  return path.join(base, 'cdn-purge');
}

export class JsonFileQuotaStore implements QuotaStore {
  constructor(private readonly file: string) {}

  private read(): Record<string, number> {
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as unknown;
      return typeof data === 'object' && data !== null ? (data as Record<string, number>) : {};
    } catch {
      return {};
    }
  }

  get(key: string): number | undefined {
    const v = this.read()[key];
    return typeof v === 'number' ? v : undefined;
  }

  set(key: string, value: number): void {
    const data = this.read();
    data[key] = value;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`);
    fs.renameSync(tmp, this.file);
  }
}
