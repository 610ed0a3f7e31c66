// The emulator's options, their defaults, and their validation. Validation errors say what was wrong and what to do,
// and never contain a key.

import { DEFAULT_IMAGEKIT_TEST_KEY, IMAGEKIT_MONTHLY_LIMIT, imagekit } from '../core/providers/imagekit';
import { DEFAULT_IMGIX_TEST_KEY, imgix } from '../core/providers/imgix';
import type { ProviderId } from '../core/providers/types';
import { isLoopbackHost } from '../core/url';
import { systemClock, type Clock } from './clock';
import type { LogEntry } from './log';

/** Public test keys: documented, printed by `cdn-purge emulator`, accepted when no key is given. Not secrets. */
export { DEFAULT_IMAGEKIT_TEST_KEY, DEFAULT_IMGIX_TEST_KEY };

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_STATUS_DELAY_MS = 2000;
export const DEFAULT_QUOTA = IMAGEKIT_MONTHLY_LIMIT;
export const DEFAULT_IMGIX_DUPLICATE_WINDOW_MS = 10_000;
export const DEFAULT_IMGIX_PURGE_DELAY_MS = 1000;
export const DEFAULT_MAX_LOG_ENTRIES = 1000;
/** ImageKit documents its rate-limit headers but no figure for the purge endpoint: this default is the emulator's. */
export const DEFAULT_IMAGEKIT_RATE = 10;
export const DEFAULT_IMAGEKIT_RATE_INTERVAL_MS = 1000;
/** imgix's documented purge limit: "purge asset | 10 per second". */
export const DEFAULT_IMGIX_RATE = 10;

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Loopback only: 127.0.0.1 (default), another 127.x.y.z, ::1 or localhost. Anything else is refused. */
  host?: string;
  /** The ImageKit private key to accept (default DEFAULT_IMAGEKIT_TEST_KEY). */
  imagekitKey?: string;
  /** The imgix API key to accept (default DEFAULT_IMGIX_TEST_KEY). */
  imgixKey?: string;
  /** Keys of other emulated providers (registerEmulatedProvider), by id; default: their plugin's emulator test key. */
  keys?: Record<ProviderId, string>;
  /** ImageKit URL endpoints for the core's checker; none = any https://ik.imagekit.io/<imagekitId>/... */
  imagekitEndpoints?: readonly string[];
  /** An ImageKit purge reports Pending for this long, then Completed (and takes effect on the CDN). */
  statusDelayMs?: number;
  /** ImageKit purge requests accepted per UTC month (default 1000). */
  quota?: number;
  /** Added before every response of the emulated services (APIs and CDN; not the control API). */
  latencyMs?: number;
  /** Sets both providers' limits at once (requests per second); 0 = unlimited. imagekitRate / imgixRate win. */
  rate?: number;
  /** ImageKit API requests per imagekitRateIntervalMs, per endpoint (default 10; 0 = unlimited, no rate headers). */
  imagekitRate?: number;
  /** The interval of the ImageKit limit, in ms (default 1000), sent as X-RateLimit-Interval. */
  imagekitRateIntervalMs?: number;
  /** imgix purges a second (default 10, as documented; 0 = unlimited). */
  imgixRate?: number;
  /** imgix: the same URL purged again within this window gets 409 (default 10 s). */
  imgixDuplicateWindowMs?: number;
  /** imgix: how long after its 200 a purge takes effect on the CDN (default 1 s). */
  imgixPurgeDelayMs?: number;
  /** The only source of randomness (request ids). Without it ids come from a counter. */
  seed?: number;
  /** Logical time (see clock.ts); the system clock by default. */
  clock?: Clock;
  /** Called with each request log entry as it is recorded (the CLI's --log). */
  onRequest?: (entry: LogEntry) => void;
  /** The request log keeps the last N entries (default 1000). */
  maxLogEntries?: number;
}

export interface KeySetting {
  value: string;
  /** True when the key was given (not the default test key): it is then never echoed. */
  custom: boolean;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  /** The key each emulated provider accepts, by provider id. */
  keys: Record<ProviderId, KeySetting>;
  imagekitEndpoints: readonly string[];
  statusDelayMs: number;
  quota: number;
  latencyMs: number;
  imagekitRate: number;
  imagekitRateIntervalMs: number;
  imgixRate: number;
  imgixDuplicateWindowMs: number;
  imgixPurgeDelayMs: number;
  seed: number | undefined;
  clock: Clock;
  onRequest: ((entry: LogEntry) => void) | undefined;
  maxLogEntries: number;
}

