// The control API, on the same port under /_emulator/ (never rate limited, never faulted, not logged):
//   GET    /_emulator/info                 port, provider paths, which keys are in use (never a custom key)
//   GET    /_emulator/requests[?provider=<id>|cdn|unknown][&since=SEQ]   the request log (ids: imagekit, imgix)
//   POST   /_emulator/reset                forget everything: purges, quota, duplicates, cache, origin, faults, log
//   POST   /_emulator/faults               queue faults (see faults.ts); GET lists them, DELETE clears them
//   POST   /_emulator/origin {url, action: "update"|"delete"}   change the origin; GET ?url=... shows it
// Errors: {"error": "..."} with 400, 404 or 405.

import { isRecord } from '../core/json';
import type { Cdn } from './cdn';
import { FaultQueue, parseFaults } from './faults';
import { json, type EmuRequest, type Reply } from './http';
import type { RequestLog } from './log';

export const CONTROL_PREFIX = '/_emulator/';

export const CONTROL_ENDPOINTS = [
  'GET /_emulator/info',
  'GET /_emulator/requests',
  'POST /_emulator/reset',
  'POST /_emulator/faults',
  'GET /_emulator/faults',
  'DELETE /_emulator/faults',
  'POST /_emulator/origin',
  'GET /_emulator/origin?url=',
] as const;

export interface ControlContext {
  info(): unknown;
  /** What a fault's match.provider may name: the emulated providers' ids and "cdn". */
  faultRoutes: readonly string[];
  log: RequestLog;
  faults: FaultQueue;
  cdn: Cdn;
  reset(): void;
}

function error(status: number, message: string, headers: Record<string, string> = {}): Reply {
  return json(status, { error: message }, undefined, headers);
}

function parseBody(req: EmuRequest): { ok: true; value: unknown } | { ok: false } {
  const s = req.body.toString('utf8').trim();
  if (s === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(s) as unknown };
  } catch {
    return { ok: false };
  }
}

export function handleControl(req: EmuRequest, ctx: ControlContext): Reply {
  const name = req.path.slice(CONTROL_PREFIX.length);
  const params = new URLSearchParams(req.query ?? '');
  const allow = (methods: string) =>
    error(405, `${req.method} is not supported on ${req.path}; use ${methods}.`, { allow: methods });
  const body = parseBody(req);
  if (!body.ok) return error(400, 'The body is not valid JSON.');

  switch (name) {
    case 'info':
      return req.method === 'GET' ? json(200, ctx.info()) : allow('GET');

    case 'requests': {
      if (req.method !== 'GET') return allow('GET');
      const sinceRaw = params.get('since');
      const since = sinceRaw === null ? undefined : Number(sinceRaw);
      if (since !== undefined && !Number.isInteger(since))
        return error(400, `since must be a whole number (a seq from the log), not "${sinceRaw}".`);
      const provider = params.get('provider') ?? undefined;
      return json(200, { requests: ctx.log.list({ provider, since }) });
    }

    case 'reset':
      if (req.method !== 'POST') return allow('POST');
      ctx.reset();
      return json(200, { reset: true });

    case 'faults': {
      if (req.method === 'GET') return json(200, { faults: ctx.faults.list() });
      if (req.method === 'DELETE') {
        ctx.faults.clear();
        return json(200, { faults: [] });
      }
      if (req.method !== 'POST') return allow('GET, POST, DELETE');
      const parsed = parseFaults(body.value, ctx.faultRoutes);
      if (!parsed.ok) return error(400, parsed.error);
      const queued = ctx.faults.add(parsed.value);
      return json(201, { queued, pending: ctx.faults.list().length });
    }

    case 'origin': {
      if (req.method === 'GET') {
        const url = params.get('url');
        if (!url)
          return error(
            400,
            'Give the asset URL: GET /_emulator/origin?url=https%3A%2F%2Fik.imagekit.io%2Fdemo%2Fa.jpg.',
          );
        const view = ctx.cdn.describeOrigin(url);
        return view ? json(200, view) : error(400, `"${url}" is not an http(s) URL.`);
      }
      if (req.method !== 'POST') return allow('GET, POST');
      const v = body.value;
      if (!isRecord(v) || typeof v.url !== 'string' || (v.action !== 'update' && v.action !== 'delete')) {
        return error(
          400,
          'Send {"url": "https://ik.imagekit.io/demo/a.jpg", "action": "update"} (action "update" publishes a new version, "delete" removes the asset).',
        );
      }
      const view = ctx.cdn.changeOrigin(v.url, v.action);
      return view ? json(200, view) : error(400, `"${v.url}" is not an http(s) URL.`);
    }

    default:
      return error(404, `No control endpoint ${req.path}. Endpoints: ${CONTROL_ENDPOINTS.join(', ')}.`);
  }
}
