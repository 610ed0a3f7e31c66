// Sends a plan's requests through the HTTP client and turns responses into results; polls ImageKit's status.
// Only a type is imported from ./http, so this module does not load undici by itself.

import type { HttpClient, HttpError } from './http';
import type { PlannedRequest } from './planner';
import type { ProviderAdapter, PurgeStatus, StatusOutcome } from './provider';
import { redact } from './redact';

export type ResultStatus = PurgeStatus | 'error' | 'cancelled';

export interface PurgeResult {
  /** The URL sent. */
  url: string;
  kind: 'exact' | 'wildcard';
  covers: string[];
  inputs: string[];
  ok: boolean;
  status: ResultStatus;
  httpStatus?: number;
  /** ImageKit's requestId, or imgix's purge id. */
  requestId?: string;
  ms: number;
  attempts: number;
  message?: string;
  help?: string;
  hint?: string;
}

/** Where and how requests go: the adapter, the checked API base, the key, the client, a cancel signal. */
export interface SendOptions {
  adapter: ProviderAdapter;
  apiBase: string;
  key: string;
  client: HttpClient;
  signal?: AbortSignal;
}

export interface ExecuteOptions extends SendOptions {
  /** Called as each request finishes (in completion order). */
  onResult?: (result: PurgeResult, index: number) => void;
}

function isHttpError(e: unknown): e is HttpError {
  return e instanceof Error && e.name === 'HttpError';
}

/** Runs every request (the client bounds concurrency and pacing); results come back in plan order. */
export async function executePlan(requests: readonly PlannedRequest[], opts: ExecuteOptions): Promise<PurgeResult[]> {
  const lane = `${opts.adapter.id} ${opts.apiBase}`;
  return Promise.all(
    requests.map(async (req, index) => {
      const base = { url: req.url, kind: req.kind, covers: req.covers, inputs: req.inputs };
      let result: PurgeResult;
      const started = Date.now();
      try {
        const spec = opts.adapter.purgeRequest(opts.apiBase, opts.key, req.target);
        const res = await opts.client.send(spec, { lane, signal: opts.signal });
        const outcome = opts.adapter.parsePurge(res.status, res.body);
        result = { ...base, ...outcome, ms: res.ms, attempts: res.attempts };
      } catch (e) {
        const cancelled = (isHttpError(e) && e.code === 'aborted') || opts.signal?.aborted === true;
        result = {
          ...base,
          ok: false,
          status: cancelled ? 'cancelled' : 'error',
          ms: Date.now() - started,
          attempts: isHttpError(e) ? e.attempts : 1,
          message: cancelled ? 'Cancelled before it was sent or answered.' : redact(e instanceof Error ? e.message : String(e), [opts.key]),
        };
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

export async function fetchStatus(requestId: string, opts: SendOptions): Promise<StatusOutcome> {
  const { adapter } = opts;
  if (!adapter.statusRequest || !adapter.parseStatus) {
    return { ok: false, httpStatus: 0, message: `${adapter.label} has no purge status API: verify by fetching the asset again.` };
  }
  if (!REQUEST_ID.test(requestId)) {
    return { ok: false, httpStatus: 0, message: `"${requestId}" is not a request id (letters, digits, "-" and "_" only).` };
  }
  try {
    const res = await opts.client.send(adapter.statusRequest(opts.apiBase, opts.key, requestId), { lane: `${adapter.id} ${opts.apiBase}`, signal: opts.signal });
    const out = adapter.parseStatus(res.status, res.body);
    return { ...out, message: out.message && redact(out.message, [opts.key]) };
  } catch (e) {
    return { ok: false, httpStatus: 0, message: redact(e instanceof Error ? e.message : String(e), [opts.key]) };
  }
}

export interface WaitOptions extends SendOptions {
  intervalMs?: number;
  timeoutMs?: number;
  onPoll?: (s: StatusOutcome) => void;
}

/** Polls until the status is Completed, an error comes back, or the timeout passes. */
export async function waitForCompletion(requestId: string, opts: WaitOptions): Promise<StatusOutcome & { timedOut: boolean }> {
  const interval = opts.intervalMs ?? 2000;
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    const s = await fetchStatus(requestId, opts);
    opts.onPoll?.(s);
    if (!s.ok || s.status === 'Completed') return { ...s, timedOut: false };
    if (Date.now() + interval > deadline || opts.signal?.aborted) return { ...s, timedOut: true };
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, interval);
      opts.signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    });
  }
}
