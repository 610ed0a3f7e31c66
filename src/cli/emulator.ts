// `cdn-purge emulator`: runs the local emulator of the ImageKit and imgix purge APIs and their CDN until SIGINT
// (Ctrl-C, which src/cli.ts turns into io.signal) or SIGTERM. The first line printed is always
// `emulator listening on http://HOST:PORT`. The default test keys are public and printed by value; a key given
// by flag or environment is never printed (only that a custom key is set).

import { emulatedProvider } from '../core/emulator';
import { providerById, providers } from '../core/providers/registry';
import type { ProviderPlugin } from '../core/providers/types';
import type { LogEntry } from '../emulator/log';
import {
  DEFAULT_IMGIX_DUPLICATE_WINDOW_MS,
  DEFAULT_IMAGEKIT_RATE,
  DEFAULT_IMAGEKIT_RATE_INTERVAL_MS,
  DEFAULT_IMGIX_PURGE_DELAY_MS,
  DEFAULT_IMGIX_RATE,
  DEFAULT_QUOTA,
  DEFAULT_STATUS_DELAY_MS,
  EmulatorOptionError,
  type EmulatorOptions,
} from '../emulator/options';
import { startEmulator, type Emulator } from '../emulator/server';
import { redact } from '../core/redact';
import { nonNegativeInt, parse, str, type Options, type Parsed } from './args';
import { EXIT_OK, UsageError, writers, type CliIO } from './io';

export const DEFAULT_EMULATOR_PORT = 8787;

