// What a connection error code means, in words: the raw codes Node and undici give (DEPTH_ZERO_SELF_SIGNED_CERT,
// ERR_TLS_CERT_ALTNAME_INVALID, ECONNRESET, UND_ERR_INVALID_ARG...) become what happened and what to do, plus data
// for the front ends: a `remedy` each one words its own way (the CLI names its flags and environment variables, the
// extension its settings), whether any of the request can have been written, and whether trying again can help.
// README "Security" has the table. The HTTP client (./http) asks here; nothing else in it knows the codes.

import type { Remedy } from './providers/types';

/** What kind of trouble it was. */
export type NetKind =
  | 'certificate' // the server's certificate is not one Node trusts for this host
  | 'tls' // the TLS handshake failed otherwise (wrong port, reset during it)
  | 'refused' // nothing listens there
  | 'dns' // the host name did not resolve
  | 'unreachable' // no route to the network or the host
  | 'reset' // the connection was cut
  | 'timeout' // no connection or answer in time
  | 'request' // the request itself could not be built (a header or the URL cannot be sent)
  | 'proxy' // the proxy refused the tunnel
  | 'other';

export interface NetProblem {
  /** The code as Node or undici gave it, kept for searches and support (never server text). */
  code: string;
  kind: NetKind;
  /** What happened, to follow "Could not reach HOST: ". */
  what: string;
  /** What to do, naming no flag, setting or environment variable of a front end (see `remedy`). */
  todo: string;
  /** What fixes it, for the front end to word. */
  remedy?: Remedy;
  /** False when none of the request can have been written yet (no connection, no TLS): it is safe to send again. */
  maybeSent: boolean;
  /** False when sending again cannot help (a certificate refused, a request that cannot be built). */
  retryable: boolean;
}

const CHECK_NETWORK = 'Check the network, a proxy, or the API base.';
const TRUST =
  'If your network inspects TLS with its own root certificate (a corporate proxy, antivirus software), give CDN Purge that certificate; never turn certificate checks off for a network you do not control.';

interface Entry {
  kind: NetKind;
  what: string;
  todo: string;
  remedy?: Remedy;
  /** Default false: these happen before the request is written. */
  maybeSent?: boolean;
  /** Default true. */
  retryable?: boolean;
}

const certificate = (what: string, todo = TRUST, remedy: Remedy | undefined = 'trust'): Entry => ({
  kind: 'certificate',
  what,
  todo,
  ...(remedy ? { remedy } : {}),
  retryable: false,
});

