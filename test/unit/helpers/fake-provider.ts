// A third CDN, "FakeCDN", written as a provider plugin from the test folder alone: its rules (a checker), its wire
// adapter (requests and parsers), its capabilities, and a loopback server that plays its API. Registered with
// registerProvider(), nothing under src/ knows it. Its wire format differs from both built-ins on purpose:
//   POST {apiBase}/v2/purge   Authorization: Token <key>   {"target": "<url>", "region"?: "<region>"}
//     → 202 {"ticket": "<id>"}; 401 {"error": "..."}; 400 {"error": "..."}
//   GET  {apiBase}/v2/purge/<ticket>  → 200 {"state": "queued"|"done"}
// Rules: hosts *.fakecdn.test (or the configured "hosts"); a wildcard only at the end, after at least one folder.
import { problem, type Problem } from '../../../src/core/problems';
import type {
  Checker,
  HttpRequestSpec,
  ProviderConfig,
  ProviderPlugin,
  PurgeAnswer,
  StatusOutcome,
  TargetCheck,
} from '../../../src/core/providers/types';
import { encodeExact, parseUrl } from '../../../src/core/url';
import { reply, startServer, type TestServer } from './server';

export const FAKE_ID = 'fakecdn';
export const FAKE_KEY_ENV = 'FAKECDN_TOKEN';
export const FAKE_KEY = 'fk_tok3n-Secret-9911';
export const FAKE_MONTHLY_QUOTA = 3;

class FakeChecker implements Checker {
  readonly provider = FAKE_ID;
  readonly configProblems: Problem[] = [];
  private readonly hosts: Set<string>;

  constructor(private readonly config: ProviderConfig) {
    const hosts = (config.endpoints ?? []).map((h) => h.replace(/^https?:\/\//, '').replace(/\/.*$/, ''));
    this.hosts = new Set(hosts);
    if (config.region !== undefined && !/^[a-z]{2}$/.test(String(config.region)))
      this.configProblems.push(
        problem('invalid-endpoint', 'error', 'The FakeCDN region is two letters.', {
          option: { provider: FAKE_ID, name: 'region' },
        }),
      );
  }

  ownsHost(h: string): boolean {
    return this.hosts.size ? this.hosts.has(h) : h.endsWith('.fakecdn.test');
  }

  check(raw: string): TargetCheck {
    const input = raw.trim();
    const parsed = parseUrl(raw);
    if (!parsed.ok) return { provider: FAKE_ID, input, ok: false, kind: 'exact', problems: [parsed.problem] };
    const u = parsed.url;
    const path = encodeExact(u.rawPath);
    const star = path.indexOf('*');
    const kind = star >= 0 ? 'wildcard' : 'exact';
    const problems: Problem[] = [];
    if (!this.ownsHost(u.hostname))
      problems.push(
        problem('not-under-endpoint', 'error', `${u.hostname} is not a FakeCDN host.`, {
          option: { provider: FAKE_ID, name: 'endpoints' },
        }),
      );
    if (star >= 0 && (star !== path.length - 1 || path.split('/').length < 3))
      problems.push(
        problem('wildcard-too-broad', 'error', 'A FakeCDN wildcard ends the URL, after at least one folder.', {
          start: u.pathStart,
          end: u.pathStart + u.rawPath.length,
        }),
      );
    if (path === '/') problems.push(problem('empty-path', 'error', 'The URL has no file path.'));
    const ok = !problems.some((p) => p.severity === 'error');
    return {
      provider: FAKE_ID,
      input,
      ok,
      normalized: u.origin + path,
      kind,
      problems,
      base: u.origin,
      account: u.hostname,
      ...(this.config.region ? { attributes: { region: String(this.config.region) } } : {}),
    };
  }
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(body) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const fakeProvider: ProviderPlugin = {
  id: FAKE_ID,
  label: 'FakeCDN',
  defaultApiBase: 'https://api.fakecdn.test',
  key: {
    env: FAKE_KEY_ENV,
    label: 'FakeCDN token',
    help: 'from the FakeCDN console → Tokens',
    check: (k) => (k.startsWith('fk_') ? undefined : 'A FakeCDN token starts with "fk_".'),
  },
  wildcards: true,
  status: {
    pending: 'queued',
    completed: 'done',
    request: (apiBase: string, key: string, id: string): HttpRequestSpec => ({
      method: 'GET',
      url: `${apiBase}/v2/purge/${encodeURIComponent(id)}`,
      headers: { authorization: `Token ${key}` },
    }),
    parse: (httpStatus: number, body: string): StatusOutcome => {
      const json = parseJson(body);
      return httpStatus === 200 && typeof json?.state === 'string'
        ? { ok: true, status: json.state, httpStatus }
        : { ok: false, httpStatus, message: typeof json?.error === 'string' ? json.error : `HTTP ${httpStatus}` };
    },
  },
  monthlyQuota: FAKE_MONTHLY_QUOTA,
  requestIdLabel: 'ticket',
  support: 'help@fakecdn.test',
  traffic: {
    rateLimitSource: 'the FakeCDN docs',
    rateHeadersOnEveryResponse: false,
    readRateLimit: () => undefined,
    resendUncertainPurge: 0,
    resendReason: 'every FakeCDN purge is billed',
  },
  settings: {
    section: FAKE_ID,
    endpointsKey: 'hosts',
    endpointsLabel: 'hosts',
    apiBaseKey: 'apiBase',
    options: [{ name: 'region', type: 'string', flag: 'region', description: 'the purge region (two letters)' }],
  },
  checker: (config) => new FakeChecker(config),
  purgeRequest: (apiBase, key, target): HttpRequestSpec => ({
    method: 'POST',
    url: `${apiBase}/v2/purge`,
    headers: { authorization: `Token ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ target: target.normalized, ...target.attributes }),
  }),
  parsePurge: (httpStatus, body): PurgeAnswer => {
    const json = parseJson(body);
    if (httpStatus === 202 && typeof json?.ticket === 'string')
      return { ok: true, status: 'accepted', httpStatus, requestId: json.ticket };
    return {
      ok: false,
      status: 'failed',
      httpStatus,
      message: typeof json?.error === 'string' ? json.error : `HTTP ${httpStatus}`,
      ...(httpStatus === 401 ? { remedy: 'key' as const } : {}),
    };
  },
};

/** A loopback server playing FakeCDN's API: tickets are "t1", "t2"...; a ticket is done on its second status poll. */
export async function fakeCdnServer(): Promise<TestServer & { purged: Array<{ target: string; region?: string }> }> {
  const purged: Array<{ target: string; region?: string }> = [];
  const polls = new Map<string, number>();
  const server = await startServer((req, res) => {
    if (req.headers.authorization !== `Token ${FAKE_KEY}`) return reply(res, 401, { error: 'bad token' });
    if (req.method === 'POST' && req.url === '/v2/purge') {
      const body = parseJson(req.body) as { target: string; region?: string };
      if (body.target.includes('refuse')) return reply(res, 400, { error: 'refused by FakeCDN' });
      purged.push(body);
      return reply(res, 202, { ticket: `t${purged.length}` });
    }
    const m = /^\/v2\/purge\/(t\d+)$/.exec(req.url);
    if (req.method === 'GET' && m) {
      const n = (polls.get(m[1]) ?? 0) + 1;
      polls.set(m[1], n);
      return reply(res, 200, { state: n >= 2 ? 'done' : 'queued' });
    }
    reply(res, 404, { error: 'no such endpoint' });
  });
  return Object.assign(server, { purged });
}
