// Proxies and trusted certificates, decided in one place for every HTTP client (the CLI's, the extension's), without
// loading undici: which proxy a URL goes through (HTTPS_PROXY / HTTP_PROXY / NO_PROXY, or an explicit configuration
// such as VS Code's http.proxy, http.noProxy and http.proxyStrictSSL), the CA certificates to trust (--ca-file,
// NODE_EXTRA_CA_CERTS), and the secrets of a proxy URL (user and password), which are never printed. src/core/http.ts
// builds undici's EnvHttpProxyAgent from what this resolves.
//
// Loopback (127.0.0.0/8, ::1, localhost) is always reached directly, whatever the settings say, as Go's
// http.ProxyFromEnvironment does: the local emulator is on loopback, a proxy cannot reach the machine's own
// loopback, and a key sent over plain http must never leave the machine.

import fs from 'node:fs';
import { isLoopbackHost } from './url';

/** What a front end may pass (the extension: VS Code's proxy settings). Undefined fields fall back to the environment. */
export interface ProxyConfig {
  /**
   * One proxy for http and https URLs (VS Code's http.proxy): `http://[user:password@]host:port`. Undefined or ''
   * (VS Code's default): the environment's HTTPS_PROXY / HTTP_PROXY decide.
   */
  proxy?: string;
  /** Hosts reached directly: NO_PROXY syntax (`example.com`, `.example.com`, `*.example.com`, `host:port`, `*`). */
  noProxy?: string | readonly string[];
  /** false accepts TLS certificates that do not verify (VS Code's http.proxyStrictSSL false). Default true. */
  strictSSL?: boolean;
  /** Extra CA certificates (PEM), trusted on top of Node's roots and NODE_EXTRA_CA_CERTS. */
  ca?: string | readonly string[];
}

/** A proxy URL taken apart: where it is, and the secret parts that are never shown. */
export interface ProxyEndpoint {
  /** The URL without its user and password (safe to show): `http://proxy.example.com:3128`. */
  url: string;
  /** The URL as the dispatcher takes it, credentials included: never shown, never logged. */
  dispatchUri: string;
  /** `Basic base64(user:password)` when the URL had credentials. */
  token?: string;
  /** The secret strings of the URL (user, password and both joined, as written and decoded), for redaction. */
  secrets: string[];
  /** Where it came from, for messages: "HTTPS_PROXY", "http.proxy". */
  source: string;
}

/** What the HTTP client applies (src/core/http.ts). */
export interface ProxySettings {
  http?: ProxyEndpoint;
  https?: ProxyEndpoint;
  /** NO_PROXY entries, joined with ",". */
  noProxy: string;
  /** Where noProxy came from, for messages. */
  noProxySource?: string;
  rejectUnauthorized: boolean;
  /** The full CA list to trust when extra certificates were given (Node's roots included); undefined: Node's default. */
  ca?: string[];
}

export class ProxyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxyConfigError';
  }
}

function first(
  env: Record<string, string | undefined>,
  ...names: string[]
): { value: string; name: string } | undefined {
  for (const name of names) {
    const v = env[name];
    if (v !== undefined && v.trim() !== '') return { value: v.trim(), name };
  }
  return undefined;
}

/** Strips the user and password of a URL for showing it; anything that does not parse is shown as "(a proxy URL)". */
export function redactUrlCredentials(raw: string): string {
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
    if (!u.username && !u.password) return u.href.replace(/\/$/, '');
    u.username = '';
    u.password = '';
    return `${u.protocol}//***@${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(a proxy URL)';
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parses a proxy URL (a missing scheme means http://, as curl takes it); throws a ProxyConfigError saying what is wrong. */
export function parseProxyUrl(raw: string, source: string): ProxyEndpoint {
  const text = raw.trim();
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new ProxyConfigError(
      `${source} is not a proxy URL (${redactUrlCredentials(text)}): write it as http://host:port or http://user:password@host:port.`,
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ProxyConfigError(
      `${source} uses ${u.protocol}//: only http:// and https:// proxies are supported (${redactUrlCredentials(text)}).`,
    );
  }
  if (!u.hostname) throw new ProxyConfigError(`${source} has no host (${redactUrlCredentials(text)}).`);
  const user = u.username;
  const password = u.password;
  const secrets = new Set<string>();
  let token: string | undefined;
  if (user || password) {
    const du = safeDecode(user);
    const dp = safeDecode(password);
    token = `Basic ${Buffer.from(`${du}:${dp}`, 'utf8').toString('base64')}`;
    for (const s of [user, password, du, dp, `${user}:${password}`, `${du}:${dp}`]) if (s) secrets.add(s);
  }
  return {
    url: `${u.protocol}//${u.host}`,
    dispatchUri: `${u.protocol}//${user || password ? `${user}:${password}@` : ''}${u.host}`,
    ...(token ? { token } : {}),
    secrets: [...secrets],
    source,
  };
}

function caList(ca: ProxyConfig['ca']): string[] {
  return ca === undefined ? [] : typeof ca === 'string' ? [ca] : [...ca];
}

