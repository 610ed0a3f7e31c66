// The purge pipeline, one for the CLI and the extension:
//   URLs → group by provider (the registry) → plan (coalescing only where the provider has wildcards) → invalid
//   report → API base (checked; loopback is the emulator) → confirm → key → quota check (only where the provider has
//   a monthly quota; the emulator's purges counted apart) → send (HttpClient lanes, budgets, `unknown`) → a record
//   per result → quota record (spendsQuota: one rule) → summary.
// What differs between the front ends is passed in as hooks: how to confirm, where the key comes from, how progress
// shows, where results are recorded (the history), how a summary is worded. The pipeline itself says nothing to the
// user; every message it gives a hook is data (a plan, a problem, a quota check, results).

import { apiTargetLabel, isEmulator, keySlotOf, quotaPrefixOf, type KeySlot } from './emulator';
import { planPurge, type Plan, type PlannedRequest, type PlanOptions } from './planner';
import { problem, type Problem } from './problems';
import { provider as pluginOf, providerById } from './providers/registry';
import type { Checker, ProviderId, ProviderPlugin, TargetCheck } from './providers/types';
import { deliveryOf, executePlan, spendsQuota, type PurgeResult } from './purge';
import { accountOf, Quota, type QuotaCheck, type QuotaReservation, type QuotaStore } from './quota';
import type { Transport } from './transport';
import { checkApiBase, type ApiBase } from './url';

/** A URL to purge, with the provider when the caller already knows it (the scanner's match, a history batch's). */
export interface PurgeTarget {
  url: string;
  provider?: ProviderId;
}

/** How the front end is configured: from the settings (extension) or from flags and cdn-purge.json (CLI). */
export interface PurgeConfig {
  /** Every URL goes to this provider (the CLI's --provider, a retry of a batch); else each target's, else its host's. */
  provider?: ProviderId;
  /** The provider serving a URL's host, for targets that do not say; undefined: no provider claims it. */
  classify?(url: string): ProviderId | undefined;
  /** The provider's checker as configured (its configProblems stop it before anything is planned). */
  checker(p: ProviderPlugin): Checker;
  /** Coalesce into wildcards, saving at least this many requests (providers with wildcards only; 0 or absent: off). */
  coalesce?: number;
  /**
   * Every asset the site serves, to coalesce against (providers with wildcards only; see ./coalesce); or one per
   * provider.
   */
  inventory?:
    | Pick<PlanOptions, 'inventory' | 'maxCollateral'>
    | ((p: ProviderPlugin) => Pick<PlanOptions, 'inventory' | 'maxCollateral'> | undefined);
  /**
   * The API base as configured (checked here: plain http only on loopback); absent or undefined: the provider's
   * default. May throw an Error whose message says what is wrong (it becomes the apiBase problem).
   */
  apiBase?(p: ProviderPlugin): string | undefined;
  /** Purges a second (a setting or --rate); undefined: the provider's documented limit or its headers. */
  ratePerSecond?(p: ProviderPlugin): number | undefined;
  /** Counts against monthly quotas; absent: nothing is checked or counted. */
  quotaStore?: QuotaStore;
  /** Send even when a batch would pass the monthly quota (the CLI's --ignore-quota); it is still counted. */
  ignoreQuota?: boolean;
  /** Owns the HTTP client the purges go through and the keys to redact. */
  transport: Transport;
  /** Cancels the sending (the CLI's Ctrl-C); a progress hook may give its own signal instead. */
  signal?: AbortSignal;
}

/** A provider's batch as it is about to be sent. */
export interface PurgeBatch {
  provider: ProviderPlugin;
  plan: Plan;
  /** plan.requests: what is sent, in plan order. */
  requests: PlannedRequest[];
  /** The checked API base. */
  api: ApiBase;
  /** True when the API base is the local emulator (loopback). */
  emulator: boolean;
  /** "api.imagekit.io", "emulator 127.0.0.1:8787". */
  target: string;
}

/** Given to the hooks that run while a batch is sent: a cancel signal and a progress reporter. */
export interface SendControl {
  signal?: AbortSignal;
  /** A progress message; `increment` in percent of the whole batch. */
  report(this: void, message: string, increment?: number): void;
}

/** Where a provider's run stopped: `sent`, or the step that stopped it. */
export type RunStage = 'config' | 'invalid' | 'nothing' | 'api-base' | 'confirm' | 'key' | 'quota' | 'sent';

/**
 * Counts of a batch's results, for each front end to word. Two views of the same results: by outcome (accepted,
 * duplicate, failed, unknown, cancelled) and by how far each request got (answered + unknown = sent, notSent), so
 * that an interrupted batch can be told exactly: a request written to a connection and not answered is `unknown`
 * ("may have been received"), never counted as cancelled or not sent.
 */
