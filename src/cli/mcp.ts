// `cdn-purge mcp`: an MCP server over stdio (the official @modelcontextprotocol/sdk) with three tools for agents
// outside VS Code: check, plan and purge, on the same code as `cdn-purge check`, `purge --dry-run` and `purge`
// (keys from the environment only, the quota file, the journal). stdout carries only protocol messages; logs go to
// stderr. A purge is refused unless the same input was planned first and the plan's token is given back (the agent
// has shown the plan and the user confirmed it), or the server was started with --allow-purge.
//
// This module is a bundle of its own (dist/mcp/server.js): the SDK is loaded only by `cdn-purge mcp`.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { mergeProviderConfig } from '../core/config';
import { apiTargetLabel, quotaPrefixOf } from '../core/emulator';
import { groupTargets, planFor } from '../core/pipeline';
import type { Plan } from '../core/planner';
import { providerById, providers } from '../core/providers/registry';
import type { ProviderId } from '../core/providers/types';
import { countByAccount, Quota } from '../core/quota';
import { classifierFrom } from '../core/scanner';
import { checkApiBase, parseUrl } from '../core/url';
import { VERSION } from '../core/version';
import { loadProjectConfig, parse, str, type Options, type Parsed } from './args';
import { checkJson } from './check';
import { choiceWords, keyEnvWords } from './help';
import { EXIT_OK, EXIT_USAGE, UsageError, writers, type CliIO } from './io';
import { planJson } from './plan';
import { PURGE_OPTIONS, purgeRun, type PurgeReport } from './purge';
import { JsonFileQuotaStore, quotaFile } from './state';
import { inventories, purgeInputs } from './targets';

export const MCP_OPTIONS: Options = {
  'allow-purge': { type: 'boolean' },
  config: { type: 'string' },
  'api-base': { type: 'string' },
  'quota-file': { type: 'string' },
  journal: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** The most URLs one tool call takes. */
export const MAX_MCP_URLS = 1000;

export function mcpHelp(): string {
  return `cdn-purge mcp [--allow-purge] [--config FILE] [--api-base URL] [--quota-file FILE] [--journal FILE]

Runs an MCP server over stdio (Model Context Protocol) for agents: tools check, plan and purge, on the same code as
cdn-purge check, purge --dry-run and purge. stdout carries only protocol messages; logs go to stderr.
  check    each URL against its provider's rules (sends nothing)
  plan     the requests a purge would send, where, and ImageKit's monthly quota left; returns a token (sends nothing)
  purge    sends the purge: refused unless "confirm" is the token plan gave for the same input (show the plan to
           the user and purge after they confirm), or the server runs with --allow-purge
  --allow-purge        purge without a plan's token (the agent's client must ask the user itself)
  --config FILE        endpoints and mappings (default: ./cdn-purge.json when it exists)
  --api-base URL       API base for every purge (e.g. the local emulator); default the real APIs
  --quota-file FILE    the quota counter (default $CDN_PURGE_QUOTA_FILE, else quota.json in the state folder)
  --journal FILE       append each purge request to FILE as cdn-purge purge --journal does
Keys come only from the environment: ${keyEnvWords()}; never printed.
Configure it in an MCP client as the command "cdn-purge" with the arguments ["mcp"].`;
}

/** What the three tools take. */
export interface ToolInput {
  urls: string[];
  provider?: ProviderId;
  coalesce?: number;
  confirm?: string;
}

interface TextResult {
  [k: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  isError?: boolean;
}

function reply(summary: string, data: unknown, isError = false): TextResult {
  return {
    content: [{ type: 'text', text: `${summary}\n${JSON.stringify(data, null, 2)}` }],
    ...(isError ? { isError: true } : {}),
  };
}

/** A CliIO that keeps what a command prints (stdout is the protocol's), with the process's env and cwd. */
function captured(io: CliIO): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: (s) => void (out += s),
      stderr: (s) => void (err += s),
      env: io.env,
      cwd: io.cwd,
      // Ctrl-C or SIGTERM stops a purge in flight as it stops `cdn-purge purge` (what was sent is reported).
      ...(io.signal ? { signal: io.signal } : {}),
      stderrIsTTY: false,
      stdoutIsTTY: false,
    },
    out: () => out,
    err: () => err,
  };
}

