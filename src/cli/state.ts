// The CLI's quota counter lives in a small JSON file: --quota-file, else $CDN_PURGE_QUOTA_FILE, else quota.json in
// $CDN_PURGE_STATE_DIR, else $XDG_STATE_HOME/cdn-purge, else ~/.local/state/cdn-purge. It holds counts per
// account and month and the reservations of runs in progress, never a key.
//
// Several processes share it (parallel CI jobs on one runner, two terminals), so every change is made under a lock:
// a lock file created with O_EXCL next to it (`quota.json.lock`, holding the owner's pid, host and a random token),
// the data read, changed, written to a temporary file, fsynced and renamed over the old one, then the lock removed.
// A lock whose owner has died (same host, pid gone) or that is older than STALE_LOCK_MS is broken. A file that cannot
// be read as quota data is never silently reset: it is renamed aside with a timestamp and a warning says so.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sleep } from '../core/pacing';
import type { QuotaData, QuotaReservationRecord, QuotaStore } from '../core/quota';

export function stateDir(env: Record<string, string | undefined>): string {
  if (env.CDN_PURGE_STATE_DIR) return env.CDN_PURGE_STATE_DIR;
  const base = env.XDG_STATE_HOME || path.join(env.HOME || os.homedir(), '.local', 'state');
  return path.join(base, 'cdn-purge');
}

/** The quota file: --quota-file, else CDN_PURGE_QUOTA_FILE, else quota.json in the state directory. */
export function quotaFile(env: Record<string, string | undefined>, cwd: string, flag?: string): string {
  const given = flag ?? (env.CDN_PURGE_QUOTA_FILE || undefined);
  return given ? path.resolve(cwd, given) : path.join(stateDir(env), 'quota.json');
}

/** A lock held longer than this is taken as abandoned (a change under the lock takes milliseconds). */
export const STALE_LOCK_MS = 30_000;
/** How long a change waits for the lock before it fails (saying who holds it). */
export const LOCK_TIMEOUT_MS = 60_000;

interface LockOwner {
  pid: number;
  host: string;
  at: number;
  token: string;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function fsyncDir(dir: string): Promise<void> {
  try {
    const fh = await fs.promises.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Not every file system lets a directory be opened or synced (Windows); the rename is still atomic.
  }
}

/** A timestamp for file names: 2025-01-15T12-00-00-000Z. */
function stamp(d = new Date()): string {
  return d.toISOString().replace(/[:.]/g, '-');
}

function isReservation(v: unknown): v is QuotaReservationRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.pid === 'number' &&
    typeof r.host === 'string' &&
    typeof r.at === 'number' &&
    typeof r.counts === 'object' &&
    r.counts !== null &&
    Object.values(r.counts).every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0)
  );
}

/**
 * Reads the file's data: counts (`"quota:<provider>:<account>:<YYYY-MM>": n`, the format of every version) and
 * `"reservations"`. Undefined when the file is not quota data (then it is kept aside); a missing file is empty data.
 */
export function parseQuotaFile(text: string): QuotaData | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const data: QuotaData = { counts: {}, reservations: {} };
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (k === 'reservations') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
      for (const [id, r] of Object.entries(v)) {
        if (!isReservation(r)) return undefined;
        data.reservations[id] = r;
      }
    } else if (k.startsWith('quota:')) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return undefined;
      data.counts[k] = v;
    } else if (k !== 'version') return undefined;
  }
  return data;
}

export interface JsonFileQuotaStoreOptions {
  /** A warning for the user (a corrupt file put aside, a broken lock). */
  warn?: (message: string) => void;
  lockTimeoutMs?: number;
  staleLockMs?: number;
}

export class JsonFileQuotaStore implements QuotaStore {
  private readonly lockFile: string;
  private readonly warn: (message: string) => void;

  constructor(
    readonly file: string,
    private readonly options: JsonFileQuotaStoreOptions = {},
  ) {
    this.lockFile = `${file}.lock`;
    this.warn = options.warn ?? (() => undefined);
  }

