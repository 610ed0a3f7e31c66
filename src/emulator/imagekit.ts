// The ImageKit side: POST /v1/files/purge and GET /v1/files/purge/{requestId}, as the "Purge cache API" document
// describes them. Purge URLs are judged by the core's own checker, so the emulator and the client share one set of
// rules. Choices where the document is silent (README "Emulator"):
// - Authorization: Basic base64(key + ":"); the password part is ignored (the official Node SDK sends
//   "key:do_not_set"), but the ":" must be there. Missing or wrong: 401 {message, help}.
// - Content-Type other than application/json, a body that is not JSON, no url, or a URL the rules refuse: 400
//   {message, help}. A URL that is not percent-encoded or has a #fragment is refused too (send what the core sends).
// - Past the monthly quota: 429 {message, help} with the documented headers describing the limit exceeded:
//   X-RateLimit-Limit (the quota), X-RateLimit-Interval (the month, in ms) and X-RateLimit-Reset (ms to the first
//   instant of the next UTC month), so a client that honours them does not retry. Only accepted (201) purges count.

import type { EmulatedProviderInfo } from '../core/emulator';
import { docsUrl, type Problem } from '../core/problems';
import { IMAGEKIT_PURGE_PATH, IMAGEKIT_SUPPORT_HEADER, imagekit } from '../core/providers/imagekit';
import type { Checker } from '../core/providers/types';
import { REQUEST_ID } from '../core/purge';
import { monthKey } from '../core/quota';
import type { EmulatedApi, EmulatedProvider } from './api';
import type { Cdn } from './cdn';
import { nextUtcMonth } from './clock';
import { IMAGEKIT_SUPPORT_HELP, imagekitError } from './errors';
import {
  header,
  json,
  JSON_TYPE,
  mediaType,
  safeEqual,
  withHeaders,
  type AuthState,
  type EmuRequest,
  type Reply,
} from './http';
import { createIdGenerator, type IdGenerator } from './ids';
import { EmulatorOptionError, type KeySetting, type ResolvedOptions } from './options';
import type { RateLimit } from './rate';

export { IMAGEKIT_PURGE_PATH };

const PURGE_BUCKET = 'imagekit purge';
const STATUS_BUCKET = 'imagekit status';

const AUTH_HELP =
  'Authenticate with HTTP Basic: the private API key as the user name and an empty password, i.e. the header Authorization: Basic base64(privateKey + ":").';

interface PurgeRecord {
  requestId: string;
  url: string;
  kind: 'exact' | 'wildcard';
  createdAt: number;
}

export interface QuotaView {
  month: string;
  used: number;
  limit: number;
}

export class ImageKitApi implements EmulatedApi {
  /** The emulator's registry entry (apis.ts). */
  static readonly provider: EmulatedProvider = {
    id: imagekit.id,
    create: (options, cdn) => new ImageKitApi(options, cdn),
  };

