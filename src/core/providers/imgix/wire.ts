// imgix's wire format: `POST /api/v1/purge` with a Bearer key and a JSON:API body; 200 means received (not done);
// 409 is a duplicate of a purge a few seconds ago; errors are JSON:API error objects. And its traffic rules (issue 9).

import type { HttpRequestSpec, PurgeAnswer, TargetCheck, TrafficRules } from '../types';
import { bodyExcerpt, cleanSupportId, hintForStatus, isRecord, parseJson, remedyForStatus } from '../wire';

export const IMGIX_API_BASE = 'https://api.imgix.com';
export const IMGIX_PURGE_PATH = '/api/v1/purge';
export const IMGIX_CONTENT_TYPE = 'application/vnd.api+json';
export const IMGIX_SUPPORT = 'support@imgix.com';
export const IMGIX_RATE_LIMITS_DOC = 'https://docs.imgix.com/references/api-rate-limits';
/** imgix's "API Rate Limits": "purge asset | 10 per second"; past it 429. */
export const IMGIX_PURGE_RATE = 10;

/**
 * imgix documents the purge limit (10 a second, 429 past it) but no rate-limit headers and no Retry-After, so the
 * client paces itself to the figure. A repeat of a purge within seconds is answered 409 (a duplicate: "purge requests
 * will still be successful"), and no quota is documented, so a purge that may have been received is sent once more.
 */
export const IMGIX_TRAFFIC: TrafficRules = {
  documentedPurgeRate: IMGIX_PURGE_RATE,
  rateLimitSource: IMGIX_RATE_LIMITS_DOC,
  rateHeadersOnEveryResponse: false,
  readRateLimit: () => undefined,
  resendUncertainPurge: 1,
  resendReason:
    'imgix answers a repeat within seconds with 409 (a duplicate) and documents no quota, so it is sent once more',
};

export function imgixPurgeRequest(apiBase: string, key: string, target: TargetCheck): HttpRequestSpec {
  if (!target.ok || !target.normalized) throw new Error(`refusing to send an invalid imgix target: ${target.input}`);
  return {
    method: 'POST',
    url: `${apiBase}${IMGIX_PURGE_PATH}`,
    headers: { authorization: `Bearer ${key}`, 'content-type': IMGIX_CONTENT_TYPE, accept: IMGIX_CONTENT_TYPE },
    body: JSON.stringify({ data: { type: 'purges', attributes: { url: target.normalized, ...target.attributes } } }),
  };
}

export function parseImgixPurge(httpStatus: number, body: string): PurgeAnswer {
  const json = parseJson(body);
  const supportId = errorId(json);
  const support = supportId ? { supportId } : {};
  if (httpStatus >= 200 && httpStatus < 300) {
    const data = isRecord(json) && isRecord(json.data) ? json.data : undefined;
    const id = data && (typeof data.id === 'string' || typeof data.id === 'number') ? String(data.id) : undefined;
    return {
      ok: true,
      status: 'accepted',
      httpStatus,
      ...(id && cleanSupportId(id) ? { requestId: cleanSupportId(id) } : {}),
      hint: 'imgix received the purge; a 200 does not mean it is done. Verify by fetching the asset again.',
    };
  }
  const err = firstError(json);
  const message = err ?? (body ? bodyExcerpt(body) : `HTTP ${httpStatus}`);
  if (httpStatus === 409) {
    return {
      ok: true,
      status: 'duplicate',
      httpStatus,
      message,
      hint: 'The same URL was purged a few seconds ago; that purge covers this one.',
      ...support,
    };
  }
  const remedy = remedyForStatus(httpStatus);
  return {
    ok: false,
    status: 'failed',
    httpStatus,
    message,
    hint: hintForStatus('imgix', 'the API key', httpStatus),
    ...(remedy ? { remedy } : {}),
    ...support,
  };
}

/** The `id` of the first JSON:API error object ("unique identifier of the request", for imgix support). */
function errorId(json: unknown): string | undefined {
  if (!isRecord(json) || !Array.isArray(json.errors)) return undefined;
  for (const e of json.errors) if (isRecord(e) && cleanSupportId(e.id)) return cleanSupportId(e.id);
  return undefined;
}

function firstError(json: unknown): string | undefined {
  if (!isRecord(json) || !Array.isArray(json.errors) || json.errors.length === 0) return undefined;
  return (
    json.errors
      .filter(isRecord)
      .map((e) => [e.title, e.detail].filter((x) => typeof x === 'string' && x !== '').join(': '))
      .filter((s) => s !== '')
      .join('; ') || undefined
  );
}
