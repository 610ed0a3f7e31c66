// The emulator's HTTP server (plain node:http): one port for the ImageKit API, the imgix API, the CDN and the
// control API. Every request goes: Host check -> body (1 MiB max) -> latency -> queued fault -> rate limit ->
// handler -> response -> request log; control requests (/_emulator/...) skip latency, faults, rate and the log.
// All state lives in the instance startEmulator returns.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { IMGIX_CONTENT_TYPE } from '../core/providers/imgix';
import { redact } from '../core/redact';
import { isLoopbackHost } from '../core/url';
import { CDN_PREFIX, emulatorAssetUrl } from '../core/emulatorCdn';
import { Cdn } from './cdn';
import { CONTROL_ENDPOINTS, CONTROL_PREFIX, handleControl, type ControlContext } from './control';
import { providerError } from './errors';
import { faultReply, FaultQueue } from './faults';
import {
  delay,
  header,
  json,
  JSON_TYPE,
  readBody,
  splitTarget,
  type AuthState,
  type EmuRequest,
  type Provider,
  type Reply,
} from './http';
import { IMAGEKIT_PURGE_PATH, ImageKitApi, type QuotaView } from './imagekit';
import { IMGIX_PURGE_PATH, ImgixApi } from './imgix';
import { createIdGenerator, type IdGenerator } from './ids';
import { loggedBody, RequestLog, type LogEntry, type LogFilter } from './log';
import {
  EmulatorOptionError,
  resolveOptions,
  type EmulatorOptions,
  type KeySetting,
  type ResolvedOptions,
} from './options';
import { RateLimiter } from './rate';

/** `default`: the documented test key is accepted (and shown); `custom`: a given key (never shown). */
export type KeyKind = 'default' | 'custom';

export interface KeyInfo {
  key: KeyKind;
  /** The default test key, only when it is the one accepted. */
  testKey?: string;
}

export interface EmulatorInfo {
  emulator: 'cdn-purge';
  url: string;
  host: string;
  port: number;
  keys: { imagekit: KeyKind; imgix: KeyKind };
  imagekit: KeyInfo & {
    apiBase: string;
    purge: string;
    status: string;
    endpoints: readonly string[];
    statusDelayMs: number;
    quota: QuotaView;
  };
  imgix: KeyInfo & { apiBase: string; purge: string; duplicateWindowMs: number; purgeDelayMs: number };
  cdn: { assets: string; example: string };
  control: readonly string[];
  latencyMs: number;
  rate: { imagekit: { limit: number; intervalMs: number }; imgix: { limit: number; intervalMs: number } };
  seed: number | null;
  faultsPending: number;
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

function keyInfo(k: KeySetting): KeyInfo {
  return k.custom ? { key: 'custom' } : { key: 'default', testKey: k.value };
}

function classify(path: string): Provider {
  if (path === '/' || path.startsWith(CONTROL_PREFIX)) return 'control';
  if (ImageKitApi.owns(path)) return 'imagekit';
  if (ImgixApi.owns(path)) return 'imgix';
  if (path.startsWith(CDN_PREFIX)) return 'cdn';
  return 'unknown';
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
  readonly imagekit: ImageKitApi;
  readonly imgix: ImgixApi;
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
    this.imagekit = new ImageKitApi(this.options, this.cdn);
    this.imgix = new ImgixApi(this.options, this.cdn);
    this.log = new RequestLog(this.options.maxLogEntries);
    const ik = { limit: this.options.imagekitRate, intervalMs: this.options.imagekitRateIntervalMs, headers: true };
    this.rate = new RateLimiter(
      {
        'imagekit purge': ik,
        'imagekit status': ik,
        'imgix purge': { limit: this.options.imgixRate, intervalMs: 1000, headers: false },
      },
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
      keys: {
        imagekit: o.keys.imagekit.custom ? 'custom' : 'default',
        imgix: o.keys.imgix.custom ? 'custom' : 'default',
      },
      imagekit: {
        ...keyInfo(o.keys.imagekit),
        apiBase: this.url,
        purge: `POST ${IMAGEKIT_PURGE_PATH}`,
        status: `GET ${IMAGEKIT_PURGE_PATH}/{requestId}`,
        endpoints: o.imagekitEndpoints,
        statusDelayMs: o.statusDelayMs,
        quota: this.imagekit.quota(),
      },
      imgix: {
        ...keyInfo(o.keys.imgix),
        apiBase: this.url,
        purge: `POST ${IMGIX_PURGE_PATH}`,
        duplicateWindowMs: o.imgixDuplicateWindowMs,
        purgeDelayMs: o.imgixPurgeDelayMs,
      },
      cdn: {
        assets: `GET ${CDN_PREFIX}<host>/<path>[?query]`,
        example: emulatorAssetUrl(this.url, 'https://ik.imagekit.io/demo/sample.jpg'),
      },
      control: CONTROL_ENDPOINTS,
      latencyMs: o.latencyMs,
      rate: {
        imagekit: { limit: o.imagekitRate, intervalMs: o.imagekitRateIntervalMs },
        imgix: { limit: o.imgixRate, intervalMs: 1000 },
      },
      seed: o.seed ?? null,
      faultsPending: this.faults.list().length,
    };
  }