/** Node's and OpenSSL's certificate verification codes (tls.TLSSocket#authorizationError), undici's own codes. */
const CODES: Readonly<Record<string, Entry>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: certificate('its certificate is self-signed, so it is not trusted'),
  SELF_SIGNED_CERT_IN_CHAIN: certificate(
    'its certificate chain ends in a self-signed root that is not trusted (typical of a proxy or antivirus that inspects TLS)',
  ),
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: certificate(
    'its certificate was issued by an authority that is not trusted here (or the server did not send the intermediate certificates)',
  ),
  UNABLE_TO_GET_ISSUER_CERT: certificate('the issuer of its certificate is not trusted here'),
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: certificate(
    'the issuer of its certificate is not trusted here (typical of a proxy or antivirus that inspects TLS)',
  ),
  CERT_UNTRUSTED: certificate('its certificate is not trusted'),
  CERT_SIGNATURE_FAILURE: certificate('its certificate has a bad signature'),
  CERT_REVOKED: certificate(
    'its certificate has been revoked',
    'Do not send keys to it. Check the API base, or tell whoever runs the proxy.',
    'api-base',
  ),
  CERT_HAS_EXPIRED: certificate(
    'its certificate has expired',
    "Check this computer's date and time; if they are right, the server (or a proxy in between) has an expired certificate: tell whoever runs it.",
    undefined,
  ),
  CERT_NOT_YET_VALID: certificate(
    'its certificate is not valid yet',
    "Check this computer's date and time: a clock that is behind makes valid certificates look not yet valid.",
    undefined,
  ),
  ERR_TLS_CERT_ALTNAME_INVALID: certificate(
    'its certificate is for another host name (the API base is wrong, or something in between answers in its place)',
    'Check the API base; on a network that inspects TLS, its proxy may be answering with a certificate of its own.',
    'api-base',
  ),
  HOSTNAME_MISMATCH: certificate(
    'its certificate is for another host name',
    'Check the API base; on a network that inspects TLS, its proxy may be answering with a certificate of its own.',
    'api-base',
  ),
  ERR_SSL_WRONG_VERSION_NUMBER: {
    kind: 'tls',
    what: 'it does not speak TLS on that port (is it a plain http server or a proxy port?)',
    todo: 'Check the API base: https needs a TLS port; a local emulator is reached over http://127.0.0.1:PORT.',
    remedy: 'api-base',
    retryable: false,
  },
  EPROTO: {
    kind: 'tls',
    what: 'the TLS handshake failed',
    todo: 'Check the API base and any proxy in between.',
    remedy: 'api-base',
    retryable: false,
  },
  ECONNREFUSED: {
    kind: 'refused',
    what: 'connection refused (nothing listens at that address and port)',
    todo: CHECK_NETWORK,
    remedy: 'api-base',
  },
  ENOTFOUND: { kind: 'dns', what: 'host not found (DNS)', todo: 'Check the API base and the network (DNS, a proxy).' },
  EAI_AGAIN: {
    kind: 'dns',
    what: 'the host name could not be resolved right now (DNS)',
    todo: 'Check the network; try again.',
  },
  ENETUNREACH: { kind: 'unreachable', what: 'the network is unreachable', todo: 'Check the network connection.' },
  ENETDOWN: { kind: 'unreachable', what: 'the network is down', todo: 'Check the network connection.' },
  EHOSTUNREACH: { kind: 'unreachable', what: 'no route to the host', todo: CHECK_NETWORK },
  EHOSTDOWN: { kind: 'unreachable', what: 'the host is down', todo: CHECK_NETWORK },
  UND_ERR_CONNECT_TIMEOUT: { kind: 'timeout', what: 'connect timeout', todo: CHECK_NETWORK },
  ETIMEDOUT: { kind: 'timeout', what: 'the connection timed out', todo: CHECK_NETWORK, maybeSent: true },
  UND_ERR_HEADERS_TIMEOUT: { kind: 'timeout', what: 'no answer in time', todo: CHECK_NETWORK, maybeSent: true },
  UND_ERR_BODY_TIMEOUT: { kind: 'timeout', what: 'the answer stopped coming', todo: CHECK_NETWORK, maybeSent: true },
  ECONNRESET: { kind: 'reset', what: 'the connection was reset', todo: CHECK_NETWORK, maybeSent: true },
  EPIPE: { kind: 'reset', what: 'the connection was closed while sending', todo: CHECK_NETWORK, maybeSent: true },
  ECONNABORTED: { kind: 'reset', what: 'the connection was aborted', todo: CHECK_NETWORK, maybeSent: true },
  UND_ERR_SOCKET: { kind: 'reset', what: 'the server closed the connection', todo: CHECK_NETWORK, maybeSent: true },
  UND_ERR_CLOSED: { kind: 'reset', what: 'the connection was closed', todo: CHECK_NETWORK, maybeSent: true },
  UND_ERR_INVALID_ARG: {
    kind: 'request',
    what: 'the request could not be built: a header or the URL has a character that cannot be sent (this is not a network problem)',
    todo: 'If the key was pasted with an odd character (a non-ASCII letter, an invisible space), store it again as plain text.',
    remedy: 'key',
    retryable: false,
  },
  ERR_INVALID_CHAR: {
    kind: 'request',
    what: 'the request could not be built: a header has a character that cannot be sent (this is not a network problem)',
    todo: 'If the key was pasted with an odd character (a non-ASCII letter, an invisible space), store it again as plain text.',
    remedy: 'key',
    retryable: false,
  },
  ERR_INVALID_URL: {
    kind: 'request',
    what: 'the request URL is not valid (this is not a network problem)',
    todo: 'Check the API base.',
    remedy: 'api-base',
    retryable: false,
  },
};

