// The status bar item: where purges go (the local emulator, or the real APIs and which ImageKit account) and this
// month's count of a provider with a monthly quota (ImageKit: 1000 purge requests per account), read from the
// counters the purge pipeline keeps in globalState (core/quota.ts). A tooltip with the details; a click opens
// "Show Status…" (src/commands/showStatus.ts): the same details, and actions to switch. It follows the settings,
// the keys and the counts live; `cdnPurge.statusBar.enabled` hides it. It never shows a key, only whether one is
// stored.

import * as vscode from 'vscode';
import { countsOfMonth, monthKey } from '../core/quota';
import { providers } from '../core/providers/registry';
import type { ProviderId, ProviderPlugin } from '../core/providers/types';
import { Command } from './ids';
import type { KeySlot } from './secrets';
import type { Services } from './services';

/** What the status bar reads from the settings (src/host/settings.ts implements it). */
export interface StatusSettings {
  readonly onDidChange: vscode.Event<void>;
  readonly emulatorUrl: string | undefined;
  apiBase(id: ProviderId): { base: string; loopback: boolean };
  providerConfig(id: ProviderId): { endpoints?: readonly string[] };
  checker(id: ProviderId): { check(input: string): { account?: string } };
  get(key: 'statusBar.enabled'): boolean;
  get(key: 'statusBar.label'): string;
}

export interface StatusDeps {
  settings: StatusSettings;
  keys: { readonly onDidChange: vscode.Event<ProviderId>; has(p: ProviderId, slot: KeySlot): Promise<boolean> };
  globalState: Pick<vscode.Memento, 'get' | 'keys'>;
}

/** One account's count this month. */
export interface AccountCount {
  account: string;
  used: number;
}

/** Where one provider's purges go now, and what is counted. */
export interface ProviderStatus {
  plugin: ProviderPlugin;
  /** The API base in use; undefined when its setting is refused (`apiError` says why). */
  apiBase?: string;
  apiError?: string;
  emulator: boolean;
  /** Whether the key for that API base (the real one, or the emulator's test key) is stored. */
  keyStored: boolean;
  /** Its configured accounts (ImageKit: the imagekitIds and custom domains of its endpoints). */
  configured: string[];
  /** Counts this month, for a provider with a monthly quota: the configured accounts and any counted, highest first. */
  counts: AccountCount[];
  limit?: number;
}

export interface PurgeStatus {
  /** YYYY-MM (UTC). */
  month: string;
  /** The emulator in use, when one is. */
  emulatorUrl?: string;
  /** The user's short label for the account (`cdnPurge.statusBar.label`), when set. */
  label?: string;
  providers: ProviderStatus[];
}

/** A provider's accounts as its endpoints name them (through its checker, as a purge would count them). */
function accountsOf(settings: StatusSettings, p: ProviderPlugin): string[] {
  const out: string[] = [];
  for (const e of settings.providerConfig(p.id).endpoints ?? []) {
    const account = settings.checker(p.id).check(`${e.replace(/\/+$/, '')}/status.jpg`).account;
    if (account && !out.includes(account)) out.push(account);
  }
  return out;
}

/** Reads where purges go and this month's counts, now. */
export async function readStatus(deps: StatusDeps, now = new Date()): Promise<PurgeStatus> {
  const month = monthKey(now);
  const keys = deps.globalState.keys();
  const label = deps.settings.get('statusBar.label').trim();
  const list = await Promise.all(
    providers().map(async (plugin): Promise<ProviderStatus> => {
      let apiBase: string | undefined;
      let apiError: string | undefined;
      let emulator = false;
      try {
        const api = deps.settings.apiBase(plugin.id);
        apiBase = api.base;
        emulator = api.loopback;
      } catch (e) {
        apiError = (e as Error).message;
      }
      const configured = accountsOf(deps.settings, plugin);
      let counts: AccountCount[] = [];
      if (plugin.monthlyQuota !== undefined) {
        const all = countsOfMonth(keys, (k) => deps.globalState.get(k), plugin.id, month);
        const of = emulator ? all.emulator : all.real;
        const names = new Set([...configured, ...of.keys()]);
        counts = [...names].map((account) => ({ account, used: of.get(account) ?? 0 }));
        counts.sort((a, b) => b.used - a.used || configured.indexOf(a.account) - configured.indexOf(b.account));
      }
      return {
        plugin,
        ...(apiBase ? { apiBase } : {}),
        ...(apiError ? { apiError } : {}),
        emulator,
        keyStored: await deps.keys.has(plugin.id, emulator ? 'emulator' : 'real'),
        configured,
        counts,
        ...(plugin.monthlyQuota !== undefined ? { limit: plugin.monthlyQuota } : {}),
      };
    }),
  );
  const emulatorUrl = deps.settings.emulatorUrl;
  return { month, ...(emulatorUrl ? { emulatorUrl } : {}), ...(label ? { label } : {}), providers: list };
}

