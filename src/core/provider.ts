// The small interface both provider adapters implement: check + normalise a purge target, build the HTTP
// request, parse the response, and (ImageKit) build and parse the status request.

import type { Problem } from './problems';

export type ProviderId = 'imagekit' | 'imgix';
export const PROVIDER_IDS: readonly ProviderId[] = ['imagekit', 'imgix'];

export function isProviderId(s: unknown): s is ProviderId {
  return s === 'imagekit' || s === 'imgix';
}

export interface ProviderConfig {
  /**
   * ImageKit: the account's URL endpoints (`https://ik.imagekit.io/<id>[/<pattern>]`, custom domains).
   * imgix: the Source domains (`https://assets.imgix.net`); when given, only URLs on them are accepted.
   */
  endpoints?: readonly string[];
  /** imgix: purge as a sub-image (mark or blend); needs sourceId. */
  subImage?: boolean;
  /** imgix: the Source id (24 hex digits) sent as `source_id`. */
  sourceId?: string;
}

export interface TargetCheck {
  provider: ProviderId;
  /** The input, trimmed. */
  input: string;
  /** True when nothing in `problems` is an error: the target can be sent. */
  ok: boolean;
  /** The URL that is sent, when the input could be parsed. */
  normalized?: string;
  kind: 'exact' | 'wildcard';
  problems: Problem[];
  /** ImageKit: the endpoint the URL lies under (origin + imagekitId + pattern), without a trailing slash. */
  base?: string;
  /** The account the purge counts against (ImageKit: the imagekitId or the custom domain). */
  account?: string;
  /** imgix: extra attributes sent with the purge. */
  attributes?: { sub_image?: boolean; source_id?: string };
}

export interface HttpRequestSpec {
  method: 'GET' | 'HEAD' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** `unknown`: the request may have reached the provider but no answer says what happened (counted as spent). */
export type PurgeStatus = 'accepted' | 'duplicate' | 'failed' | 'unknown';

export interface PurgeOutcome {
  ok: boolean;
  status: PurgeStatus;
  httpStatus: number;
  /** ImageKit's requestId or imgix's purge id, when the response has one. */
  requestId?: string;
  /** The provider's own error message, verbatim. */
  message?: string;
  /** The provider's own help text, verbatim (ImageKit's `help`). */
  help?: string;
  /** What to do, from us. */
  hint?: string;
  /** The provider's support identifier of this answer (ImageKit's x-ik-requestId header, imgix's error `id`). */
  supportId?: string;
}

export interface StatusOutcome {
  ok: boolean;
  /** ImageKit reports Pending or Completed. */
  status?: string;
  httpStatus: number;
  message?: string;
  hint?: string;
  supportId?: string;
}

/** Response headers as undici gives them: lower-case names. */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** What a provider's rate-limit headers say about the limit in force. */
export interface RateLimitHint {
  /** Requests allowed per interval. */
  limit?: number;
  /** The interval, in ms. */
  intervalMs?: number;
  /** How long to wait before the next request, in ms (read on a 429 only). */
  waitMs?: number;
}

/**
 * How a provider's API wants to be talked to, from its public documentation (README "Rate limits and retries").
 * Data, not code paths: the HTTP client applies whatever these say, whichever provider it is.
 */
export interface TrafficRules {
  /** The purge endpoint's documented limit, requests a second; undefined when the documentation gives none. */
  documentedPurgeRate?: number;
  /** Where the limit (or the headers) are documented. */
  rateLimitSource: string;
  /** True when every answer carries the rate-limit headers: the first request of a lane goes alone to learn them. */
  rateHeadersOnEveryResponse: boolean;
  /** Reads the provider's rate-limit headers; undefined when they say nothing. */
  readRateLimit(this: void, headers: ResponseHeaders, status: number): RateLimitHint | undefined;
  /**
   * How many times a purge that may have reached the server (sent, then no answer or a reset) may be sent again.
   * 0 for a provider where every received request spends quota; 1 where a repeat is answered as a duplicate.
   */
  resendUncertainPurge: number;
  /** Why, in a sentence, for messages and README. */
  resendReason: string;
}

export interface Checker {
  readonly provider: ProviderId;
  /** Problems in the configuration itself (e.g. an endpoint that is not a URL). */
  readonly configProblems: Problem[];
  check(input: string): TargetCheck;
  /** True when a URL on this host belongs to the provider as configured (for the scanner). */
  ownsHost(hostname: string): boolean;
}

export interface ProviderAdapter {
  readonly id: ProviderId;
  readonly label: string;
  readonly defaultApiBase: string;
  /** The environment variable the CLI reads the key from. */
  readonly keyEnv: string;
  checker(config: ProviderConfig): Checker;
  purgeRequest(apiBase: string, key: string, target: TargetCheck): HttpRequestSpec;
  parsePurge(httpStatus: number, body: string, headers?: ResponseHeaders): PurgeOutcome;
  statusRequest?(apiBase: string, key: string, requestId: string): HttpRequestSpec;
  parseStatus?(httpStatus: number, body: string, headers?: ResponseHeaders): StatusOutcome;
  readonly traffic: TrafficRules;
}

/** Parses a JSON body without throwing; undefined when it is not JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first value of a header, trimmed; undefined when absent. */
export function headerValue(headers: ResponseHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name.toLowerCase()];
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim() : undefined;
}

/** A support identifier as a server sent it, kept only when it is a short printable token (server text is untrusted). */
export function cleanSupportId(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const s = String(v).trim();
  return /^[A-Za-z0-9._:-]{1,128}$/.test(s) ? s : undefined;
}

/** A non-negative decimal number from a header, or undefined. */
export function headerNumber(headers: ResponseHeaders | undefined, name: string): number | undefined {
  const v = headerValue(headers, name);
  if (v === undefined || !/^\d+(\.\d+)?$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** A short, printable excerpt of a body that was not the JSON we expected. */
export function bodyExcerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}

/** What to do about an HTTP status, said the same way for both providers. */
export function hintForStatus(provider: string, keyName: string, httpStatus: number): string {
  if (httpStatus === 401 || httpStatus === 403) {
    return `${provider} refused the key. Check that ${keyName} is right and has purge permission, then store it again (CDN Purge: Set API Key, or the environment variable for the CLI).`;
  }
  if (httpStatus === 400 || httpStatus === 422)
    return `${provider} refused the request. Check the URL against the rules (cdn-purge check).`;
  if (httpStatus === 404) return `${provider} does not know this resource. Check the URL or the request id.`;
  if (httpStatus === 429)
    return `${provider} is rate limiting this account. Wait a while and purge again; fewer, wider purges help.`;
  if (httpStatus >= 500) return `${provider} had a server error. It was retried; try again later.`;
  return `Unexpected HTTP ${httpStatus} from ${provider}.`;
}
