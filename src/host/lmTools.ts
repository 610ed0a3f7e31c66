// Language model tools (package.json `contributes.languageModelTools`): an agent in VS Code can check purge URLs,
// see the plan of a purge, and purge, with the extension's own rules, quota and history. `check` and `plan` send
// nothing. `purge` always asks the user first (prepareInvocation's confirmation in the chat; a modal dialog of its own
// when a tool is invoked outside a chat, where no chat confirmation is shown) and then goes through the one
// PurgeService the commands use: trust, its own confirmation setting, the key prompt, the quota, the history.
// Each result says, per request, whether it was answered, sent with no answer (may have been received) or not sent.

import * as vscode from 'vscode';
import type { Plan } from '../core/planner';
import type { ProviderId, TargetCheck } from '../core/providers/types';
import type { QuotaStore } from '../core/quota';
import type { PurgeService, PurgeSettings } from './purgeService';

/** The tool names, as package.json declares them. */
export const LmTool = {
  check: 'cdn-purge_check',
  plan: 'cdn-purge_plan',
  purge: 'cdn-purge_purge',
} as const;

/** What each tool takes: the URLs (exact, or ImageKit wildcards ending in `*`). */
export interface UrlsInput {
  urls: string[];
}

/** The most URLs one tool call takes (a model's input is not a batch file; the CLI takes more). */
export const MAX_TOOL_URLS = 500;

/** What the tools need of the extension's services. */
export interface LmToolServices {
  settings: PurgeSettings;
  purge: Pick<PurgeService, 'purge'>;
  /** Where the monthly quota is counted: the extension's globalState, as PurgeService counts it. */
  state: Pick<vscode.Memento, 'get' | 'update'>;
}

/** The quota counter on globalState, read as PurgeService keeps it. */
function quotaStore(state: LmToolServices['state']): QuotaStore {
  return { get: (k) => state.get<number>(k), set: async (k, v) => state.update(k, v) };
}

function text(value: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(value)]);
}

/** The URLs of a tool's input, checked (a model may send anything). */
export function urlsOf(input: unknown): string[] {
  const urls = (input as Partial<UrlsInput> | undefined)?.urls;
  if (!Array.isArray(urls) || urls.length === 0 || urls.some((u) => typeof u !== 'string'))
    throw new Error(vscode.l10n.t('Give "urls": a list of one or more URLs (strings).'));
  if (urls.length > MAX_TOOL_URLS)
    throw new Error(
      vscode.l10n.t('{0} URLs in one call: give at most {1} (or use the CLI for a batch).', urls.length, MAX_TOOL_URLS),
    );
  return urls.map((u: string) => u.trim()).filter(Boolean);
}

function problemsJson(t: TargetCheck) {
  return t.problems.map((p) => ({ code: p.code, severity: p.severity, message: p.message }));
}

/** `check`: each URL against its provider's rules (what the diagnostics and `cdn-purge check` say). */
export function checkUrls(settings: PurgeSettings, urls: readonly string[]) {
  return urls.map((url) => {
    const provider = settings.providerOf(url);
    if (!provider)
      return {
        url,
        ok: false,
        provider: null,
        problems: [{ code: 'unknown-host', severity: 'error', message: 'not on a host of any configured provider' }],
      };
    const t = settings.checker(provider).check(url);
    return {
      url,
      ok: t.ok,
      provider,
      normalized: t.normalized ?? null,
      kind: t.kind,
      problems: problemsJson(t),
    };
  });
}

/** One provider's part of a plan: what would be sent, where, and what it does to the month's quota. */
export interface ProviderPlan {
  provider: ProviderId;
  label: string;
  /** "api.imagekit.io", "emulator 127.0.0.1:8787"; undefined when the API base is refused. */
  target?: string;
  apiBaseProblem?: string;
  requests: Array<{ url: string; kind: 'exact' | 'wildcard'; covers: number; coalesced: boolean }>;
  invalid: Array<{ url: string; problems: ReturnType<typeof problemsJson> }>;
  /** Per account, for a provider with a monthly quota. */
  quota?: Array<{ account: string; requested: number; used: number; limit: number; ok: boolean; message: string }>;
  plan: Plan;
}

export interface PurgePlan {
  providers: ProviderPlan[];
  unknownHosts: string[];
  /** Requests that would be sent, in all. */
  requests: number;
}