/** How near the limit the busiest account is: warning from 90 %, error at the limit. */
export function levelOf(status: PurgeStatus): 'ok' | 'warning' | 'error' {
  let level: 'ok' | 'warning' | 'error' = 'ok';
  for (const p of status.providers) {
    if (p.limit === undefined || p.emulator) continue;
    const top = p.counts[0]?.used ?? 0;
    if (top >= p.limit) return 'error';
    if (top >= Math.ceil(p.limit * 0.9)) level = 'warning';
  }
  return level;
}

/** The provider's part of the text: "ImageKit demo 123/1000", "imgix". */
function segment(p: ProviderStatus, label: string | undefined): string {
  if (p.limit === undefined) return p.plugin.label;
  const top = p.counts[0];
  const name = label ?? top?.account ?? p.configured[0];
  const used = top?.used ?? 0;
  return name && name !== 'default'
    ? vscode.l10n.t('{0} {1} {2}/{3}', p.plugin.label, name, used, p.limit)
    : vscode.l10n.t('{0} {1}/{2}', p.plugin.label, used, p.limit);
}

/** The item's text: an icon, then where purges go and the count. */
export function statusText(status: PurgeStatus): string {
  const parts = status.providers.map((p) => segment(p, status.label));
  if (status.emulatorUrl) return `$(beaker) ${vscode.l10n.t('Emulator')} · ${parts.join(' · ')}`;
  const icon = levelOf(status) === 'ok' ? '$(cloud-upload)' : '$(warning)';
  return `${icon} ${parts.join(' · ')}`;
}

/** Text from settings or servers shown in Markdown: its Markdown characters escaped (and no HTML). */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/** One line per provider, for the tooltip and the quick pick: where it goes, the key, the counts. */
export function providerLines(p: ProviderStatus, month: string): { where: string; key: string; counts: string[] } {
  const where = p.apiError
    ? vscode.l10n.t('API base refused: {0}', p.apiError)
    : p.emulator
      ? vscode.l10n.t('the local emulator at {0} (nothing reaches {1})', p.apiBase ?? '', p.plugin.label)
      : vscode.l10n.t('the real API, {0}', p.apiBase ? new URL(p.apiBase).host : '');
  const key = p.keyStored
    ? p.emulator
      ? vscode.l10n.t("the emulator's test key is stored")
      : vscode.l10n.t('{0} stored', p.plugin.key.label)
    : p.emulator
      ? vscode.l10n.t('no test key: run Use Local Emulator…')
      : vscode.l10n.t('no {0}: run Set API Key…', p.plugin.key.label);
  const counts =
    p.limit === undefined
      ? [vscode.l10n.t('no monthly quota documented')]
      : p.counts.length
        ? p.counts.map((c) =>
            vscode.l10n.t(
              '{0}: {1} of {2} purges in {3} (UTC){4}',
              c.account === 'default' ? vscode.l10n.t('URLs of no configured endpoint') : c.account,
              c.used,
              p.limit ?? 0,
              month,
              p.emulator ? vscode.l10n.t(", the emulator's count, apart from the real account's") : '',
            ),
          )
        : [vscode.l10n.t('0 of {0} purges in {1} (UTC)', p.limit, month)];
  return { where, key, counts };
}

