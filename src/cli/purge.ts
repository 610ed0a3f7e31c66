// `cdn-purge purge`: the CLI's front end of the one purge pipeline (src/core/pipeline.ts), with what a CI run needs:
// both providers in one run (grouped by host or by the mapping's provider), --wait (a status API until done) and
// --verify (fetch until served fresh), a crash-safe --journal and --resume, --json and --json-lines, an exact report
// of an interrupted run (exit 130), a quota file under a lock, proxies and CA files, progress on a terminal, --debug.

import fs from 'node:fs';
import path from 'node:path';
import { emulatorBaseOf } from '../core/emulator';
import type { HttpEvent } from '../core/http';
import { JournalWriter, readJournal, resumePlan, type JournalState, type ResumePlan } from '../core/journal';
import {
  groupTargets,
  planFor,
  runPurge,
  summarize,
  type ProviderRun,
  type PurgeBatch,
  type PurgeSummary,
} from '../core/pipeline';
import { ProxyConfigError, readCaFile, redactUrlCredentials } from '../core/proxy';
import { providerById, providers } from '../core/providers/registry';
import { doneBy, type ProviderId, type ProviderPlugin } from '../core/providers/types';
import { deliveryOf, waitForCompletion, type PurgeResult } from '../core/purge';
import { Transport } from '../core/transport';
import { safeText } from '../core/untrusted';
import { snapshotAsset, verifyFresh, type AssetSnapshot, type VerifyResult } from '../core/verify';
import { VERSION } from '../core/version';
import {
  apiAndKey,
  nonNegativeNumber,
  parse,
  positiveInt,
  positiveNumber,
  str,
  type Options,
  type Parsed,
} from './args';
import { checkJson, problemLine } from './check';
import { apiBaseWords, choices, choiceWords, endpointWords, keyEnvWords, labels, optionLines } from './help';
import { inventoryHelp, inventoryLines } from './inventory';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, UsageError, writers, type CliIO } from './io';
import type { PlanOptions } from '../core/planner';
import { PLAN_OPTIONS, planJson, printPlan } from './plan';
import { ProgressBar } from './progress';
import { JsonFileQuotaStore, quotaFile } from './state';
import { inventories, purgeInputs, type PurgeInputs, type TargetOrigin } from './targets';
import { hintFor } from './words';
import { classifierFrom } from '../core/scanner';
import { mergeProviderConfig } from '../core/config';
import { loadProjectConfig } from './args';
import { parseUrl } from '../core/url';

export const PURGE_OPTIONS: Options = {
  ...PLAN_OPTIONS,
  'api-base': { type: 'string' },
  'dry-run': { type: 'boolean' },
  concurrency: { type: 'string' },
  rate: { type: 'string' },
  timeout: { type: 'string' },
  'connect-timeout': { type: 'string' },
  'ignore-quota': { type: 'boolean' },
  'quota-file': { type: 'string' },
  wait: { type: 'boolean' },
  verify: { type: 'boolean' },
  'wait-timeout': { type: 'string' },
  interval: { type: 'string' },
  journal: { type: 'string' },
  resume: { type: 'string' },
  'json-lines': { type: 'boolean' },
  'fail-on': { type: 'string' },
  'ca-file': { type: 'string' },
  debug: { type: 'boolean' },
  file: { type: 'string', multiple: true },
  'urls-file': { type: 'string' },
};