/** The URLs of an input, refused when one could be taken for an option or stdin. */
function urlArgs(input: ToolInput): string[] {
  const urls = input.urls.map((u) => u.trim()).filter(Boolean);
  if (!urls.length) throw new UsageError('Give "urls": one or more URLs.');
  const bad = urls.find((u) => u.startsWith('-'));
  if (bad) throw new UsageError(`"${bad}" is not a URL.`);
  return urls;
}

export class McpTools {
  /** The tokens plan gave, not yet used: a purge takes one once. */
  private readonly issued = new Set<string>();
  private readonly secret = randomBytes(32);

  constructor(
    private readonly io: CliIO,
    private readonly options: Parsed['values'],
  ) {}

  /** The argv of purge/plan for an input, with the server's options. */
  private argv(input: ToolInput): string[] {
    const o = this.options;
    return [
      ...(input.provider ? ['--provider', input.provider] : []),
      ...(str(o.config) !== undefined ? ['--config', str(o.config)!] : []),
      ...(str(o['api-base']) !== undefined ? ['--api-base', str(o['api-base'])!] : []),
      ...(str(o['quota-file']) !== undefined ? ['--quota-file', str(o['quota-file'])!] : []),
      ...(input.coalesce !== undefined ? [`--coalesce=${input.coalesce}`] : []),
      '--',
      ...urlArgs(input),
    ];
  }

  check(input: ToolInput): TextResult {
    const { err } = writers(this.io);
    const project = loadProjectConfig(this.io, { explicit: str(this.options.config) }, err);
    const checkers = new Map(
      providers().map((p) => [p.id, p.checker(mergeProviderConfig(p, [project.config.providers[p.id]]))] as const),
    );
    const byHost = classifierFrom(Object.fromEntries(checkers));
    const results = urlArgs(input).map((url) => {
      const u = parseUrl(url);
      const id = input.provider ?? (u.ok ? byHost(u.url.hostname) : undefined);
      const checker = id ? checkers.get(id) : undefined;
      if (!id || !checker)
        return {
          url,
          ok: false,
          provider: null,
          problems: [
            {
              code: 'unknown-host',
              severity: 'error',
              message: `not on a host of ${choiceWords()}: add its custom domain to cdn-purge.json, or give "provider"`,
            },
          ],
        };
      return { ...checkJson(checker.check(url)), provider: id };
    });
    const bad = results.filter((r) => !r.ok).length;
    return reply(`${results.length - bad} valid, ${bad} invalid. Nothing was sent.`, { results, sent: false });
  }

  /** The plans of an input as `purge --dry-run` makes them, with the target and quota of each provider. */
  private async plans(input: ToolInput) {
    const c = captured(this.io);
    const { values, positionals } = parse(this.argv(input), PURGE_OPTIONS, true);
    const inputs = await purgeInputs(values, positionals, c.io);
    const grouped = groupTargets(inputs.targets, {
      ...(inputs.forced ? { provider: inputs.forced.id } : {}),
      classify: inputs.classify,
    });
    const inPlay = [...grouped.groups.keys()].map((id) => providerById(id)!);
    const inventory = await inventories(values, c.io, inputs, inPlay);
    const store = new JsonFileQuotaStore(quotaFile(this.io.env, this.io.cwd, str(this.options['quota-file'])), {
      warn: (m) => writers(this.io).err(`warning: ${m}`),
    });
    const out = [];
    for (const [id, urls] of grouped.groups) {
      const p = providerById(id)!;
      const plan: Plan = planFor(p, urls, inputs.checkers.get(id) ?? p.checker({}), inputs.coalesce, inventory.get(id));
      const api = checkApiBase(str(this.options['api-base']) ?? p.defaultApiBase);
      const quota = [];
      if (api.ok && p.monthlyQuota !== undefined && plan.requests.length) {
        const q = new Quota(store, p);
        for (const [account, n] of countByAccount(plan.requests, quotaPrefixOf(api.api))) {
          const check = await q.check(account, n);
          quota.push({
            account,
            requested: n,
            used: check.used,
            limit: check.limit,
            ok: check.ok,
            message: check.message,
          });
        }
      }
      out.push({
        ...planJson(plan),
        label: p.label,
        target: api.ok ? apiTargetLabel(api.api) : null,
        ...(api.ok ? {} : { apiBaseProblem: api.problem.message }),
        ...(p.monthlyQuota !== undefined ? { quota } : {}),
      });
    }
    for (const line of [...inputs.notes, ...c.err().split('\n')].filter(Boolean)) writers(this.io).err(`plan: ${line}`);
    return { plans: out, unknownHosts: grouped.unknownHosts };
  }

