// Each provider's error shape, so every answer (the APIs', the rate limiter's, an injected fault's) looks like
// what a client of that provider has to parse.
//   ImageKit: {"message": "...", "help": "..."}
//   imgix (JSON:API): {"errors": [{"status": "401", "title": "Unauthorized", "detail": "..."}]}

import { STATUS_CODES } from 'node:http';
import { IMGIX_CONTENT_TYPE } from '../core/providers/imgix';
import { json, text, type Reply } from './http';

export const IMAGEKIT_SUPPORT_HELP = 'For support kindly contact us at support@imagekit.io .';

export function imagekitError(
  status: number,
  message: string,
  help = IMAGEKIT_SUPPORT_HELP,
  headers: Record<string, string> = {},
): Reply {
  return json(status, { message, help }, undefined, headers);
}

export interface ImgixErrorObject {
  status: string;
  title: string;
  detail: string;
  source?: { pointer: string };
  code?: string;
}

export function imgixErrors(
  status: number,
  errors: ReadonlyArray<Omit<ImgixErrorObject, 'status' | 'title'> & { title?: string }>,
  headers: Record<string, string> = {},
): Reply {
  const title = STATUS_CODES[status] ?? 'Error';
  return json(
    status,
    {
      errors: errors.map((e) => ({
        status: String(status),
        title: e.title ?? title,
        detail: e.detail,
        ...(e.source ? { source: e.source } : {}),
        ...(e.code ? { code: e.code } : {}),
      })),
      jsonapi: { version: '1.0' },
    },
    IMGIX_CONTENT_TYPE,
    headers,
  );
}

export function imgixError(status: number, detail: string, headers: Record<string, string> = {}): Reply {
  return imgixErrors(status, [{ detail }], headers);
}

/** An error of what is not a provider API: the CDN answers in plain text, the control API and unknown paths in JSON. */
export function plainError(
  route: 'cdn' | 'control' | 'unknown',
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Reply {
  return route === 'cdn' ? text(status, `${message}\n`, headers) : json(status, { error: message }, undefined, headers);
}