export interface PurgeSummary {
  /** Requests of the plan (each has a result). */
  requests: number;
  accepted: number;
  duplicate: number;
  /** Refused by the provider (an answer said so), or not sent because of an error. */
  failed: number;
  /** Sent with no answer: may have been received. */
  unknown: number;
  /** Cancelled before they were dispatched: not sent. */
  cancelled: number;
  /** The provider answered (accepted, duplicate, or a refusal with a status). */
  answered: number;
  /** May have reached the provider: answered + unknown. */
  sent: number;
  /** Cannot have reached it: cancelled, or the connection failed before anything was written. */
  notSent: number;
  /** Inputs that were not sent (invalid). */
  invalid: number;
  /** Every input valid and every request done (accepted or duplicate). */
  ok: boolean;
}

export interface ProviderRun<R = unknown> {
  provider: ProviderPlugin;
  stage: RunStage;
  plan?: Plan;
  batch?: PurgeBatch;
  /** What the begin hook returned for this batch (the extension: its history batch). */
  record?: R;
  results: PurgeResult[];
  invalid: TargetCheck[];
  /** The configuration's problems (stage `config`) or the API base's (stage `api-base`). */
  problems: Problem[];
  /** The check that went over the quota (stage `quota`, or sent anyway). */
  quota?: QuotaCheck;
  /** Stage `quota` because the count could not be read or reserved (e.g. its file is locked): why. */
  quotaError?: string;
  /** The sending was cancelled (the signal aborted) before every request had its result. */
  interrupted?: boolean;
  summary: PurgeSummary;
}

export interface PurgeOutcome<R = unknown> {
  runs: ProviderRun<R>[];
  /** Targets no provider claims. */
  unknownHosts: string[];
  /** Every run's results, in run order. */
  results: PurgeResult[];
  invalid: TargetCheck[];
  /** What begin returned, for each batch sent. */
  batches: R[];
}

/** Messages for a log (the extension's output channel); the CLI prints warnings only. */
export interface PipelineLog {
  warn?(message: string): void;
  error?(message: string): void;
}

/** The host's parts. Every hook is optional except `key`; a hook may throw (a usage error) to stop everything. */
export interface PurgeHooks<R = unknown> {
  /** Targets no provider claims; `anyKnown`: whether others go on. */
  unknownHosts?(urls: string[], anyKnown: boolean): void | Promise<void>;
  /** The provider's configuration has errors: nothing is planned for it. */
  configProblems?(p: ProviderPlugin, problems: Problem[]): void | Promise<void>;
  /** Some inputs cannot be sent (plan.invalid): send the valid ones? Default yes. */
  invalid?(p: ProviderPlugin, plan: Plan): boolean | Promise<boolean>;
  /** The API base is refused: nothing is sent to it. */
  apiBaseProblem?(p: ProviderPlugin, problem: Problem): void | Promise<void>;
  /** Ask before sending; false sends nothing. Default yes. */
  confirm?(batch: PurgeBatch): boolean | Promise<boolean>;
  /** The key for this provider and slot (the emulator has its own); undefined sends nothing. */
  key(p: ProviderPlugin, slot: KeySlot, api: ApiBase): string | undefined | Promise<string | undefined>;
  /** The batch would pass the provider's monthly quota: send anyway? Default no. */
  overQuota?(check: QuotaCheck, batch: PurgeBatch): boolean | Promise<boolean>;
  /** Records the batch before it is sent (the history); what it returns is given to the later hooks. */
  begin?(batch: PurgeBatch): R | Promise<R>;
  /** Runs the sending inside the host's progress (with its cancel). Default: runs it with config.signal. */
  progress?<T>(batch: PurgeBatch, task: (ctl: SendControl) => Promise<T>): PromiseLike<T>;
  /** Before the first request, inside progress (e.g. copies of the assets to verify against later). */
  beforeSend?(batch: PurgeBatch, record: R | undefined, ctl: SendControl): Promise<void>;
  /**
   * Before each attempt of a request is dispatched, awaited (attempt 1 first; a retry is another attempt): whatever
   * must be on record before it can reach the server (the CLI's journal). The quota count is taken just before it.
   * If it throws, that request is not sent (`error`, with the message).
   */
  sending?(batch: PurgeBatch, record: R | undefined, index: number, attempt: number): void | Promise<void>;
  /** Each result as it comes (completion order), with its index in the plan. */
  result?(batch: PurgeBatch, record: R | undefined, result: PurgeResult, index: number, ctl: SendControl): void;
  /** After the batch is sent and its quota recorded. */
  done?(run: ProviderRun<R>): void | Promise<void>;
  log?: PipelineLog;
}

