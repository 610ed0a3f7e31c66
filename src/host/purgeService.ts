// Purging from the editor: the extension's side of the one purge pipeline (src/core/pipeline.ts). This file is the
// UI: it implements the pipeline's hooks with VS Code (confirmation dialogs, the key prompt, progress with cancel,
// the history, the output channel, the summary notification) and words what the pipeline gives as data. Transport
// (the HTTP clients and the keys to redact) belongs to src/core/transport.ts, not to this class.

import * as vscode from 'vscode';
import { emulatorBaseOf, isEmulator, type KeySlot } from '../core/emulator';
import type { PurgeBatch, PurgeOutcome as PipelineOutcome, PurgeTarget } from '../core/pipeline';
import type { Plan } from '../core/planner';
import { docsUrl, type Problem } from '../core/problems';
import { optionOf } from '../core/config';
import { listProviders, providerById, providers } from '../core/providers/registry';
import type { Checker, ProviderId, ProviderPlugin, Remedy } from '../core/providers/types';
import type { PurgeResult } from '../core/purge';
import type { QuotaStore } from '../core/quota';
import { Transport } from '../core/transport';
import type { ApiBase } from '../core/url';
import type { HistoryBatch, HistoryStore } from './history';
import type { InFlightJournal, InFlightRecord } from './inFlight';
import { Command, InternalCommand, providerSettings, SECTION, settingId, VsCodeCommand } from './ids';
import { netRemedyText } from './netWords';
import type { PurgeLog } from './log';
import { keyName, type KeyStore } from './secrets';

/** Up to this many exact URLs get a "before" snapshot, so that verification can compare. */
const SNAPSHOT_LIMIT = 25;

/** What the purge controller reads from the settings (src/host/settings.ts implements it). */
export interface PurgeSettings {
  /** Resolves once the workspace's cdn-purge.json has been read (its endpoints decide what is valid). */
  readonly ready?: Promise<void>;
  /** The provider of a URL, from its host; undefined when no provider claims it. */
  providerOf(url: string): ProviderId | undefined;
  checker(provider: ProviderId): Checker;
  /** The checked API base; throws an Error whose message says what to do. */
  apiBase(provider: ProviderId): ApiBase;
  /** Requests a wildcard must save (providers with wildcards); 0 is off. */
  readonly coalesce: number;
  readonly confirm: boolean;
  /** Purges a second, for a provider with a rate setting; undefined: its documented limit or headers. */
  rateLimit(provider: ProviderId): number | undefined;
}

export interface PurgeRequestOptions {
  /** Where the purge was started from, for the history: palette, editor, explorer, git, retry. */
  source: string;
  /** Force a provider (otherwise each target's, else each URL's host decides). */
  provider?: ProviderId;
  /** Skip the confirmation (e.g. a retry of one request). */
  noConfirm?: boolean;
  /** The refused inputs were named and "Purge the Valid Ones" was answered already (the one question of a mix). */
  validOnes?: boolean;
}

/** The pipeline's outcome, with the history batches it recorded (`batches`). */
export type PurgeOutcome = PipelineOutcome<HistoryBatch>;

/** A QuotaStore on globalState. */
function mementoQuota(memento: vscode.Memento): QuotaStore {
  return { get: (k) => memento.get<number>(k), set: async (k, v) => memento.update(k, v) };
}

/** The setting a problem's option is, e.g. cdnPurge.imagekit.endpoints. */
export function settingOf(p: Pick<Problem, 'option'>): string | undefined {
  const ref = optionOf(p);
  if (!ref) return undefined;
  const s = providerSettings(ref.provider);
  const key =
    ref.option === 'endpoints'
      ? s.endpoints.key
      : ref.option === 'apiBase'
        ? s.apiBase.key
        : s.options[ref.option.name]?.key;
  return key ? settingId(key) : undefined;
}

