// The HTTP client for both providers, on undici with an injected dispatcher (a keep-alive Agent by default; a
// ProxyAgent or a MockAgent can be passed in). The only module that imports undici; load it lazily with
// `await import('./http')`.
//
// Each request gets an overall deadline per attempt (connect, headers and body together, so a trickled body
// ends) and a connect timeout apart from it. Requests to one API share a lane (pacing.ts): a concurrency window
// that adapts, start spacing from a documented rate or the provider's rate-limit headers, pauses a 429 asks for,
// and a stop when the server asks for a wait longer than maxWaitMs. Retries are ours, not undici's RetryAgent,
// because what may be re-sent depends on how far a request got:
// - not sent (connection refused, connect timeout, DNS): always safe to try again;
// - sent and then no answer, or a reset before the answer: GET/HEAD are tried again; a POST only as many times
//   as `resendUncertain` allows (the provider's rule: ImageKit 0, imgix 1), else it ends as "may have been
//   received" (HttpError.mayHaveReached);
// - an answer: 429 and 5xx are tried again (Retry-After, or the provider's own header, honoured), other statuses
//   come back as they are.
// A RetryBudget shared by a batch bounds the retries of all its requests together.

import { Agent, type Dispatcher } from 'undici';
import {
  abortError,
  clockTime,
  duration,
  Lane,
  LaneStopped,
  onAbort,
  realTimers,
  RetryBudget,
  sleep,
  type Timers,
} from './pacing';
import { describeNetError, netWhy, type NetProblem } from './netErrors';
import type { HttpRequestSpec, RateLimitHint, ResponseHeaders } from './providers/types';

export { RetryBudget, sleep };

export interface RetryPolicy {
  /** Retries after the first attempt, per request. */
  maxRetries: number;
  /** First backoff; doubled each retry, capped at maxDelayMs, with jitter. */
  minDelayMs: number;
  maxDelayMs: number;
  /** The longest server-requested wait we sit through; longer stops the whole lane until then. */
  maxWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, minDelayMs: 250, maxDelayMs: 8000, maxWaitMs: 60_000 };
export const RETRY_STATUS: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);
/** Requests in flight per lane at most, by default: above `p-limit(8)`, the loop users write today. */
export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface HttpClientOptions {
  /** Where requests go; the client never closes a dispatcher it was given. */
  dispatcher?: Dispatcher;
  /** Per attempt, overall: from the start of the attempt to the last byte of the answer. */
  timeoutMs?: number;
  /** TCP (and TLS) connect timeout of the client's own dispatcher (not used with an injected one). */
  connectTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Most requests in flight at once per lane; the lane's window adapts below it. */
  concurrency?: number;
  /** Request starts per second per lane when a lane gives none (0 = no fixed pacing). */
  ratePerSecond?: number;
  /** Responses larger than this are cut off with an error. */
  maxBodyBytes?: number;
  /** For jitter; Math.random by default. Tests pass a fixed one. */
  random?: () => number;
  /** The clock and timers (tests pass fake ones). */
  timers?: Timers;
  onEvent?: (e: HttpEvent) => void;
}

export type HttpEvent =
  | { type: 'retry'; lane: string; method: string; url: string; attempt: number; reason: string; delayMs: number }
  | { type: 'response'; lane: string; method: string; url: string; status: number; ms: number; attempts: number }
  | {
      type: 'error';
      lane: string;
      method: string;
      url: string;
      code: HttpErrorCode;
      message: string;
      ms: number;
      attempts: number;
    }
  | { type: 'rate'; lane: string; limit: number; intervalMs: number }
  | { type: 'stopped'; lane: string; until: number; message: string };

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  body: string;
  ms: number;
  /** 1 + the retries it took. */
  attempts: number;
  /** An earlier attempt was sent and got no answer: it may have been received too. */
  earlierUncertain?: boolean;
  /** This answer asked for a wait longer than maxWaitMs: the lane sends nothing until then. */
  stoppedUntil?: number;
  /** Said with stoppedUntil: what the server asked and when to come back. */
  stopMessage?: string;
}

/**
 * aborted: cancelled; timeout: the deadline passed; network: connection trouble; too-large: the answer was over
 * maxBodyBytes; stopped: not sent, because the lane is stopped or the batch's retry budget is spent.
 */