/** What can make the exit status 1 (--fail-on): every one by default. */
export const FAIL_ON = ['failed', 'unknown', 'pending', 'stale', 'cannot-tell'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** The most assets one run fetches to verify (each exact URL, and the URLs a wildcard covers). */
export const MAX_VERIFY_URLS = 1000;

export function purgeHelp(): string {
  const wildcards = (p: ProviderPlugin) => p.wildcards;
  const quota = providers().filter((p) => p.monthlyQuota !== undefined);
  const documented = providers().filter((p) => p.traffic.documentedPurgeRate !== undefined);
  const headers = providers().filter(
    (p) => p.traffic.documentedPurgeRate === undefined && p.traffic.rateHeadersOnEveryResponse,
  );
  const status = (p: ProviderPlugin) => p.status !== undefined;
  return `cdn-purge purge [--provider ${choices()}[,...]] [--api-base URL] [--json | --json-lines] [--dry-run]
                [--wait] [--verify] [--journal FILE | --resume FILE] [--coalesce[=N]] [--from-git [REF]]
                [--inventory FILE [--max-collateral N]] [--file PATH]... [--urls-file FILE] URL|PATH...

Purges URLs, and files mapped to URLs by cdn-purge.json. The keys come only from the environment: ${keyEnvWords()}.
  -p, --provider P     ${choiceWords()}: every URL goes to it. A comma list (imagekit,imgix) keeps only those.
                       Without it, each URL goes to the provider its mapping names, else the one of its host.
  --endpoint URL       ${endpointWords()} (with one --provider); repeatable
  --config FILE        endpoints and mappings (default: ./cdn-purge.json when it exists)
  --api-base URL       API base (default ${apiBaseWords()}); plain http only for
                       a loopback host, e.g. the emulator (its purges are counted apart from the real account's)
  --dry-run            print the plan and send nothing (no key needed)
  --coalesce[=N]       ${labels(wildcards)}: fewest valid wildcard purges, each saving at least N requests (default 2)
  --from-git [REF]     add the mapped files git says changed (working tree, or since REF)
  --file PATH          a file or folder to purge, mapped by cdn-purge.json (also: existing paths given as arguments)
  --urls-file FILE     URLs one a line (problems are reported with their line)
${inventoryHelp()}
  --wait               ${labels(status)}: poll the status until every purge is done (${providers()
    .filter(status)
    .map((p) => p.status?.completed)
    .join(', ')})
  --verify             fetch each purged asset until it is served fresh (a new ETag, Last-Modified or digest, or
                       404 after a delete); says "cannot tell" when its headers cannot show it, never "stale"
  --wait-timeout S     seconds for --wait and --verify together (default 300)
  --interval S         seconds between status polls (default 2)
  --journal FILE       append a line per request as it is sent and as it is answered (fsynced)
  --resume FILE        send what FILE's journal does not show as answered (and append to it)
  --json-lines         one JSON object per line as each result arrives, then a summary line
  --fail-on LIST       what makes the exit status 1: ${FAIL_ON.join(',')} (default all), or none
  --quota-file FILE    the quota counter (default $CDN_PURGE_QUOTA_FILE, else quota.json in the state folder)
  --ca-file FILE       extra CA certificates (PEM) to trust, e.g. a corporate root (NODE_EXTRA_CA_CERTS also works)
  --debug              log each request's timing to stderr (never a key or a proxy's credentials)
  --concurrency N      most requests in flight at once (default 16; fewer when the API refuses)
  --rate N             purges a second at most (default: ${[
    ...documented.map((p) => `${p.label} ${p.traffic.documentedPurgeRate}, its documented limit`),
    ...headers.map((p) => `${p.label}: what its rate-limit headers say`),
  ].join('; ')}); 0 = no fixed pace, adapt to refusals only
  --timeout S          seconds for each attempt, connect to last byte of the answer (default 30)
  --connect-timeout S  seconds to connect (default 10)
  --ignore-quota       send even when the batch would pass ${quota.map((p) => `${p.label}'s ${p.monthlyQuota} purges a month`).join(' or ') || 'a monthly quota'}
${optionLines().join('\n')}
  --json               print {"results":[...],"providers":[{"provider","summary","results"}],"summary":{...}}
  URL|PATH...          URLs ("-" reads them from stdin, one a line), or files and folders under a mapping
Proxies: HTTPS_PROXY, HTTP_PROXY, NO_PROXY (or lower case); loopback is always reached directly.
One line per request: status, HTTP status, time, URL, ${providers()
    .map((p) => p.requestIdLabel)
    .filter((x, n, a) => a.indexOf(x) === n)
    .join(' or ')}. "??" (unknown) means it was sent and
no answer came: it may have been received (${providers()
    .filter((p) => p.traffic.resendUncertainPurge === 0)
    .map((p) => p.label)
    .join(', ')}: never sent again, and counted against the month).
Exit status: 0 all done (and, with --verify, seen fresh), 1 anything --fail-on names, 2 usage error,
130 interrupted (Ctrl-C: it says what was sent, answered and not sent).`;
}

const MARK: Record<PurgeResult['status'], string> = {
  accepted: 'ok  ',
  duplicate: 'dup ',
  failed: 'FAIL',
  error: 'FAIL',
  cancelled: 'STOP',
  unknown: '??  ',
};

/** The hint of a result with the CLI's remedy (which environment variable, which command). */
function withRemedy(p: ProviderPlugin, r: PurgeResult): PurgeResult {
  const hint = hintFor(p, r.hint, r.remedy);
  return hint === r.hint ? r : { ...r, hint };
}

export function resultLine(r: PurgeResult): string {
  const id = r.requestId ? `  id=${r.requestId}` : '';
  const support = r.supportId && !r.ok ? `\n    support id: ${r.supportId} (give it to the provider's support)` : '';
  const why = r.ok
    ? r.status === 'duplicate'
      ? '  (duplicate: purged a few seconds ago)'
      : ''
    : `\n    ${r.message ?? ''}${r.help ? `\n    help: ${r.help}` : ''}${r.hint ? `\n    ${r.hint}` : ''}${support}`;
  return `${MARK[r.status]} ${String(r.httpStatus ?? '---').padEnd(3)} ${String(r.ms).padStart(5)} ms  ${r.url}${id}${why}`;
}

/** What --wait found for one request. */
export interface Completion {
  status?: string;
  done: boolean;
  timedOut: boolean;
  message?: string;
}

interface Followed {
  completion?: Completion;
  verify?: VerifyResult[];
}

function jsonResult(provider: ProviderId, r: PurgeResult, f: Followed = {}) {
  return {
    provider,
    url: r.url,
    ok: r.ok,
    status: r.status,
    httpStatus: r.httpStatus ?? null,
    requestId: r.requestId ?? null,
    supportId: r.supportId ?? null,
    kind: r.kind,
    covers: r.covers,
    ms: r.ms,
    attempts: r.attempts,
    delivery: deliveryOf(r),
    ...(r.message ? { message: r.message } : {}),
    ...(r.hint ? { hint: r.hint } : {}),
    ...(f.completion ? { completion: f.completion } : {}),
    ...(f.verify
      ? {
          verify: f.verify.map((v) => ({
            url: v.url,
            verdict: v.verdict,
            reason: v.reason,
            detail: v.detail,
            timedOut: v.timedOut,
          })),
        }
      : {}),
  };
}

/** "3 accepted, 1 duplicate, 1 unknown (may have been received), 2 failed, 1 not sent (cancelled)" */
function summaryLine(s: PurgeSummary): string {
  const total = s.requests + s.invalid;
  const parts = [
    `${s.accepted} accepted`,
    s.duplicate ? `${s.duplicate} duplicate` : '',
    s.unknown ? `${s.unknown} unknown (may have been received)` : '',
    `${s.failed + s.invalid} failed`,
    s.cancelled ? `${s.cancelled} not sent (cancelled)` : '',
  ];
  return `${total} request${total === 1 ? '' : 's'}: ${parts.filter(Boolean).join(', ')}`;
}

export function parseFailOn(v: Parsed['values'][string]): Set<FailOn> {
  const s = str(v);
  if (s === undefined) return new Set(FAIL_ON);
  const items = s
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);
  if (items.length === 1 && (items[0] === 'none' || items[0] === 'never')) return new Set();
  for (const x of items)
    if (!(FAIL_ON as readonly string[]).includes(x))
      throw new UsageError(`--fail-on: "${x}" is not one of ${FAIL_ON.join(', ')} (or none).`);
  return new Set(items as FailOn[]);
}

/** The whole outcome, as --json prints it (and the GitHub Action reads it). */
export interface PurgeReport {
  results: Array<Record<string, unknown>>;
  providers: Array<{
    provider: ProviderId;
    label: string;
    target?: string;
    stage: string;
    summary: PurgeSummary;
    quota?: string;
    results: Array<Record<string, unknown>>;
  }>;
  invalid: Array<Record<string, unknown> & { origin?: TargetOrigin }>;
  unknownHosts: Array<{ url: string; origin?: TargetOrigin }>;
  interrupted: boolean;
  summary: PurgeSummary & {
    unknownHosts: number;
    completed?: number;
    pending?: number;
    fresh?: number;
    stale?: number;
    cannotTell?: number;
    verifyErrors?: number;
  };
  /** The reasons the exit status is 1 (what --fail-on named and happened). */
  failures: FailOn[];
  ok: boolean;
  dryRun?: boolean;
  journal?: string;
}

/** The URLs a request's purge can be verified on: an exact URL itself, a wildcard's covered exact URLs. */
function verifyUrlsOf(r: Pick<PurgeResult, 'kind' | 'url' | 'covers'>): string[] {
  if (r.kind === 'exact') return [r.url];
  return r.covers.filter((u) => !u.endsWith('*'));
}

interface ResumeInfo {
  file: string;
  state: JournalState;
  plan: ResumePlan;
}

/** Inputs from a journal: every planned request it does not show as answered, with its provider. */
function resumeInputs(values: Parsed['values'], io: CliIO, info: ResumeInfo): PurgeInputs {
  const { err } = writers(io);
  const project = loadProjectConfig(io, { explicit: str(values.config) }, err);
  const ids = [...new Set(info.state.planned.map((p) => p.provider))];
  const checkers = new Map<ProviderId, ReturnType<ProviderPlugin['checker']>>();
  for (const id of ids) {
    const p = providerById(id);
    if (!p)
      throw new UsageError(`--resume ${info.file}: the journal names a provider "${id}" this cdn-purge does not know.`);
    checkers.set(id, p.checker(mergeProviderConfig(p, [project.config.providers[p.id]])));
  }
  const byHost = classifierFrom(Object.fromEntries(checkers));
  return {
    targets: info.plan.toSend.map((t) => ({ url: t.url, provider: t.provider })),
    origins: new Map(),
    checkers,
    classify: (url) => {
      const u = parseUrl(url);
      return u.ok ? byHost(u.url.hostname) : undefined;
    },
    project: project.config,
    notes: [],
  };
}

function loadResume(file: string, io: CliIO): ResumeInfo {
  const abs = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    throw new UsageError(
      `--resume ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`,
    );
  }
  const state = readJournal(text);
  if (state.runs === 0 && state.planned.length === 0)
    throw new UsageError(`--resume ${file}: not a cdn-purge journal (no run recorded in it).`);
  return { file, state, plan: resumePlan(state) };
}

