// What a provider plugin is: its rules (a checker), its wire adapter (requests and parsers) and its capabilities
// (wildcards, a status API, a monthly quota, the key, its configuration keys). Everything above src/core/providers/
// asks a plugin, through the registry (./registry.ts), instead of comparing provider ids.

import type { Problem } from '../problems';

/** A provider's id: "imagekit", "imgix", or whatever a registered plugin says. */
export type ProviderId = string;

/**
 * A provider's configuration, from settings, cdn-purge.json and CLI flags merged (see config.ts): the endpoints, and
 * the provider's own options by their `ProviderOption.name` (imgix: sourceId, subImage).
 */
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
  /** Options of other providers, by name. */
  [option: string]: string | boolean | readonly string[] | undefined;
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
  /** Extra attributes sent with the purge (imgix: sub_image, source_id). */
  attributes?: Record<string, string | boolean>;
}

export interface HttpRequestSpec {
  method: 'GET' | 'HEAD' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * `unknown`: the request may have reached the provider but no answer says what happened (counted as spent). An
 * answer not in the documented shape is `unknown` too, even when it does not look like the provider's (a captive
 * portal's page): something answered, so the request may have been passed on.
 */
export type PurgeStatus = 'accepted' | 'duplicate' | 'failed' | 'unknown';

/**
 * What a front end can do about a refusal, as data (each front end words it: the CLI names the environment variable
 * or flag, the extension the command or setting). `key`: the key is wrong or lacks permission; `url`: the provider
 * refused the URL; `later`: try again later (rate limit, server error). For connections (src/core/netErrors.ts):
 * `trust`: the server's certificate is not trusted (give Node the network's root certificate); `api-base`: the API
 * base is wrong (or something answers in its place); `proxy`: the proxy settings.
 */
export type Remedy = 'key' | 'url' | 'later' | 'trust' | 'api-base' | 'proxy';

/**
 * An answer that is not in the shape the provider documents (README "Security": what counts as a success). The
 * parser says what it expected, what came, and whether the provider's own API sent it.
 */
export interface UnexpectedAnswer {
  /** What the provider documents for this answer, e.g. `201, application/json, {"requestId": string}`. */
  expected: string;
  /** The media type of what came ("text/html"), when it said one. */
  contentType?: string;
  /** The first bytes of the body, made safe (safeText: the keys redacted first, controls neutralised, capped). */
  excerpt: string;
  /**
   * True when something only the provider's API sends is there (a JSON media type, the provider's own header):
   * the request reached it. False: something else seems to have answered in its place (a captive portal, a
   * proxy's or a firewall's page, a wrong API base); the request may still have been passed on, so it is `unknown`
   * (counted), never "not sent".
   */
  fromProvider: boolean;
}

/** The answer to one purge request, as the provider's parser reads it. */
export interface PurgeAnswer {
  ok: boolean;
  status: PurgeStatus;
  httpStatus: number;
  /** ImageKit's requestId or imgix's purge id, when the response has one. */
  requestId?: string;
  /** The provider's own error message, verbatim. */
  message?: string;
  /** The provider's own help text, verbatim (ImageKit's `help`). */
  help?: string;
  /** What to do, from us (never naming a setting or a flag: see `remedy`). */
  hint?: string;
  /** What fixes it, for the front end to word. */
  remedy?: Remedy;
  /** The provider's support identifier of this answer (ImageKit's x-ik-requestId header, imgix's error `id`). */
  supportId?: string;
  /** Set when the answer was not in the documented shape (never on a success). */
  unexpected?: UnexpectedAnswer;
}

export interface StatusOutcome {
  ok: boolean;
  /** ImageKit reports Pending or Completed. */
  status?: string;
  httpStatus: number;
  message?: string;
  hint?: string;
  remedy?: Remedy;
  supportId?: string;
  /** Set when the answer was not in the documented shape (never on a success). */
  unexpected?: UnexpectedAnswer;
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

/** A provider's status API: what "done" means is its status reaching `completed`. */
export interface StatusApi {
  request(apiBase: string, key: string, requestId: string): HttpRequestSpec;
  /** `keys`: the keys in use, redacted from any excerpt of the body before it is cut. */
  parse(httpStatus: number, body: string, headers?: ResponseHeaders, keys?: readonly string[]): StatusOutcome;
  /** The status values while the purge is in progress and once it is done (ImageKit: Pending, Completed). */
  pending: string;
  completed: string;
}

/**
 * What a key check found (README "Key check"): `works`: the provider accepted the key; `rejected`: it refused it
 * (401/403: the key is wrong, revoked or lacks access); `unknown`: the check could not tell (no connection, a proxy's
 * or a captive portal's page, a rate limit, a server error).
 */
export type KeyVerdict = 'works' | 'rejected' | 'unknown';

export interface KeyCheckAnswer {
  verdict: KeyVerdict;
  /** 0 when no answer came. */
  httpStatus: number;
  /** What the answer means, in a sentence of ours (never server text, never the key). */
  reason: string;
  /** The provider's own message, made safe (serverText), when it sent one. */
  message?: string;
  supportId?: string;
}

/**
 * A check of a key that spends nothing: one read-only authenticated request (ImageKit: the purge status of an id
 * that cannot exist; imgix: the first page of Sources) and how to read its answer. `caveat` says what a `works`
 * does not prove (e.g. a restricted key may still be refused a purge).
 */
export interface KeyCheckApi {
  request(this: void, apiBase: string, key: string): HttpRequestSpec;
  parse(
    this: void,
    httpStatus: number,
    body: string,
    headers?: ResponseHeaders,
    keys?: readonly string[],
  ): KeyCheckAnswer;
  /** The request in words, for README and the output channel ("GET /v1/files/purge/{an id that cannot exist}"). */
  describe: string;
  caveat?: string;
}

/**
 * What purging a checked target covers, as data for a front end to word (the editor's hover): the URL sent, how far
 * it reaches, what of the input is not sent, and the provider's notes. Each provider's folder computes its own.
 */
export interface PurgeScope {
  /** The URL sent (TargetCheck.normalized). */
  url: string;
  /**
   * `exact`: that URL only (another query string or transformation is another cached URL); `prefix`: every cached
   * URL that starts with `prefix` (a wildcard); `derivatives`: the asset at `url` and every derivative of it (any
   * parameters).
   */
  covers: 'exact' | 'prefix' | 'derivatives';
  /** For `prefix`: what a cached URL must start with (the URL before its `*`). */
  prefix?: string;
  /** For a wildcard: the provider's rules applied to the path they count. */
  wildcard?: WildcardRules;
  /** What the input had that is not sent: its parameters (`?w=400`) and/or `#fragment`. */
  dropped?: string;
  /** Attributes sent with the URL (imgix: sub_image, source_id). */
  attributes?: Record<string, string | boolean>;
  /** Notes by code, with an English text (front ends may word a code they know themselves). */
  notes: ScopeNote[];
}

/** A wildcard rule set's verdict on one wildcard (ImageKit's three conditions and refused paths). */
export interface WildcardRules {
  /** The path the rules count (after the endpoint, before `*`), decoded. */
  counted: string;
  levels: number;
  chars: number;
  /** The counted path ends in a complete file name with an extension. */
  fileName: boolean;
  minLevels: number;
  minChars: number;
  /** Any one condition holds, and no refused path is covered. */
  accepted: boolean;
  /** The refused path it would cover (media/catalog/), if any. */
  refused?: string;
}

export interface ScopeNote {
  code: string;
  text: string;
  /** Values the text names ({0}, {1}…), for a front end's own wording. */
  args?: string[];
}

/** The API key: where the CLI reads it, what it is called, where a user finds it. */
export interface KeyInfo {
  /** The environment variable the CLI reads it from (IMAGEKIT_PRIVATE_KEY). */
  env: string;
  /** Its name in messages ("ImageKit private key"). */
  label: string;
  /** Where to find it ("ImageKit dashboard → Developer options"). */
  help: string;
  /** Refuses a value that cannot be the key (a message saying why), beyond "not empty, no spaces". */
  check?(this: void, key: string): string | undefined;
}

/** A provider option beyond the endpoints, e.g. imgix's Source id. Settings key, cdn-purge.json key and field are `name`. */
export interface ProviderOption {
  /** The field of ProviderConfig; the key under the provider's section in settings and in cdn-purge.json. */
  name: string;
  type: 'string' | 'boolean';
  /** The CLI flag, without "--" (source-id). */
  flag: string;
  /** What it is, for help texts ("the Source id sent as source_id"). */
  description: string;
}

/** Where a provider's configuration lives: settings (cdnPurge.<section>.*), cdn-purge.json ("<section>": {...}), flags. */
export interface ProviderSettings {
  /** The settings section and the cdn-purge.json key: cdnPurge.imagekit.*, "imagekit": {...}. */
  section: string;
  /** The key of the endpoint list in that section: "endpoints" (ImageKit), "domains" (imgix). */
  endpointsKey: string;
  /** What the endpoints are called ("URL endpoints", "Source domains"). */
  endpointsLabel: string;
  /** The key of the API base in that section (cdnPurge.imagekit.apiBase). */
  apiBaseKey: string;
  /** The key of a purges-a-second setting, when the provider has one (imgix: rateLimit), with its default. */
  rateLimit?: { key: string; default: number };
  options: readonly ProviderOption[];
}

/** What the local emulator (`cdn-purge emulator`) accepts for this provider, when it emulates it. */
export interface EmulatorKey {
  /** The public test key it accepts by default (not a secret). */
  testKey: string;
}

/**
 * A provider, as a plugin: everything the pipeline, the CLI, the extension and the emulator need to know. Add one in
 * src/core/providers/<id>/ and list it on the registry's BUILTIN line (or registerProvider() it).
 */
export interface ProviderPlugin {
  readonly id: ProviderId;
  readonly label: string;
  readonly defaultApiBase: string;
  readonly key: KeyInfo;
  /** True when the provider accepts wildcard purges: the planner may coalesce URLs into them. */
  readonly wildcards: boolean;
  /** The purge status API, when there is one. Without it, "done" is found out by fetching the asset again. */
  readonly status?: StatusApi;
  /** Purge requests an account may send in a calendar month (UTC), when the provider limits them. */
  readonly monthlyQuota?: number;
  /** What the id in a purge answer is called: "requestId" (ImageKit), "purge id" (imgix). */
  readonly requestIdLabel: string;
  /** Where to ask for help (support@imagekit.io), for messages. */
  readonly support: string;
  readonly traffic: TrafficRules;
  readonly settings: ProviderSettings;
  /** Set when the local emulator emulates this provider. */
  readonly emulator?: EmulatorKey;
  /** A check of a key that spends no quota and purges nothing, when the provider's API offers one. */
  readonly keyCheck?: KeyCheckApi;
  /** A checker of purge targets for a configuration. */
  checker(config: ProviderConfig): Checker;
  /** What purging a target this provider's checker checked covers (the editor's hover); see PurgeScope. */
  scope?(this: void, target: TargetCheck): PurgeScope;
  purgeRequest(apiBase: string, key: string, target: TargetCheck): HttpRequestSpec;
  /**
   * Reads a purge answer. Only the documented shape (status, JSON media type, body) is a success; anything else is
   * `unexpected`. `keys`: the keys in use, redacted from any excerpt of the body before it is cut.
   */
  parsePurge(httpStatus: number, body: string, headers?: ResponseHeaders, keys?: readonly string[]): PurgeAnswer;
}

/** How a purge is known to be done: by the status API (`status`), or by fetching the asset again (`verify`). */
export function doneBy(p: Pick<ProviderPlugin, 'status'>): 'status' | 'verify' {
  return p.status ? 'status' : 'verify';
}