/** `plan`: the requests a purge of these URLs would send (as the pipeline plans them), and the quota they spend. */
export async function planUrls(s: LmToolServices, urls: readonly string[]): Promise<PurgePlan> {
  await s.settings.ready;
  const [{ groupTargets, planFor, resolveApiBase }, { providerById }, { apiTargetLabel, quotaPrefixOf }, quotaMod] =
    await Promise.all([
      import('../core/pipeline'),
      import('../core/providers/registry'),
      import('../core/emulator'),
      import('../core/quota'),
    ]);
  const { groups, unknownHosts } = groupTargets(urls, { classify: (u) => s.settings.providerOf(u) });
  const out: ProviderPlan[] = [];
  for (const [id, list] of groups) {
    const p = providerById(id)!;
    const plan = planFor(p, list, s.settings.checker(id), s.settings.coalesce);
    const api = resolveApiBase(p, {
      apiBase: () => s.settings.apiBase(id).base,
    });
    const part: ProviderPlan = {
      provider: id,
      label: p.label,
      requests: plan.requests.map((r) => ({
        url: r.url,
        kind: r.kind,
        covers: r.covers.length,
        coalesced: r.coalesced,
      })),
      invalid: plan.invalid.map((t) => ({ url: t.input, problems: problemsJson(t) })),
      plan,
    };
    if (!api.ok) part.apiBaseProblem = api.problem.message;
    else {
      part.target = apiTargetLabel(api.api);
      if (p.monthlyQuota !== undefined && plan.requests.length) {
        const quota = new quotaMod.Quota(quotaStore(s.state), p);
        const counts = quotaMod.countByAccount(plan.requests, quotaPrefixOf(api.api));
        part.quota = [];
        for (const [account, n] of counts) {
          const c = await quota.check(account, n);
          part.quota.push({
            account: c.account,
            requested: n,
            used: c.used,
            limit: c.limit,
            ok: c.ok,
            message: c.message,
          });
        }
      }
    }
    out.push(part);
  }
  return { providers: out, unknownHosts, requests: out.reduce((n, p) => n + p.requests.length, 0) };
}

/** The plan as data for the model (without the planner's internals). */
export function planJson(plan: PurgePlan) {
  return {
    requests: plan.requests,
    providers: plan.providers.map(({ plan: _plan, ...rest }) => rest),
    unknownHosts: plan.unknownHosts,
    sent: false,
  };
}

/** The confirmation text of a purge: how many requests, to which target, the first URLs, the quota. */
export function confirmationOf(plan: PurgePlan): { title: string; message: vscode.MarkdownString } {
  const lines: string[] = [];
  for (const p of plan.providers) {
    if (!p.requests.length) continue;
    lines.push(
      vscode.l10n.t(
        '{0}: {1} request(s) to {2}',
        p.label,
        p.requests.length,
        p.target ?? vscode.l10n.t('(API base refused)'),
      ),
    );
    for (const r of p.requests.slice(0, 10))
      lines.push(
        `- \`${r.url.replace(/`/g, '%60')}\`${r.kind === 'wildcard' ? ` ${vscode.l10n.t('(wildcard: every URL starting with the part before *)')}` : ''}`,
      );
    if (p.requests.length > 10) lines.push(vscode.l10n.t('- … and {0} more', p.requests.length - 10));
    for (const q of p.quota ?? []) lines.push(q.message);
  }
  const invalid = plan.providers.reduce((n, p) => n + p.invalid.length, 0) + plan.unknownHosts.length;
  if (invalid) lines.push(vscode.l10n.t('{0} URL(s) are invalid and will not be sent.', invalid));
  const message = new vscode.MarkdownString(lines.join('\n\n'));
  return { title: vscode.l10n.t('Purge {0} CDN request(s)?', plan.requests), message };
}

type Outcome = Awaited<ReturnType<PurgeService['purge']>>;