  readonly id = imagekit.id;
  readonly contentType = JSON_TYPE;
  readonly malformedBody = '{"requestId": "5f2a';
  readonly key: KeySetting;
  readonly buckets: Readonly<Record<string, RateLimit>>;
  private readonly checker: Checker;
  private readonly purges = new Map<string, PurgeRecord>();
  private readonly usedByMonth = new Map<string, number>();
  private ids: IdGenerator;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly cdn: Cdn,
  ) {
    this.checker = imagekit.checker({ endpoints: options.imagekitEndpoints });
    if (this.checker.configProblems.length) {
      throw new EmulatorOptionError(this.checker.configProblems.map((p) => p.message).join(' '));
    }
    this.ids = createIdGenerator(options.seed, 1);
    this.key = options.keys[this.id];
    const limit = { limit: options.imagekitRate, intervalMs: options.imagekitRateIntervalMs, headers: true };
    this.buckets = { [PURGE_BUCKET]: limit, [STATUS_BUCKET]: limit };
  }

  owns(path: string): boolean {
    return path === IMAGEKIT_PURGE_PATH || path.startsWith(`${IMAGEKIT_PURGE_PATH}/`);
  }

  bucket(req: EmuRequest): string {
    return req.path === IMAGEKIT_PURGE_PATH ? PURGE_BUCKET : STATUS_BUCKET;
  }

  rateLimited(headers: Record<string, string>): Reply {
    return this.error(
      429,
      `Too many requests: more than ${this.options.imagekitRate} in ${this.options.imagekitRateIntervalMs} ms. Wait the number of milliseconds in X-RateLimit-Reset.`,
      headers,
    );
  }

  error(status: number, message: string, headers: Record<string, string> = {}): Reply {
    return imagekitError(status, message, IMAGEKIT_SUPPORT_HELP, headers);
  }

  /** Every ImageKit answer carries an x-ik-requestId header. */
  withSupportId(reply: Reply, id: string): Reply {
    return withHeaders(reply, { [IMAGEKIT_SUPPORT_HEADER]: id });
  }

  info(apiBase: string): EmulatedProviderInfo {
    const o = this.options;
    return {
      key: this.key.custom ? 'custom' : 'default',
      ...(this.key.custom ? {} : { testKey: this.key.value }),
      apiBase,
      purge: `POST ${IMAGEKIT_PURGE_PATH}`,
      status: `GET ${IMAGEKIT_PURGE_PATH}/{requestId}`,
      endpoints: o.imagekitEndpoints,
      statusDelayMs: o.statusDelayMs,
      quota: this.quota(),
      summary: `status delay ${o.statusDelayMs} ms, quota ${o.quota} a month, rate limit ${o.imagekitRate ? `${o.imagekitRate} per ${o.imagekitRateIntervalMs} ms` : 'none'}`,
    };
  }

  rateInfo(): { limit: number; intervalMs: number } {
    return { limit: this.options.imagekitRate, intervalMs: this.options.imagekitRateIntervalMs };
  }

  auth(req: EmuRequest): AuthState {
    const value = header(req, 'authorization');
    if (value === undefined || value.trim() === '') return 'missing';
    const m = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(value);
    if (!m) return 'invalid';
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return 'invalid';
    return safeEqual(decoded.slice(0, colon), this.key.value) ? 'valid' : 'invalid';
  }

  handle(req: EmuRequest, auth: AuthState): Reply {
    const isPurge = req.path === IMAGEKIT_PURGE_PATH;
    if (isPurge && req.method !== 'POST')
      return imagekitError(
        405,
        `${req.method} is not supported here: purge with POST ${IMAGEKIT_PURGE_PATH}.`,
        undefined,
        { allow: 'POST' },
      );
    if (!isPurge && req.method !== 'GET')
      return imagekitError(
        405,
        `${req.method} is not supported here: get a purge status with GET ${IMAGEKIT_PURGE_PATH}/{requestId}.`,
        undefined,
        { allow: 'GET' },
      );
    if (auth === 'missing') return imagekitError(401, 'Your request does not contain private API key.', AUTH_HELP);
    if (auth === 'invalid') return imagekitError(401, 'Your account cannot be authenticated.', AUTH_HELP);
    return isPurge ? this.purge(req) : this.status(req.path.slice(IMAGEKIT_PURGE_PATH.length + 1));
  }

  private purge(req: EmuRequest): Reply {
    const type = mediaType(header(req, 'content-type'));
    if (type !== 'application/json') {
      return imagekitError(
        400,
        `Content-Type must be application/json, not ${type ?? 'missing'}.`,
        'Send the JSON body {"url": "..."} with the header Content-Type: application/json.',
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(req.body.toString('utf8'));
    } catch {
      return imagekitError(
        400,
        'The request body is not valid JSON.',
        'Send {"url": "https://ik.imagekit.io/your_imagekit_id/path/file.jpg"}.',
      );
    }
    const url =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>).url
        : undefined;
    if (typeof url !== 'string' || url.trim() === '') {
      return imagekitError(
        400,
        'Missing url parameter: the body must be {"url": "<the exact URL, or a URL ending in *>"}.',
        'Send {"url": "https://ik.imagekit.io/your_imagekit_id/path/file.jpg"}.',
      );
    }
    const target = this.checker.check(url);
    const errors = target.problems.filter((p) => p.severity === 'error');
    if (errors.length) return imagekitError(400, errors.map((p) => p.message).join(' '), helpFor(errors[0]));
    // ImageKit wants "the exact URL": anything the core would have rewritten (encoding, a fragment, no scheme) is
    // refused, so a client that does not send what the core sends fails here as it would there.
    if (!target.normalized || url.trim() !== target.normalized) {
      const rewrite = target.problems.find((p) => p.severity === 'info');
      return imagekitError(
        400,
        `The URL must be sent exactly as purged: percent-encoded, with its scheme, without a #fragment. Send ${target.normalized ?? 'the encoded URL'}.`,
        rewrite ? helpFor(rewrite) : undefined,
      );
    }
    const now = this.options.clock.now();
    const month = monthKey(new Date(now));
    const used = this.usedByMonth.get(month) ?? 0;
    if (used >= this.options.quota) return this.overQuota(now);
    this.usedByMonth.set(month, used + 1);
    const requestId = this.ids.next();
    this.purges.set(requestId, { requestId, url: target.normalized, kind: target.kind, createdAt: now });
    this.cdn.schedule({
      provider: this.id,
      url: target.normalized,
      match: target.kind === 'wildcard' ? 'prefix' : 'exact',
      effectiveAt: now + this.options.statusDelayMs,
    });
    return json(201, { requestId });
  }

  private overQuota(now: number): Reply {
    const reset = nextUtcMonth(now);
    const resetIso = new Date(reset).toISOString();
    const d = new Date(now);
    const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    return imagekitError(
      429,
      `Monthly purge limit reached: this account has used all ${this.options.quota} purge requests of ${monthKey(new Date(now))}. The count starts again on ${resetIso}.`,
      `An account can issue at most ${this.options.quota} purge requests in a month. Purge fewer URLs or use wildcards, wait for the next month, or ask support@imagekit.io to raise the limit. (Emulator: --quota N, or POST /_emulator/reset.)`,
      {
        'x-ratelimit-limit': String(this.options.quota),
        'x-ratelimit-interval': String(reset - monthStart),
        'x-ratelimit-reset': String(reset - now),
      },
    );
  }

  private status(rawId: string): Reply {
    let id: string;
    try {
      id = decodeURIComponent(rawId);
    } catch {
      id = rawId;
    }
    const record = REQUEST_ID.test(id) ? this.purges.get(id) : undefined;
    if (!record)
      return imagekitError(
        404,
        'No purge request found with this requestId.',
        'Use the requestId that POST /v1/files/purge returned.',
      );
    const done = this.options.clock.now() - record.createdAt >= this.options.statusDelayMs;
    return json(200, { status: done ? 'Completed' : 'Pending' });
  }

  quota(): QuotaView {
    const month = monthKey(new Date(this.options.clock.now()));
    return { month, used: this.usedByMonth.get(month) ?? 0, limit: this.options.quota };
  }

  reset(): void {
    this.purges.clear();
    this.usedByMonth.clear();
    this.ids = createIdGenerator(this.options.seed, 1);
  }
}

function helpFor(p: Problem): string {
  return `See ${docsUrl(p.code)}`;
}