/** What the extension's user does about a refusal. */
/** What became of a batch's requests, for the report of a cancel (see PurgeService.reportCancel). */
export function cancelCounts(
  results: readonly Pick<PurgeResult, 'status' | 'httpStatus'>[],
  spendsQuota: (r: Pick<PurgeResult, 'status'>) => boolean,
): {
  answered: number;
  noAnswer: number;
  notSent: number;
  spent: number;
} {
  let answered = 0;
  let noAnswer = 0;
  let notSent = 0;
  for (const r of results) {
    if (r.status === 'unknown') noAnswer++;
    else if (r.status === 'cancelled' || (r.status === 'error' && !r.httpStatus)) notSent++;
    else answered++;
  }
  return { answered, noAnswer, notSent, spent: results.filter(spendsQuota).length };
}

/**
 * Purging needs a trusted workspace (README "Untrusted workspaces"): every purge goes through here, so a command
 * run from a keybinding, a notification or another extension is refused in Restricted Mode too.
 */
export function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  // Not awaited: the command ends now; the notification stays until the user acts on it or dismisses it.
  void vscode.window
    .showWarningMessage(
      vscode.l10n.t(
        'CDN Purge does not purge in Restricted Mode: this workspace is not trusted. Trust it to purge (its cdn-purge.json mappings and git are used only then).',
      ),
      manage,
    )
    .then((pick) => pick === manage && vscode.commands.executeCommand(VsCodeCommand.manageTrust));
  return false;
}

function remedyText(p: ProviderPlugin, remedy: Remedy | undefined): string {
  if (remedy === 'key') return ` ${vscode.l10n.t('Store the {0} again: "CDN Purge: Set API Key".', p.key.label)}`;
  return netRemedyText(p, remedy);
}

/** "a and b", "a, b and c". */
function joinWords(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return vscode.l10n.t('{0} and {1}', parts.slice(0, -1).join(', '), parts[parts.length - 1]);
}

/** The inputs a provider's plan refuses, one a line with why (the first `max`; then how many more). */
export function refusedLines(p: ProviderPlugin, plan: Plan, max = 10): string[] {
  const lines = plan.invalid.slice(0, max).map((t) => {
    const problem = t.problems.find((x) => x.severity === 'error') ?? t.problems[0];
    return `  ${t.input} — ${p.label}: ${problem?.message ?? vscode.l10n.t('invalid URL')}`;
  });
  if (plan.invalid.length > max) lines.push(`  ${vscode.l10n.t('… and {0} more', plan.invalid.length - max)}`);
  return lines;
}

export class PurgeService implements vscode.Disposable {
  private readonly quota: QuotaStore;
  private readonly emitter = new vscode.EventEmitter<HistoryBatch>();
  /** Fires after a batch has been sent (the status poller listens). */
  readonly onDidPurge = this.emitter.event;
  /** The HTTP clients and the keys to redact. Given by activate(), or made here (and then closed here). */
  readonly transport: Transport;
  private readonly ownsTransport: boolean;
  /**
   * Where each batch being sent records its dispatches, so a reload can tell the requests never sent from those that
   * may have been received (inFlight.ts; set at activation; absent: not recorded).
   */
  inFlight?: InFlightJournal;

  constructor(
    private readonly settings: PurgeSettings,
    private readonly keys: KeyStore,
    private readonly history: HistoryStore,
    private readonly log: PurgeLog,
    globalState: vscode.Memento,
    transport?: Transport,
  ) {
    this.quota = mementoQuota(globalState);
    this.ownsTransport = transport === undefined;
    this.transport = transport ?? new Transport({ onEvent: (e) => log.http(e) });
  }

  private remember(key: string | undefined): string | undefined {
    if (key) {
      this.log.rememberKey(key);
      this.transport.rememberKey(key);
    }
    return key;
  }

  /** The stored key for a provider and API base, without asking. */
  async storedKey(provider: ProviderId, loopback: boolean): Promise<string | undefined> {
    return this.remember(await this.keys.get(provider, loopback ? 'emulator' : 'real'));
  }