export type HttpErrorCode = 'aborted' | 'timeout' | 'network' | 'too-large' | 'stopped';

export class HttpError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly attempts: number,
    /** True when a request was sent (written to a connection) and no answer says what became of it. */
    readonly mayHaveReached = false,
    /** The status, when the answer's head came but not the rest of it. */
    readonly httpStatus?: number,
    readonly headers?: ResponseHeaders,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  /** For a connection error: what it was, as data (see ./netErrors: the front ends word its remedy). */
  net?: NetProblem;
}

/** What a lane's requests share, set by whoever sends them (the purge pipeline, from the provider's rules). */
export interface LaneSettings {
  /** A fixed rate, requests a second (a documented limit, or the user's setting). */
  ratePerSecond?: number;
  /** The provider's rate-limit headers, read on every answer. */
  readRateLimit?: (headers: ResponseHeaders, status: number) => RateLimitHint | undefined;
  /** Every answer carries them: the lane's first request goes alone to learn them. */
  probeFirst?: boolean;
  /** A label for messages ("ImageKit"). */
  label?: string;
}

export interface RequestOptions {
  /** Requests in one lane share its concurrency and pacing (e.g. 'imagekit https://api.imagekit.io purge'). */
  lane: string;
  laneSettings?: LaneSettings;
  signal?: AbortSignal;
  /** No attempt or retry wait goes past this time (epoch ms): e.g. `status --wait --timeout`. */
  deadline?: number;
  /** How many times a non-idempotent request that may have been received is sent again (default 0). */
  resendUncertain?: number;
  /** Shared by the requests of one batch. */
  budget?: RetryBudget;
}

function header(headers: ResponseHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  return Array.isArray(v) ? String(v[0]) : typeof v === 'string' ? v : undefined;
}

/** Retry-After, in ms: delta seconds or an HTTP date (RFC 9110); undefined when absent or unreadable. */
export function retryAfterMs(headers: ResponseHeaders | undefined, now = Date.now()): number | undefined {
  const ra = header(headers, 'retry-after')?.trim();
  if (!ra) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra)) return Number(ra) * 1000;
  const t = Date.parse(ra);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/**
 * How long the server asked us to wait, in ms: Retry-After, or the provider's own hint (ImageKit's X-RateLimit-Reset,
 * in ms as documented). The longer of the two; undefined when neither says.
 */
export function serverDelayMs(
  headers: ResponseHeaders | undefined,
  hint?: RateLimitHint,
  now = Date.now(),
): number | undefined {
  const waits = [retryAfterMs(headers, now), hint?.waitMs].filter(
    (x): x is number => x !== undefined && Number.isFinite(x),
  );
  return waits.length ? Math.max(0, ...waits) : undefined;
}

/** Backoff before retry number `attempt` (1-based): exponential, capped, with "equal jitter" (half fixed, half random). */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const exp = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

const IDEMPOTENT = new Set(['GET', 'HEAD']);
type Attempt =
  | { kind: 'response'; status: number; headers: ResponseHeaders; body: string }
  | {
      kind: 'error';
      code: HttpErrorCode;
      why: string;
      sent: boolean;
      status?: number;
      headers?: ResponseHeaders;
      net?: NetProblem;
    };