export async function purgeCommand(argv: string[], io: CliIO): Promise<number> {
  return (await purgeRun(argv, io)).code;
}

/** Runs `purge` and gives the exit status with the report (the GitHub Action words the report its own way). */
export async function purgeRun(
  argv: string[],
  io: CliIO,
  options: { quietStdout?: boolean } = {},
): Promise<{ code: number; report?: PurgeReport }> {
  const { values, positionals } = parse(argv, PURGE_OPTIONS, true);
  let secrets: () => readonly string[] = () => [];
  const w = writers(io, () => secrets());
  const out = (line: string) => (options.quietStdout ? undefined : w.out(line));
  const err = w.err;
  if (values.help) {
    out(purgeHelp());
    return { code: EXIT_OK };
  }
  const json = values.json === true;
  const lines = values['json-lines'] === true;
  if (json && lines) throw new UsageError('--json and --json-lines: choose one.');
  const text = !json && !lines;
  const failOn = parseFailOn(values['fail-on']);
  const wait = values.wait === true;
  const verify = values.verify === true;

  // --resume: what the journal does not show as answered, nothing else.
  const resumeFile = str(values.resume);
  const journalFile = str(values.journal) ?? resumeFile;
  let resume: ResumeInfo | undefined;
  if (resumeFile !== undefined) {
    if (
      str(values.journal) !== undefined &&
      path.resolve(io.cwd, str(values.journal)!) !== path.resolve(io.cwd, resumeFile)
    )
      throw new UsageError(
        '--resume appends to its own journal: give --resume FILE alone, or the same FILE to --journal.',
      );
    if (positionals.length || values['from-git'] !== undefined || values.file || values['urls-file'] !== undefined)
      throw new UsageError(
        '--resume takes the purges from the journal: give no URLs, files, --urls-file or --from-git.',
      );
    resume = loadResume(resumeFile, io);
  }
  const inputs = resume ? resumeInputs(values, io, resume) : await purgeInputs(values, positionals, io);
  for (const n of inputs.notes) err(n);
  if (resume) {
    const { toSend, resent, skipped } = resume.plan;
    const byStatus = new Map<string, number>();
    for (const s of skipped) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
    err(
      `resume ${resume.file}: ${resume.state.planned.length} planned, ${skipped.length} answered and skipped${
        skipped.length ? ` (${[...byStatus].map(([k, n]) => `${n} ${k}`).join(', ')})` : ''
      }, ${toSend.length} to send${resent.length ? ` (${resent.length} of them sent before with no answer: they may have been received, and are sent again)` : ''}.`,
    );
    if (resume.state.skippedLines.length)
      err(
        `resume ${resume.file}: ${resume.state.skippedLines.length} line${resume.state.skippedLines.length === 1 ? '' : 's'} that are not journal entries skipped (line ${resume.state.skippedLines.slice(0, 5).join(', ')}; a line cut off by a crash is one).`,
      );
  }

  const grouped = groupTargets(inputs.targets, {
    ...(inputs.forced ? { provider: inputs.forced.id } : {}),
    classify: inputs.classify,
  });
  const inPlay = [...grouped.groups.keys()].map((id) => providerById(id)!);
  const inventory = resume
    ? new Map<ProviderId, Pick<PlanOptions, 'inventory' | 'maxCollateral'>>()
    : await inventories(values, io, inputs, inPlay);
  if (wait && !verify) {
    const none = inPlay.filter((p) => !p.status);
    if (none.length)
      throw new UsageError(
        `--wait: ${labels((p) => none.includes(p))} ${none.length === 1 ? 'has' : 'have'} no status API to wait on; add --verify to fetch the assets until they are served fresh.`,
      );
  }

  if (values['dry-run']) return dryRun(inputs, grouped, inventory, { json, out });
  if (resume && inputs.targets.length === 0) {
    err(`resume ${resume.file}: nothing left to send.`);
    return { code: EXIT_OK };
  }

  // Usage errors (the API base, the keys, the proxy, the CA file) come before anything is printed or sent.
  const access = new Map<ProviderId, { apiBase: string; key: string }>();
  for (const p of inPlay) access.set(p.id, apiAndKey(values, io, p));
  const concurrency = positiveInt(values.concurrency, '--concurrency', 16);
  const timeoutMs = positiveNumber(values.timeout, '--timeout', 30) * 1000;
  const connectTimeoutMs = positiveNumber(values['connect-timeout'], '--connect-timeout', 10) * 1000;
  const ratePerSecond = nonNegativeNumber(values.rate, '--rate');
  const waitTimeoutMs = positiveNumber(values['wait-timeout'], '--wait-timeout', 300) * 1000;
  const intervalMs = positiveNumber(values.interval, '--interval', 2) * 1000;
  const caFile = str(values['ca-file']);
  const debug = values.debug === true;
  // A terminal that reports no size (0 columns: a pseudo-terminal nobody sized, as in some CI runners) gets 80.
  const bar = io.stderrIsTTY ? new ProgressBar((s) => io.stderr(s), io.columns || 80) : undefined;
  const say = (line: string) => {
    if (bar && io.stdoutIsTTY) bar.clear();
    out(line);
    if (bar && io.stdoutIsTTY) bar.redraw();
  };
  const note = (line: string) => {
    bar?.clear();
    err(line);
    bar?.redraw();
  };
  const emit = (obj: Record<string, unknown>) => {
    if (lines) say(JSON.stringify(obj));
  };

  let transport: Transport;
  try {
    transport = new Transport({
      env: io.env,
      ...(caFile !== undefined ? { proxy: { ca: readCaFile(path.resolve(io.cwd, caFile), '--ca-file') } } : {}),
      api: { concurrency, timeoutMs, connectTimeoutMs },
      ...(debug ? { onEvent: (e: HttpEvent) => note(`debug: ${transport.redact(debugLine(e))}`) } : {}),
    });
  } catch (e) {
    if (e instanceof ProxyConfigError) throw new UsageError(e.message);
    throw e;
  }
  secrets = () => transport.keys.list();
  if (debug) {
    note(`debug: cdn-purge ${VERSION}; User-Agent: ${transport.userAgent}`);
    note(`debug: network: ${transport.describeNetwork()}`);
  }

  const quotaStore = new JsonFileQuotaStore(quotaFile(io.env, io.cwd, str(values['quota-file'])), {
    warn: (m) => note(`warning: ${m}`),
  });
  let journal: JournalWriter | undefined;
  if (journalFile !== undefined) {
    try {
      journal = JournalWriter.open(path.resolve(io.cwd, journalFile));
      journal.write({ type: 'start', pid: process.pid, tool: `cdn-purge/${VERSION}`, resume: resume !== undefined });
    } catch (e) {
      throw new UsageError(`--journal: ${(e as Error).message}.`);
    }
  }

  const multi = inPlay.length > 1;
  const sentAt = new Map<PurgeBatch, number[]>();
  const before = new Map<string, AssetSnapshot>();
  const verifyBudget = { left: MAX_VERIFY_URLS };
  let barCounts = { done: 0, ok: 0, failed: 0, unknown: 0 };
  const unknownHostList: PurgeReport['unknownHosts'] = [];
  const invalidList: PurgeReport['invalid'] = [];

  let runs: ProviderRun[];
  try {
    const outcome = await runPurge(
      inputs.targets,
      {
        ...(inputs.forced ? { provider: inputs.forced.id } : {}),
        classify: inputs.classify,
        checker: (p) => inputs.checkers.get(p.id) ?? p.checker({}),
        ...(inputs.coalesce !== undefined ? { coalesce: inputs.coalesce } : {}),
        inventory: (p) => inventory.get(p.id),
        apiBase: (p) => access.get(p.id)?.apiBase,
        ratePerSecond: () => ratePerSecond,
        // The monthly quota is counted per account under a lock; the emulator's purges apart.
        quotaStore,
        ignoreQuota: values['ignore-quota'] === true,
        transport,
        signal: io.signal,
      },
      {
        unknownHosts: (urls) => {
          for (const url of urls) {
            const origin = inputs.origins.get(url);
            unknownHostList.push({ url, ...(origin ? { origin } : {}) });
            emit({ type: 'unknown-host', url });
            if (text)
              say(
                `FAIL ---     0 ms  ${url}  (not sent: not on a host of ${labels((p) => inputs.checkers.has(p.id))}; add its custom domain to cdn-purge.json, or give --provider)`,
              );
          }
        },
        invalid: (p, plan) => {
          for (const t of plan.invalid) {
            const origin = inputs.origins.get(t.input);
            invalidList.push({ ...checkJson(t), provider: p.id, status: 'invalid', ...(origin ? { origin } : {}) });
            emit({ type: 'invalid', provider: p.id, ...checkJson(t) });
            if (text) {
              say(`FAIL ---     0 ms  ${t.input}  (invalid, not sent)`);
              for (const x of t.problems) say(problemLine(x));
            }
          }
          return true;
        },
        key: (p) => access.get(p.id)?.key,
        begin: (batch) => {
          if (text) {
            if (multi)
              say(
                `${batch.provider.label} (${batch.target}): ${batch.requests.length} request${batch.requests.length === 1 ? '' : 's'}`,
              );
            // With an inventory: what the plan also purges of the unchanged assets, before anything is sent.
            for (const line of inventoryLines(batch.plan)) say(line);
          }
          sentAt.set(batch, []);
          journal?.write({
            type: 'plan',
            provider: batch.provider.id,
            api: batch.api.base,
            requests: batch.requests.map((r) => ({ url: r.url, kind: r.kind, covers: r.covers })),
          });
          bar?.start(batch.provider.id, batch.requests.length);
          barCounts = { done: 0, ok: 0, failed: 0, unknown: 0 };
        },
        beforeSend: async (batch, _record, ctl) => {
          if (!verify) return;
          // A copy of each asset from before the purge, to tell a new version from the old one afterwards.
          const urls = batch.requests.flatMap(verifyUrlsOf).slice(0, verifyBudget.left);
          if (!urls.length) return;
          note(`verify: reading the current version of ${urls.length} asset${urls.length === 1 ? '' : 's'} first`);
          const client = await transport.assets();
          const emulatorBase = emulatorBaseOf(batch.api.base);
          await Promise.all(
            urls.map(async (u) => {
              before.set(
                `${batch.provider.id} ${u}`,
                await snapshotAsset(u, client, { emulatorBase, signal: ctl.signal }),
              );
            }),
          );
        },
        sending: (batch, _record, i, attempt) => {
          const times = sentAt.get(batch);
          if (times && times[i] === undefined) times[i] = Date.now();
          journal?.write({ type: 'send', provider: batch.provider.id, url: batch.requests[i].url, attempt });
        },
        overQuota: (over, batch) => {
          note(
            `${over.message}${batch.provider.wildcards ? ' (--coalesce makes wildcards)' : ''} (--ignore-quota sends anyway)`,
          );
          return false;
        },
        result: (batch, _record, r) => {
          journal?.write({
            type: 'result',
            provider: batch.provider.id,
            url: r.url,
            status: r.status,
            ...(r.httpStatus !== undefined ? { httpStatus: r.httpStatus } : {}),
            ...(r.requestId ? { requestId: r.requestId } : {}),
            delivery: deliveryOf(r),
          });
          const shown = withRemedy(batch.provider, r);
          if (text) say(resultLine(shown));
          emit({ type: 'result', ...jsonResult(batch.provider.id, shown) });
          barCounts = {
            done: barCounts.done + 1,
            ok: barCounts.ok + (r.ok ? 1 : 0),
            failed: barCounts.failed + (!r.ok && r.status !== 'unknown' ? 1 : 0),
            unknown: barCounts.unknown + (r.status === 'unknown' ? 1 : 0),
          };
          bar?.update(barCounts);
        },
        done: () => bar?.finish(),
        log: { warn: (m) => note(`warning: ${m}`) },
      },
    );
    runs = outcome.runs;
  } finally {
    bar?.finish();
  }
  const interrupted = io.signal?.aborted === true || runs.some((r) => r.interrupted);

  // --wait and --verify, for what was sent.
  const followed = new Map<PurgeResult, Followed>();
  if (!interrupted && (wait || verify)) {
    try {
      await followUp(runs, {
        wait,
        verify,
        deadline: Date.now() + waitTimeoutMs,
        intervalMs,
        transport,
        access,
        sentAt,
        before,
        followed,
        verifyBudget,
        signal: io.signal,
        say: text ? say : () => undefined,
        emit,
        bar,
      });
    } finally {
      bar?.finish();
    }
  }
  await transport.close();
  const stopped = io.signal?.aborted === true;
  journal?.write({ type: 'end', interrupted: stopped });
  journal?.close();

  const report = buildReport(runs, followed, unknownHostList, invalidList, stopped, failOn, { wait, verify });
  if (journalFile) report.journal = journalFile;
  if (json) out(JSON.stringify(report, null, 2));
  if (lines)
    say(
      JSON.stringify({
        type: 'summary',
        ...report.summary,
        interrupted: stopped,
        ok: report.ok,
        failures: report.failures,
      }),
    );
  if (text) printSummary(report, runs, { multi, wait, verify, out: say, stopped });
  if (stopped) {
    interruptReport(runs, { journal: journalFile, err });
    return { code: EXIT_INTERRUPTED, report };
  }
  return { code: report.ok ? EXIT_OK : EXIT_FAILED, report };
}