  /** The key for a provider and slot; asks for it when missing. Undefined when the user gives none. */
  async keyFor(provider: ProviderId, slot: KeySlot): Promise<string | undefined> {
    let key = await this.keys.get(provider, slot);
    if (!key) {
      const action = slot === 'emulator' ? vscode.l10n.t('Use Local Emulator…') : vscode.l10n.t('Set API Key…');
      const pick = await vscode.window.showErrorMessage(
        slot === 'emulator'
          ? vscode.l10n.t(
              'No {0} is stored for the local emulator. Run "CDN Purge: Use Local Emulator" to store its test keys.',
              keyName(provider),
            )
          : vscode.l10n.t(
              "No {0} is stored. Store it once; it is kept in VS Code's secret storage only.",
              keyName(provider),
            ),
        action,
      );
      if (pick)
        await vscode.commands.executeCommand(slot === 'emulator' ? Command.useEmulator : Command.setKey, provider);
      key = await this.keys.get(provider, slot);
    }
    return this.remember(key);
  }

  /**
   * Purges URLs (or scanner matches, which keep their provider): each provider's batch goes through the pipeline,
   * with this controller's dialogs. Undefined when nothing was sent and nothing was invalid.
   */
  async purge(
    targets: ReadonlyArray<string | PurgeTarget>,
    options: PurgeRequestOptions,
  ): Promise<PurgeOutcome | undefined> {
    if (!requireTrust()) return undefined;
    await this.settings.ready;
    const finished = new Map<PurgeBatch, number>();
    const records = new Map<HistoryBatch, InFlightRecord>();
    /** Batches the user cancelled from the progress notification. */
    const cancelledByUser = new Set<PurgeBatch>();
    // The pipeline (planner, coalescing, sending) is loaded on the first purge, not at activation.
    const pipeline = await import('../core/pipeline');
    // Several providers at once (an Explorer selection over ImageKit and imgix files): one question for all.
    const asked = await this.confirmAll(pipeline, targets, options);
    if (asked === false) return undefined;
    const once: PurgeRequestOptions = asked ? { ...options, noConfirm: true, validOnes: true } : options;
    try {
      return await this.run(pipeline.runPurge, targets, once, finished, records, cancelledByUser);
    } finally {
      // The results on record first: a record closed before them would leave "sending" rows with no dispatch record.
      if (records.size) await this.history.flush().then(undefined, () => undefined);
      for (const r of records.values()) r.close();
    }
  }