function parseRawHeaders(raw: unknown): ResponseHeaders {
  const out: Record<string, string | string[]> = {};
  if (!Array.isArray(raw)) return out;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = String(raw[i]).toLowerCase();
    const value = String(raw[i + 1]);
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

export class HttpClient {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly lanes = new Map<string, { lane: Lane; settings: LaneSettings }>();
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly random: () => number;
  private readonly timers: Timers;
  private readonly concurrency: number;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.ownsDispatcher = !options.dispatcher;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connections: Math.max(32, this.concurrency * 2),
        // Below the 5 s most servers keep an idle connection: a reused socket the server already closed would make a
        // purge's fate uncertain.
        keepAliveTimeout: 4_000,
        pipelining: 1,
        connect: { timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS },
      });
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.random = options.random ?? Math.random;
    this.timers = options.timers ?? realTimers;
  }

  private lane(name: string, settings: LaneSettings = {}): { lane: Lane; settings: LaneSettings } {
    let entry = this.lanes.get(name);
    if (!entry) {
      entry = {
        lane: new Lane(
          {
            maxConcurrency: this.concurrency,
            ratePerSecond: settings.ratePerSecond ?? this.options.ratePerSecond,
            probeFirst: settings.probeFirst === true && settings.ratePerSecond === undefined,
          },
          this.timers,
        ),
        settings,
      };
      this.lanes.set(name, entry);
    } else if (settings.ratePerSecond !== entry.settings.ratePerSecond && settings.ratePerSecond !== undefined) {
      entry.lane.setFixedRate(settings.ratePerSecond);
      entry.settings = { ...entry.settings, ...settings };
    }
    return entry;
  }

  /** The lane's state, for tests and events: learned limit, window, stop. */
  laneState(
    name: string,
  ):
    | { concurrency: number; spacingMs: number; learned?: { limit: number; intervalMs: number }; stoppedUntil?: number }
    | undefined {
    const e = this.lanes.get(name);
    return (
      e && {
        concurrency: e.lane.concurrency,
        spacingMs: e.lane.spacing,
        learned: e.lane.learned,
        stoppedUntil: e.lane.stoppedUntil,
      }
    );
  }

  async send(spec: HttpRequestSpec, opts: RequestOptions): Promise<HttpResponse> {
    const { lane, settings } = this.lane(opts.lane, opts.laneSettings);
    const emit = this.options.onEvent ?? (() => {});
    const now = () => this.timers.now();
    const started = now();
    const host = new URL(spec.url).host;
    const label = settings.label ?? host;
    const idempotent = IDEMPOTENT.has(spec.method);
    const resendUncertain = opts.resendUncertain ?? 0;
    let attempts = 0;
    let uncertainSends = 0;
    let everUncertain = false;
    let lastWhy: string;
    const fail = (
      code: HttpErrorCode,
      message: string,
      extra: { status?: number; headers?: ResponseHeaders } = {},
    ): HttpError => {
      emit({
        type: 'error',
        lane: opts.lane,
        method: spec.method,
        url: spec.url,
        code,
        message,
        ms: now() - started,
        attempts,
      });
      return new HttpError(code, message, attempts, everUncertain, extra.status, extra.headers);
    };
    const tries = () => `${attempts} attempt${attempts === 1 ? '' : 's'}`;

    for (;;) {
      // Wait for a slot: cancellation, a stopped lane, a spent budget or the deadline end it before sending.
      try {
        await lane.acquire(opts.signal, () => {
          if (attempts === 0 && opts.budget?.exhausted) {
            throw new LaneStopped(
              `Not sent: this batch spent its ${opts.budget.limit} retries on refusals and errors from ${label}, so it stopped early. Try again later.`,
              0,
            );
          }
          if (opts.deadline !== undefined && now() >= opts.deadline) throw new LaneStopped('deadline', 0);
        });
      } catch (e) {
        if (e instanceof LaneStopped) {
          if (e.message === 'deadline') throw fail('timeout', `${host} did not answer in the time given (${tries()}).`);
          throw fail('stopped', e.until ? `Not sent: ${e.message}` : e.message);
        }
        throw fail('aborted', 'Cancelled.');
      }
      attempts++;
      const attemptStart = now();
      const limitMs = Math.max(
        1,
        Math.min(this.timeoutMs, opts.deadline !== undefined ? opts.deadline - attemptStart : Infinity),
      );
      let r: Attempt;
      try {
        r = await this.attempt(spec, limitMs, opts.signal);
      } finally {
        lane.release();
      }

      if (
        r.kind === 'response' ||
        (r.kind === 'error' && r.status !== undefined && RETRY_STATUS.has(r.status) && r.code !== 'aborted')
      ) {
        const status = r.kind === 'response' ? r.status : (r.status as number);
        const headers = (r.kind === 'response' ? r.headers : r.headers) ?? {};
        const hint = settings.readRateLimit?.(headers, status);
        if (hint?.limit !== undefined && hint.intervalMs !== undefined) {
          const wait = hint.waitMs ?? 0;
          // A 429 for a long limit (a monthly quota) says so in its headers too: that is no pace to keep.
          if (status !== 429 || wait <= this.policy.maxWaitMs) {
            const before = lane.learned;
            lane.learn(hint.limit, hint.intervalMs);
            if (!before || before.limit !== hint.limit || before.intervalMs !== hint.intervalMs)
              emit({ type: 'rate', lane: opts.lane, limit: hint.limit, intervalMs: hint.intervalMs });
          }
        }
        lane.probed();
        if (status === 429 || status === 503) lane.congestion(attemptStart);
        else if (status < 500) lane.success();

        if (RETRY_STATUS.has(status)) {
          const asked = serverDelayMs(headers, hint, now());
          if (asked !== undefined && asked > this.policy.maxWaitMs) {
            const until = now() + asked;
            const message = `${label} asked to wait ${duration(asked)} (longer than the ${duration(this.policy.maxWaitMs)} we wait); nothing more is sent to it before ${clockTime(until)}.`;
            lane.stopUntil(until, message);
            emit({ type: 'stopped', lane: opts.lane, until, message });
            return this.done(r, status, headers, attempts, started, everUncertain, opts, emit, spec, {
              until,
              message,
            });
          }
          const canRetry = attempts <= this.policy.maxRetries && !opts.signal?.aborted;
          const delayMs =
            asked !== undefined
              ? asked + Math.round(this.random() * Math.min(1000, asked * 0.1))
              : backoffMs(attempts, this.policy, this.random);
          const inTime = opts.deadline === undefined || now() + delayMs < opts.deadline;
          if (canRetry && inTime && (opts.budget?.take() ?? true)) {
            if (status === 429) lane.pauseUntil(now() + delayMs);
            emit({
              type: 'retry',
              lane: opts.lane,
              method: spec.method,
              url: spec.url,
              attempt: attempts,
              reason: `HTTP ${status}`,
              delayMs,
            });
            try {
              await sleep(delayMs, opts.signal, this.timers);
            } catch {
              throw fail('aborted', 'Cancelled.');
            }
            continue;
          }
        }
        if (r.kind === 'error')
          throw fail(r.code, `The answer from ${host} (HTTP ${status}) was cut off: ${r.why}.`, { status, headers });
        return this.done(r, status, headers, attempts, started, everUncertain, opts, emit, spec);
      }

      // No usable answer.
      lane.probed();
      lastWhy = r.why;
      if (r.sent) everUncertain = true;
      if (r.code === 'aborted')
        throw fail('aborted', r.sent ? 'Cancelled after it was sent: it may have been received.' : 'Cancelled.', {
          status: r.status,
          headers: r.headers,
        });
      if (r.status !== undefined && !idempotent) {
        // The answer's head came: the server received it and said so, even if the rest did not arrive.
        throw fail(r.code, `The answer from ${host} (HTTP ${r.status}) was cut off: ${r.why}.`, {
          status: r.status,
          headers: r.headers,
        });
      }
      const resendable = !r.sent || idempotent || uncertainSends < resendUncertain;
      // A refused certificate or a request that cannot be built fails the same way every time.
      const canRetry =
        resendable && r.net?.retryable !== false && attempts <= this.policy.maxRetries && !opts.signal?.aborted;
      const delayMs = backoffMs(attempts, this.policy, this.random);
      const inTime = opts.deadline === undefined || now() + delayMs < opts.deadline;
      if (canRetry && inTime && (opts.budget?.take() ?? true)) {
        if (r.sent && !idempotent) uncertainSends++;
        emit({
          type: 'retry',
          lane: opts.lane,
          method: spec.method,
          url: spec.url,
          attempt: attempts,
          reason: r.why,
          delayMs,
        });
        try {
          await sleep(delayMs, opts.signal, this.timers);
        } catch {
          throw fail(
            'aborted',
            everUncertain ? 'Cancelled after it was sent: it may have been received.' : 'Cancelled.',
          );
        }
        continue;
      }
      if (r.code === 'too-large')
        throw fail(
          'too-large',
          `The response from ${host} was larger than ${this.maxBodyBytes} bytes; it was cut off.`,
          { status: r.status, headers: r.headers },
        );
      const uncertain = everUncertain && !idempotent ? ' It was sent, so it may have been received.' : '';
      if (r.code === 'timeout') {
        throw fail(
          'timeout',
          `${host} did not answer within ${(limitMs / 1000).toFixed(limitMs < 10_000 ? 1 : 0)} s (${tries()}).${uncertain} Check the network, or raise the timeout.`,
        );
      }
      const net = r.net;
      const err = fail(
        'network',
        `Could not reach ${host}: ${lastWhy} (${tries()}).${uncertain} ${net?.todo ?? 'Check the network, a proxy, or the API base.'}`,
      );
      if (net) err.net = net;
      throw err;
    }
  }

  private done(
    r: Attempt,
    status: number,
    headers: ResponseHeaders,
    attempts: number,
    started: number,
    everUncertain: boolean,
    opts: RequestOptions,
    emit: (e: HttpEvent) => void,
    spec: HttpRequestSpec,
    stop?: { until: number; message: string },
  ): HttpResponse {
    const ms = this.timers.now() - started;
    emit({ type: 'response', lane: opts.lane, method: spec.method, url: spec.url, status, ms, attempts });
    return {
      status,
      headers,
      body: r.kind === 'response' ? r.body : '',
      ms,
      attempts,
      ...(everUncertain ? { earlierUncertain: true } : {}),
      ...(stop ? { stoppedUntil: stop.until, stopMessage: stop.message } : {}),
    };
  }

  /** One attempt through the dispatcher, with the overall deadline; never rejects. */
  private attempt(spec: HttpRequestSpec, limitMs: number, signal?: AbortSignal): Promise<Attempt> {
    return new Promise<Attempt>((resolve) => {
      const url = new URL(spec.url);
      let sent = false;
      let settled = false;
      let status: number | undefined;
      let headers: ResponseHeaders | undefined;
      let size = 0;
      const chunks: Buffer[] = [];
      let abortRequest: ((err?: Error) => void) | undefined;
      const finish = (a: Attempt) => {
        if (settled) return;
        settled = true;
        this.timers.clearTimeout(timer);
        off();
        resolve(a);
      };
      const kill = (code: HttpErrorCode, why: string) => {
        finish({ kind: 'error', code, why, sent, status, headers });
        abortRequest?.(new Error(why));
      };
      const timer = this.timers.setTimeout(() => kill('timeout', `no complete answer within ${limitMs} ms`), limitMs);
      const off = onAbort(signal, () => kill('aborted', 'cancelled'));
      const handler: Dispatcher.DispatchHandler = {
        onConnect: (abort: (err?: Error) => void) => {
          if (settled) {
            abort(abortError());
            return;
          }
          abortRequest = abort;
          // From here on the request is being written: the server may receive it.
          sent = true;
        },
        onHeaders: (statusCode: number, rawHeaders: Buffer[]) => {
          status = statusCode;
          headers = parseRawHeaders(rawHeaders);
          return true;
        },
        onData: (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxBodyBytes) {
            kill('too-large', `larger than ${this.maxBodyBytes} bytes`);
            return false;
          }
          chunks.push(chunk);
          return true;
        },
        onComplete: () => {
          if (status === undefined) return finish({ kind: 'error', code: 'network', why: 'no answer', sent });
          finish({ kind: 'response', status, headers: headers ?? {}, body: Buffer.concat(chunks).toString('utf8') });
        },
        onError: (err: Error) => {
          const e = err as Error & { code?: string };
          const code =
            e.code === 'UND_ERR_CONNECT_TIMEOUT' ||
            e.code === 'UND_ERR_HEADERS_TIMEOUT' ||
            e.code === 'UND_ERR_BODY_TIMEOUT'
              ? 'timeout'
              : e.name === 'AbortError'
                ? 'aborted'
                : 'network';
          // What the code means and whether any byte can have been written (./netErrors): errors before that leave
          // the request unsent, whatever undici says.
          const net = describeNetError(e);
          finish({ kind: 'error', code, why: netWhy(net), sent: sent && net.maybeSent, status, headers, net });
        },
      };
      try {
        this.dispatcher.dispatch(
          {
            origin: url.origin,
            path: url.pathname + url.search,
            method: spec.method,
            headers: spec.headers,
            body: spec.body,
            // Our own deadline covers headers and body together; undici's separate ones are only a backstop.
            headersTimeout: limitMs + 1000,
            bodyTimeout: limitMs + 1000,
          },
          handler,
        );
      } catch (e) {
        handler.onError?.(e as Error);
      }
    });
  }

  /** Closes the dispatcher if this client created it. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}
