// ImageKit's wire format: `POST /v1/files/purge` with Basic base64(privateKey + ":"), 201 + requestId, the status
// request `GET /v1/files/purge/{requestId}`, its error shape ({message, help}), and its traffic rules (issue 9).

import type {
  HttpRequestSpec,
  KeyCheckAnswer,
  KeyCheckApi,
  PurgeAnswer,
  RateLimitHint,
  ResponseHeaders,
  StatusApi,
  StatusOutcome,
  TargetCheck,
  TrafficRules,
} from '../types';
import {
  bodyExcerpt,
  cleanSupportId,
  headerNumber,
  headerValue,
  hintForStatus,
  isJsonMediaType,
  isRecord,
  mediaTypeOf,
  parseJson,
  remedyForStatus,
  serverText,
  isUnexpected,
  unexpectedAnswer,
  unexpectedPurgeAnswer,
} from '../wire';

export const IMAGEKIT_API_BASE = 'https://api.imagekit.io';
export const IMAGEKIT_PURGE_PATH = '/v1/files/purge';
export const IMAGEKIT_MONTHLY_LIMIT = 1000;
export const IMAGEKIT_SUPPORT = 'support@imagekit.io';
/** The response header ImageKit puts its own id of every request in (give it to support@imagekit.io). */
export const IMAGEKIT_SUPPORT_HEADER = 'x-ik-requestid';
export const IMAGEKIT_RATE_LIMITS_DOC = 'https://docs.imagekit.io/api-reference/api-introduction/rate-limits';

/**
 * ImageKit's "Rate limits" document: every answer carries X-RateLimit-Limit (requests allowed in the interval),
 * X-RateLimit-Interval (the interval, in ms) and X-RateLimit-Reset ("the amount of time in milliseconds before you
 * can make another request"; after a 429, sleep that long). No figure is given for the purge endpoint. Every purge
 * request counts against the 1000 a month, so a purge that may have been received is never sent again.
 */
export const IMAGEKIT_TRAFFIC: TrafficRules = {
  rateLimitSource: IMAGEKIT_RATE_LIMITS_DOC,
  rateHeadersOnEveryResponse: true,
  readRateLimit(headers: ResponseHeaders, status: number): RateLimitHint | undefined {
    const limit = headerNumber(headers, 'x-ratelimit-limit');
    const intervalMs = headerNumber(headers, 'x-ratelimit-interval');
    // Reset is documented as the wait after a 429; on other answers the document does not say what it means.
    const waitMs = status === 429 ? headerNumber(headers, 'x-ratelimit-reset') : undefined;
    const hint: RateLimitHint = {
      ...(limit !== undefined && limit >= 1 ? { limit } : {}),
      ...(intervalMs !== undefined && intervalMs >= 1 ? { intervalMs } : {}),
      ...(waitMs !== undefined ? { waitMs } : {}),
    };
    return Object.keys(hint).length ? hint : undefined;
  },
  resendUncertainPurge: 0,
  resendReason: `every purge request ImageKit receives counts against the ${IMAGEKIT_MONTHLY_LIMIT} a month, so one that may have been received is not sent again`,
};

function basicAuth(key: string): string {
  return `Basic ${Buffer.from(`${key}:`, 'utf8').toString('base64')}`;
}

export function imagekitPurgeRequest(apiBase: string, key: string, target: TargetCheck): HttpRequestSpec {
  if (!target.ok || !target.normalized) throw new Error(`refusing to send an invalid ImageKit target: ${target.input}`);
  return {
    method: 'POST',
    url: `${apiBase}${IMAGEKIT_PURGE_PATH}`,
    headers: { authorization: basicAuth(key), 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ url: target.normalized }),
  };
}

/**
 * What ImageKit documents as a purge's success: 201 (the seed and the current API reference; an earlier version
 * of ImageKit's page said 200, so 200 is taken too), a JSON media type ("Response structure and status code
 * (application/JSON)"), and a JSON object with a non-empty string `requestId`.
 */
export const IMAGEKIT_PURGE_SUCCESS = '201 with {"requestId": "…"} as application/json';
/** The status API's: 200, a JSON media type, {"status": "Pending" | "Completed"}. */
export const IMAGEKIT_STATUS_SUCCESS = '200 with {"status": "Pending" | "Completed"} as application/json';