  private async run(
    runPurge: typeof import('../core/pipeline').runPurge,
    targets: ReadonlyArray<string | PurgeTarget>,
    options: PurgeRequestOptions,
    finished: Map<PurgeBatch, number>,
    records: Map<HistoryBatch, InFlightRecord>,
    cancelledByUser: Set<PurgeBatch>,
  ): Promise<PurgeOutcome | undefined> {
    const outcome = await runPurge<HistoryBatch>(
      targets,
      {
        provider: options.provider,
        classify: (url) => this.settings.providerOf(url),
        checker: (p) => this.settings.checker(p.id),
        coalesce: this.settings.coalesce,
        apiBase: (p) => this.settings.apiBase(p.id).base,
        ratePerSecond: (p) => this.settings.rateLimit(p.id),
        quotaStore: this.quota,
        transport: this.transport,
      },
      {
        unknownHosts: (urls, anyKnown) => this.unknownHosts(urls, anyKnown),
        configProblems: (p, problems) => this.configProblems(p, problems),
        invalid: (p, plan) => (options.validOnes ? true : this.reportInvalid(p, plan)),
        apiBaseProblem: (p, problem) => this.apiBaseProblem(p, problem),
        confirm: (batch) => this.confirm(batch, options),
        key: (p, slot) => this.keyFor(p.id, slot),
        overQuota: async (check) => {
          const anyway = vscode.l10n.t('Purge Anyway');
          return (await vscode.window.showWarningMessage(check.message, { modal: true }, anyway)) === anyway;
        },
        begin: async (batch) => {
          const record = this.begin(batch, options);
          if (this.inFlight) {
            // On record before anything is dispatched: the batch in the history, its dispatches in the journal.
            await this.history.flush();
            records.set(
              record,
              this.inFlight.open(
                record.id,
                record.requests.map((r) => r.id),
                (e) => this.log.warn(`could not record which purges were dispatched: ${e.message}`),
              ),
            );
          }
          return record;
        },
        sending: (_batch, record, index) => {
          if (record) records.get(record)?.sending(index);
        },
        progress: (batch, task) =>
          vscode.window.withProgress(
            {
              location: vscode.ProgressLocation.Notification,
              title: vscode.l10n.t('Purging from {0}', batch.provider.label),
              cancellable: true,
            },
            async (progress, token) => {
              const controller = new AbortController();
              const sub = token.onCancellationRequested(() => {
                cancelledByUser.add(batch);
                controller.abort();
              });
              try {
                return await task({
                  signal: controller.signal,
                  report: (message, increment) => progress.report({ message, increment }),
                });
              } finally {
                sub.dispose();
              }
            },
          ),
        beforeSend: (batch, record, ctl) => this.snapshots(batch, record, ctl.signal, (m) => ctl.report(m)),
        result: (batch, record, res, i, ctl) => {
          const done = (finished.get(batch) ?? 0) + 1;
          finished.set(batch, done);
          ctl.report(vscode.l10n.t('{0} of {1}', done, batch.requests.length), 100 / batch.requests.length);
          this.log.result(batch.provider.id, res);
          if (!record) return;
          this.history.update(record.requests[i].id, {
            state: res.status,
            httpStatus: res.httpStatus,
            requestId: res.requestId,
            supportId: res.supportId,
            ms: res.ms,
            attempts: res.attempts,
            message: res.message,
            hint: res.hint,
            finishedAt: Date.now(),
            // A provider with a status API is followed until its status says done.
            ...(batch.provider.status && res.status === 'accepted' && res.requestId
              ? { live: 'Pending' as const }
              : {}),
          });
        },
        done: (run) => {
          if (!run.record) return;
          this.emitter.fire(run.record);
          void this.summarise(run.provider, run.record, run.results, run.invalid.length, {
            cancelled: run.batch !== undefined && cancelledByUser.has(run.batch),
            emulator: run.batch?.emulator === true,
          });
        },
        log: { warn: (m) => this.log.warn(m), error: (m) => this.log.error(m) },
      },
    );
    return outcome.batches.length || outcome.invalid.length ? outcome : undefined;
  }

  private unknownHosts(urls: string[], anyKnown: boolean): void {
    const where = providers()
      .map((p) => settingId(providerSettings(p).endpoints.key))
      .join(' or ');
    const hosts = listProviders({ conjunction: 'or' });
    const msg =
      urls.length === 1
        ? vscode.l10n.t(
            '"{0}" is not on a host of {1}. Add the custom domain to the settings ({2}).',
            urls[0],
            hosts,
            where,
          )
        : vscode.l10n.t(
            '{0} URLs are not on a host of {1}. Add the custom domain to the settings ({2}).',
            urls.length,
            hosts,
            where,
          );
    this.log.warn(msg);
    if (!anyKnown) {
      const open = vscode.l10n.t('Open Settings');
      void vscode.window
        .showErrorMessage(msg, open)
        .then((a) => a && vscode.commands.executeCommand(VsCodeCommand.openSettings, SECTION));
      return;
    }
    void vscode.window.showWarningMessage(msg);
  }

  private async configProblems(p: ProviderPlugin, problems: Problem[]): Promise<void> {
    const first = problems[0];
    const setting = settingOf(first) ?? settingId(providerSettings(p).endpoints.key);
    const pick = await vscode.window.showErrorMessage(
      vscode.l10n.t('{0} settings: {1} (setting {2})', p.label, first.message, setting),
      vscode.l10n.t('Open Settings'),
    );
    if (pick) void vscode.commands.executeCommand(VsCodeCommand.openSettings, setting);
  }