  /** The token of a plan: what was asked and what it would send, under this server's secret. */
  private token(input: ToolInput, plans: Awaited<ReturnType<McpTools['plans']>>['plans']): string {
    // The quota's counts are left out: another run may spend some between the plan and the purge.
    const sent = plans.map((p) => ({
      provider: p.provider,
      target: p.target,
      requests: p.requests,
      invalid: p.invalid,
    }));
    const what = JSON.stringify({ input: { ...input, confirm: undefined }, sent });
    return createHash('sha256').update(this.secret).update(what).digest('hex').slice(0, 32);
  }

  async plan(input: ToolInput): Promise<TextResult> {
    const { plans, unknownHosts } = await this.plans(input);
    const token = this.token(input, plans);
    this.issued.add(token);
    const requests = plans.reduce((n, p) => n + p.requests.length, 0);
    return reply(
      `A purge would send ${requests} request(s). Nothing was sent. Show this plan to the user; if they confirm, call purge with the same urls${input.provider ? ', provider' : ''}${input.coalesce !== undefined ? ', coalesce' : ''} and confirm: "${token}".`,
      { requests, plans, unknownHosts, sent: false, token },
    );
  }

  async purge(input: ToolInput): Promise<TextResult> {
    if (this.options['allow-purge'] !== true) {
      const given = input.confirm ?? '';
      const { plans } = await this.plans(input);
      const expected = this.token(input, plans);
      const same = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
      if (!same || !this.issued.has(expected))
        return reply(
          given
            ? 'Refused, nothing was sent: this token is not the one plan gave for this input (the input or the plan changed, or it was used already). Call plan again, show it to the user, and purge with its token after they confirm.'
            : 'Refused, nothing was sent: call plan with the same input first, show the plan to the user, and after they confirm call purge with confirm set to the plan\'s token. (The server operator can start "cdn-purge mcp --allow-purge" to skip this.)',
          { sent: 0, refused: true },
          true,
        );
      // A token purges once: a second purge needs a new plan.
      this.issued.delete(expected);
    }
    const c = captured(this.io);
    const argv = [
      '--json',
      ...(str(this.options.journal) !== undefined ? ['--journal', str(this.options.journal)!] : []),
      ...this.argv(input),
    ];
    const { code, report } = await purgeRun(argv, c.io);
    for (const line of c.err().split('\n').filter(Boolean)) writers(this.io).err(`purge: ${line}`);
    if (!report) return reply('Nothing was sent.', { sent: 0, exitCode: code }, true);
    return reply(purgeSummary(report), purgeData(report, code), !report.ok);
  }
}

/** "3 request(s) sent: 2 answered, 1 sent with no answer (may have been received); 0 not sent." */
function purgeSummary(r: PurgeReport): string {
  const s = r.summary;
  const stopped = r.providers.filter((p) => p.stage !== 'sent').map((p) => `${p.provider}: ${p.stage}`);
  return `${s.sent} request(s) sent: ${s.answered} answered (${s.accepted} accepted, ${s.duplicate} duplicate, ${s.answered - s.accepted - s.duplicate} refused), ${s.unknown} sent with no answer (may have been received); ${s.notSent} not sent; ${s.invalid + s.unknownHosts} invalid, not sent.${stopped.length ? ` Stopped before sending: ${stopped.join(', ')}.` : ''}`;
}

function purgeData(r: PurgeReport, code: number) {
  return {
    sent: r.summary.sent,
    ok: r.ok,
    exitCode: code,
    summary: r.summary,
    providers: r.providers.map((p) => ({
      provider: p.provider,
      target: p.target ?? null,
      stage: p.stage,
      ...(p.quota ? { quota: p.quota } : {}),
      results: p.results,
    })),
    invalid: r.invalid,
    unknownHosts: r.unknownHosts,
    ...(r.journal ? { journal: r.journal } : {}),
  };
}

/** Tool calls in progress: when the client goes (stdin ends), a purge in flight is finished and answered first. */
const inFlight = new Set<Promise<unknown>>();