/** Counts of results, for each front end to word. */
export function summarize(results: readonly PurgeResult[], invalid: number): PurgeSummary {
  const count = (...s: PurgeResult['status'][]) => results.filter((r) => s.includes(r.status)).length;
  const delivered = (d: ReturnType<typeof deliveryOf>) => results.filter((r) => deliveryOf(r) === d).length;
  const answered = delivered('answered');
  const unknown = delivered('unknown');
  const summary = {
    requests: results.length,
    accepted: count('accepted'),
    duplicate: count('duplicate'),
    failed: count('failed', 'error'),
    unknown: count('unknown'),
    cancelled: count('cancelled'),
    answered,
    sent: answered + unknown,
    notSent: delivered('not-sent'),
    invalid,
  };
  return { ...summary, ok: invalid === 0 && results.every((r) => r.ok) };
}

export interface TargetGroups {
  groups: Map<ProviderId, string[]>;
  unknownHosts: string[];
}

/** Splits targets by provider: forced, else the target's own, else its host's; the rest are unknown hosts. */
export function groupTargets(
  targets: ReadonlyArray<string | PurgeTarget>,
  config: Pick<PurgeConfig, 'provider' | 'classify'>,
): TargetGroups {
  const groups = new Map<ProviderId, string[]>();
  const unknownHosts: string[] = [];
  for (const t of targets) {
    const url = typeof t === 'string' ? t : t.url;
    const own = typeof t === 'string' ? undefined : t.provider;
    const id = config.provider ?? (own && providerById(own) ? own : undefined) ?? config.classify?.(url);
    if (id === undefined || !providerById(id)) unknownHosts.push(url);
    else {
      // Appended in place: copying the group for each URL made planning 40,000 URLs take over a minute (issue 14).
      const group = groups.get(id);
      if (group) group.push(url);
      else groups.set(id, [url]);
    }
  }
  return { groups, unknownHosts };
}

/**
 * A provider's plan as the pipeline makes it: coalescing (and an inventory to coalesce against, see ./coalesce) only
 * for a provider with wildcards.
 */
export function planFor(
  p: ProviderPlugin,
  urls: readonly string[],
  checker: Checker,
  coalesce?: number,
  inventory?: Pick<PlanOptions, 'inventory' | 'maxCollateral'>,
): Plan {
  return planPurge(urls, checker, { coalesce: p.wildcards ? coalesce : undefined, ...(p.wildcards ? inventory : {}) });
}

/** The checked API base of a provider as configured; a problem naming the option when it is refused. */
export function resolveApiBase(
  p: ProviderPlugin,
  config: Pick<PurgeConfig, 'apiBase'>,
): { ok: true; api: ApiBase } | { ok: false; problem: Problem } {
  let raw: string | undefined;
  try {
    raw = config.apiBase?.(p);
  } catch (e) {
    return { ok: false, problem: problem('insecure-api-base', 'error', (e as Error).message) };
  }
  const r = checkApiBase(raw ?? p.defaultApiBase);
  return r.ok ? r : { ok: false, problem: { ...r.problem, option: { provider: p.id, name: 'apiBase' } } };
}

function run<R>(p: ProviderPlugin, stage: RunStage, parts: Partial<ProviderRun<R>> = {}): ProviderRun<R> {
  const results = parts.results ?? [];
  const invalid = parts.invalid ?? parts.plan?.invalid ?? [];
  return {
    provider: p,
    stage,
    problems: [],
    ...parts,
    results,
    invalid,
    summary: summarize(results, invalid.length),
  };
}