  private apiBaseProblem(p: ProviderPlugin, problem: Problem): void {
    const setting = settingOf(problem);
    void vscode.window
      .showErrorMessage(
        setting ? vscode.l10n.t('{0} (setting {1})', problem.message, setting) : problem.message,
        vscode.l10n.t('Open Settings'),
      )
      .then(
        (a) =>
          a &&
          vscode.commands.executeCommand(
            VsCodeCommand.openSettings,
            setting ?? settingId(providerSettings(p).apiBase.key),
          ),
      );
  }

  /**
   * When the targets go to more than one provider, asks once for all of them (each provider's requests and what it
   * would refuse, and why): true when the user said yes, false when not (nothing is sent), undefined when there is
   * one provider (its own dialogs ask, as before).
   */
  private async confirmAll(
    pipeline: typeof import('../core/pipeline'),
    targets: ReadonlyArray<string | PurgeTarget>,
    options: PurgeRequestOptions,
  ): Promise<boolean | undefined> {
    const { groups } = pipeline.groupTargets(targets, {
      provider: options.provider,
      classify: (url) => this.settings.providerOf(url),
    });
    if (groups.size < 2) return undefined;
    const parts: Array<{ p: ProviderPlugin; plan: Plan; emulator: boolean }> = [];
    for (const [id, urls] of groups) {
      const p = providerById(id);
      if (!p) continue;
      const checker = this.settings.checker(id);
      // A provider whose settings are wrong is reported (and skipped) by the pipeline itself.
      if (checker.configProblems.length) continue;
      const plan = pipeline.planFor(p, urls, checker, this.settings.coalesce);
      const api = pipeline.resolveApiBase(p, { apiBase: (x) => this.settings.apiBase(x.id).base });
      parts.push({ p, plan, emulator: api.ok && isEmulator(api.api) });
    }
    const requests = parts.reduce((n, x) => n + x.plan.requests.length, 0);
    const refused = parts.reduce((n, x) => n + x.plan.invalid.length, 0);
    const wildcards = parts.some((x) => x.plan.requests.some((r) => r.kind === 'wildcard'));
    if (requests === 0) return undefined; // nothing to send: each provider's own report says why
    const ask = refused > 0 || (this.settings.confirm && !options.noConfirm && (requests > 1 || wildcards));
    if (!ask) return true;
    const counts = parts
      .filter((x) => x.plan.requests.length)
      .map((x) => this.requestCount(x.p, x.plan.requests.length, x.emulator));
    const message = vscode.l10n.t('Purge {0}?', joinWords(counts));
    const lines: string[] = [];
    for (const x of parts) {
      if (x.plan.requests.length) {
        lines.push(`${x.p.label}:`);
        lines.push(...x.plan.requests.slice(0, 8).map((r) => `  ${r.kind === 'wildcard' ? '✱ ' : ''}${r.url}`));
        if (x.plan.requests.length > 8) lines.push(`  ${vscode.l10n.t('… and {0} more', x.plan.requests.length - 8)}`);
      }
    }
    if (wildcards) lines.push(vscode.l10n.t('✱ wildcard: every URL starting with the part before * is purged.'));
    if (refused) {
      lines.push('', vscode.l10n.t('Refused, not sent ({0}):', refused));
      for (const x of parts) lines.push(...refusedLines(x.p, x.plan));
    }
    const go = refused ? vscode.l10n.t('Purge the Valid Ones') : vscode.l10n.t('Purge');
    const pick = await vscode.window.showWarningMessage(message, { modal: true, detail: lines.join('\n') }, go);
    return pick === go;
  }

  private requestCount(p: ProviderPlugin, n: number, emulator: boolean): string {
    if (emulator)
      return n === 1
        ? vscode.l10n.t('1 {0} request (local emulator)', p.label)
        : vscode.l10n.t('{0} {1} requests (local emulator)', n, p.label);
    return n === 1 ? vscode.l10n.t('1 {0} request', p.label) : vscode.l10n.t('{0} {1} requests', n, p.label);
  }