/** A code we can repeat: Node's and undici's are upper-case tokens; anything else is not shown as a code. */
const CODE_SHAPE = /^[A-Z][A-Z0-9_]{1,63}$/;

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && CODE_SHAPE.test(code)) return code;
  // undici wraps some errors (a proxy's, a connector's) with the cause holding the code.
  const cause = (err as { cause?: unknown }).cause;
  return cause !== err ? codeOf(cause) : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : typeof err === 'string' ? err : '';
}

/**
 * What a connection or request error means: what happened, what to do, the front end's remedy, and whether the
 * request may have been written (so whether it is safe to send it again). Never throws; an unknown code keeps
 * its code and the generic advice.
 */
export function describeNetError(err: unknown): NetProblem {
  const code = codeOf(err);
  const message = messageOf(err);
  // A reset before the TLS handshake finished ("Client network socket disconnected before secure TLS connection
  // was established"): nothing of the request was written; on a network that inspects TLS it is often the proxy.
  if (code === 'ECONNRESET' && /before secure TLS connection was established/i.test(message)) {
    return {
      code,
      kind: 'tls',
      what: 'the connection was closed during the TLS handshake, before anything was sent',
      todo: 'Check the network and any proxy or firewall in between (some refuse TLS to hosts they do not allow); try again.',
      remedy: 'proxy',
      maybeSent: false,
      retryable: true,
    };
  }
  // undici's ProxyAgent: "Proxy response (407) !== 200 when HTTP Tunneling".
  const proxy = /^Proxy response \((\d{3})\) !== 200/.exec(message);
  if (proxy) {
    const status = Number(proxy[1]);
    return {
      code: code ?? 'UND_ERR_ABORTED',
      kind: 'proxy',
      what:
        status === 407
          ? 'the proxy wants credentials (HTTP 407)'
          : `the proxy refused to open a tunnel (HTTP ${status})`,
      todo:
        status === 407
          ? 'Put the proxy credentials in the proxy URL (http://user:password@proxy:port), or ask whoever runs it.'
          : 'Check the proxy settings, and whether the proxy allows this host.',
      remedy: 'proxy',
      maybeSent: false,
      retryable: status >= 500,
    };
  }
  const entry = code ? CODES[code] : undefined;
  if (entry)
    return {
      code: code as string,
      kind: entry.kind,
      what: entry.what,
      todo: entry.todo,
      ...(entry.remedy ? { remedy: entry.remedy } : {}),
      maybeSent: entry.maybeSent ?? false,
      retryable: entry.retryable ?? true,
    };
  // Any other OpenSSL verification failure still says it is the certificate.
  if (code && /CERT|ERR_TLS_|ERR_SSL_/.test(code))
    return {
      code,
      kind: code.startsWith('ERR_SSL_') ? 'tls' : 'certificate',
      what: code.startsWith('ERR_SSL_') ? 'the TLS handshake failed' : 'its certificate was refused',
      todo: TRUST,
      remedy: 'trust',
      maybeSent: false,
      retryable: false,
    };
  return {
    code: code ?? 'UNKNOWN',
    kind: 'other',
    what: code ? 'the connection failed' : 'the connection failed for a reason Node did not name',
    todo: CHECK_NETWORK,
    maybeSent: true,
    retryable: true,
  };
}

/** "its certificate is self-signed, so it is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)". */
export function netWhy(p: NetProblem): string {
  return `${p.what} (${p.code})`;
}
