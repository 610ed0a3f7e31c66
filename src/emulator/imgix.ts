// The imgix side: POST /api/v1/purge with a Bearer key and a JSON:API body, as "Purging Assets" describes it.
// The URL and the sub-image attributes are judged by the core's own checker. Choices where the document is silent
// (README "Emulator"):
// - Missing or wrong key: 401. Content-Type other than application/vnd.api+json: 415 (as JSON:API prescribes).
// - A body that is not a JSON:API purge document ({"data":{"type":"purges","attributes":{"url":...}}}): 400.
// - Attributes the rules refuse (a wildcard, no path, a query or fragment: purge the base path; a URL that is not
//   percent-encoded; sub_image without a valid source_id): 422, one error object per problem, with
//   source.pointer and the core's problem code.
// - The same URL again within imgixDuplicateWindowMs (10 s) of its last accepted purge: 409.
// - GET /api/v1/sources (the Management API's list of Sources, read-only; the key check asks for it): 401 for a
//   missing or wrong key, else 200 with a JSON:API list of no Sources (the emulator serves its CDN for every host).
// - 200 means received: the purge reaches the CDN imgixPurgeDelayMs later. A purge of a Video API asset (.mp4 ...)
//   is answered 200 like any other but never reaches the served asset, as the document warns.

import type { EmulatedProviderInfo } from '../core/emulator';
import { isRecord } from '../core/json';
import { imgix, IMGIX_CONTENT_TYPE, IMGIX_PURGE_PATH, IMGIX_SOURCES_PATH } from '../core/providers/imgix';
import type { EmulatedApi, EmulatedProvider } from './api';
import type { Cdn } from './cdn';
import { imgixError, imgixErrors } from './errors';
import { header, json, mediaType, safeEqual, type AuthState, type EmuRequest, type Reply } from './http';
import { createIdGenerator, type IdGenerator } from './ids';
import type { KeySetting, ResolvedOptions } from './options';
import type { RateLimit } from './rate';

export { IMGIX_PURGE_PATH };

const PURGE_BUCKET = 'imgix purge';

const EXAMPLE = '{"data":{"type":"purges","attributes":{"url":"https://assets.imgix.net/dogs.png"}}}';

export class ImgixApi implements EmulatedApi {
  /** The emulator's registry entry (apis.ts). */
  static readonly provider: EmulatedProvider = {
    id: imgix.id,
    create: (options, cdn) => new ImgixApi(options, cdn),
  };

