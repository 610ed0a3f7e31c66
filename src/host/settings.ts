// The extension's view of its settings: provider configurations (settings merged with a workspace
// cdn-purge.json), API bases (checked: http only on loopback), mappings, and change events.

import * as vscode from 'vscode';
import { adapterFor } from '../core/adapters';
import { IMGIX_PURGE_RATE } from '../core/imgix';
import {
  configTooLarge,
  emptyProjectConfig,
  parseProjectConfig,
  PROJECT_CONFIG_FILE,
  type ProjectConfig,
} from '../core/config';
import { MAX_CONFIG_BYTES } from '../core/limits';
import type { MappingRule } from '../core/mapping';
import type { Problem } from '../core/problems';
import type { Checker, ProviderConfig, ProviderId } from '../core/provider';
import type { Checkers } from '../core/lint';
import { classifierFrom, type HostClassifier } from '../core/scanner';
import { checkApiBase, parseUrl } from '../core/url';
import { SECTION, Setting, settingId, type SettingKey, type SettingValue } from './ids';

export { SECTION };

/** Where the workspace's cdn-purge.json was read from, its text, and what is wrong with it. */
export interface ProjectConfigSource {
  uri: vscode.Uri;
  /** Undefined when the file was not read (too large). */
  text?: string;
  errors: readonly string[];
}

/** A setting's value: the user's when it has the setting's type, else the default (see ids.ts). */
export function readSetting<K extends SettingKey>(config: vscode.WorkspaceConfiguration, key: K): SettingValue<K> {
  const spec = Setting[key] as { default: SettingValue<K>; valid: (v: unknown) => v is SettingValue<K> };
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
    );
  }

  /** Reads cdn-purge.json from the first workspace folder that has one. */
  async reloadProject(): Promise<void> {
    let project = emptyProjectConfig();
    let errors: string[] = [];
    let source: ProjectConfigSource | undefined;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const uri = vscode.Uri.joinPath(folder.uri, PROJECT_CONFIG_FILE);
      try {
        // Not read at all when over the limit: a workspace's file must not stall the extension host.
        if ((await vscode.workspace.fs.stat(uri)).size > MAX_CONFIG_BYTES) {
          errors = [configTooLarge(PROJECT_CONFIG_FILE)];
          source = { uri, errors };
          break;
        }
        const bytes = await vscode.workspace.fs.readFile(uri);
        const text = Buffer.from(bytes).toString('utf8');
        ({ config: project, errors } = parseProjectConfig(text, PROJECT_CONFIG_FILE));
        source = { uri, text, errors };
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

  providerConfig(provider: ProviderId): ProviderConfig {
    const c = this.config;
    if (provider === 'imagekit') {
      return { endpoints: unique([...this.project.imagekit.endpoints, ...readSetting(c, 'imagekit.endpoints')]) };
    }
    const sourceId = readSetting(c, 'imgix.sourceId') || this.project.imgix.sourceId;
    const subImage = readSetting(c, 'imgix.subImage') || this.project.imgix.subImage === true;
    return {
      endpoints: unique([...this.project.imgix.domains, ...readSetting(c, 'imgix.domains')]),
      ...(sourceId ? { sourceId } : {}),
      ...(subImage ? { subImage } : {}),
    };
  }

  checker(provider: ProviderId): Checker {
    let checker = this.checkerCache.get(provider);
    if (!checker) {
      checker = adapterFor(provider).checker(this.providerConfig(provider));
      this.checkerCache.set(provider, checker);
    }
    return checker;
  }

  configProblems(provider: ProviderId): Problem[] {
    return this.checker(provider).configProblems;
  }

  /** Both providers' checkers, as the linter and the scanner take them. */
  checkers(): Checkers {
    return { imagekit: this.checker('imagekit'), imgix: this.checker('imgix') };
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
  apiBase(provider: ProviderId): ResolvedApi {
    const key = `${provider}.apiBase` as const;
    const raw = this.get(key) || adapterFor(provider).defaultApiBase;
    const r = checkApiBase(raw);
    if (!r.ok) throw new Error(`${r.problem.message} (setting ${settingId(key)})`);
    return r.api;
  }

  /** ImageKit coalescing: the requests a wildcard must save; 0 is off (the planner's reading too). */
  get coalesce(): number {
    return this.get('coalesce');
  }

  /**
   * Purges a second to send to a provider: imgix's setting (default 10, its documented limit; 0 = no fixed pace,
   * adapt to refusals only). ImageKit has no setting: its own X-RateLimit headers set the pace.
   */
  rateLimit(provider: ProviderId): number | undefined {
    if (provider !== 'imgix') return undefined;
    const v = this.get('imgix.rateLimit');
    return Number.isFinite(v) && v >= 0 ? v : IMGIX_PURGE_RATE;
  }

  get confirm(): boolean {
    return this.get('confirm');
  }

  get diagnosticsEnabled(): boolean {
    return this.get('diagnostics.enabled');
  }

  /**
   * The local emulator, when CDN Purge uses one: a loopback ImageKit API base is the emulator (it serves both
   * APIs and the CDN on one port). Undefined when the real APIs are in use.
   */
  get emulatorUrl(): string | undefined {
    try {
      const api = this.apiBase('imagekit');
      return api.loopback ? api.base : undefined;
    } catch {
      return undefined;
    }
  }

  mappings(): MappingRule[] {
    return [...this.project.mappings, ...this.get('mappings')];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs.map((x) => x.trim()).filter((x) => x !== ''))];
}
