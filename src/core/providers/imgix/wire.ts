// imgix's wire format: `POST /api/v1/purge` with a Bearer key and a JSON:API body; 200 means received (not done);
// 409 is a duplicate of a purge a few seconds ago; errors are JSON:API error objects. And its traffic rules (issue 9).

import type {
  HttpRequestSpec,
  KeyCheckAnswer,
  KeyCheckApi,
  PurgeAnswer,
  ResponseHeaders,
  TargetCheck,
  TrafficRules,
} from '../types';
import {
  bodyExcerpt,
  cleanSupportId,
  hintForStatus,
  isJsonMediaType,
  isRecord,
  keyCharProblem,
  mediaTypeOf,
  parseJson,
  remedyForStatus,
  serverText,
  isUnexpected,
  unexpectedPurgeAnswer,
} from '../wire';

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
  // The key goes into the header as it is: one that cannot be a header value is refused here, naming no character.
  const bad = keyCharProblem(key);
  if (bad) throw new Error(`Not sent: ${bad}`);
  return {
    method: 'POST',
    url: `${apiBase}${IMGIX_PURGE_PATH}`,
    headers: { authorization: `Bearer ${key}`, 'content-type': IMGIX_CONTENT_TYPE, accept: IMGIX_CONTENT_TYPE },
    body: JSON.stringify({ data: { type: 'purges', attributes: { url: target.normalized, ...target.attributes } } }),
  };
}

/**
 * What imgix documents as a purge's success ("Purges", Management API): 200 with a JSON:API document whose `data`
 * is a resource object of type "purges" (its `id` is the purge id). JSON:API's media type is
 * application/vnd.api+json; imgix's pages do not show the response headers, so any JSON media type is taken.
 */
export const IMGIX_PURGE_SUCCESS =
  '200 with a JSON:API document {"data": {"type": "purges", "id": …}} as application/vnd.api+json';

/** True when a JSON media type came (imgix answers everything, errors too, as JSON:API); it sends no header of its own. */
function fromImgix(headers: ResponseHeaders | undefined): boolean {
  return isJsonMediaType(mediaTypeOf(headers));
}

/**
 * Reads a purge answer. Success: the documented 200 (accepted: received, not done), or a 409 JSON:API error (a
 * duplicate of a purge seconds ago: "Purge requests will still be successful"). Any other 2xx or 3xx is unexpected:
 * `unknown` (it may have been received), whether imgix's API sent it or something else seems to have (the message
 * says which); a 4xx page that is not imgix's is unexpected too. Refusals (4xx, 5xx) are `failed`.
 */
