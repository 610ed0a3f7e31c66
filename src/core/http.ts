// The HTTP client for both providers, on undici with an injected dispatcher (a keep-alive Agent by default; a
// ProxyAgent or a MockAgent can be passed in). Per attempt timeout, cancellation by AbortSignal, bounded
// concurrency and pacing per lane (one lane per provider and API base), and retries through undici's own
// RetryAgent with a retry policy of ours: backoff with jitter, Retry-After (seconds or date) and
// X-RateLimit-Reset honoured, on 429, 5xx and network errors, never on other 4xx. The only module that
// imports undici; load it lazily with `await import('./http')`.

import { Agent, RetryAgent, request, type Dispatcher } from 'undici';
import type { HttpRequestSpec } from './provider';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff; doubled each retry, capped at maxDelayMs, with jitter. */
  minDelayMs: number;
  maxDelayMs: number;
  /** The longest server-requested wait (Retry-After, X-RateLimit-Reset) we sit through; longer means give up. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, minDelayMs: 250, maxDelayMs: 8000, maxWaitMs: 60_000 };
export const RETRY_STATUS: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);
export const RETRY_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ENOTFOUND',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export interface HttpClientOptions {
  /** Where requests go; the client never closes a dispatcher it was given. */
  dispatcher?: Dispatcher;
  /** Per attempt: time to the response headers, and between body chunks. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Requests in flight at once per lane. */
  concurrency?: number;
  /** Request starts per second per lane (retries included); 0 = no pacing. */
  ratePerSecond?: number;
  /** Responses larger than this are cut off with an error. */
  maxBodyBytes?: number;
  /** For jitter; Math.random by default. Tests pass a fixed one. */
  random?: () => number;
  onEvent?: (e: HttpEvent) => void;
}

export type HttpEvent =
  | { type: 'retry'; lane: string; method: string; url: string; attempt: number; reason: string; delayMs: number }
  | { type: 'response'; lane: string; method: string; url: string; status: number; ms: number; attempts: number }
  | { type: 'error'; lane: string; method: string; url: string; code: HttpErrorCode; message: string; ms: number; attempts: number };

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
  /** 1 + the retries it took. */
  attempts: number;
}

export type HttpErrorCode = 'aborted' | 'timeout' | 'network' | 'too-large';

export class HttpError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface SendOptions {
  /** Requests in one lane share its concurrency and pacing (e.g. 'imagekit'). */
  lane: string;
  signal?: AbortSignal;
}

/** Resolves after `ms`, or rejects when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError());
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(): Error {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const v = headers?.[name];
  return Array.isArray(v) ? String(v[0]) : typeof v === 'string' ? v : undefined;
}

/**
 * How long the server asked us to wait, in ms: Retry-After (delta seconds or an HTTP date) or X-RateLimit-Reset
 * (epoch seconds when it is that large, else seconds from now). The longer of the two; undefined when neither.
 */
export function serverDelayMs(headers: Record<string, unknown> | undefined, now = Date.now()): number | undefined {
  const waits: number[] = [];
  const ra = header(headers, 'retry-after')?.trim();
  if (ra) {
    if (/^\d+(\.\d+)?$/.test(ra)) waits.push(Number(ra) * 1000);
    else {
      const t = Date.parse(ra);
      if (!Number.isNaN(t)) waits.push(t - now);
    }
  }
  const reset = header(headers, 'x-ratelimit-reset')?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) {
    const n = Number(reset);
    waits.push(n > 1e9 ? n * 1000 - now : n * 1000);
  }
  return waits.length ? Math.max(0, ...waits) : undefined;
}

/** Backoff before retry number `attempt` (1-based): exponential, capped, with "equal jitter" (half fixed, half random). */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const exp = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/** Concurrency slots and start pacing for one lane. */
class Lane {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private nextStart = 0;
  private pausedUntil = 0;

  constructor(
    private readonly concurrency: number,
    private readonly intervalMs: number,
  ) {}

  async acquire(signal?: AbortSignal): Promise<void> {
    while (this.active >= this.concurrency) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const i = this.waiting.indexOf(go);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(abortError());
        };
        const go = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        if (signal?.aborted) return reject(abortError());
        this.waiting.push(go);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    this.active++;
    try {
      await this.pace(signal);
    } catch (e) {
      this.release();
      throw e;
    }
  }

  release(): void {
    this.active--;
    this.waiting.shift()?.();
  }

  /** Waits for this lane's next start slot (and any pause a 429 asked for). */
  async pace(signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.nextStart, this.pausedUntil);
    this.nextStart = at + this.intervalMs;
    if (at > now) await sleep(at - now, signal);
  }

  pauseUntil(t: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, t);
  }
}