/** Runs one provider's batch through every step. */
async function purgeProvider<R>(
  p: ProviderPlugin,
  urls: string[],
  config: PurgeConfig,
  hooks: PurgeHooks<R>,
): Promise<ProviderRun<R>> {
  const checker = config.checker(p);
  if (checker.configProblems.length) {
    await hooks.configProblems?.(p, checker.configProblems);
    return run(p, 'config', { problems: checker.configProblems });
  }
  const inventory = typeof config.inventory === 'function' ? config.inventory(p) : config.inventory;
  const plan = planFor(p, urls, checker, config.coalesce, inventory);
  for (const t of plan.invalid)
    for (const x of t.problems.filter((q) => q.severity === 'error'))
      hooks.log?.error?.(`[${p.id}] not sent: ${t.input} — [${x.code}] ${x.message}`);
  if (plan.invalid.length && hooks.invalid && !(await hooks.invalid(p, plan))) return run(p, 'invalid', { plan });
  if (plan.requests.length === 0) return run(p, 'nothing', { plan });

  const resolved = resolveApiBase(p, config);
  if (!resolved.ok) {
    await hooks.apiBaseProblem?.(p, resolved.problem);
    return run(p, 'api-base', { plan, problems: [resolved.problem] });
  }
  const api = resolved.api;
  const batch: PurgeBatch = {
    provider: p,
    plan,
    requests: plan.requests,
    api,
    emulator: isEmulator(api),
    target: apiTargetLabel(api),
  };
  if (hooks.confirm && !(await hooks.confirm(batch))) return run(p, 'confirm', { plan, batch });

  const key = await hooks.key(p, keySlotOf(api), api);
  if (!key) return run(p, 'key', { plan, batch });
  config.transport.rememberKey(key);

  // Only a provider with a monthly quota is counted; the emulator's purges under their own prefix. The batch is
  // checked and reserved in one step (parallel runs cannot pass the limit together); each request is counted just
  // before it is dispatched, given back if it turns out to spend nothing, and what was not sent is released.
  const quota = p.monthlyQuota !== undefined && config.quotaStore ? new Quota(config.quotaStore, p) : undefined;
  const prefix = quotaPrefixOf(api);
  let over: QuotaCheck | undefined;
  let reservation: QuotaReservation | undefined;
  if (quota) {
    try {
      let r = await quota.reserve(batch.requests, prefix, { force: config.ignoreQuota === true });
      if (!r.ok) {
        over = r.check;
        if (!(hooks.overQuota && (await hooks.overQuota(over, batch))))
          return run(p, 'quota', { plan, batch, quota: over });
        r = await quota.reserve(batch.requests, prefix, { force: true });
      }
      if (r.ok) {
        reservation = r.reservation;
        over ??= r.over;
      }
    } catch (e) {
      const why = `could not reserve the ${p.label} quota count, so nothing was sent: ${(e as Error).message}`;
      hooks.log?.error?.(why);
      return run(p, 'quota', { plan, batch, quotaError: why });
    }
  }

  const spent = new Set<number>();
  const refunds: Promise<void>[] = [];
  let results: PurgeResult[];
  let record: R | undefined;
  let interrupted = false;
  try {
    // The client first (its first use loads undici), so nothing waits between the record and the sending.
    const client = await config.transport.api();
    record = hooks.begin ? await hooks.begin(batch) : undefined;
    const rate = config.ratePerSecond?.(p);
    const send = async (ctl: SendControl): Promise<PurgeResult[]> => {
      await hooks.beforeSend?.(batch, record, ctl);
      const out = await executePlan(batch.requests, {
        adapter: p,
        apiBase: api.base,
        key,
        client,
        signal: ctl.signal,
        ...(rate !== undefined ? { ratePerSecond: rate } : {}),
        beforeAttempt: async (i, attempt) => {
          if (reservation && !spent.has(i)) {
            try {
              await reservation.spend(accountOf(batch.requests[i], prefix));
            } catch (e) {
              throw new Error(`the quota count could not be recorded (${(e as Error).message})`, { cause: e });
            }
            spent.add(i);
          }
          await hooks.sending?.(batch, record, i, attempt);
        },
        onResult: (r, i) => {
          if (reservation && spent.has(i) && !spendsQuota(r)) {
            const account = accountOf(batch.requests[i], prefix);
            refunds.push(
              reservation.refund(account).catch((e: Error) => {
                hooks.log?.warn?.(`could not give back a ${p.label} quota count of ${account}: ${e.message}`);
              }),
            );
          }
          hooks.result?.(batch, record, r, i, ctl);
        },
      });
      interrupted = ctl.signal?.aborted === true;
      return out;
    };
    results = hooks.progress
      ? await hooks.progress(batch, send)
      : await send({ signal: config.signal, report: () => undefined });
  } finally {
    await Promise.all(refunds);
    if (reservation) {
      await reservation.release().catch((e: Error) => {
        hooks.log?.warn?.(`could not release the ${p.label} quota reservation: ${e.message}`);
      });
    }
  }

  const done = run(p, 'sent', {
    plan,
    batch,
    record,
    results,
    ...(over ? { quota: over } : {}),
    ...(interrupted ? { interrupted } : {}),
  });
  await hooks.done?.(done);
  return done;
}

/**
 * Purges targets through every step for each provider in turn. Resolves with what happened to each provider's
 * batch; throws only what a hook throws.
 */
export async function runPurge<R = unknown>(
  targets: ReadonlyArray<string | PurgeTarget>,
  config: PurgeConfig,
  hooks: PurgeHooks<R>,
): Promise<PurgeOutcome<R>> {
  const { groups, unknownHosts } = groupTargets(targets, config);
  if (unknownHosts.length) await hooks.unknownHosts?.(unknownHosts, groups.size > 0);
  const runs: ProviderRun<R>[] = [];
  for (const [id, urls] of groups) runs.push(await purgeProvider(pluginOf(id), urls, config, hooks));
  return {
    runs,
    unknownHosts,
    results: runs.flatMap((r) => r.results),
    invalid: runs.flatMap((r) => r.invalid),
    batches: runs.flatMap((r) => (r.stage === 'sent' && r.record !== undefined ? [r.record] : [])),
  };
}
