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

export type PurgeStatus = 'accepted' | 'duplicate' | 'failed';

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
}

export interface StatusOutcome {
  ok: boolean;
  /** ImageKit reports Pending or Completed. */
  status?: 'Pending' | 'Completed' | string;
  httpStatus: number;
  message?: string;
  hint?: string;
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
  parsePurge(httpStatus: number, body: string): PurgeOutcome;
  statusRequest?(apiBase: string, key: string, requestId: string): HttpRequestSpec;
  parseStatus?(httpStatus: number, body: string): StatusOutcome;
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
  if (httpStatus === 400 || httpStatus === 422) return `${provider} refused the request. Check the URL against the rules (cdn-purge check).`;
  if (httpStatus === 404) return `${provider} does not know this resource. Check the URL or the request id.`;
  if (httpStatus === 429) return `${provider} is rate limiting this account. Wait a while and purge again; fewer, wider purges help.`;
  if (httpStatus >= 500) return `${provider} had a server error. It was retried; try again later.`;
  return `Unexpected HTTP ${httpStatus} from ${provider}.`;
}