function dryRun(
  inputs: PurgeInputs,
  grouped: ReturnType<typeof groupTargets>,
  inventory: Awaited<ReturnType<typeof inventories>>,
  o: { json: boolean; out: (s: string) => void },
): { code: number } {
  const plans = [...grouped.groups].map(([id, urls]) => {
    const p = providerById(id)!;
    return planFor(p, urls, inputs.checkers.get(id) ?? p.checker({}), inputs.coalesce, inventory.get(id));
  });
  const invalid = plans.some((p) => p.invalid.length) || grouped.unknownHosts.length > 0;
  if (o.json) {
    const one = plans.length === 1 && !grouped.unknownHosts.length ? planJson(plans[0]) : undefined;
    o.out(
      JSON.stringify(
        one
          ? { dryRun: true, ...one }
          : { dryRun: true, plans: plans.map(planJson), unknownHosts: grouped.unknownHosts },
        null,
        2,
      ),
    );
  } else {
    for (const plan of plans) printPlan(plan, o.out);
    for (const u of grouped.unknownHosts) o.out(`Not on a host of any provider, not sent: ${u}`);
    o.out('Dry run: nothing was sent.');
  }
  return { code: invalid ? EXIT_FAILED : EXIT_OK };
}

interface FollowUpContext {
  wait: boolean;
  verify: boolean;
  deadline: number;
  intervalMs: number;
  transport: Transport;
  access: Map<ProviderId, { apiBase: string; key: string }>;
  sentAt: Map<PurgeBatch, number[]>;
  before: Map<string, AssetSnapshot>;
  followed: Map<PurgeResult, Followed>;
  verifyBudget: { left: number };
  signal?: AbortSignal;
  say: (line: string) => void;
  emit: (obj: Record<string, unknown>) => void;
  bar?: ProgressBar;
}

