// Helpers for the emulator's tests: plain HTTP calls with undici `request`, and the two providers' purge requests
// written out by hand (not through the core), so the tests check the wire format itself. `authorization: null`
// sends no Authorization header.
import { request } from 'undici';
import {
  DEFAULT_IMAGEKIT_TEST_KEY,
  DEFAULT_IMGIX_TEST_KEY,
  ManualClock,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
} from '../../src/emulator';

/**
 * Registers hooks in the enclosing describe: a fresh ManualClock before each test, and every emulator started with
 * `start` closed after it. Defaults for tests: status delay 1 s, imgix purge delay 0.5 s (on the manual clock).
 */
export function emulatorFixture(): {
  start: (options?: EmulatorOptions) => Promise<Emulator>;
  readonly clock: ManualClock;
} {
  const running: Emulator[] = [];
  let clock = new ManualClock();
  beforeEach(() => {
    clock = new ManualClock(Date.UTC(2025, 0, 15, 12, 0, 0));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.close()));
  });
  return {
    async start(options: EmulatorOptions = {}) {
      const e = await startEmulator({ clock, statusDelayMs: 1000, imgixPurgeDelayMs: 500, ...options });
      running.push(e);
      return e;
    },
    get clock() {
      return clock;
    },
  };
}

export interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: any;
}

export interface CallOptions {
  headers?: Record<string, string>;
  body?: string | object;
  headersTimeout?: number;
}

export async function call(base: string, method: string, path: string, opts: CallOptions = {}): Promise<Res> {
  const body =
    opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const res = await request(`${base}${path}`, {
    method: method as 'GET',
    headers: opts.headers,
    body,
    ...(opts.headersTimeout ? { headersTimeout: opts.headersTimeout } : {}),
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

export function basic(user: string, password = ''): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export const IK_AUTH = basic(DEFAULT_IMAGEKIT_TEST_KEY);
export const IX_AUTH = `Bearer ${DEFAULT_IMGIX_TEST_KEY}`;

export function ikPurge(base: string, url: string, authorization: string | null = IK_AUTH): Promise<Res> {
  return call(base, 'POST', '/v1/files/purge', {
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: { url },
  });
}

export function ikStatus(base: string, requestId: string, authorization: string | null = IK_AUTH): Promise<Res> {
  return call(base, 'GET', `/v1/files/purge/${requestId}`, { headers: authorization ? { authorization } : {} });
}

export function ixPurge(
  base: string,
  url: string,
  extra: Record<string, unknown> = {},
  authorization: string | null = IX_AUTH,
): Promise<Res> {
  return call(base, 'POST', '/api/v1/purge', {
    headers: { 'content-type': 'application/vnd.api+json', ...(authorization ? { authorization } : {}) },
    body: { data: { type: 'purges', attributes: { url, ...extra } } },
  });
}

/** GET an asset from the emulator's CDN; `version` is the number drawn in the image (v1, v2...). */
export async function asset(
  base: string,
  cdnUrl: string,
  headers: Record<string, string> = {},
): Promise<Res & { version?: number; etag?: string }> {
  const m = /^https?:\/\/(.*)$/.exec(cdnUrl);
  const res = await call(base, 'GET', `/cdn/${m ? m[1] : cdnUrl}`, { headers });
  const v = /font-weight="bold" fill="#fff">v(\d+)</.exec(res.text);
  const etag = typeof res.headers.etag === 'string' ? res.headers.etag : undefined;
  return { ...res, version: v ? Number(v[1]) : undefined, etag };
}

export function control(base: string, method: string, name: string, body?: object): Promise<Res> {
  return call(
    base,
    method,
    `/_emulator/${name}`,
    body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body },
  );
}

/** The one sleep (src/core/pacing.ts). */
export { sleep } from '../../src/core/pacing';