/** The emulator's options; each emulated provider's --<id>-key is added when parsing. */
export const EMULATOR_OPTIONS: Options = {
  port: { type: 'string' },
  host: { type: 'string' },
  'imagekit-endpoint': { type: 'string', multiple: true },
  'status-delay': { type: 'string' },
  quota: { type: 'string' },
  latency: { type: 'string' },
  rate: { type: 'string' },
  'imagekit-rate': { type: 'string' },
  'imagekit-rate-interval': { type: 'string' },
  'imgix-rate': { type: 'string' },
  'imgix-duplicate-window': { type: 'string' },
  'imgix-purge-delay': { type: 'string' },
  seed: { type: 'string' },
  log: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export const EMULATOR_HELP = `cdn-purge emulator [--port N] [--host 127.0.0.1] [--imagekit-key K] [--imgix-key K] [--status-delay MS]
                   [--quota N] [--latency MS] [--rate N] [--imagekit-rate N] [--imgix-rate N]
                   [--imagekit-endpoint URL]... [--seed N] [--log]

Runs a local emulator of the ImageKit and imgix purge APIs and of their CDN, on loopback, until Ctrl-C or SIGTERM.
Point the CLI or the extension at it with --api-base http://127.0.0.1:PORT: no account, no quota spent.
  --port N                  port (default ${DEFAULT_EMULATOR_PORT}; 0 picks a free one)
  --host H                  loopback address to bind: 127.0.0.1 (default), ::1 or localhost; nothing else
  --imagekit-key K          ImageKit private key to accept (else IMAGEKIT_PRIVATE_KEY, else the default test key)
  --imgix-key K             imgix API key to accept (else IMGIX_API_KEY, else the default test key)
                            (prefer the environment variables: command lines are visible to other users)
  --imagekit-endpoint URL   ImageKit URL endpoint (repeatable); default: any https://ik.imagekit.io/<id>/...
  --status-delay MS         ImageKit purges are Pending this long, then Completed (default ${DEFAULT_STATUS_DELAY_MS})
  --quota N                 ImageKit purge requests a month; past it 429 until next month (default ${DEFAULT_QUOTA})
  --imgix-duplicate-window MS   the same imgix URL again within it gets 409 (default ${DEFAULT_IMGIX_DUPLICATE_WINDOW_MS})
  --imgix-purge-delay MS    an imgix purge reaches the CDN this long after its 200 (default ${DEFAULT_IMGIX_PURGE_DELAY_MS})
  --latency MS              added to every response (default 0)
  --imagekit-rate N         ImageKit API requests per interval, per endpoint; past it 429; every answer has
                            X-RateLimit-Limit/-Interval/-Reset in ms as documented (default ${DEFAULT_IMAGEKIT_RATE}; 0 = none)
  --imagekit-rate-interval MS   that interval (default ${DEFAULT_IMAGEKIT_RATE_INTERVAL_MS})
  --imgix-rate N            imgix purges a second; past it 429 (default ${DEFAULT_IMGIX_RATE}, the documented limit; 0 = none)
  --rate N                  both at once (requests a second); --imagekit-rate and --imgix-rate win
  --seed N                  random request ids from this seed (default: ids from a counter, 0000...0001)
  --log                     print one line per request (never a key)
Assets: GET http://127.0.0.1:PORT/cdn/<host>/<path>[?query] serves https://<host>/<path>[?query].
Control: /_emulator/info, /_emulator/requests, /_emulator/faults, /_emulator/origin, /_emulator/reset.
Exit status: 0 stopped cleanly (130 after Ctrl-C), 1 could not start, 2 usage error.`;

interface KeyChoice {
  /** The key to pass on; undefined for the default test key. */
  key?: string;
  /** Where a given key came from (--imagekit-key, IMAGEKIT_PRIVATE_KEY...). */
  source?: string;
}

function keyFrom(values: Parsed['values'], flag: string, env: string, io: CliIO, testKey: string): KeyChoice {
  const fromFlag = str(values[flag])?.trim();
  const fromEnv = io.env[env]?.trim();
  const [key, source] = fromFlag ? [fromFlag, `--${flag}`] : fromEnv ? [fromEnv, env] : [undefined, undefined];
  if (key === undefined) return {};
  // The default test key given explicitly is still the default (public) key.
  return key === testKey ? { source } : { key, source };
}

function logLine(e: LogEntry): string {
  const status = e.status === null ? 'dropped' : String(e.status);
  return `${e.time}  ${e.method} ${e.path} -> ${status}  ${e.provider}${e.auth ? ` auth=${e.auth}` : ''}${e.fault ? ` fault=${e.fault}` : ''}`;
}

/** Resolves with the name of the signal that asked the emulator to stop. */
function untilStopped(io: CliIO): { stopped: Promise<string>; dispose: () => void } {
  let dispose = () => {};
  const stopped = new Promise<string>((resolve) => {
    const onTerm = () => resolve('SIGTERM');
    const onInt = () => resolve('SIGINT');
    process.on('SIGTERM', onTerm);
    // src/cli.ts handles SIGINT and aborts io.signal; without a signal (in-process use), listen for it here.
    if (!io.signal) process.on('SIGINT', onInt);
    const onAbort = () => resolve('SIGINT');
    if (io.signal?.aborted) resolve('SIGINT');
    io.signal?.addEventListener('abort', onAbort, { once: true });
    dispose = () => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      io.signal?.removeEventListener('abort', onAbort);
    };
  });
  return { stopped, dispose };
}

/** The providers the emulator emulates, each with its --<id>-key flag. */
function emulated(): Array<ProviderPlugin & { emulator: { testKey: string } }> {
  return providers().filter((p): p is ProviderPlugin & { emulator: { testKey: string } } => p.emulator !== undefined);
}