/** Polls the status of each accepted purge (--wait), then fetches its assets until they are fresh (--verify). */
async function followUp(runs: ProviderRun[], c: FollowUpContext): Promise<void> {
  const jobs: Array<() => Promise<void>> = [];
  let total = 0;
  let finished = 0;
  const counts = { done: 0, ok: 0, failed: 0, unknown: 0 };
  const tick = (ok: boolean) => {
    finished++;
    counts.done = finished;
    if (ok) counts.ok++;
    else counts.failed++;
    c.bar?.update(counts);
  };
  for (const run of runs) {
    if (run.stage !== 'sent' || !run.batch) continue;
    const p = run.provider;
    const batch = run.batch;
    const times = c.sentAt.get(batch) ?? [];
    const a = c.access.get(p.id);
    run.results.forEach((r, i) => {
      if (r.status !== 'accepted' && r.status !== 'duplicate') return;
      const f: Followed = {};
      c.followed.set(r, f);
      const waiting = c.wait && p.status && r.status === 'accepted' && r.requestId;
      const urls = c.verify ? verifyUrlsOf(r).slice(0, c.verifyBudget.left) : [];
      c.verifyBudget.left -= urls.length;
      total += (waiting ? 1 : 0) + urls.length;
      jobs.push(async () => {
        if (waiting && a) {
          const s = await waitForCompletion(r.requestId!, {
            adapter: p,
            apiBase: a.apiBase,
            key: a.key,
            client: await c.transport.api(),
            signal: c.signal,
            intervalMs: c.intervalMs,
            timeoutMs: Math.max(1, c.deadline - Date.now()),
          });
          const done = s.ok && s.status === p.status?.completed;
          f.completion = {
            ...(s.status !== undefined ? { status: safeText(s.status, { max: 40 }) } : {}),
            done,
            timedOut: s.timedOut,
            ...(s.message ? { message: safeText(s.message) } : {}),
          };
          tick(done);
          c.say(
            `${done ? 'done' : 'PEND'} ${(f.completion.status ?? '---').padEnd(9)} ${r.url}  id=${r.requestId}${
              done ? '' : s.timedOut ? '  (not done when --wait-timeout passed)' : `  ${f.completion.message ?? ''}`
            }`,
          );
          c.emit({ type: 'completion', provider: p.id, url: r.url, requestId: r.requestId, ...f.completion });
          if (!done) {
            // Not done: its assets are not verified (they would read stale for a reason already known).
            if (urls.length) {
              f.verify = urls.map((u) => ({
                url: u,
                verdict: 'cannot-tell' as const,
                reason: 'no-before' as const,
                detail: 'not fetched: the purge was not done',
                final: true,
                fetches: 0,
                timedOut: false,
                after: { status: 0 },
              }));
              for (const _ of urls) tick(false);
            }
            return;
          }
        }
        if (!urls.length) return;
        const client = await c.transport.assets();
        const emulatorBase = emulatorBaseOf(batch.api.base);
        f.verify = await Promise.all(
          urls.map(async (u) => {
            const v = await verifyFresh(u, {
              client,
              before: c.before.get(`${p.id} ${u}`),
              purgedAt: times[i] ?? Date.now(),
              deadline: c.deadline,
              ...(emulatorBase ? { emulatorBase } : {}),
              ...(c.signal ? { signal: c.signal } : {}),
            });
            tick(v.verdict === 'fresh');
            c.say(`${VERIFY_MARK[v.verdict]} ${u}  ${v.detail}${v.timedOut ? ' (when --wait-timeout passed)' : ''}`);
            c.emit({
              type: 'verify',
              provider: p.id,
              url: u,
              verdict: v.verdict,
              reason: v.reason,
              detail: v.detail,
              timedOut: v.timedOut,
            });
            return v;
          }),
        );
      });
    });
  }
  if (!jobs.length) return;
  c.bar?.start(c.verify ? 'verifying' : 'waiting', total);
  await Promise.all(jobs.map((j) => j()));
}

