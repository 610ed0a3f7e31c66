// The emulator's HTTP server (plain node:http): one port for every emulated provider API (apis.ts: ImageKit, imgix),
// the CDN and the control API. Every request goes: Host check -> body (1 MiB max) -> latency -> queued fault -> rate limit ->
// handler -> response -> request log; control requests (/_emulator/...) skip latency, faults, rate and the log.
// All state lives in the instance startEmulator returns.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorInfo, KeyKind } from '../core/emulator';
import { sleep } from '../core/pacing';
import { redact } from '../core/redact';
import { isLoopbackHost } from '../core/url';
import { CDN_PREFIX, emulatorAssetUrl } from '../core/emulatorCdn';
import { emulatedProviders, type EmulatedApi } from './apis';
import { Cdn } from './cdn';
import { CONTROL_ENDPOINTS, CONTROL_PREFIX, handleControl, type ControlContext } from './control';
import { plainError } from './errors';
import { faultReply, FaultQueue, type ReplyShape } from './faults';
import {
  header,
  json,
  JSON_TYPE,
  readBody,
  splitTarget,
  type AuthState,
  type EmuRequest,
  type Reply,
  type Route,
} from './http';
import { createIdGenerator, type IdGenerator } from './ids';
import { loggedBody, RequestLog, type LogEntry, type LogFilter } from './log';
import { EmulatorOptionError, resolveOptions, type EmulatorOptions, type ResolvedOptions } from './options';
import { RateLimiter } from './rate';

export type { EmulatorInfo, KeyKind };

/** What GET /_emulator/info says of a provider's key. */
export interface KeyInfo {
  key: KeyKind;
  /** The default test key, only when it is the one accepted. */
  testKey?: string;
}

export interface Emulator {
  /** http://HOST:PORT, no trailing slash: the API base for both providers. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Where an asset of the CDN is served, e.g. assetUrl('https://ik.imagekit.io/demo/a.jpg'). */
  assetUrl(cdnUrl: string): string;
  info(): EmulatorInfo;
  requests(filter?: LogFilter): LogEntry[];
  /** The same as POST /_emulator/reset. */
  reset(): void;
  /** Stops listening and drops open connections; pending delays end at once. Safe to call twice. */
  close(): Promise<void>;
}

/** Who answers a path no provider API owns. */
function classify(path: string): 'control' | 'cdn' | 'unknown' {
  if (path === '/' || path.startsWith(CONTROL_PREFIX)) return 'control';
  if (path.startsWith(CDN_PREFIX)) return 'cdn';
  return 'unknown';
}

/** The shape of an answer by what is not a provider API (CDN, control, unknown paths). */
function plainShape(route: 'cdn' | 'control' | 'unknown'): ReplyShape {
  return {
    error: (status, message, headers) => plainError(route, status, message, headers),
    contentType: JSON_TYPE,
    malformedBody: '{"malformed": ',
  };
}

/** The Host header must name a loopback host: a page elsewhere cannot reach the emulator by DNS rebinding. */
function hostHeaderOk(value: string | undefined): boolean {
  if (value === undefined) return true;
  const m = /^(\[[^\]]*\]|[^:]*)(:\d+)?$/.exec(value.trim());
  return m !== null && isLoopbackHost(m[1]);
}

/** Every credential a request presents, so the log can redact them wherever a client put them. */
function presentedSecrets(req: EmuRequest): string[] {
  const value = header(req, 'authorization');
  if (!value) return [];
  const token = value.replace(/^\S+\s+/, '').trim();
  const out = [token];
  if (/^basic\s/i.test(value)) {
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    out.push(decoded, ...(colon >= 0 ? [decoded.slice(0, colon), decoded.slice(colon + 1)] : []));
  }
  return out.filter((s) => s.length >= 4);
}

class EmulatorServer {
  readonly options: ResolvedOptions;
  readonly cdn: Cdn;
  /** The emulated provider APIs, in the order their paths are tried. */
  readonly apis: readonly EmulatedApi[];
  readonly log: RequestLog;
  readonly faults = new FaultQueue();
  readonly rate: RateLimiter;
  /** ImageKit's x-ik-requestId and imgix's error `id`: one per answer. */
  private supportIds: IdGenerator;
  readonly server: http.Server;
  private readonly closing = new AbortController();
  private closed: Promise<void> | undefined;
  url = '';
  port = 0;

