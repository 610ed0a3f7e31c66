// Sends a plan's requests through the HTTP client and turns responses into results; polls a status API where the
// provider has one. Only a type is imported from ./http, so this module does not load undici by itself.

import type { HttpClient, HttpError, HttpResponse, LaneSettings } from './http';
import { RetryBudget, sleep } from './pacing';
import type { PlannedRequest } from './planner';
import type {
  ProviderPlugin,
  PurgeAnswer,
  PurgeStatus,
  Remedy,
  StatusOutcome,
  UnexpectedAnswer,
} from './providers/types';
import { redact } from './redact';

export type ResultStatus = PurgeStatus | 'error' | 'cancelled';

export interface PurgeResult {
  /** The URL sent. */
  url: string;
  kind: 'exact' | 'wildcard';
  covers: string[];
  inputs: string[];
  ok: boolean;
  /**
   * accepted, duplicate (imgix 409): done; failed: the provider refused it (an answer says so); unknown: it was sent
   * and no answer says what happened, so it may have been received; error: not sent (or not received: the
   * connection failed before anything was written); an answer not in the documented shape is unknown;
   * cancelled: cancelled before it was sent.
   */
  status: ResultStatus;
  httpStatus?: number;
  /** ImageKit's requestId, or imgix's purge id. */
  requestId?: string;
  /** The provider's support id of the answer (ImageKit x-ik-requestId, imgix error id). */
  supportId?: string;
  ms: number;
  attempts: number;
  message?: string;
  help?: string;
  hint?: string;
  /** What fixes a refusal, for the front end to word (the key, the URL, later). */
  remedy?: Remedy;
  /** Set when the answer was not in the shape the provider documents (see UnexpectedAnswer). */
  unexpected?: UnexpectedAnswer;
}

/** Where and how requests go: the provider, the checked API base, the key, the client, a cancel signal. */
export interface ProviderCall {
  adapter: ProviderPlugin;
  apiBase: string;
  key: string;
  client: HttpClient;
  signal?: AbortSignal;
  /**
   * Purges a second (the user's setting or --rate). Undefined: the provider's documented limit (imgix 10), or
   * for a provider that documents none, what its headers say (ImageKit), else adaptive. 0: no fixed pacing.
   */
  ratePerSecond?: number;
}

export interface ExecuteOptions extends ProviderCall {
  /** Called as each request finishes (in completion order). */
  onResult?: (result: PurgeResult, index: number) => void;
  /** Retries allowed in the whole batch (default RetryBudget.forBatch(n)). */
  budget?: RetryBudget;
}

function isHttpError(e: unknown): e is HttpError {
  return e instanceof Error && e.name === 'HttpError';
}

/** The lane a provider's purges (or status requests) to one API base share, with the provider's traffic rules. */
export function laneFor(opts: ProviderCall, what: 'purge' | 'status'): { lane: string; laneSettings: LaneSettings } {
  const t = opts.adapter.traffic;
  const fixed = opts.ratePerSecond ?? (what === 'purge' ? t.documentedPurgeRate : undefined);
  return {
    lane: `${opts.adapter.id} ${opts.apiBase} ${what}`,
    laneSettings: {
      ...(fixed !== undefined ? { ratePerSecond: fixed } : {}),
      readRateLimit: t.readRateLimit,
      probeFirst: t.rateHeadersOnEveryResponse,
      label: opts.adapter.label,
    },
  };
}

/**
 * The one rule of what counts against a monthly quota, for every front end: a purge the provider received and
 * answered as done (accepted, duplicate), or one sent with no answer (it may have been received). A refusal (4xx,
 * 5xx), a purge never sent and a cancelled one spend nothing.
 */
export function spendsQuota(r: Pick<PurgeResult, 'status'>): boolean {
  return r.status === 'accepted' || r.status === 'duplicate' || r.status === 'unknown';
}

function unknownHint(p: ProviderPlugin): string {
  return `It may have been received: ${p.status ? 'check its status' : 'verify the asset'}, and purge again if it is not fresh.`;
}

/** The result of a request that ended without a usable answer. */
function resultOfError(
  e: unknown,
  opts: ExecuteOptions,
  base: Omit<PurgeResult, 'ok' | 'status' | 'ms' | 'attempts'>,
  ms: number,
): PurgeResult {
  const attempts = isHttpError(e) ? e.attempts : 1;
  const message = redact(e instanceof Error ? e.message : String(e), [opts.key]);
  if (isHttpError(e) && e.httpStatus !== undefined) {
    // The answer's head came (a status), then the rest was lost: the server received the request and said so.
    const outcome = opts.adapter.parsePurge(e.httpStatus, '', e.headers, [opts.key]);
    return {
      ...base,
      ...outcome,
      ms,
      attempts,
      message: outcome.ok ? message : `${outcome.message ?? ''} ${message}`.trim(),
    };
  }
  if (isHttpError(e) && e.mayHaveReached) {
    const resend = opts.adapter.traffic.resendUncertainPurge;
    const why =
      resend === 0
        ? `Not sent again: ${opts.adapter.traffic.resendReason}.`
        : `Sent ${attempts} time${attempts === 1 ? '' : 's'}; ${opts.adapter.traffic.resendReason}.`;
    return {
      ...base,
      ok: false,
      status: 'unknown',
      ms,
      attempts,
      message: `Unknown: may have been received. ${message}`,
      hint: `${why} ${unknownHint(opts.adapter)}`,
    };
  }
  const cancelled = (isHttpError(e) && e.code === 'aborted') || opts.signal?.aborted === true;
  if (cancelled)
    return { ...base, ok: false, status: 'cancelled', ms, attempts, message: 'Cancelled before it was sent.' };
  // A connection error's remedy (a certificate to trust, the API base, the proxy) for the front end to word.
  const remedy = isHttpError(e) ? e.net?.remedy : undefined;
  return { ...base, ok: false, status: 'error', ms, attempts, message, ...(remedy ? { remedy } : {}) };
}