const VERIFY_MARK: Record<VerifyResult['verdict'], string> = {
  fresh: 'fresh',
  stale: 'STALE',
  'cannot-tell': '?????',
  error: 'FAIL ',
};

function buildReport(
  runs: ProviderRun[],
  followed: Map<PurgeResult, Followed>,
  unknownHosts: PurgeReport['unknownHosts'],
  invalid: PurgeReport['invalid'],
  interrupted: boolean,
  failOn: Set<FailOn>,
  o: { wait: boolean; verify: boolean },
): PurgeReport {
  const providersOut: PurgeReport['providers'] = runs.map((run) => {
    const results = run.results.map((r) => jsonResult(run.provider.id, withRemedy(run.provider, r), followed.get(r)));
    return {
      provider: run.provider.id,
      label: run.provider.label,
      ...(run.batch ? { target: run.batch.target } : {}),
      stage: run.stage,
      summary: run.summary,
      ...(run.quota ? { quota: run.quota.message } : run.quotaError ? { quota: run.quotaError } : {}),
      results,
    };
  });
  const all = runs.flatMap((r) => r.results);
  const total = summarize(all, invalid.length);
  const follow = [...followed.values()];
  const completions = follow.map((f) => f.completion).filter((x): x is Completion => x !== undefined);
  const verdicts = follow.flatMap((f) => f.verify ?? []);
  const summary: PurgeReport['summary'] = {
    ...total,
    unknownHosts: unknownHosts.length,
    ...(o.wait
      ? { completed: completions.filter((x) => x.done).length, pending: completions.filter((x) => !x.done).length }
      : {}),
    ...(o.verify
      ? {
          fresh: verdicts.filter((v) => v.verdict === 'fresh').length,
          stale: verdicts.filter((v) => v.verdict === 'stale').length,
          cannotTell: verdicts.filter((v) => v.verdict === 'cannot-tell').length,
          verifyErrors: verdicts.filter((v) => v.verdict === 'error').length,
        }
      : {}),
    ok: total.ok && unknownHosts.length === 0,
  };
  const happened = new Set<FailOn>();
  if (total.failed || total.invalid || total.cancelled || unknownHosts.length || runs.some((r) => r.stage === 'quota'))
    happened.add('failed');
  if (total.unknown) happened.add('unknown');
  if (summary.pending) happened.add('pending');
  if (summary.stale || summary.verifyErrors) happened.add('stale');
  if (summary.cannotTell) happened.add('cannot-tell');
  const failures = [...happened].filter((x) => failOn.has(x));
  return {
    results: [
      ...providersOut.flatMap((p) => p.results),
      ...invalid.map(({ origin: _origin, ...x }) => ({ ...x, httpStatus: null, requestId: null })),
      ...unknownHosts.map((u) => ({
        url: u.url,
        ok: false,
        status: 'invalid',
        httpStatus: null,
        requestId: null,
        problems: [{ code: 'unknown-host', message: 'not on a host of any provider' }],
      })),
    ],
    providers: providersOut,
    invalid,
    unknownHosts,
    interrupted,
    summary,
    failures,
    ok: failures.length === 0 && !interrupted,
  };
}