  private async reportInvalid(p: ProviderPlugin, plan: Plan): Promise<boolean> {
    const first = plan.invalid[0];
    const problem = first.problems.find((x) => x.severity === 'error') ?? first.problems[0];
    const setting = problem ? settingOf(problem) : undefined;
    const why = problem?.message ?? vscode.l10n.t('invalid URL');
    const text =
      plan.invalid.length === 1
        ? setting
          ? vscode.l10n.t('{0} would refuse {1}: {2} (setting {3})', p.label, first.input, why, setting)
          : vscode.l10n.t('{0} would refuse {1}: {2}', p.label, first.input, why)
        : vscode.l10n.t('{0} would refuse {1} of {2} URLs.', p.label, plan.invalid.length, plan.inputCount);
    const learnMore = vscode.l10n.t('Learn More');
    const showOutput = vscode.l10n.t('Show Output');
    if (plan.requests.length === 0) {
      const all = plan.invalid.length === 1 ? text : [text, ...refusedLines(p, plan, 3).map((l) => l.trim())].join(' ');
      void vscode.window.showErrorMessage(all, learnMore, showOutput).then((pick) => {
        if (pick === learnMore && problem) void vscode.env.openExternal(vscode.Uri.parse(docsUrl(problem.code)));
        if (pick === showOutput) this.log.show();
      });
      return false;
    }
    const others =
      plan.requests.length === 1
        ? vscode.l10n.t('The other request can be sent.')
        : vscode.l10n.t('The other {0} requests can be sent.', plan.requests.length);
    // Which were refused, and why: the dialog names them (the first ones; the output channel has every one).
    const detail = [
      ...(plan.invalid.length === 1 ? [] : [vscode.l10n.t('Refused, not sent:'), ...refusedLines(p, plan)]),
      others,
    ].join('\n');
    const valid = vscode.l10n.t('Purge the Valid Ones');
    const pick = await vscode.window.showWarningMessage(text, { modal: true, detail }, valid);
    return pick === valid;
  }

  private async confirm(batch: PurgeBatch, options: PurgeRequestOptions): Promise<boolean> {
    const { requests } = batch;
    const wildcards = requests.filter((r) => r.kind === 'wildcard');
    if (!this.settings.confirm || options.noConfirm || (requests.length <= 1 && wildcards.length === 0)) return true;
    const covered = requests.reduce((n, r) => n + r.covers.length, 0);
    const lines = requests.slice(0, 12).map((r) => `${r.kind === 'wildcard' ? '✱ ' : ''}${r.url}`);
    if (requests.length > 12) lines.push(vscode.l10n.t('… and {0} more', requests.length - 12));
    const n = requests.length;
    const label = batch.provider.label;
    let question =
      covered > n
        ? n === 1
          ? vscode.l10n.t('Purge 1 {0} request covering {1} URLs', label, covered)
          : vscode.l10n.t('Purge {0} {1} requests covering {2} URLs', n, label, covered)
        : n === 1
          ? vscode.l10n.t('Purge 1 {0} request', label)
          : vscode.l10n.t('Purge {0} {1} requests', n, label);
    question = batch.emulator ? vscode.l10n.t('{0} (local emulator)?', question) : vscode.l10n.t('{0}?', question);
    const wildcardNote = wildcards.length
      ? wildcards.length === 1
        ? vscode.l10n.t('1 wildcard: every URL starting with the part before * is purged.')
        : vscode.l10n.t('{0} wildcards: every URL starting with the part before * is purged.', wildcards.length)
      : undefined;
    const purge = vscode.l10n.t('Purge');
    const pick = await vscode.window.showWarningMessage(
      question,
      { modal: true, detail: [...(wildcardNote ? [wildcardNote] : []), ...lines].join('\n') },
      purge,
    );
    return pick === purge;
  }