export async function emulatorCommand(argv: string[], io: CliIO): Promise<number> {
  const keyFlags: Options = Object.fromEntries(emulated().map((p) => [`${p.id}-key`, { type: 'string' }]));
  const { values, positionals } = parse(argv, { ...keyFlags, ...EMULATOR_OPTIONS });
  const keys = new Map(
    emulated().map((p) => [p.id, keyFrom(values, `${p.id}-key`, p.key.env, io, p.emulator.testKey)] as const),
  );
  const base = writers(io);
  // writers() redacts the keys found in the environment; keys given as flags are redacted here as well.
  const flagKeys = emulated().map((p) => str(values[`${p.id}-key`]));
  const out = (line: string) => base.out(redact(line, flagKeys));
  if (values.help) {
    out(EMULATOR_HELP);
    return EXIT_OK;
  }
  if (positionals.length)
    throw new UsageError(`Unexpected argument "${redact(positionals[0], flagKeys)}": the emulator takes options only.`);
  const options: EmulatorOptions = {
    port: nonNegativeInt(values.port, '--port') ?? DEFAULT_EMULATOR_PORT,
    host: str(values.host),
    keys: Object.fromEntries([...keys].flatMap(([id, k]) => (k.key !== undefined ? [[id, k.key]] : []))),
    imagekitEndpoints: (values['imagekit-endpoint'] as string[] | undefined) ?? [],
    statusDelayMs: nonNegativeInt(values['status-delay'], '--status-delay'),
    quota: nonNegativeInt(values.quota, '--quota'),
    latencyMs: nonNegativeInt(values.latency, '--latency'),
    rate: nonNegativeInt(values.rate, '--rate'),
    imagekitRate: nonNegativeInt(values['imagekit-rate'], '--imagekit-rate'),
    imagekitRateIntervalMs: nonNegativeInt(values['imagekit-rate-interval'], '--imagekit-rate-interval'),
    imgixRate: nonNegativeInt(values['imgix-rate'], '--imgix-rate'),
    imgixDuplicateWindowMs: nonNegativeInt(values['imgix-duplicate-window'], '--imgix-duplicate-window'),
    imgixPurgeDelayMs: nonNegativeInt(values['imgix-purge-delay'], '--imgix-purge-delay'),
    seed: nonNegativeInt(values.seed, '--seed'),
    ...(values.log ? { onRequest: (e: LogEntry) => out(logLine(e)) } : {}),
  };

  const { stopped, dispose } = untilStopped(io);
  let emulator: Emulator;
  try {
    emulator = await startEmulator(options);
  } catch (e) {
    dispose();
    if (e instanceof EmulatorOptionError) throw new UsageError(e.message);
    throw e;
  }
  const info = emulator.info();
  out(`emulator listening on ${emulator.url}`);
  const keyLine = (label: string, env: string, k: KeyChoice, testKey: string | undefined) =>
    k.key !== undefined
      ? `${label} accepts the custom key from ${k.source} (not shown)`
      : k.source === env
        ? `${label} accepts the default test key (the value of ${env})`
        : `${label} accepts the default test key: ${env}=${testKey ?? ''}`;
  const served = (info.providers ?? []).flatMap((id) => {
    const p = providerById(id);
    const entry = emulatedProvider(info, id);
    return p && entry ? [{ p, entry }] : [];
  });
  const width = Math.max(...served.map(({ p }) => p.label.length));
  for (const { p, entry } of served)
    out(keyLine(p.label.padEnd(width), p.key.env, keys.get(p.id) ?? {}, entry.testKey));
  const paths = served.flatMap(({ entry }) => [entry.purge, ...(entry.status ? [entry.status] : [])]);
  out(`API base ${emulator.url} for ${served.length === 2 ? 'both' : 'all'}: ${paths.join(', ')}`);
  out(`CDN      ${emulator.url}/cdn/<host>/<path>[?query], e.g. ${info.cdn.example}`);
  out(`Control  ${emulator.url}/_emulator/info (also requests, faults, origin, reset)`);
  out(
    `Settings ${served.map(({ p, entry }) => `${p.label} ${entry.summary}`).join('; ')}; latency ${info.latencyMs} ms${info.seed !== null ? `; seed ${info.seed}` : ''}`,
  );
  out('Stop with Ctrl-C.');
  const signal = await stopped;
  dispose();
  await emulator.close();
  out(`emulator stopped (${signal})`);
  return EXIT_OK;
}