function printSummary(
  report: PurgeReport,
  runs: ProviderRun[],
  o: { multi: boolean; wait: boolean; verify: boolean; out: (s: string) => void; stopped: boolean },
): void {
  for (const run of runs) {
    if (run.stage !== 'sent' && run.stage !== 'nothing' && run.stage !== 'invalid') continue;
    const line = summaryLine(run.summary);
    o.out(o.multi ? `${run.provider.label}: ${line}` : line);
    if (doneBy(run.provider) === 'verify' && run.summary.accepted && !o.verify)
      o.out(
        `${run.provider.label} answered 200: the purge was received, not necessarily done. Verify by fetching the asset again (--verify).`,
      );
  }
  const s = report.summary;
  if (o.multi) {
    const total = s.requests + s.invalid + s.unknownHosts;
    o.out(
      `In all: ${total} request${total === 1 ? '' : 's'}: ${s.accepted} accepted, ${s.duplicate} duplicate, ${s.unknown} unknown, ${s.failed + s.invalid + s.unknownHosts} failed`,
    );
  } else if (s.unknownHosts)
    o.out(`${s.unknownHosts} URL${s.unknownHosts === 1 ? '' : 's'} on no provider's host, not sent`);
  if (o.wait && s.completed !== undefined)
    o.out(`wait: ${s.completed} done, ${s.pending} not done${s.pending ? ' (see PEND lines)' : ''}`);
  if (o.verify && s.fresh !== undefined)
    o.out(
      `verify: ${s.fresh} fresh, ${s.stale} stale, ${s.cannotTell} cannot tell, ${s.verifyErrors} could not be fetched`,
    );
  if (report.failures.length && !o.stopped)
    o.out(`Exit status 1: ${report.failures.join(', ')} (--fail-on ${[...FAIL_ON].join(',')} by default).`);
}