export class HttpClient {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly lanes = new Map<string, Lane>();
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly random: () => number;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher = options.dispatcher ?? new Agent({ connections: 16, keepAliveTimeout: 10_000, pipelining: 1 });
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.random = options.random ?? Math.random;
  }

  private lane(name: string): Lane {
    let lane = this.lanes.get(name);
    if (!lane) {
      const rate = this.options.ratePerSecond ?? 0;
      lane = new Lane(Math.max(1, this.options.concurrency ?? 4), rate > 0 ? 1000 / rate : 0);
      this.lanes.set(name, lane);
    }
    return lane;
  }

  async send(spec: HttpRequestSpec, { lane: laneName, signal }: SendOptions): Promise<HttpResponse> {
    const lane = this.lane(laneName);
    const emit = this.options.onEvent ?? (() => {});
    const started = Date.now();
    let attempts = 1;
    const fail = (code: HttpErrorCode, message: string): HttpError => {
      emit({ type: 'error', lane: laneName, method: spec.method, url: spec.url, code, message, ms: Date.now() - started, attempts });
      return new HttpError(code, message, attempts);
    };
    // Waiting for a slot or a start time only fails when cancelled: report it like any other cancellation.
    try {
      await lane.acquire(signal);
    } catch {
      throw fail('aborted', 'Cancelled.');
    }
    try {
      const retrying = new RetryAgent(this.dispatcher, {
        throwOnError: false,
        methods: ['GET', 'HEAD', 'POST'],
        maxRetries: this.policy.maxRetries,
        statusCodes: [...RETRY_STATUS],
        errorCodes: [...RETRY_ERROR_CODES],
        retry: (err, { state }, cb) => {
          const e = err as Error & { statusCode?: number; code?: string; headers?: Record<string, unknown> };
          const status = e.code === 'UND_ERR_REQ_RETRY' ? e.statusCode : undefined;
          const retryable = status !== undefined ? RETRY_STATUS.has(status) : e.code !== undefined && RETRY_ERROR_CODES.has(e.code);
          if (signal?.aborted || !retryable || state.counter > this.policy.maxRetries) return cb(err);
          const asked = status !== undefined ? serverDelayMs(e.headers) : undefined;
          if (asked !== undefined && asked > this.policy.maxWaitMs) return cb(err);
          const delayMs =
            asked !== undefined ? asked + Math.round(this.random() * Math.min(1000, asked * 0.1)) : backoffMs(state.counter, this.policy, this.random);
          if (status === 429) lane.pauseUntil(Date.now() + delayMs);
          emit({ type: 'retry', lane: laneName, method: spec.method, url: spec.url, attempt: state.counter, reason: status ? `HTTP ${status}` : (e.code ?? e.message), delayMs });
          sleep(delayMs, signal)
            .then(() => lane.pace(signal))
            .then(
              () => {
                attempts++;
                cb(null);
              },
              () => cb(err),
            );
        },
      });
      const res = await request(spec.url, {
        method: spec.method,
        headers: spec.headers,
        body: spec.body,
        dispatcher: retrying,
        signal,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += chunk.length;
        if (size > this.maxBodyBytes) {
          res.body.destroy();
          throw fail('too-large', `The response from ${new URL(spec.url).host} was larger than ${this.maxBodyBytes} bytes; it was cut off.`);
        }
        chunks.push(chunk);
      }
      if (signal?.aborted) throw abortError();
      const ms = Date.now() - started;
      emit({ type: 'response', lane: laneName, method: spec.method, url: spec.url, status: res.statusCode, ms, attempts });
      return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms, attempts };
    } catch (err) {
      if (err instanceof HttpError) throw err;
      const e = err as Error & { code?: string };
      const host = new URL(spec.url).host;
      if (signal?.aborted || e.name === 'AbortError' || e.code === 'UND_ERR_ABORTED') throw fail('aborted', 'Cancelled.');
      if (e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT' || e.code === 'UND_ERR_CONNECT_TIMEOUT') {
        throw fail('timeout', `${host} did not answer within ${this.timeoutMs / 1000}s (${attempts} attempt${attempts > 1 ? 's' : ''}). Check the network, or raise the timeout.`);
      }
      const why = e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'ENOTFOUND' ? 'host not found' : (e.code ?? e.message);
      throw fail('network', `Could not reach ${host}: ${why} (${attempts} attempt${attempts > 1 ? 's' : ''}). Check the network, a proxy, or the API base.`);
    } finally {
      lane.release();
    }
  }

  /** Closes the dispatcher if this client created it. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}
