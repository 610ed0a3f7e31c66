// Transport, owned in one place: the HTTP client for the providers' APIs, the client that fetches assets to verify
// purges, and the keys in use (so every message, log line and event can be redacted). The CLI makes one per run;
// the extension one per activation, shared by the purge pipeline, the status poller, verification and the emulator
// probe. Clients are created on first use (undici is not loaded before a request is made) and closed together.

import tls from 'node:tls';
import type { HttpClient, HttpClientOptions, HttpEvent } from './http';
import {
  describeProxySettings,
  proxyFor,
  proxySecrets,
  resolveProxySettings,
  type ProxyConfig,
  type ProxySettings,
} from './proxy';
import { redact } from './redact';
import { userAgent } from './version';

export type { ProxyConfig } from './proxy';

/** The keys in use: whoever logs or prints anything redacts against them. */
export class KeyRing {
  private readonly keys = new Set<string>();

  add(key: string | undefined): void {
    if (key) this.keys.add(key);
  }

  list(): string[] {
    return [...this.keys];
  }

  redact(text: string): string {
    return this.keys.size ? redact(text, [...this.keys]) : text;
  }
}

/** The API client's defaults: 30 s an attempt (the CLI's --timeout overrides). */
export const API_CLIENT_DEFAULTS: HttpClientOptions = { timeoutMs: 30_000 };

/** The asset client's: verification wants a quick answer, one retry, and room for images. */
export const ASSET_CLIENT_DEFAULTS: HttpClientOptions = {
  concurrency: 6,
  timeoutMs: 10_000,
  retry: { maxRetries: 1 },
  maxBodyBytes: 32 * 1024 * 1024,
};

export interface TransportOptions {
  /** The API client's options over API_CLIENT_DEFAULTS (the CLI: --concurrency, --timeout, --connect-timeout). */
  api?: HttpClientOptions;
  /** The asset client's options over ASSET_CLIENT_DEFAULTS. */
  assets?: HttpClientOptions;
  /** Both clients' events (the extension's output channel, which redacts them with `keys`). */
  onEvent?: (e: HttpEvent) => void;
  /** Share a key ring with a log made before the transport (the extension's PurgeLog). */
  keys?: KeyRing;
  /**
   * An explicit proxy configuration (the extension: VS Code's http.proxy, http.noProxy, http.proxyStrictSSL, and
   * extra CA certificates). Fields left undefined fall back to `env`.
   */
  proxy?: ProxyConfig;
  /**
   * Where HTTPS_PROXY, HTTP_PROXY, NO_PROXY (and their lower-case forms) and NODE_EXTRA_CA_CERTS are read: the
   * CLI passes its own environment; default process.env. `{}` ignores the environment.
   */
  env?: Record<string, string | undefined>;
  /** The User-Agent of every request; default userAgent() ("cdn-purge/VERSION (node …)"). */
  userAgent?: string;
}

export class Transport {
  readonly keys: KeyRing;
  /** The proxies and certificates every request of this transport uses (resolved when it is made or reconfigured). */
  private proxySettings: ProxySettings;
  readonly userAgent: string;
  private apiClient?: Promise<HttpClient>;
  private assetClient?: Promise<HttpClient>;
  private closed = false;

  /** Throws a ProxyConfigError (its message says which variable or setting is wrong) for a proxy URL or CA file that is. */
  constructor(private readonly options: TransportOptions = {}) {
    this.keys = options.keys ?? new KeyRing();
    this.proxySettings = this.resolve(options.proxy);
    this.userAgent = options.userAgent ?? userAgent();
  }

  get proxy(): ProxySettings {
    return this.proxySettings;
  }

  /**
   * New proxy settings (the extension: VS Code's http.* settings changed). Throws a ProxyConfigError and keeps the
   * settings in use when they are wrong; otherwise later requests use new clients, and requests in flight end on
   * the old ones, which then close.
   */
  reconfigure(proxy: ProxyConfig | undefined): void {
    if (this.closed) return;
    this.proxySettings = this.resolve(proxy);
    const clients = [this.apiClient, this.assetClient];
    this.apiClient = this.assetClient = undefined;
    for (const c of clients) void c?.then((client) => client.close()).catch(() => undefined);
  }

  private resolve(proxy: ProxyConfig | undefined): ProxySettings {
    const settings = resolveProxySettings(this.options.env ?? process.env, proxy, tls.rootCertificates);
    // A proxy's user and password are secrets like the keys: redacted wherever this transport's users print.
    for (const s of proxySecrets(settings)) this.keys.add(s);
    return settings;
  }

  /** The proxy a URL goes through (its URL without credentials), or undefined when it is reached directly. */
  proxyFor(url: string): string | undefined {
    return proxyFor(this.proxy, url)?.url;
  }

  /** The proxies and certificates in use, in one line without credentials (the CLI's --debug). */
  describeNetwork(): string {
    return describeProxySettings(this.proxy);
  }

  /** The client for the providers' APIs (purges, status); one lane per provider and API base. */
  api(): Promise<HttpClient> {
    this.apiClient ??= this.make({ ...API_CLIENT_DEFAULTS, ...this.options.api });
    return this.apiClient;
  }

  /** The client that fetches assets (verification, "before" copies) from the CDN or the emulator's CDN. */
  assets(): Promise<HttpClient> {
    this.assetClient ??= this.make({ ...ASSET_CLIENT_DEFAULTS, ...this.options.assets });
    return this.assetClient;
  }

  /** A key about to be used: from now on it is redacted wherever this transport's users print. */
  rememberKey(key: string | undefined): void {
    this.keys.add(key);
  }

  redact(text: string): string {
    return this.keys.redact(text);
  }

  /** Closes both clients (idle keep-alive connections are dropped); later calls to api() or assets() fail. */
  async close(): Promise<void> {
    this.closed = true;
    const clients = [this.apiClient, this.assetClient];
    this.apiClient = this.assetClient = undefined;
    await Promise.all(clients.map(async (c) => (await c)?.close()));
  }

  private async make(options: HttpClientOptions): Promise<HttpClient> {
    if (this.closed) throw new Error('The transport is closed.');
    const { HttpClient } = await import('./http');
    const onEvent = this.options.onEvent;
    return new HttpClient({
      proxy: this.proxy,
      userAgent: this.userAgent,
      ...options,
      ...(onEvent ? { onEvent } : {}),
    });
  }
}