  reset(): void {
    this.imagekit.reset();
    this.imgix.reset();
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
    const provider = classify(path);
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
    const auth: AuthState | null =
      provider === 'imagekit' ? this.imagekit.auth(emuReq) : provider === 'imgix' ? this.imgix.auth(emuReq) : null;
    let reply: Reply | undefined;
    let fault: string | undefined;
    try {
      // Latency is part of the emulated services (APIs, CDN); the control API answers at once.
      if (provider !== 'control') await delay(this.options.latencyMs, this.closing.signal);
      if (body === undefined) {
        reply = withConnectionClose(providerError(provider, 413, 'The request body is larger than 1 MiB.'));
      } else if (provider === 'control') {
        reply = handleControl(emuReq, this.controlContext());
      } else {
        const f = this.faults.take(method, path, provider);
        if (f) {
          fault = f.kind;
          await delay(f.delayMs ?? 0, this.closing.signal);
          reply = faultReply(f, provider, provider === 'imgix' ? IMGIX_CONTENT_TYPE : JSON_TYPE);
        }
        reply ??= this.route(emuReq, provider, auth);
      }
    } catch {
      res.destroy();
      return;
    }
    if (provider === 'imagekit' || provider === 'imgix') reply = this.withSupportId(provider, reply);
    this.write(req, res, reply);
    if (provider !== 'control') this.record(emuReq, provider, auth, reply, fault, seq, arrivedAt);
  }

  private route(req: EmuRequest, provider: Provider, auth: AuthState | null): Reply {
    if (provider === 'cdn') return this.cdn.serve(req);
    if (provider === 'unknown') {
      return json(404, {
        error: `No endpoint ${req.method} ${req.path}. ImageKit: POST ${IMAGEKIT_PURGE_PATH}, GET ${IMAGEKIT_PURGE_PATH}/{requestId}; imgix: POST ${IMGIX_PURGE_PATH}; CDN: GET ${CDN_PREFIX}<host>/<path>; control: ${CONTROL_PREFIX}info.`,
      });
    }
    const bucket =
      provider === 'imagekit'
        ? req.path === IMAGEKIT_PURGE_PATH
          ? 'imagekit purge'
          : 'imagekit status'
        : 'imgix purge';
    const decision = this.rate.take(bucket);
    if (!decision.ok) {
      return provider === 'imagekit'
        ? providerError(
            provider,
            429,
            `Too many requests: more than ${this.options.imagekitRate} in ${this.options.imagekitRateIntervalMs} ms. Wait the number of milliseconds in X-RateLimit-Reset.`,
            decision.headers,
          )
        : providerError(
            provider,
            429,
            `Rate limit exceeded: more than ${this.options.imgixRate} purges a second. Slow down.`,
            decision.headers,
          );
    }
    const reply =
      provider === 'imagekit'
        ? this.imagekit.handle(req, auth ?? 'missing')
        : this.imgix.handle(req, auth ?? 'missing');
    return reply.kind === 'respond' ? { ...reply, headers: { ...decision.headers, ...reply.headers } } : reply;
  }

  /**
   * Every ImageKit answer carries an x-ik-requestId header; every imgix error object an `id` (the documented
   * "unique identifier of the request", one per answer).
   */
  private withSupportId(provider: 'imagekit' | 'imgix', reply: Reply): Reply {
    if (reply.kind !== 'respond') return reply;
    const first = this.supportIds.next();
    const id = uuidShaped(this.options.seed === undefined ? first.padStart(32, '0') : first + this.supportIds.next());
    if (provider === 'imagekit') return { ...reply, headers: { ...reply.headers, 'x-ik-requestid': id } };
    if (reply.status < 400 || typeof reply.body !== 'string') return reply;
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

  private controlContext(): ControlContext {
    return { info: () => this.info(), log: this.log, faults: this.faults, cdn: this.cdn, reset: () => this.reset() };
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
    provider: Provider,
    auth: AuthState | null,
    reply: Reply,
    fault: string | undefined,
    seq: number,
    arrivedAt: number,
  ): void {
    const o = this.options;
    const secrets = [o.keys.imagekit.value, o.keys.imgix.value, ...presentedSecrets(req)];
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

/** Starts an emulator of the ImageKit and imgix purge APIs and their CDN on loopback. */
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