/** What a purge did, per request: answered (with the provider's status), unknown (may have been received), not sent. */
export async function outcomeJson(outcome: Outcome) {
  const [{ deliveryOf }, { safeText }] = await Promise.all([import('../core/purge'), import('../core/untrusted')]);
  if (!outcome)
    return {
      sent: 0,
      summary: vscode.l10n.t(
        'Nothing was sent: the purge was declined, the workspace is not trusted, no key was given, or nothing was valid. Nothing was counted in the quota.',
      ),
      providers: [],
    };
  const providers = outcome.runs.map((run) => ({
    provider: run.provider.id,
    target: run.batch?.target ?? null,
    /** Where the run stopped: sent, or the step that stopped it (confirm, key, quota, invalid…). */
    stage: run.stage,
    summary: run.summary,
    ...(run.quota ? { quota: run.quota.message } : {}),
    ...(run.quotaError ? { quotaError: run.quotaError } : {}),
    results: run.results.map((r) => ({
      url: r.url,
      kind: r.kind,
      status: r.status,
      delivery: deliveryOf(r),
      httpStatus: r.httpStatus ?? null,
      requestId: r.requestId ?? null,
      ...(r.message ? { message: safeText(r.message) } : {}),
      ...(r.hint ? { hint: safeText(r.hint) } : {}),
    })),
    invalid: run.invalid.map((t) => ({ url: t.input, problems: problemsJson(t) })),
  }));
  const sum = (f: (s: (typeof providers)[number]['summary']) => number) =>
    providers.reduce((n, p) => n + f(p.summary), 0);
  const sent = sum((s) => s.sent);
  const answered = sum((s) => s.answered);
  const unknown = sum((s) => s.unknown);
  const notSent = sum((s) => s.notSent);
  const stopped = providers.filter((p) => p.stage !== 'sent').map((p) => `${p.provider}: ${p.stage}`);
  return {
    sent,
    answered,
    unknown,
    notSent,
    summary: vscode.l10n.t(
      '{0} request(s) sent: {1} answered, {2} sent with no answer (may have been received); {3} not sent.{4}',
      sent,
      answered,
      unknown,
      notSent,
      stopped.length ? ` ${vscode.l10n.t('Stopped before sending: {0}.', stopped.join(', '))}` : '',
    ),
    providers,
    unknownHosts: outcome.unknownHosts,
  };
}

function result(summary: string, data: unknown): vscode.LanguageModelToolResult {
  return text(`${summary}\n${JSON.stringify(data, null, 2)}`);
}

/** The three tools, over the services (exported for the tests). */
export function lmTools(s: LmToolServices): Record<keyof typeof LmTool, vscode.LanguageModelTool<UrlsInput>> {
  return {
    check: {
      prepareInvocation: (options) => ({
        invocationMessage: vscode.l10n.t('Checking {0} purge URL(s)', urlsOf(options.input).length),
      }),
      invoke: async (options) => {
        await s.settings.ready;
        const results = checkUrls(s.settings, urlsOf(options.input));
        const bad = results.filter((r) => !r.ok).length;
        return result(vscode.l10n.t('{0} valid, {1} invalid. Nothing was sent.', results.length - bad, bad), {
          results,
          sent: false,
        });
      },
    },
    plan: {
      prepareInvocation: (options) => ({
        invocationMessage: vscode.l10n.t('Planning a purge of {0} URL(s)', urlsOf(options.input).length),
      }),
      invoke: async (options) => {
        const plan = await planUrls(s, urlsOf(options.input));
        return result(
          vscode.l10n.t(
            'A purge would send {0} request(s). Nothing was sent; the purge tool asks the user first.',
            plan.requests,
          ),
          planJson(plan),
        );
      },
    },
    purge: {
      // Always a confirmation, even for one URL: a purge spends quota and cannot be undone.
      prepareInvocation: async (options) => {
        const plan = await planUrls(s, urlsOf(options.input));
        return {
          invocationMessage: vscode.l10n.t('Purging {0} CDN request(s)', plan.requests),
          confirmationMessages: confirmationOf(plan),
        };
      },
      invoke: async (options) => {
        const urls = urlsOf(options.input);
        // Invoked outside a chat (another extension's vscode.lm.invokeTool), no chat confirmation was shown: ask here.
        if (options.toolInvocationToken === undefined) {
          const c = confirmationOf(await planUrls(s, urls));
          const purge = vscode.l10n.t('Purge');
          const pick = await vscode.window.showWarningMessage(c.title, { modal: true, detail: c.message.value }, purge);
          if (pick !== purge)
            return result(vscode.l10n.t('The user declined: nothing was sent.'), { sent: 0, declined: true });
        }
        // The commands' one purge path: trust, cdnPurge.confirm's dialog for a batch, the key, quota, history.
        const outcome = await s.purge.purge(urls, { source: 'agent' });
        const data = await outcomeJson(outcome);
        return result(data.summary, data);
      },
    },
  };
}

/**
 * Registers the tools where this VS Code has the language model tool API (vscode.lm.registerTool); elsewhere
 * (an older VS Code or an editor without it) nothing is registered.
 */
export function registerLmTools(s: LmToolServices): vscode.Disposable[] {
  const lm = (vscode as { lm?: Partial<typeof vscode.lm> }).lm;
  if (typeof lm?.registerTool !== 'function') return [];
  const tools = lmTools(s);
  return (Object.keys(LmTool) as Array<keyof typeof LmTool>).map((k) => lm.registerTool!(LmTool[k], tools[k]));
}