  readonly id = imgix.id;
  readonly contentType = IMGIX_CONTENT_TYPE;
  readonly malformedBody = '{"data": {"type": "purges", "id": ';
  readonly key: KeySetting;
  readonly buckets: Readonly<Record<string, RateLimit>>;
  /** Normalised URL -> time of its last accepted purge. */
  private readonly lastPurge = new Map<string, number>();
  private ids: IdGenerator;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly cdn: Cdn,
  ) {
    this.ids = createIdGenerator(options.seed, 2);
    this.key = options.keys[this.id];
    this.buckets = { [PURGE_BUCKET]: { limit: options.imgixRate, intervalMs: 1000, headers: false } };
  }

  owns(path: string): boolean {
    return path === IMGIX_PURGE_PATH || path === IMGIX_SOURCES_PATH;
  }

  bucket(): string {
    return PURGE_BUCKET;
  }

  rateLimited(headers: Record<string, string>): Reply {
    return this.error(
      429,
      `Rate limit exceeded: more than ${this.options.imgixRate} purges a second. Slow down.`,
      headers,
    );
  }

  error(status: number, message: string, headers: Record<string, string> = {}): Reply {
    return imgixError(status, message, headers);
  }

  /** Every imgix error object carries an `id` (the documented "unique identifier of the request"). */
  withSupportId(reply: Reply, id: string): Reply {
    if (reply.kind !== 'respond' || reply.status < 400 || typeof reply.body !== 'string') return reply;
    try {
      const doc = JSON.parse(reply.body) as { errors?: unknown };
      if (!Array.isArray(doc.errors)) return reply;
      doc.errors = doc.errors.map((e: unknown) =>
        typeof e === 'object' && e !== null && !('id' in e) ? { id, ...e } : e,
      );
      return { ...reply, body: JSON.stringify(doc) };
    } catch {
      return reply;
    }
  }

  info(apiBase: string): EmulatedProviderInfo {
    return {
      key: this.key.custom ? 'custom' : 'default',
      ...(this.key.custom ? {} : { testKey: this.key.value }),
      apiBase,
      purge: `POST ${IMGIX_PURGE_PATH}`,
      duplicateWindowMs: this.options.imgixDuplicateWindowMs,
      purgeDelayMs: this.options.imgixPurgeDelayMs,
      summary: `duplicate window ${this.options.imgixDuplicateWindowMs} ms, purge delay ${this.options.imgixPurgeDelayMs} ms, rate limit ${this.options.imgixRate ? `${this.options.imgixRate} a second` : 'none'}`,
    };
  }

  rateInfo(): { limit: number; intervalMs: number } {
    return { limit: this.options.imgixRate, intervalMs: 1000 };
  }

  auth(req: EmuRequest): AuthState {
    const value = header(req, 'authorization');
    if (value === undefined || value.trim() === '') return 'missing';
    const m = /^Bearer +(\S+) *$/i.exec(value);
    if (!m) return 'invalid';
    return safeEqual(m[1], this.key.value) ? 'valid' : 'invalid';
  }

  handle(req: EmuRequest, auth: AuthState): Reply {
    if (req.path === IMGIX_SOURCES_PATH) return this.sources(req, auth);
    if (req.method !== 'POST')
      return imgixError(405, `${req.method} is not supported here: purge with POST ${IMGIX_PURGE_PATH}.`, {
        allow: 'POST',
      });
    if (auth === 'missing')
      return imgixError(
        401,
        'No API key: send the header Authorization: Bearer <api-key>, with a key that has the Purge permission.',
      );
    if (auth === 'invalid')
      return imgixError(
        401,
        'The API key is not valid. Send Authorization: Bearer <api-key>, with a key that has the Purge permission.',
      );
    const type = mediaType(header(req, 'content-type'));
    if (type !== IMGIX_CONTENT_TYPE)
      return imgixError(415, `Content-Type must be ${IMGIX_CONTENT_TYPE}, not ${type ?? 'missing'}.`);
    let body: unknown;
    try {
      body = JSON.parse(req.body.toString('utf8'));
    } catch {
      return imgixError(400, `The request body is not valid JSON. Send ${EXAMPLE}.`);
    }
    const data = isRecord(body) ? body.data : undefined;
    if (!isRecord(data))
      return imgixErrors(400, [
        {
          detail: `The body must be a JSON:API document with a "data" object: ${EXAMPLE}.`,
          source: { pointer: '/data' },
        },
      ]);
    if (data.type !== 'purges')
      return imgixErrors(400, [{ detail: `data.type must be "purges".`, source: { pointer: '/data/type' } }]);
    const attributes = data.attributes;
    if (!isRecord(attributes))
      return imgixErrors(400, [
        {
          detail: `data.attributes must be an object with the url: ${EXAMPLE}.`,
          source: { pointer: '/data/attributes' },
        },
      ]);
    const url = attributes.url;
    if (typeof url !== 'string' || url.trim() === '')
      return imgixErrors(400, [
        {
          detail: 'data.attributes.url must be the URL of the asset to purge.',
          source: { pointer: '/data/attributes/url' },
        },
      ]);
    const subImage = attributes.sub_image;
    const sourceId = attributes.source_id;
    if (subImage !== undefined && typeof subImage !== 'boolean')
      return imgixErrors(422, [
        { detail: 'sub_image must be true or false.', source: { pointer: '/data/attributes/sub_image' } },
      ]);
    if (sourceId !== undefined && typeof sourceId !== 'string')
      return imgixErrors(422, [
        {
          detail: 'source_id must be a string of 24 hexadecimal digits.',
          source: { pointer: '/data/attributes/source_id' },
        },
      ]);

    const target = imgix
      .checker({ ...(subImage ? { subImage: true } : {}), ...(sourceId !== undefined ? { sourceId } : {}) })
      .check(url);
    const refused = target.problems.filter(
      (p) => p.severity === 'error' || p.code === 'imgix-query-dropped' || p.code === 'url-encoded',
    );
    if (refused.length || !target.normalized) {
      return imgixErrors(
        422,
        refused.map((p) => ({
          detail:
            p.code === 'imgix-query-dropped'
              ? `Purge the base path, without parameters: purging it purges every derivative (?w=400 and the rest). Send ${target.normalized}.`
              : p.code === 'url-encoded'
                ? `The URL must be percent-encoded (a space is %20): send ${target.normalized}.`
                : p.message,
          source: {
            pointer:
              p.code === 'imgix-invalid-source-id'
                ? '/data/attributes/source_id'
                : p.code === 'imgix-sub-image-needs-source-id'
                  ? '/data/attributes/sub_image'
                  : '/data/attributes/url',
          },
          code: p.code,
        })),
      );
    }
    const now = this.options.clock.now();
    const last = this.lastPurge.get(target.normalized);
    if (last !== undefined && now - last < this.options.imgixDuplicateWindowMs) {
      return imgixError(
        409,
        `This URL was purged less than ${Math.ceil(this.options.imgixDuplicateWindowMs / 1000)} seconds ago; that purge covers this one.`,
      );
    }
    this.lastPurge.set(target.normalized, now);
    const id = this.ids.next();
    if (!target.problems.some((p) => p.code === 'imgix-video-api')) {
      this.cdn.schedule({
        provider: this.id,
        url: target.normalized,
        match: 'base',
        effectiveAt: now + this.options.imgixPurgeDelayMs,
      });
    }
    const echoed = {
      url: target.normalized,
      ...(subImage !== undefined ? { sub_image: subImage } : {}),
      ...(sourceId !== undefined ? { source_id: sourceId } : {}),
    };
    return json(
      200,
      { data: { type: 'purges', id, attributes: echoed }, jsonapi: { version: '1.0' } },
      IMGIX_CONTENT_TYPE,
    );
  }

  /** GET /api/v1/sources: the key is checked as for a purge; the list is empty (the emulator has no Sources). */
  private sources(req: EmuRequest, auth: AuthState): Reply {
    if (req.method !== 'GET')
      return imgixError(405, `${req.method} is not supported here: list Sources with GET ${IMGIX_SOURCES_PATH}.`, {
        allow: 'GET',
      });
    if (auth === 'missing') return imgixError(401, 'No API key: send the header Authorization: Bearer <api-key>.');
    if (auth === 'invalid') return imgixError(401, 'The API key is not valid. Send Authorization: Bearer <api-key>.');
    return json(
      200,
      { data: [], meta: { pagination: { currentPage: 0, pageSize: 1, totalRecords: 0 } }, jsonapi: { version: '1.0' } },
      IMGIX_CONTENT_TYPE,
    );
  }

  reset(): void {
    this.lastPurge.clear();
    this.ids = createIdGenerator(this.options.seed, 2);
  }
}
