// The extension's view of its settings: provider configurations (settings merged with a workspace
// cdn-purge.json, per provider plugin), API bases (checked: http only on loopback), mappings, and change events.

import * as vscode from 'vscode';
import {
  configTooLarge,
  emptyProjectConfig,
  mergeProviderConfig,
  parseProjectConfig,
  PROJECT_CONFIG_FILE,
  type ConfigIssue,
  type ConfigSection,
  type ProjectConfig,
} from '../core/config';
import { isEmulator } from '../core/emulator';
import { MAX_CONFIG_BYTES } from '../core/limits';
import type { Checkers } from '../core/lint';
import type { MappingRule } from '../core/mapping';
import type { Problem } from '../core/problems';
import { provider, providers } from '../core/providers/registry';
import type { Checker, ProviderConfig, ProviderId } from '../core/providers/types';
import { classifierFrom, type HostClassifier } from '../core/scanner';
import { checkApiBase, parseUrl } from '../core/url';
import {
  providerSettings,
  SECTION,
  Setting,
  settingId,
  type ProviderSetting,
  type ProviderSettingKey,
  type SettingKey,
  type SettingValue,
} from './ids';

export { SECTION };

/** Where the workspace's cdn-purge.json was read from, its text, and what is wrong with it. */
export interface ProjectConfigSource {
  uri: vscode.Uri;
  /** Undefined when the file was not read (too large). */
  text?: string;
  errors: readonly string[];
  /** The errors with the JSON path of the value each is about. */
  issues: readonly ConfigIssue[];
}

/** A setting's value: the user's when it has the setting's type, else the default (see ids.ts). */
export function readSetting<K extends SettingKey>(config: vscode.WorkspaceConfiguration, key: K): SettingValue<K> {
  return readSpec(config, key, Setting[key] as ProviderSetting<SettingValue<K>>);
}

/** A provider setting's value (providerSettings(plugin)), the default when missing or of the wrong type. */
export function readProviderSetting<T>(config: vscode.WorkspaceConfiguration, setting: ProviderSetting<T>): T {
  return readSpec(config, setting.key, setting);
}

function readSpec<T>(
  config: vscode.WorkspaceConfiguration,
  key: string,
  spec: { default: T; valid: (v: unknown) => v is T },
): T {
  const v = config.get<unknown>(key);
  return spec.valid(v) ? v : spec.default;
}

export interface ResolvedApi {
  base: string;
  loopback: boolean;
}

/** Changes a user setting (undefined removes it), by its typed key. */
export async function updateSetting<K extends SettingKey>(
  key: K,
  value: SettingValue<K> | undefined,
  target?: vscode.ConfigurationTarget,
): Promise<void>;
export async function updateSetting<T>(
  key: ProviderSettingKey<T>,
  value: T | undefined,
  target?: vscode.ConfigurationTarget,
): Promise<void>;
export async function updateSetting(
  key: string,
  value: unknown,
  target: vscode.ConfigurationTarget = vscode.ConfigurationTarget.Global,
): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, target);
}