/**
 * True when ImageKit's own API sent this answer: a JSON media type (ImageKit answers everything, errors too, as
 * JSON) or its x-ik-requestId header. A captive portal's or a proxy's page has neither.
 */
function fromImagekit(headers: ResponseHeaders | undefined): boolean {
  return isJsonMediaType(mediaTypeOf(headers)) || headerValue(headers, IMAGEKIT_SUPPORT_HEADER) !== undefined;
}

/**
 * Reads a purge answer. Only the documented shape is a success (accepted). Any other 2xx or 3xx answer is
 * unexpected and `unknown` (it may have been received: counted), whether ImageKit's API sent it or something else
 * seems to have (a captive portal, a proxy): the message says which. A refusal (4xx, 5xx) is `failed`; a 4xx page
 * that is not ImageKit's (a proxy, a firewall, a wrong API base) is unexpected too.
 */
export function parseImagekitPurge(
  httpStatus: number,
  body: string,
  headers?: ResponseHeaders,
  keys?: readonly string[],
): PurgeAnswer {
  const json = parseJson(body);
  const supportId = cleanSupportId(headerValue(headers, IMAGEKIT_SUPPORT_HEADER), keys);
  const support = supportId ? { supportId } : {};
  const provider = fromImagekit(headers);
  const jsonType = isJsonMediaType(mediaTypeOf(headers));
  if (
    (httpStatus === 201 || httpStatus === 200) &&
    jsonType &&
    isRecord(json) &&
    typeof json.requestId === 'string' &&
    json.requestId !== ''
  ) {
    const requestId = cleanSupportId(json.requestId, keys);
    return requestId
      ? { ok: true, status: 'accepted', httpStatus, requestId, ...support }
      : {
          ok: true,
          status: 'accepted',
          httpStatus,
          hint: 'ImageKit accepted the purge, but its requestId is not one that can be asked about, so its status cannot be followed.',
          ...support,
        };
  }
  if (isUnexpected(httpStatus, provider)) {
    const o = {
      label: 'ImageKit',
      expected: IMAGEKIT_PURGE_SUCCESS,
      httpStatus,
      headers,
      body,
      keys,
      fromProvider: provider,
    };
    return { ...unexpectedPurgeAnswer(o), ...support };
  }
  return { ok: false, status: 'failed', httpStatus, ...imagekitError(httpStatus, json, body, keys), ...support };
}

/** ImageKit's purge status API: Pending, then Completed. */
export const IMAGEKIT_STATUS: StatusApi = {
  pending: 'Pending',
  completed: 'Completed',

  request(apiBase: string, key: string, requestId: string): HttpRequestSpec {
    return {
      method: 'GET',
      url: `${apiBase}${IMAGEKIT_PURGE_PATH}/${encodeURIComponent(requestId)}`,
      headers: { authorization: basicAuth(key), accept: 'application/json' },
    };
  },

  parse(httpStatus: number, body: string, headers?: ResponseHeaders, keys?: readonly string[]): StatusOutcome {
    const json = parseJson(body);
    const supportId = cleanSupportId(headerValue(headers, IMAGEKIT_SUPPORT_HEADER), keys);
    const support = supportId ? { supportId } : {};
    const provider = fromImagekit(headers);
    if (
      httpStatus === 200 &&
      isJsonMediaType(mediaTypeOf(headers)) &&
      isRecord(json) &&
      (json.status === 'Pending' || json.status === 'Completed')
    ) {
      return { ok: true, status: json.status, httpStatus, ...support };
    }
    if (isUnexpected(httpStatus, provider)) {
      const u = unexpectedAnswer({
        label: 'ImageKit',
        what: 'status',
        expected: IMAGEKIT_STATUS_SUCCESS,
        httpStatus,
        headers,
        body,
        keys,
        fromProvider: provider,
      });
      return { ok: false, httpStatus, ...u, ...support };
    }
    const e = imagekitError(httpStatus, json, body, keys);
    return {
      ok: false,
      httpStatus,
      message: e.message,
      hint: e.hint,
      ...(e.remedy ? { remedy: e.remedy } : {}),
      ...support,
    };
  },
};