/** Runs a tool; a usage error (a missing key, a bad input) becomes an error result, never a crash. */
function guarded(run: () => TextResult | Promise<TextResult>): Promise<TextResult> {
  const p = (async () => {
    try {
      return await run();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return reply(`Nothing was sent: ${message}`, { sent: 0, error: message }, true);
    }
  })();
  inFlight.add(p);
  void p.finally(() => inFlight.delete(p));
  return p;
}

export async function mcpCommand(argv: string[], io: CliIO): Promise<number> {
  try {
    return await serve(argv, io);
  } catch (e) {
    // This bundle has its own UsageError class (dist/mcp/server.js), which main()'s instanceof does not know.
    if (!(e instanceof UsageError)) throw e;
    const { err } = writers(io);
    err(`cdn-purge mcp: ${e.message}`);
    err('See cdn-purge mcp --help.');
    return EXIT_USAGE;
  }
}

async function serve(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, MCP_OPTIONS);
  const { out, err } = writers(io);
  if (values.help) {
    out(mcpHelp());
    return EXIT_OK;
  }
  if (positionals.length) throw new UsageError(`mcp takes no arguments (got "${positionals[0]}").`);
  if (str(values['api-base']) !== undefined) {
    const api = checkApiBase(str(values['api-base'])!);
    if (!api.ok) throw new UsageError(`--api-base: ${api.problem.message}`);
  }
  const tools = new McpTools(io, values);
  const server = new McpServer({ name: 'cdn-purge', version: VERSION });
  const ids = providers().map((p) => p.id) as [ProviderId, ...ProviderId[]];
  const urls = z
    .array(z.string().max(8192))
    .min(1)
    .max(MAX_MCP_URLS)
    .describe(
      'Purge URLs: exact ImageKit or imgix URLs, or ImageKit wildcards ending in * (e.g. https://ik.imagekit.io/demo/products/*).',
    );
  const provider = z
    .enum(ids)
    .optional()
    .describe(
      `Send every URL to this provider (${choiceWords()}); without it, each URL goes to the provider of its host.`,
    );
  const coalesce = z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('ImageKit: replace groups of URLs by wildcards that save at least this many requests.');
  server.registerTool(
    'check',
    {
      title: 'Check purge URLs',
      description:
        "Checks URLs against the ImageKit or imgix purge rules (endpoints, wildcards, query strings, percent-encoding) without sending anything. Returns each URL's validity, the URL that would be sent, and its problems.",
      inputSchema: { urls, provider },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input) => guarded(() => tools.check(input)),
  );
  server.registerTool(
    'plan',
    {
      title: 'Plan a CDN purge',
      description:
        'Plans a purge without sending it: the requests per provider, where they go (the real API or the local emulator), invalid URLs, and ImageKit\'s monthly quota (1000 a month) used and left. Returns a token: show the plan to the user and, if they confirm, pass the token to purge as "confirm" with the same input.',
      inputSchema: { urls, provider, coalesce },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input) => guarded(() => tools.plan(input)),
  );
  server.registerTool(
    'purge',
    {
      title: 'Purge from the CDN',
      description:
        "Purges URLs from ImageKit or imgix (keys from the server's environment). Refused unless \"confirm\" is the token plan returned for the same input, after the user saw the plan and confirmed. A purge cannot be undone and counts against ImageKit's 1000 a month. Returns each request's status and whether it was answered, sent with no answer (may have been received), or not sent; an imgix 200 means received, not done.",
      inputSchema: {
        urls,
        provider,
        coalesce,
        confirm: z.string().max(200).optional().describe('The token plan returned for this same input.'),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    },
    (input) => guarded(() => tools.purge(input)),
  );
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
    // Ctrl-C or SIGTERM (src/cli.ts aborts io.signal): stop serving.
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.connect(transport);
  err(
    `cdn-purge mcp ${VERSION}: serving check, plan and purge over stdio (${values['allow-purge'] === true ? 'purge allowed without a plan token (--allow-purge)' : "purge needs the plan's token"}).`,
  );
  await closed;
  // The answers of calls in flight are written before the server closes (its transport then stops writing).
  while (inFlight.size) await Promise.all([...inFlight]);
  await new Promise((r) => setImmediate(r));
  await server.close().catch(() => undefined);
  return EXIT_OK;
}