/** Settings, plus what a workspace's cdn-purge.json adds; rebuilt when either changes. */
export class Settings implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private project: ProjectConfig = emptyProjectConfig();
  private projectErrors: string[] = [];
  private projectSource?: ProjectConfigSource;
  private readonly checkerCache = new Map<ProviderId, Checker>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      this.emitter,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) this.changed();
      }),
    );
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${PROJECT_CONFIG_FILE}`);
    this.disposables.push(
      watcher,
      watcher.onDidChange(() => this.reloadProject()),
      watcher.onDidCreate(() => this.reloadProject()),
      watcher.onDidDelete(() => this.reloadProject()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reloadProject()),
    );
  }

  private firstLoad?: Promise<void>;

  /**
   * Resolves once the workspace's cdn-purge.json has been read (or found missing) for the first time: activation
   * does not wait for it, what depends on its endpoints and mappings does (a purge, files → URLs).
   */
  get ready(): Promise<void> {
    this.firstLoad ??= this.reloadProject();
    return this.firstLoad;
  }

  /** Reads cdn-purge.json from the first workspace folder that has one. */
  reloadProject(): Promise<void> {
    const load = this.loadProject();
    this.firstLoad ??= load;
    return load;
  }

  private async loadProject(): Promise<void> {
    let project = emptyProjectConfig();
    let errors: string[] = [];
    let source: ProjectConfigSource | undefined;
    // In Restricted Mode the workspace's cdn-purge.json is not read at all (its mappings and endpoints decide what
    // is purged); it is read when trust is granted (the listener in the constructor).
    const folders = vscode.workspace.isTrusted ? (vscode.workspace.workspaceFolders ?? []) : [];
    for (const folder of folders) {
      const uri = vscode.Uri.joinPath(folder.uri, PROJECT_CONFIG_FILE);
      try {
        // Not read at all when over the limit: a workspace's file must not stall the extension host.
        if ((await vscode.workspace.fs.stat(uri)).size > MAX_CONFIG_BYTES) {
          errors = [configTooLarge(PROJECT_CONFIG_FILE)];
          source = { uri, errors, issues: [{ message: errors[0], path: [] }] };
          break;
        }
        const bytes = await vscode.workspace.fs.readFile(uri);
        const text = Buffer.from(bytes).toString('utf8');
        const parsed = parseProjectConfig(text, PROJECT_CONFIG_FILE);
        ({ config: project, errors } = parsed);
        source = { uri, text, errors, issues: parsed.issues };
        break;
      } catch {
        // no cdn-purge.json in this folder
      }
    }
    const same =
      JSON.stringify([project, errors, source?.uri.toString(), source?.text]) ===
      JSON.stringify([this.project, this.projectErrors, this.projectSource?.uri.toString(), this.projectSource?.text]);
    if (same) return;
    this.project = project;
    this.projectErrors = errors;
    this.projectSource = source;
    this.changed();
  }

  private changed(): void {
    this.checkerCache.clear();
    this.emitter.fire();
  }

  private get config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  get projectConfigErrors(): readonly string[] {
    return this.projectErrors;
  }

  /** The cdn-purge.json in use (the first workspace folder's that has one), undefined when there is none. */
  get projectConfig(): ProjectConfigSource | undefined {
    return this.projectSource;
  }

  /** A setting, typed, with the default for a missing or mistyped value. */
  get<K extends SettingKey>(key: K): SettingValue<K> {
    return readSetting(this.config, key);
  }

  /**
   * A provider's configuration: cdn-purge.json's section, then the settings (endpoint lists add up, cdn-purge.json's
   * first; a setting's string option wins; a boolean option is on when either says so). Endpoints trimmed, blanks
   * and duplicates dropped.
   */
  providerConfig(id: ProviderId): ProviderConfig {
    const p = provider(id);
    const keys = providerSettings(p);
    const c = this.config;
    const fromSettings: ConfigSection = { [p.settings.endpointsKey]: readProviderSetting(c, keys.endpoints) };
    for (const [name, setting] of Object.entries(keys.options))
      fromSettings[name] = readProviderSetting<string | boolean>(c, setting);
    const merged = mergeProviderConfig(p, [this.project.providers[p.id], fromSettings]);
    return { ...merged, endpoints: unique(merged.endpoints ?? []) };
  }

  checker(id: ProviderId): Checker {
    let checker = this.checkerCache.get(id);
    if (!checker) {
      checker = provider(id).checker(this.providerConfig(id));
      this.checkerCache.set(id, checker);
    }
    return checker;
  }

  configProblems(id: ProviderId): Problem[] {
    return this.checker(id).configProblems;
  }

  /** Every registered provider's checker, as the linter and the scanner take them. */
  checkers(): Checkers {
    return Object.fromEntries(providers().map((p) => [p.id, this.checker(p.id)]));
  }

  classifier(): HostClassifier {
    return classifierFrom(this.checkers());
  }

  /** The provider a URL belongs to, from its host (parsed as the checkers parse it); undefined when neither claims it. */
  providerOf(url: string): ProviderId | undefined {
    const p = parseUrl(url);
    return p.ok ? this.classifier()(p.url.hostname) : undefined;
  }

  /** The checked API base; throws an Error whose message says what to do. */
  apiBase(id: ProviderId): ResolvedApi {
    const p = provider(id);
    const setting = providerSettings(p).apiBase;
    const raw = readProviderSetting(this.config, setting) || p.defaultApiBase;
    const r = checkApiBase(raw);
    if (!r.ok) throw new Error(`${r.problem.message} (setting ${settingId(setting.key)})`);
    return r.api;
  }

  /** Coalescing for providers that take wildcards: the requests a wildcard must save; 0 is off. */
  get coalesce(): number {
    return this.get('coalesce');
  }

  /**
   * Purges a second to send to a provider, for a provider with such a setting (imgix: default 10, its documented
   * limit; 0 = no fixed pace, adapt to refusals only). Undefined for one paced by its own headers (ImageKit).
   */
  rateLimit(id: ProviderId): number | undefined {
    const setting = providerSettings(provider(id)).rateLimit;
    return setting ? readProviderSetting(this.config, setting) : undefined;
  }

  get confirm(): boolean {
    return this.get('confirm');
  }

  get diagnosticsEnabled(): boolean {
    return this.get('diagnostics.enabled');
  }

  /**
   * The local emulator, when CDN Purge uses one: the first emulated provider's loopback API base (the emulator
   * serves every provider's API and the CDN on one port). Undefined when the real APIs are in use.
   */
  get emulatorUrl(): string | undefined {
    for (const p of providers().filter((x) => x.emulator)) {
      try {
        const api = this.apiBase(p.id);
        if (isEmulator(api)) return api.base;
      } catch {
        // a refused API base is not the emulator
      }
    }
    return undefined;
  }

  mappings(): MappingRule[] {
    return [...this.project.mappings, ...this.get('mappings')];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs.map((x) => x.trim()).filter((x) => x !== ''))];
}