/** What an interrupted run sent, got answered and did not send, exactly (on stderr, whatever the output format). */
function interruptReport(runs: ProviderRun[], o: { journal?: string; err: (s: string) => void }): void {
  const all = runs.flatMap((r) => r.results.map((res) => ({ p: r.provider, res })));
  const s = summarize(
    all.map((x) => x.res),
    0,
  );
  const planned = runs.reduce((n, r) => n + (r.batch?.requests.length ?? 0), 0);
  const notStarted = planned - s.requests;
  o.err(
    `Interrupted: of ${planned} purge request${planned === 1 ? '' : 's'}, ${s.sent} ${s.sent === 1 ? 'was' : 'were'} sent (${s.answered} answered: ${s.accepted} accepted, ${s.duplicate} duplicate, ${s.answered - s.accepted - s.duplicate} refused; ${s.unknown} unknown: may have been received) and ${s.notSent + notStarted} ${s.notSent + notStarted === 1 ? 'was' : 'were'} not sent.`,
  );
  const unknown = all.filter((x) => x.res.status === 'unknown');
  for (const x of unknown.slice(0, 20)) o.err(`  unknown (may have been received): ${x.res.url}`);
  if (unknown.length > 20) o.err(`  ... and ${unknown.length - 20} more unknown`);
  o.err(
    o.journal
      ? `The journal ${o.journal} records each of them; cdn-purge purge --resume ${o.journal} sends what was not answered.`
      : 'Run again with --journal FILE to be able to --resume an interrupted run.',
  );
}

function debugLine(e: HttpEvent): string {
  const lane = e.lane.split(' ')[0];
  switch (e.type) {
    case 'attempt': {
      const end =
        e.status !== undefined ? `HTTP ${e.status}` : e.error ? `${e.error.code}: ${e.error.why}` : 'no answer';
      return `[${lane}] ${e.method} ${e.url} attempt ${e.attempt}: ${end} in ${e.ms} ms (waited ${e.waitedMs} ms for the lane; ${e.via ? `via ${redactUrlCredentials(e.via)}` : 'direct'})`;
    }
    case 'retry':
      return `[${lane}] ${e.method} ${e.url}: ${e.reason}, retry ${e.attempt} in ${e.delayMs} ms`;
    case 'response':
      return `[${lane}] ${e.method} ${e.url}: HTTP ${e.status} after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}, ${e.ms} ms in all`;
    case 'error':
      return `[${lane}] ${e.method} ${e.url}: ${e.code} after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}, ${e.ms} ms: ${e.message}`;
    case 'rate':
      return `[${lane}] pacing to ${e.limit} requests per ${e.intervalMs} ms`;
    case 'stopped':
      return `[${lane}] ${e.message}`;
  }
}
