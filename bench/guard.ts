// Preloaded (`node -r out/bench/guard.js`) into the bench and into every client process it starts (our CLI and the
// SDK loops alike, so no client's code path changes):
// - refuses any TCP connection to a host other than loopback (127.0.0.0/8, ::1, localhost) and records the
//   attempt, so the bench can assert that it sent traffic only to loopback;
// - at exit, writes the process's peak resident set size (maxRSS) and the attempts to BENCH_GUARD_FILE.

import fs from 'node:fs';
import net from 'node:net';

export function isLoopback(host: string | undefined): boolean {
  if (host === undefined || host === '' || host === 'localhost') return true;
  const h = host.replace(/^\[|\]$/g, '');
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::1' || /^::ffff:127\./i.test(h);
}

const refused: string[] = [];
let connections = 0;

/** The host of a Socket#connect call, in each of its forms (options, [options, cb] as net.connect passes it, port+host). */
function hostOf(args: unknown[]): string | undefined | null {
  let a = args[0];
  if (Array.isArray(a)) a = a[0];
  if (a && typeof a === 'object') {
    const o = a as { host?: string; path?: string };
    if (o.path) return null; // a Unix socket: local by definition
    return o.host;
  }
  if (typeof a === 'number' || (typeof a === 'string' && /^\d+$/.test(a)))
    return typeof args[1] === 'string' ? args[1] : undefined;
  return null;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  const host = hostOf(args);
  if (host !== null) {
    connections++;
    if (!isLoopback(host)) {
      refused.push(String(host));
      throw new Error(`bench guard: connection to ${String(host)} refused (the benchmark sends only to loopback)`);
    }
  }
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
};

const file = process.env.BENCH_GUARD_FILE;
if (file)
  process.on('exit', () => {
    fs.writeFileSync(file, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, connections, refused }));
  });

export function guardReport(): { connections: number; refused: string[] } {
  return { connections, refused: [...refused] };
}