  private begin(batch: PurgeBatch, options: PurgeRequestOptions): HistoryBatch {
    const record = this.history.add({
      provider: batch.provider.id,
      source: options.source,
      target: batch.target,
      apiBase: batch.api.base,
      requests: batch.requests.map((r) => ({
        id: this.history.newId('r'),
        url: r.url,
        kind: r.kind,
        covers: r.covers,
        state: 'sending',
        startedAt: Date.now(),
      })),
    });
    this.log.info(
      `[${batch.provider.id}] purging ${batch.requests.length} request${batch.requests.length === 1 ? '' : 's'} via ${batch.target} (${options.source})`,
    );
    return record;
  }

  /** A copy from before the purge lets "verify" tell a new version from the old one. */
  private async snapshots(
    batch: PurgeBatch,
    record: HistoryBatch | undefined,
    signal: AbortSignal | undefined,
    report: (message: string) => void,
  ): Promise<void> {
    const exact = (record?.requests ?? []).filter((r) => r.kind === 'exact').slice(0, SNAPSHOT_LIMIT);
    if (exact.length) {
      report(vscode.l10n.t('reading the current versions…'));
      const [client, { snapshotAsset }] = await Promise.all([this.transport.assets(), import('../core/verify')]);
      const emulatorBase = emulatorBaseOf(batch.api.base);
      await Promise.all(
        exact.map(async (r) => {
          const s = await snapshotAsset(r.url, client, { emulatorBase, signal });
          if (s.validator) this.history.update(r.id, { before: s.validator });
        }),
      );
    }
    report(
      batch.requests.length === 1
        ? vscode.l10n.t('sending 1 request…')
        : vscode.l10n.t('sending {0} requests…', batch.requests.length),
    );
  }

  private async summarise(
    p: ProviderPlugin,
    batch: HistoryBatch,
    results: PurgeResult[],
    invalid: number,
    how: { cancelled: boolean; emulator: boolean },
  ): Promise<void> {
    const label = p.label;
    const failed = results.filter((r) => !r.ok && r.status !== 'cancelled' && r.status !== 'unknown');
    const unknown = results.filter((r) => r.status === 'unknown');
    const cancelled = results.filter((r) => r.status === 'cancelled').length;
    const ok = results.filter((r) => r.ok).length;
    if (how.cancelled || cancelled) {
      await this.reportCancel(p, results);
      return;
    }
    if (failed.length) {
      const first = failed[0];
      // The local emulator takes only its own test keys: Set API Key (a real key's slot) would not fix a 401 there.
      const emulatorKey = how.emulator && first.remedy === 'key';
      const remedy = emulatorKey
        ? ` ${vscode.l10n.t('The local emulator accepts only its test keys: run "CDN Purge: Use Local Emulator…" to store them again.')}`
        : remedyText(p, first.remedy);
      const setKey = vscode.l10n.t('Set API Key');
      const again = vscode.l10n.t('Purge Again');
      const showOutput = vscode.l10n.t('Show Output');
      const action = emulatorKey ? vscode.l10n.t('Use Local Emulator…') : first.remedy === 'key' ? setKey : again;
      const n = results.length;
      const head =
        n === 1
          ? vscode.l10n.t('{0} of 1 {1} purge failed', failed.length, label)
          : vscode.l10n.t('{0} of {1} {2} purges failed', failed.length, n, label);
      const status = first.httpStatus ? ` ${vscode.l10n.t('(HTTP {0})', first.httpStatus)}` : '';
      const said = [`${head}${status}:`, first.message ?? '', emulatorKey ? '' : (first.hint ?? ''), remedy]
        .join(' ')
        .replace(/ {2,}/g, ' ')
        .trim();
      const pick = await vscode.window.showErrorMessage(said, showOutput, action);
      if (pick === showOutput) this.log.show();
      if (!emulatorKey && pick === setKey) void vscode.commands.executeCommand(Command.setKey, p.id);
      if (emulatorKey && pick === action) void vscode.commands.executeCommand(Command.useEmulator);
      if (pick === again) void vscode.commands.executeCommand(InternalCommand.retryBatch, batch.id);
      return;
    }
    const showOutput = vscode.l10n.t('Show Output');
    const showHistory = vscode.l10n.t('Show History');
    if (unknown.length) {
      const first = unknown[0];
      const text =
        results.length === 1
          ? vscode.l10n.t(
              '{0} of 1 {1} purge may have been received, but no answer came: {2}',
              unknown.length,
              label,
              first.message ?? '',
            )
          : vscode.l10n.t(
              '{0} of {1} {2} purges may have been received, but no answer came: {3}',
              unknown.length,
              results.length,
              label,
              first.message ?? '',
            );
      const pick = await vscode.window.showWarningMessage(text.trim(), showOutput, showHistory);
      if (pick === showOutput) this.log.show();
      if (pick === showHistory) void vscode.commands.executeCommand(VsCodeCommand.focusHistory);
      return;
    }
    // Without a status API, "done" is found out by fetching the asset again.
    const verify = !p.status;
    const note = verify
      ? ok === 1
        ? vscode.l10n.t('{0} received it; a 200 does not mean done: verify by fetching again.', label)
        : vscode.l10n.t('{0} received them; a 200 does not mean done: verify by fetching again.', label)
      : ok === 1
        ? vscode.l10n.t('{0} is processing it; the history shows when it completes.', label)
        : vscode.l10n.t('{0} is processing them; the history shows when they complete.', label);
    const verifyAction = vscode.l10n.t('Verify');
    const actions = verify ? [verifyAction, showHistory] : [showHistory];
    const purged =
      ok === 1 ? vscode.l10n.t('Purged 1 {0} request', label) : vscode.l10n.t('Purged {0} {1} requests', ok, label);
    const notSent = invalid ? ` ${vscode.l10n.t('({0} invalid, not sent)', invalid)}` : '';
    const summary = [`${purged}${notSent}.`, note].join(' ');
    const pick = await vscode.window.showInformationMessage(summary, ...actions);
    if (pick === verifyAction) void vscode.commands.executeCommand(InternalCommand.verifyBatch, batch.id);
    if (pick === showHistory) void vscode.commands.executeCommand(VsCodeCommand.focusHistory);
  }