function imagekitError(
  httpStatus: number,
  json: unknown,
  body: string,
  keys?: readonly string[],
): Pick<PurgeAnswer, 'message' | 'help' | 'hint' | 'remedy'> & { message: string; hint: string } {
  // ImageKit's message and help are server text: safe, redacted, capped (serverText).
  const message =
    (isRecord(json) ? serverText(json.message, keys) : undefined) ??
    (body ? bodyExcerpt(body, keys ?? []) : `HTTP ${httpStatus}`);
  const help = isRecord(json) ? serverText(json.help, keys) : undefined;
  let hint = hintForStatus('ImageKit', 'the private key', httpStatus);
  if (httpStatus === 429 || /limit/i.test(message)) {
    hint += ` An account can send at most ${IMAGEKIT_MONTHLY_LIMIT} purge requests a month; ask ${IMAGEKIT_SUPPORT} to raise it.`;
  }
  const remedy = remedyForStatus(httpStatus);
  return { message, ...(help ? { help } : {}), hint, ...(remedy ? { remedy } : {}) };
}

/**
 * The requestId the key check asks about: a well-formed id (24 hex digits, as ImageKit's requestIds are) that no
 * purge can have, so the answer is about the key alone and nothing is purged or counted.
 */
export const IMAGEKIT_KEY_CHECK_ID = '000000000000000000000000';

/**
 * ImageKit's key check: `GET /v1/files/purge/{IMAGEKIT_KEY_CHECK_ID}` with the key, the status request, which
 * purges nothing and is not a purge request (so not one of the 1000 a month). ImageKit's "API Introduction"
 * documents 401 ("No valid API key was provided") and 403 (the account cannot be authenticated with the key, or
 * the key has expired) for a key it refuses; what a valid key gets for a requestId that does not exist is not
 * documented: an ImageKit error other than 401/403/429/5xx (a 400 or 404 {message}) is taken as "the key works"
 * (README "Key check"). A restricted key may read statuses and still be refused a purge: that is the caveat.
 */
export const IMAGEKIT_KEY_CHECK: KeyCheckApi = {
  describe: `GET ${IMAGEKIT_PURGE_PATH}/${IMAGEKIT_KEY_CHECK_ID} (the status of a purge that cannot exist)`,
  caveat: 'A restricted ImageKit key may read purge statuses and still be refused a purge; the first purge tells.',
  request: (apiBase, key) => IMAGEKIT_STATUS.request(apiBase, key, IMAGEKIT_KEY_CHECK_ID),
  parse(httpStatus, body, headers, keys): KeyCheckAnswer {
    const json = parseJson(body);
    const supportId = cleanSupportId(headerValue(headers, IMAGEKIT_SUPPORT_HEADER), keys);
    const message = isRecord(json) ? serverText(json.message, keys) : undefined;
    const extra = { ...(message ? { message } : {}), ...(supportId ? { supportId } : {}) };
    if (!fromImagekit(headers)) {
      return {
        verdict: 'unknown',
        httpStatus,
        reason: `something other than ImageKit's API answered (HTTP ${httpStatus}): a proxy's or a captive portal's page, or a wrong API base`,
        ...(supportId ? { supportId } : {}),
      };
    }
    if (httpStatus === 401 || httpStatus === 403)
      return {
        verdict: 'rejected',
        httpStatus,
        reason:
          httpStatus === 401
            ? 'ImageKit answered 401: no valid private key was given (a typo, the public key, or a key that was deleted)'
            : 'ImageKit answered 403: the account cannot be authenticated with this key, or the key has expired',
        ...extra,
      };
    if (httpStatus === 429)
      return { verdict: 'unknown', httpStatus, reason: 'ImageKit answered 429: too many requests just now', ...extra };
    if (httpStatus >= 500)
      return {
        verdict: 'unknown',
        httpStatus,
        reason: `ImageKit's API had a server error (HTTP ${httpStatus})`,
        ...extra,
      };
    if (httpStatus === 200 || httpStatus === 400 || httpStatus === 404)
      return {
        verdict: 'works',
        httpStatus,
        reason: `ImageKit accepted the key (HTTP ${httpStatus} for a purge that does not exist)`,
        ...extra,
      };
    return {
      verdict: 'unknown',
      httpStatus,
      reason: `ImageKit answered HTTP ${httpStatus}, which does not say whether the key works`,
      ...extra,
    };
  },
};