export function parseImgixPurge(
  httpStatus: number,
  body: string,
  headers?: ResponseHeaders,
  keys?: readonly string[],
): PurgeAnswer {
  const json = parseJson(body);
  const supportId = errorId(json, keys);
  const support = supportId ? { supportId } : {};
  const provider = fromImgix(headers);
  const data = isRecord(json) && isRecord(json.data) ? json.data : undefined;
  if (httpStatus === 200 && provider && data && data.type === 'purges') {
    const id =
      typeof data.id === 'string' || typeof data.id === 'number' ? cleanSupportId(String(data.id), keys) : undefined;
    return {
      ok: true,
      status: 'accepted',
      httpStatus,
      ...(id ? { requestId: id } : {}),
      hint: 'imgix received the purge; a 200 does not mean it is done. Verify by fetching the asset again.',
    };
  }
  if (isUnexpected(httpStatus, provider)) {
    const o = {
      label: 'imgix',
      expected: IMGIX_PURGE_SUCCESS,
      httpStatus,
      headers,
      body,
      keys,
      fromProvider: provider,
    };
    return { ...unexpectedPurgeAnswer(o), ...support };
  }
  const err = firstError(json, keys);
  const message = err ?? (body ? bodyExcerpt(body, keys ?? []) : `HTTP ${httpStatus}`);
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
function errorId(json: unknown, keys: readonly string[] = []): string | undefined {
  if (!isRecord(json) || !Array.isArray(json.errors)) return undefined;
  for (const e of json.errors) {
    const id = isRecord(e) ? cleanSupportId(e.id, keys) : undefined;
    if (id) return id;
  }
  return undefined;
}

/** The errors' "title: detail", joined, as safe text (serverText: redacted over the whole, then capped). */
function firstError(json: unknown, keys: readonly string[] = []): string | undefined {
  if (!isRecord(json) || !Array.isArray(json.errors) || json.errors.length === 0) return undefined;
  // At most 20 error objects are read: a server can send a million.
  const joined = json.errors
    .slice(0, 20)
    .filter(isRecord)
    .map((e) => [e.title, e.detail].filter((x) => typeof x === 'string' && x !== '').join(': '))
    .filter((s) => s !== '')
    .join('; ');
  return serverText(joined, keys);
}

/** The Management API's list of Sources (read-only), asked for one Source at most. */
export const IMGIX_SOURCES_PATH = '/api/v1/sources';
/** JSON:API paging, `page[number]=0&page[size]=1`, with the brackets percent-encoded. */
export const IMGIX_KEY_CHECK_QUERY = 'page%5Bnumber%5D=0&page%5Bsize%5D=1';

/**
 * imgix's key check: `GET /api/v1/sources` (one Source at most), a read-only Management API call that purges
 * nothing. imgix documents 401 for "your API key or authentication method is invalid"; a valid key without the
 * Sources permission (a Purge-only key) is not documented: a 403 is read as "imgix knows the key, it lacks the
 * Sources permission" (README "Key check"). Whether a key has the Purge permission cannot be checked without
 * purging: that is the caveat.
 */
export const IMGIX_KEY_CHECK: KeyCheckApi = {
  describe: `GET ${IMGIX_SOURCES_PATH}?page[size]=1 (the first Source, read-only)`,
  caveat:
    "Whether an imgix key has the Purge permission is only known on the first purge (imgix's API has no read-only check of it).",
  request(apiBase, key) {
    const bad = keyCharProblem(key);
    if (bad) throw new Error(`Not sent: ${bad}`);
    return {
      method: 'GET',
      url: `${apiBase}${IMGIX_SOURCES_PATH}?${IMGIX_KEY_CHECK_QUERY}`,
      headers: { authorization: `Bearer ${key}`, accept: IMGIX_CONTENT_TYPE },
    };
  },
  parse(httpStatus, body, headers, keys): KeyCheckAnswer {
    const json = parseJson(body);
    const supportId = errorId(json, keys);
    const message = firstError(json, keys);
    const extra = { ...(message ? { message } : {}), ...(supportId ? { supportId } : {}) };
    if (!fromImgix(headers))
      return {
        verdict: 'unknown',
        httpStatus,
        reason: `something other than imgix's API answered (HTTP ${httpStatus}): a proxy's or a captive portal's page, or a wrong API base`,
      };
    if (httpStatus === 200 && isRecord(json) && Array.isArray(json.data))
      return { verdict: 'works', httpStatus, reason: 'imgix accepted the key (it listed Sources)', ...extra };
    if (httpStatus === 401)
      return {
        verdict: 'rejected',
        httpStatus,
        reason: 'imgix answered 401: the API key is not valid (a typo, or a key that was deleted)',
        ...extra,
      };
    if (httpStatus === 403)
      return {
        verdict: 'works',
        httpStatus,
        reason:
          'imgix knows the key but would not list Sources (HTTP 403): it has no Sources permission, which purging does not need',
        ...extra,
      };
    if (httpStatus === 429)
      return { verdict: 'unknown', httpStatus, reason: 'imgix answered 429: too many requests just now', ...extra };
    if (httpStatus >= 500)
      return {
        verdict: 'unknown',
        httpStatus,
        reason: `imgix's API had a server error (HTTP ${httpStatus})`,
        ...extra,
      };
    return {
      verdict: 'unknown',
      httpStatus,
      reason: `imgix answered HTTP ${httpStatus}, which does not say whether the key works`,
      ...extra,
    };
  },
};