/** A response, made into a result (a refusal after an earlier attempt that may have been received is unknown). */
function resultOfResponse(
  res: HttpResponse,
  opts: ExecuteOptions,
  base: Omit<PurgeResult, 'ok' | 'status' | 'ms' | 'attempts'>,
): PurgeResult {
  const outcome: PurgeAnswer = opts.adapter.parsePurge(res.status, res.body, res.headers, [opts.key]);
  const result: PurgeResult = { ...base, ...outcome, ms: res.ms, attempts: res.attempts };
  if (!outcome.ok && res.earlierUncertain) {
    return {
      ...result,
      status: 'unknown',
      message:
        `Unknown: an earlier attempt got no answer and may have been received; the last one got HTTP ${res.status}: ${outcome.message ?? ''}`.trim(),
      hint: unknownHint(opts.adapter),
    };
  }
  if (res.stopMessage) result.hint = `${result.hint ? `${result.hint} ` : ''}${res.stopMessage}`;
  return result;
}

/** Runs every request (the client bounds concurrency and pacing); results come back in plan order. */
export async function executePlan(requests: readonly PlannedRequest[], opts: ExecuteOptions): Promise<PurgeResult[]> {
  const { lane, laneSettings } = laneFor(opts, 'purge');
  const budget = opts.budget ?? RetryBudget.forBatch(requests.length);
  return Promise.all(
    requests.map(async (req, index) => {
      const base = { url: req.url, kind: req.kind, covers: req.covers, inputs: req.inputs };
      let result: PurgeResult;
      const started = Date.now();
      try {
        const spec = opts.adapter.purgeRequest(opts.apiBase, opts.key, req.target);
        const res = await opts.client.send(spec, {
          lane,
          laneSettings,
          signal: opts.signal,
          budget,
          resendUncertain: opts.adapter.traffic.resendUncertainPurge,
        });
        result = resultOfResponse(res, opts, base);
      } catch (e) {
        result = resultOfError(e, opts, base, Date.now() - started);
      }
      for (const field of ['message', 'help', 'hint'] as const) {
        const v = result[field];
        if (v !== undefined) result[field] = redact(v, [opts.key]);
      }
      opts.onResult?.(result, index);
      return result;
    }),
  );
}

export const REQUEST_ID = /^[A-Za-z0-9_-]{1,128}$/;

export async function fetchStatus(
  requestId: string,
  opts: ProviderCall & { deadline?: number },
): Promise<StatusOutcome> {
  const status = opts.adapter.status;
  if (!status) {
    return {
      ok: false,
      httpStatus: 0,
      message: `${opts.adapter.label} has no purge status API: verify by fetching the asset again.`,
    };
  }
  if (!REQUEST_ID.test(requestId)) {
    return {
      ok: false,
      httpStatus: 0,
      message: `"${requestId}" is not a request id (letters, digits, "-" and "_" only).`,
    };
  }
  try {
    const res = await opts.client.send(status.request(opts.apiBase, opts.key, requestId), {
      ...laneFor(opts, 'status'),
      signal: opts.signal,
      deadline: opts.deadline,
    });
    const out = status.parse(res.status, res.body, res.headers, [opts.key]);
    return {
      ...out,
      message: out.message && redact(out.message, [opts.key]),
      ...(res.stopMessage ? { hint: `${out.hint ? `${out.hint} ` : ''}${res.stopMessage}` } : {}),
    };
  } catch (e) {
    const remedy = isHttpError(e) ? e.net?.remedy : undefined;
    return {
      ok: false,
      httpStatus: 0,
      message: redact(e instanceof Error ? e.message : String(e), [opts.key]),
      ...(remedy ? { remedy } : {}),
    };
  }
}

export interface WaitOptions extends ProviderCall {
  intervalMs?: number;
  timeoutMs?: number;
  onPoll?: (s: StatusOutcome) => void;
}

/**
 * Polls until the status is the provider's `completed` (ImageKit: Completed), an error comes back, or the timeout passes. The timeout bounds everything:
 * no request or wait between polls goes past it, whatever the server does.
 */
export async function waitForCompletion(
  requestId: string,
  opts: WaitOptions,
): Promise<StatusOutcome & { timedOut: boolean }> {
  const interval = opts.intervalMs ?? 2000;
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  let last: StatusOutcome | undefined;
  for (;;) {
    const s = await fetchStatus(requestId, { ...opts, deadline });
    opts.onPoll?.(s);
    if (s.ok && s.status === opts.adapter.status?.completed) return { ...s, timedOut: false };
    const outOfTime = Date.now() >= deadline;
    // A poll that failed only because the time ran out reports the last status seen, timed out.
    if (!s.ok && outOfTime && last) return { ...last, timedOut: true };
    if (!s.ok) return { ...s, timedOut: outOfTime };
    last = s;
    if (outOfTime || Date.now() + Math.min(interval, 50) > deadline || opts.signal?.aborted)
      return { ...s, timedOut: true };
    // Cancelling ends the wait early; the next poll then reports the cancellation.
    await sleep(Math.min(interval, deadline - Date.now()), opts.signal).catch(() => undefined);
  }
}