/** A PEM file's text, checked to hold at least one certificate; throws a ProxyConfigError naming the file. */
export function readCaFile(file: string, source: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ProxyConfigError(
      `${source} ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`,
    );
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new ProxyConfigError(`${source} ${file}: no PEM certificate in it (-----BEGIN CERTIFICATE-----).`);
  return text;
}

/**
 * The settings for an environment and an explicit configuration: the explicit proxy wins over HTTPS_PROXY /
 * HTTP_PROXY (lower case first, as curl reads them), the explicit noProxy over NO_PROXY. With extra CA certificates,
 * the list to trust is Node's roots, NODE_EXTRA_CA_CERTS (which Node adds only to its default list) and the extras.
 */
export function resolveProxySettings(
  env: Record<string, string | undefined>,
  config: ProxyConfig = {},
  rootCertificates: readonly string[] = [],
): ProxySettings {
  let http: ProxyEndpoint | undefined;
  let https: ProxyEndpoint | undefined;
  if (config.proxy !== undefined && config.proxy.trim() !== '') {
    http = https = parseProxyUrl(config.proxy, 'the proxy setting');
  } else {
    const h = first(env, 'http_proxy', 'HTTP_PROXY');
    const s = first(env, 'https_proxy', 'HTTPS_PROXY');
    http = h ? parseProxyUrl(h.value, h.name) : undefined;
    https = s ? parseProxyUrl(s.value, s.name) : undefined;
  }
  let noProxy = '';
  let noProxySource: string | undefined;
  if (config.noProxy !== undefined) {
    noProxy = (typeof config.noProxy === 'string' ? config.noProxy.split(/[,\s]+/) : [...config.noProxy])
      .map((s) => s.trim())
      .filter(Boolean)
      .join(',');
    noProxySource = 'the no-proxy setting';
  } else {
    const n = first(env, 'no_proxy', 'NO_PROXY');
    if (n) {
      noProxy = n.value
        .split(/[,\s]+/)
        .filter(Boolean)
        .join(',');
      noProxySource = n.name;
    }
  }
  const extra = caList(config.ca);
  let ca: string[] | undefined;
  if (extra.length) {
    const fromEnv = env.NODE_EXTRA_CA_CERTS ? [readCaFile(env.NODE_EXTRA_CA_CERTS, 'NODE_EXTRA_CA_CERTS')] : [];
    ca = [...rootCertificates, ...fromEnv, ...extra];
  }
  return {
    ...(http ? { http } : {}),
    ...(https ? { https } : {}),
    noProxy,
    ...(noProxySource ? { noProxySource } : {}),
    rejectUnauthorized: config.strictSSL !== false,
    ...(ca ? { ca } : {}),
  };
}

interface NoProxyEntry {
  host: string;
  port: number;
}

function noProxyEntries(noProxy: string): NoProxyEntry[] | '*' {
  const out: NoProxyEntry[] = [];
  for (const raw of noProxy.split(',')) {
    const e = raw.trim().toLowerCase();
    if (!e) continue;
    if (e === '*') return '*';
    const m = /^(.+):(\d+)$/.exec(e);
    const host = (m ? m[1] : e).replace(/^\*?\./, '').replace(/^\[|\]$/g, '');
    out.push({ host, port: m ? Number(m[2]) : 0 });
  }
  return out;
}

/**
 * The proxy a URL goes through, or undefined for a direct connection: loopback always directly, then NO_PROXY
 * (a host, its subdomains, an optional port; "*" for everything), as undici's EnvHttpProxyAgent matches it.
 */
export function proxyFor(settings: ProxySettings, url: string): ProxyEndpoint | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const host = u.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (isLoopbackHost(host)) return undefined;
  const proxy = u.protocol === 'https:' ? (settings.https ?? settings.http) : settings.http;
  if (!proxy) return undefined;
  const entries = noProxyEntries(settings.noProxy);
  if (entries === '*') return undefined;
  const port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
  for (const e of entries) {
    if (e.port && e.port !== port) continue;
    if (host === e.host || host.endsWith(`.${e.host}`)) return undefined;
  }
  return proxy;
}

/** Every secret of the proxies in use (for the key ring: never printed). */
export function proxySecrets(settings: ProxySettings): string[] {
  const all = new Set<string>();
  for (const p of [settings.http, settings.https]) for (const s of p?.secrets ?? []) all.add(s);
  for (const p of [settings.http, settings.https]) if (p?.token) all.add(p.token.slice('Basic '.length));
  return [...all];
}

/** One line on the proxies in use, for --debug: never a credential. */
export function describeProxySettings(s: ProxySettings): string {
  const via = (p: ProxyEndpoint) => `${p.url} (${p.source}${p.token ? ', with credentials' : ''})`;
  const parts: string[] = [];
  if (s.https) parts.push(`https via ${via(s.https)}`);
  if (s.http) parts.push(`http via ${via(s.http)}`);
  if (!parts.length) parts.push('no proxy');
  if (s.noProxy) parts.push(`direct for ${s.noProxy} (${s.noProxySource ?? 'no-proxy'})`);
  parts.push('direct for loopback');
  if (s.ca) parts.push(`${s.ca.length} trusted CA certificates (extra ones given)`);
  if (!s.rejectUnauthorized) parts.push('TLS certificates NOT verified');
  return parts.join('; ');
}