export class EmulatorOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmulatorOptionError';
  }
}

/** True for the hosts the emulator may bind: 127.0.0.0/8, ::1, localhost (the core's own notion of loopback). */
export function isLoopbackBindHost(host: string): boolean {
  return isLoopbackHost(host.trim());
}

export function assertLoopbackHost(host: string): string {
  const h = host.trim().replace(/^\[|\]$/g, '');
  if (!isLoopbackBindHost(h)) {
    throw new EmulatorOptionError(
      `Refusing to listen on "${host}": the emulator binds to loopback only (127.0.0.1, ::1 or localhost), because it accepts public test keys and speaks plain http. Use --host 127.0.0.1.`,
    );
  }
  return h;
}

function wholeNumber(name: string, value: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new EmulatorOptionError(`${name} must be a whole number from 0 to ${max}, not ${String(value)}.`);
  }
  return value;
}

/** A key to accept; `basicAuth`: it travels as a Basic user name, which cannot hold ":". */
export function keySetting(name: string, value: string | undefined, fallback: string, basicAuth = false): KeySetting {
  if (value === undefined) return { value: fallback, custom: false };
  const v = value.trim();
  // The messages below describe the key; they never include it.
  if (v === '')
    throw new EmulatorOptionError(
      `${name} is empty. Give the key to accept, or leave it out to use the default test key.`,
    );
  if (!/^[\x21-\x7e]+$/.test(v))
    throw new EmulatorOptionError(`${name} contains spaces, control or non-ASCII characters; copy the key again.`);
  if (basicAuth && v.includes(':'))
    throw new EmulatorOptionError(`${name} contains ":", which Basic authentication cannot carry in a user name.`);
  return { value: v, custom: true };
}

export function resolveOptions(o: EmulatorOptions = {}): ResolvedOptions {
  const host = assertLoopbackHost(o.host ?? DEFAULT_HOST);
  if (o.seed !== undefined && (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff)) {
    throw new EmulatorOptionError(`seed must be a whole number from 0 to 4294967295, not ${String(o.seed)}.`);
  }
  return {
    port: wholeNumber('port', o.port, 0, 65535),
    host,
    keys: {
      ...Object.fromEntries(
        Object.entries(o.keys ?? {}).map(([id, k]) => [id, keySetting(`The ${id} key`, k, k)] as const),
      ),
      [imagekit.id]: keySetting(
        'The ImageKit key',
        o.imagekitKey ?? o.keys?.[imagekit.id],
        DEFAULT_IMAGEKIT_TEST_KEY,
        true,
      ),
      [imgix.id]: keySetting('The imgix key', o.imgixKey ?? o.keys?.[imgix.id], DEFAULT_IMGIX_TEST_KEY),
    },
    imagekitEndpoints: [...(o.imagekitEndpoints ?? [])],
    statusDelayMs: wholeNumber('statusDelayMs', o.statusDelayMs, DEFAULT_STATUS_DELAY_MS),
    quota: wholeNumber('quota', o.quota, DEFAULT_QUOTA),
    latencyMs: wholeNumber('latencyMs', o.latencyMs, 0, 600_000),
    imagekitRate: wholeNumber('imagekitRate', o.imagekitRate, wholeNumber('rate', o.rate, DEFAULT_IMAGEKIT_RATE)),
    imagekitRateIntervalMs:
      wholeNumber('imagekitRateIntervalMs', o.imagekitRateIntervalMs, DEFAULT_IMAGEKIT_RATE_INTERVAL_MS, 86_400_000) ||
      DEFAULT_IMAGEKIT_RATE_INTERVAL_MS,
    imgixRate: wholeNumber('imgixRate', o.imgixRate, wholeNumber('rate', o.rate, DEFAULT_IMGIX_RATE)),
    imgixDuplicateWindowMs: wholeNumber(
      'imgixDuplicateWindowMs',
      o.imgixDuplicateWindowMs,
      DEFAULT_IMGIX_DUPLICATE_WINDOW_MS,
    ),
    imgixPurgeDelayMs: wholeNumber('imgixPurgeDelayMs', o.imgixPurgeDelayMs, DEFAULT_IMGIX_PURGE_DELAY_MS),
    seed: o.seed,
    clock: o.clock ?? systemClock,
    onRequest: o.onRequest,
    maxLogEntries:
      wholeNumber('maxLogEntries', o.maxLogEntries, DEFAULT_MAX_LOG_ENTRIES, 1_000_000) || DEFAULT_MAX_LOG_ENTRIES,
  };
}