  /**
   * A cancelled batch, exactly: how many requests were answered, how many were sent and got no answer (they may
   * have been received, and count against a monthly quota), how many were never sent. The counts come from each
   * result's status: accepted, duplicate and a refusal with an HTTP status were answered; unknown was sent with no
   * answer; cancelled, and an error with no HTTP status, were not sent.
   */
  private async reportCancel(p: ProviderPlugin, results: PurgeResult[]): Promise<void> {
    // The one rule of what counts against a quota (loaded with the pipeline, which has run by now).
    const { spendsQuota } = await import('../core/purge');
    const c = cancelCounts(results, spendsQuota);
    const parts = [
      vscode.l10n.t('{0} answered', c.answered),
      vscode.l10n.t('{0} sent with no answer (may have been received)', c.noAnswer),
      vscode.l10n.t('{0} not sent', c.notSent),
    ];
    const quota =
      p.monthlyQuota !== undefined && c.spent ? ` ${vscode.l10n.t("{0} counted in this month's quota.", c.spent)}` : '';
    const text = vscode.l10n.t('Cancelled. Of {0} {1} purges: {2}.', results.length, p.label, parts.join(', ')) + quota;
    this.log.warn(text);
    const showHistory = vscode.l10n.t('Show History');
    const showOutput = vscode.l10n.t('Show Output');
    const pick = await vscode.window.showWarningMessage(text, showHistory, showOutput);
    if (pick === showHistory) void vscode.commands.executeCommand(VsCodeCommand.focusHistory);
    if (pick === showOutput) this.log.show();
  }

  dispose(): void {
    this.emitter.dispose();
    // Closing drops idle keep-alive connections; nothing is waiting for it.
    if (this.ownsTransport) this.transport.close().catch(() => undefined);
  }
}
