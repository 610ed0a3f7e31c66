// Process and port helpers for the runner, `npm start` and `npm run screenshots`: every long-lived child is spawned
// detached (its own process group, so its own children - the extension host, watchers, renderers - share it) and
// is ended by signalling that group, never by name.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

/**
 * A free TCP port on 127.0.0.1 (there is a small window before the caller binds it).
 * @returns {Promise<number>}
 */
function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, host, () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

/** Whether something listens on host:port. */
function portInUse(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A child process that remembers how it ended.
 * @typedef {import('node:child_process').ChildProcess & {exitInfo?: {code: number | null, signal: NodeJS.Signals | null}}} TrackedChild
 */

/**
 * Keeps track of the process groups started by this process and ends them all: SIGTERM, a grace period, SIGKILL.
 * `killAllSync` is for process 'exit' handlers (no awaiting there).
 */
class ProcessGroups {
  /** @param {(message: string) => void} [log] */
  constructor(log = () => {}) {
    this.groups = new Map(); // pgid -> name
    this.log = log;
  }

  /** Spawns `cmd` detached (a new process group) and remembers the group. */
  /**
   * @param {string} name
   * @param {string} cmd
   * @param {readonly string[]} args
   * @param {import('node:child_process').SpawnOptions} [opts]
   * @returns {TrackedChild}
   */
  spawn(name, cmd, args, opts = {}) {
    const child = /** @type {TrackedChild} */ (spawn(cmd, args, { ...opts, detached: true }));
    if (child.pid) this.groups.set(child.pid, name);
    child.once('exit', (code, signal) => {
      child.exitInfo = { code, signal };
    });
    return child;
  }

  alive(pgid) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** Ends one group (by its leader's pid). */
  async kill(pgid, graceMs = 2000) {
    if (!this.groups.has(pgid)) return;
    const name = this.groups.get(pgid);
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    for (let waited = 0; waited < graceMs && this.alive(pgid); waited += 100) await sleep(100);
    if (this.alive(pgid)) {
      this.log(`${name} (process group ${pgid}) still alive after SIGTERM: SIGKILL`);
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* gone */
      }
      for (let waited = 0; waited < 2000 && this.alive(pgid); waited += 100) await sleep(100);
    }
    this.groups.delete(pgid);
  }

  async killAll(graceMs) {
    // Newest first: the browser before code-server before the emulator.
    for (const pgid of [...this.groups.keys()].reverse()) await this.kill(pgid, graceMs);
  }

  killAllSync() {
    for (const pgid of this.groups.keys()) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    this.groups.clear();
  }
}

/**
 * Resolves with the first regexp match in a child's stdout/stderr; rejects on exit or timeout.
 * @param {import('node:child_process').ChildProcess} child
 * @param {RegExp} regex
 * @param {{timeoutMs?: number, name?: string, logFile?: string}} [o]
 * @returns {Promise<RegExpMatchArray>}
 */
function waitForOutput(child, regex, { timeoutMs = 60000, name = 'process', logFile } = {}) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d) => {
      buf += d.toString();
      if (buf.length > 200000) buf = buf.slice(-100000);
      const m = buf.match(regex);
      if (m) {
        done();
        resolve(m);
      }
    };
    const onExit = (code, signal) => {
      done();
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${buf.trim().slice(-2000)}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${name} was not ready after ${timeoutMs / 1000}s:\n${buf.trim().slice(-2000)}`));
    }, timeoutMs);
    const streams = /** @type {import('node:stream').Readable[]} */ ([child.stdout, child.stderr].filter(Boolean));
    function done() {
      clearTimeout(timer);
      for (const s of streams) s.off('data', onData);
      child.off('exit', onExit);
    }
    for (const s of streams) s.on('data', onData);
    child.once('exit', onExit);
    if (logFile) {
      const out = fs.createWriteStream(logFile, { flags: 'a' });
      for (const s of streams) s.pipe(out);
    }
  });
}

/**
 * Polls an http URL until it answers 2xx.
 * @param {string} url
 * @param {{timeoutMs?: number, isAlive?: () => boolean, name?: string}} [o]
 */
async function waitForHttp(url, { timeoutMs = 60000, isAlive = () => true, name = url } = {}) {
  const t0 = Date.now();
  for (;;) {
    if (!isAlive()) throw new Error(`${name} exited before it answered ${url}`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`${name} did not answer ${url} within ${timeoutMs / 1000}s`);
    await sleep(150);
  }
}

/**
 * Processes whose command line mentions `marker` (a unique throw-away folder of this run). Chromium's crashpad
 * handlers detach into their own sessions, outside the browser's process group; they name the profile folder in
 * their arguments, so they can be told apart from anyone else's processes without matching a program name.
 */
function processesMentioning(marker) {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    if (+pid === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(marker)) found.push(+pid);
    } catch {
      /* gone or not ours to read */
    }
  }
  return found;
}

/**
 * Waits for the processes that mention `marker` to end (they do once their parent is gone); SIGKILLs the rest.
 * @param {string} marker
 * @param {{waitMs?: number, log?: (message: string) => void}} [o]
 * @returns {Promise<number[]>}
 */
async function reapStragglers(marker, { waitMs = 5000, log = () => {} } = {}) {
  if (!marker || process.platform !== 'linux') return [];
  let left = processesMentioning(marker);
  for (let waited = 0; left.length && waited < waitMs; waited += 200) {
    await sleep(200);
    left = processesMentioning(marker);
  }
  for (const pid of left) {
    log(`process ${pid} (started for this run) still alive: SIGKILL`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  return left;
}

/** Makes `dir/name` (and parents) and returns it. */
function mkdirp(...parts) {
  const p = path.join(...parts);
  fs.mkdirSync(p, { recursive: true });
  return p;
}

module.exports = {
  freePort,
  portInUse,
  sleep,
  ProcessGroups,
  waitForOutput,
  waitForHttp,
  mkdirp,
  processesMentioning,
  reapStragglers,
};