  /** The data on disk (read without the lock: a rename makes every write whole). A corrupt file reads as empty here. */
  private readNow(): QuotaData {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      return { counts: {}, reservations: {} };
    }
    return parseQuotaFile(text) ?? { counts: {}, reservations: {} };
  }

  get(key: string): number | undefined {
    return this.readNow().counts[key];
  }

  async set(key: string, value: number): Promise<void> {
    await this.transact((data) => {
      data.counts[key] = value;
    });
  }

  async transact<T>(change: (data: QuotaData) => T): Promise<T> {
    const token = await this.lock();
    try {
      const data = await this.readLocked();
      const result = change(data);
      await this.write(data);
      return result;
    } finally {
      this.unlock(token);
    }
  }

  /** Under the lock: the data, or, for a file that is not quota data, empty data after keeping the file aside. */
  private async readLocked(): Promise<QuotaData> {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { counts: {}, reservations: {} };
      throw new Error(
        `the quota file ${this.file} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        { cause: e },
      );
    }
    const data = parseQuotaFile(text);
    if (data) return data;
    const aside = `${this.file}.corrupt-${stamp()}`;
    fs.renameSync(this.file, aside);
    await fsyncDir(path.dirname(this.file));
    this.warn(
      `the quota file ${this.file} is not quota data (${text.length === 0 ? 'it is empty' : 'it does not parse as counts'}); it was kept as ${aside} and counting starts again from 0. The purges it counted this month are not counted now: check that file, and restore the counts if they matter.`,
    );
    return { counts: {}, reservations: {} };
  }

  /**
   * Writes the data whole (a temporary file, synced, renamed over the file, the folder synced). Asynchronous on
   * purpose: a sync fsync held the event loop for each write, so no other count could join the next write while
   * one was on the disk (2,000 purges made 1,987 writes and spent 2.2 s of the run in fsync; issue 14).
   */
  private async write(data: QuotaData): Promise<void> {
    const dir = path.dirname(this.file);
    fs.mkdirSync(dir, { recursive: true });
    // A count of 0 (a purge counted before it was sent, then given back) is the same as none: not written.
    const out: Record<string, unknown> = Object.fromEntries(Object.entries(data.counts).filter(([, n]) => n !== 0));
    if (Object.keys(data.reservations).length) out.reservations = data.reservations;
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fh = await fs.promises.open(tmp, 'w');
    try {
      await fh.writeFile(`${JSON.stringify(out, null, 2)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(tmp, this.file);
    await fsyncDir(dir);
  }

  private readOwner(): LockOwner | undefined {
    try {
      const v = JSON.parse(fs.readFileSync(this.lockFile, 'utf8')) as LockOwner;
      return typeof v.pid === 'number' && typeof v.token === 'string' ? v : undefined;
    } catch {
      return undefined;
    }
  }

  /** Takes the lock (O_EXCL create); returns its token. Waits for a live holder; breaks a dead or stale one. */
  private async lock(): Promise<string> {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const token = randomBytes(8).toString('hex');
    const owner: LockOwner = { pid: process.pid, host: os.hostname(), at: Date.now(), token };
    const deadline = Date.now() + (this.options.lockTimeoutMs ?? LOCK_TIMEOUT_MS);
    let wait = 2;
    for (;;) {
      try {
        const fd = fs.openSync(this.lockFile, 'wx');
        try {
          // Not fsynced: after a crash of the machine a lock is stale anyway (its process is gone).
          fs.writeSync(fd, JSON.stringify(owner));
        } finally {
          fs.closeSync(fd);
        }
        return token;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new Error(
            `cannot lock the quota file ${this.file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
            { cause: e },
          );
        }
      }
      const held = this.readOwner();
      const stale =
        held === undefined
          ? this.lockAge() > (this.options.staleLockMs ?? STALE_LOCK_MS)
          : (held.host === owner.host && !pidAlive(held.pid)) ||
            Date.now() - held.at > (this.options.staleLockMs ?? STALE_LOCK_MS);
      if (stale) {
        this.breakLock(held);
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `the quota file ${this.file} is locked${held ? ` by process ${held.pid} on ${held.host}` : ''} and was not released within ${Math.round((this.options.lockTimeoutMs ?? LOCK_TIMEOUT_MS) / 1000)} s; if no cdn-purge runs, remove ${this.lockFile}`,
        );
      }
      await sleep(wait + Math.floor(Math.random() * wait));
      wait = Math.min(50, wait * 2);
    }
  }

  private lockAge(): number {
    try {
      return Date.now() - fs.statSync(this.lockFile).mtimeMs;
    } catch {
      return 0;
    }
  }

  /**
   * Removes a lock judged dead: renamed aside first, and put back if what was renamed is not the lock judged dead
   * (another process broke it and took a new one in between).
   */
  private breakLock(judged: LockOwner | undefined): void {
    const aside = `${this.lockFile}.broken-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      fs.renameSync(this.lockFile, aside);
    } catch {
      return; // gone already
    }
    let taken: LockOwner | undefined;
    try {
      taken = JSON.parse(fs.readFileSync(aside, 'utf8')) as LockOwner;
    } catch {
      taken = undefined;
    }
    if (judged !== undefined && taken?.token !== judged.token) {
      // Not the one judged dead: put it back unless a new lock exists already.
      try {
        fs.linkSync(aside, this.lockFile);
      } catch {
        // a new lock was taken meanwhile; that one stands
      }
      fs.rmSync(aside, { force: true });
      return;
    }
    fs.rmSync(aside, { force: true });
    this.warn(
      `the quota file's lock ${this.lockFile} was left by ${judged ? `process ${judged.pid} on ${judged.host}, which has ended or hung` : 'an unknown process'}; it was removed.`,
    );
  }

  private unlock(token: string): void {
    if (this.readOwner()?.token === token) fs.rmSync(this.lockFile, { force: true });
  }
}