  constructor(options: EmulatorOptions) {
    this.options = resolveOptions(options);
    this.cdn = new Cdn(this.options.clock);
    this.apis = emulatedProviders().map((p) => p.create(this.options, this.cdn));
    this.log = new RequestLog(this.options.maxLogEntries);
    this.rate = new RateLimiter(
      Object.fromEntries(this.apis.flatMap((a) => Object.entries(a.buckets))),
      this.options.clock,
    );
    this.supportIds = createIdGenerator(this.options.seed, 3);
    this.server = http.createServer((req, res) => {
      this.onRequest(req, res).catch(() => res.destroy());
    });
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (e: NodeJS.ErrnoException) => {
        const where = `${this.options.host}:${this.options.port}`;
        reject(
          e.code === 'EADDRINUSE'
            ? new EmulatorOptionError(
                `Port ${this.options.port} on ${this.options.host} is already in use. Pick another port, or 0 for a free one.`,
              )
            : new Error(`The emulator could not listen on ${where}: ${e.code ?? e.message}.`),
        );
      };
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        const a = this.server.address() as AddressInfo;
        this.port = a.port;
        this.url = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
        resolve();
      });
    });
  }

  info(): EmulatorInfo {
    const o = this.options;
    return {
      emulator: 'cdn-purge',
      url: this.url,
      host: o.host,
      port: this.port,
      providers: this.apis.map((a) => a.id),
      keys: Object.fromEntries(this.apis.map((a) => [a.id, a.key.custom ? 'custom' : 'default'])),
      ...Object.fromEntries(this.apis.map((a) => [a.id, a.info(this.url)])),
      cdn: {
        assets: `GET ${CDN_PREFIX}<host>/<path>[?query]`,
        example: emulatorAssetUrl(this.url, 'https://ik.imagekit.io/demo/sample.jpg'),
      },
      control: CONTROL_ENDPOINTS,
      latencyMs: o.latencyMs,
      rate: Object.fromEntries(this.apis.map((a) => [a.id, a.rateInfo()])),
      seed: o.seed ?? null,
      faultsPending: this.faults.list().length,
    };
  }

  reset(): void {
    for (const a of this.apis) a.reset();
    this.cdn.reset();
    this.faults.clear();
    this.log.clear();
    this.rate.reset();
    this.supportIds = createIdGenerator(this.options.seed, 3);
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.closing.abort();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closed;
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const arrivedAt = this.options.clock.now();
    const { path, query } = splitTarget(req.url ?? '/');
    const api = this.apis.find((a) => a.owns(path));
    const provider = api ? api.id : classify(path);
    const seq = provider === 'control' ? 0 : this.log.nextSeq();
    const method = (req.method ?? 'GET').toUpperCase();
    if (!hostHeaderOk(req.headers.host)) {
      return this.write(
        req,
        res,
        json(403, {
          error: 'The emulator answers only requests addressed to a loopback host (127.0.0.1, ::1, localhost).',
        }),
      );
    }
    const body = await readBody(req);
    const emuReq: EmuRequest = { method, path, query, headers: req.headers, body: body ?? Buffer.alloc(0) };
    const auth: AuthState | null = api ? api.auth(emuReq) : null;
    const shape: ReplyShape = api ?? plainShape(classify(path));
    let reply: Reply | undefined;
    let fault: string | undefined;
    try {
      // Latency is part of the emulated services (APIs, CDN); the control API answers at once.
      if (provider !== 'control' && this.options.latencyMs > 0)
        await sleep(this.options.latencyMs, this.closing.signal);
      if (body === undefined) {
        reply = withConnectionClose(shape.error(413, 'The request body is larger than 1 MiB.'));
      } else if (provider === 'control') {
        reply = handleControl(emuReq, this.controlContext());
      } else {
        const f = this.faults.take(method, path, provider);
        if (f) {
          fault = f.kind;
          if (f.delayMs) await sleep(f.delayMs, this.closing.signal);
          reply = faultReply(f, shape);
        }
        reply ??= api ? this.answer(api, emuReq, auth ?? 'missing') : this.route(emuReq, provider);
      }
    } catch {
      res.destroy();
      return;
    }
    // A captive portal's page carries none of the provider's headers.
    if (api && fault !== 'portal') reply = this.withSupportId(api, reply);
    this.write(req, res, reply);
    if (provider !== 'control') this.record(emuReq, provider, auth, reply, fault, seq, arrivedAt);
  }

  /** What answers a request no provider API owns: the CDN, or a 404 listing what exists. */
  private route(req: EmuRequest, provider: Route): Reply {
    if (provider === 'cdn') return this.cdn.serve(req);
    const apis = this.apis.map((a) => {
      const info = a.info(this.url);
      return `${a.id}: ${[info.purge, typeof info.status === 'string' ? info.status : undefined].filter(Boolean).join(', ')}`;
    });
    return json(404, {
      error: `No endpoint ${req.method} ${req.path}. ${apis.join('; ')}; CDN: GET ${CDN_PREFIX}<host>/<path>; control: ${CONTROL_PREFIX}info.`,
    });
  }

  /** A provider API's answer, within its rate limit (the limiter's headers go on every answer it lets through). */
  private answer(api: EmulatedApi, req: EmuRequest, auth: AuthState): Reply {
    const decision = this.rate.take(api.bucket(req));
    if (!decision.ok) return api.rateLimited(decision.headers);
    const reply = api.handle(req, auth);
    return reply.kind === 'respond' ? { ...reply, headers: { ...decision.headers, ...reply.headers } } : reply;
  }

  /** Every answer of a provider API carries a support id where that provider puts one (one id per answer). */
  private withSupportId(api: EmulatedApi, reply: Reply): Reply {
    if (reply.kind !== 'respond') return reply;
    const first = this.supportIds.next();
    const id = uuidShaped(this.options.seed === undefined ? first.padStart(32, '0') : first + this.supportIds.next());
    return api.withSupportId(reply, id);
  }

  private controlContext(): ControlContext {
    return {
      info: () => this.info(),
      faultRoutes: [...this.apis.map((a) => a.id), 'cdn'],
      log: this.log,
      faults: this.faults,
      cdn: this.cdn,
      reset: () => this.reset(),
    };
  }

  private write(req: http.IncomingMessage, res: http.ServerResponse, reply: Reply): void {
    if (reply.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
    const headers: Record<string, string> = { ...reply.headers };
    delete headers['transfer-encoding'];
    if (reply.status === 204 || reply.status === 304) delete headers['content-length'];
    else headers['content-length'] = String(body.length);
    res.writeHead(reply.status, headers);
    res.end(reply.status === 204 || reply.status === 304 ? undefined : body);
    if (headers.connection === 'close') res.once('finish', () => req.socket.destroySoon());
  }

  private record(
    req: EmuRequest,
    provider: Route,
    auth: AuthState | null,
    reply: Reply,
    fault: string | undefined,
    seq: number,
    arrivedAt: number,
  ): void {
    const o = this.options;
    const secrets = [...this.apis.map((a) => a.key.value), ...presentedSecrets(req)];
    const entry: LogEntry = {
      seq,
      time: new Date(arrivedAt).toISOString(),
      method: req.method,
      path: redact(req.path + (req.query !== undefined ? `?${req.query}` : ''), secrets),
      provider,
      auth,
      contentType: header(req, 'content-type') ?? null,
      body: loggedBody(req.body, secrets),
      status: reply.kind === 'respond' ? reply.status : null,
      ...(fault ? { fault } : {}),
    };
    this.log.add(entry);
    try {
      o.onRequest?.(entry);
    } catch {
      // A listener's failure must not break the emulator.
    }
  }
}

/** 32 hex digits as 8-4-4-4-12, the shape of ImageKit's x-ik-requestId values. */
function uuidShaped(hex: string): string {
  const h = hex.padEnd(32, '0').slice(0, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function withConnectionClose(reply: Reply): Reply {
  return reply.kind === 'respond' ? { ...reply, headers: { ...reply.headers, connection: 'close' } } : reply;
}

/** Starts an emulator of the emulated providers' purge APIs (ImageKit, imgix) and their CDN on loopback. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const s = new EmulatorServer(options);
  await s.listen();
  return {
    url: s.url,
    port: s.port,
    host: s.options.host,
    assetUrl: (cdnUrl) => emulatorAssetUrl(s.url, cdnUrl),
    info: () => s.info(),
    requests: (filter) => s.log.list(filter),
    reset: () => s.reset(),
    close: () => s.close(),
  };
}