/** Markdown of the tooltip: plain text escaped, bold, list items. */
const bold = (text: string): string => `**${escapeMarkdown(text)}**`;
const para = (text: string): string => `${text}\n\n`;

export function statusTooltip(status: PurgeStatus): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  md.appendMarkdown(para(bold(vscode.l10n.t('CDN Purge'))));
  md.appendMarkdown(
    para(
      escapeMarkdown(
        status.emulatorUrl
          ? vscode.l10n.t('Purges go to the local emulator at {0}', status.emulatorUrl)
          : vscode.l10n.t('Purges go to the real APIs.'),
      ),
    ),
  );
  for (const p of status.providers) {
    const l = providerLines(p, status.month);
    md.appendMarkdown(para([bold(p.plugin.label), escapeMarkdown(`${l.where}; ${l.key}`)].join(': ')));
    md.appendMarkdown(para(l.counts.map((c) => ['-', escapeMarkdown(c)].join(' ')).join('\n')));
  }
  if (levelOf(status) !== 'ok')
    md.appendMarkdown(
      para(
        [
          '$(warning)',
          escapeMarkdown(
            vscode.l10n.t('Near the monthly limit: coalesce URLs into wildcards, or ask the provider to raise it.'),
          ),
        ].join(' '),
      ),
    );
  md.appendMarkdown(escapeMarkdown(vscode.l10n.t('Click for details and to switch.')));
  return md;
}

/** The status bar item, kept up to date. */
export class PurgeStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private seq = 0;
  private timer?: ReturnType<typeof setTimeout>;
  /** The last refresh (tests await it). */
  current: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: StatusDeps,
    /** Events after which the counts may have changed (a batch sent, the history written). */
    changes: ReadonlyArray<vscode.Event<unknown>> = [],
    private readonly now: () => Date = () => new Date(),
    /** Changes that come in a burst (a batch's history updates) make one refresh this much later. */
    private readonly delayMs = 250,
  ) {
    this.item = vscode.window.createStatusBarItem('cdnPurge.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = vscode.l10n.t('CDN Purge');
    this.item.command = Command.showStatus;
    this.disposables.push(
      this.item,
      deps.settings.onDidChange(() => this.schedule()),
      deps.keys.onDidChange(() => this.schedule()),
      // Another window may have purged: its counts are in the shared globalState.
      vscode.window.onDidChangeWindowState((e) => e.focused && this.schedule()),
      ...changes.map((event) => event(() => this.schedule())),
    );
    void this.refresh();
  }

  /** One refresh a little later, for however many changes come before it. */
  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, this.delayMs);
  }

  /** Resolves once a scheduled refresh (if any) has run and rendered. */
  async settled(): Promise<void> {
    while (this.timer !== undefined) await new Promise((r) => setTimeout(r, Math.max(1, this.delayMs)));
    await this.current;
  }

  refresh(): Promise<void> {
    const seq = ++this.seq;
    this.current = readStatus(this.deps, this.now()).then(
      (status) => {
        if (seq === this.seq) this.render(status);
      },
      () => undefined,
    );
    return this.current;
  }

  private render(status: PurgeStatus): void {
    if (!this.deps.settings.get('statusBar.enabled')) {
      this.item.hide();
      return;
    }
    this.item.text = statusText(status);
    this.item.tooltip = statusTooltip(status);
    const level = levelOf(status);
    this.item.backgroundColor =
      level === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : level === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.accessibilityInformation = {
      label: status.emulatorUrl
        ? vscode.l10n.t('CDN Purge: purges go to the local emulator')
        : vscode.l10n.t('CDN Purge: {0}', statusText(status).replace(/\$\([\w-]+\)\s*/g, '')),
    };
    this.item.show();
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const d of this.disposables) d.dispose();
  }
}

/** The status bar of the extension's services (activate's one line). */
export function createStatusBar(s: Services): PurgeStatusBar {
  return new PurgeStatusBar({ settings: s.settings, keys: s.keys, globalState: s.context.globalState }, [
    s.purge.onDidPurge,
    s.history.onDidChange,
  ]);
}
