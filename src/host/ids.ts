// Every id the extension shares with package.json or VS Code, written once: command ids, the view, the context
// key, the settings (key, default, type check) and the storage keys. Code uses these constants, never the strings;
// test/unit/host/ids.test.ts checks them against package.json both ways.

import type { MappingRule } from '../core/mapping';
import type { ProviderPlugin } from '../core/providers/types';

/** The settings section: every setting is `cdnPurge.<key>`. */
export const SECTION = 'cdnPurge';

/** Commands contributed in package.json `contributes.commands` (title, icon, menus there). */
export const Command = {
  purgeUrl: 'cdnPurge.purgeUrl',
  purgeFiles: 'cdnPurge.purgeFiles',
  purgeChanged: 'cdnPurge.purgeChanged',
  setKey: 'cdnPurge.setKey',
  removeKey: 'cdnPurge.removeKey',
  refreshStatus: 'cdnPurge.refreshStatus',
  verify: 'cdnPurge.verify',
  retry: 'cdnPurge.retry',
  copyUrl: 'cdnPurge.copyUrl',
  clearHistory: 'cdnPurge.clearHistory',
  showOutput: 'cdnPurge.showOutput',
  useEmulator: 'cdnPurge.useEmulator',
  checkWorkspace: 'cdnPurge.checkWorkspace',
  fixAll: 'cdnPurge.fixAll',
  retryFailed: 'cdnPurge.retryFailed',
  copyUrls: 'cdnPurge.copyUrls',
  removeFromHistory: 'cdnPurge.removeFromHistory',
  openInBrowser: 'cdnPurge.openInBrowser',
  exportHistory: 'cdnPurge.exportHistory',
  filterHistory: 'cdnPurge.filterHistory',
  clearHistoryFilter: 'cdnPurge.clearHistoryFilter',
  resumeBatch: 'cdnPurge.resumeBatch',
  showStatus: 'cdnPurge.showStatus',
} as const;
export type CommandId = (typeof Command)[keyof typeof Command];

/** Commands registered but not contributed: the buttons of notifications call them with a batch id. */
export const InternalCommand = {
  retryBatch: 'cdnPurge.retryBatch',
  verifyBatch: 'cdnPurge.verifyBatch',
  /** A quick fix's: add an endpoint (or Source domain) to a provider's setting. */
  addEndpoint: 'cdnPurge.addEndpoint',
} as const;
export type InternalCommandId = (typeof InternalCommand)[keyof typeof InternalCommand];

/**
 * Commands the editor hover's links run (registered with the hover by registerUrlPresentation, not contributed: they
 * take a URL and a place in a document).
 */
export const HoverCommand = {
  checkCacheState: 'cdnPurge.checkCacheState',
} as const;

/** The view container (activity bar) and its view. */
export const View = {
  container: 'cdnPurge',
  history: 'cdnPurge.history',
} as const;

/** Commands of VS Code itself that the extension runs. */
export const VsCodeCommand = {
  setContext: 'setContext',
  openSettings: 'workbench.action.openSettings',
  focusHistory: `${View.history}.focus`,
  manageTrust: 'workbench.trust.manage',
  open: 'vscode.open',
  showProblems: 'workbench.actions.view.problems',
  showHover: 'editor.action.showHover',
  hideHover: 'editor.action.hideHover',
} as const;

/** The code action kind of "Fix all" (`editor.codeActionsOnSave: { "source.fixAll.cdnPurge": "explicit" }`). */
export const FIX_ALL_KIND = 'source.fixAll.cdnPurge';

/** The levels `cdnPurge.diagnostics.severity` takes, per problem code. */
export const DIAGNOSTIC_LEVELS = ['error', 'warning', 'information', 'hint', 'off'] as const;

/** Context keys set with `setContext`, read by `when` clauses in package.json. */
export const ContextKey = {
  /** The active editor's document has an ImageKit or imgix URL (the editor's context menu item). */
  documentHasUrls: 'cdnPurge.documentHasUrls',
  /** The Purge History view is filtered (its Clear Filter action shows). */
  historyFiltered: 'cdnPurge.historyFiltered',
} as const;

/** One setting: its default (package.json's) and a check of what a settings file holds. */
export interface SettingSpec<T> {
  default: T;
  valid: (v: unknown) => v is T;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isNonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isWholeNonNegative = (v: unknown): v is number => isNonNegative(v) && Number.isInteger(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
/** An object of strings; a value that is not a level is ignored by itself (core levelOf), the others still apply. */
const isLevels = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(isString);
const isRules = (v: unknown): v is MappingRule[] =>
  Array.isArray(v) && v.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r));

/** Pure (so a bundle that takes only the command ids, dist/extension.js, leaves the settings out). */
/* @__NO_SIDE_EFFECTS__ */
function spec<T>(d: T, valid: (v: unknown) => v is T): SettingSpec<T> {
  return { default: d, valid };
}

/**
 * The settings that belong to no provider (package.json `contributes.configuration`, without the section). Each
 * provider's own settings (`cdnPurge.<section>.<key>`) come from its plugin: see providerSettings(). A value of the
 * wrong type in a settings file reads as the default (settings.json is hand-edited; the schema only warns).
 */
export const Setting = {
  coalesce: spec(0, isWholeNonNegative),
  mappings: spec<MappingRule[]>([], isRules),
  'diagnostics.enabled': spec(true, isBoolean),
  'diagnostics.severity': spec<Record<string, string>>({}, isLevels),
  confirm: spec(true, isBoolean),
  'statusBar.enabled': spec(true, isBoolean),
  'statusBar.label': spec('', isString),
  'hover.enabled': spec(true, isBoolean),
  'codeLens.enabled': spec(true, isBoolean),
} as const satisfies Record<string, SettingSpec<unknown>>;
export type SettingKey = keyof typeof Setting;
export type SettingValue<K extends SettingKey> = (typeof Setting)[K]['default'];

/** A provider setting's key under the section (`imgix.sourceId`), carrying its value's type. */
export type ProviderSettingKey<T> = string & { readonly valueType?: T };

/** One provider setting: its key under the section, its default and its check. */
export interface ProviderSetting<T> extends SettingSpec<T> {
  key: ProviderSettingKey<T>;
}

/** A provider's settings, from its plugin's `settings` (section, endpoint list, API base, rate, options). */
export interface ProviderSettings {
  endpoints: ProviderSetting<string[]>;
  apiBase: ProviderSetting<string>;
  rateLimit?: ProviderSetting<number>;
  /** By option name (ProviderOption.name). */
  options: Record<string, ProviderSetting<string> | ProviderSetting<boolean>>;
}

export function providerSettings(p: ProviderPlugin): ProviderSettings {
  const k = <T>(name: string) => `${p.settings.section}.${name}` as ProviderSettingKey<T>;
  const options: ProviderSettings['options'] = {};
  for (const o of p.settings.options)
    options[o.name] =
      o.type === 'boolean'
        ? { key: k<boolean>(o.name), ...spec(false, isBoolean) }
        : { key: k<string>(o.name), ...spec('', isString) };
  return {
    endpoints: { key: k(p.settings.endpointsKey), ...spec<string[]>([], isStrings) },
    apiBase: { key: k(p.settings.apiBaseKey), ...spec(p.defaultApiBase, isString) },
    ...(p.settings.rateLimit
      ? { rateLimit: { key: k(p.settings.rateLimit.key), ...spec(p.settings.rateLimit.default, isNonNegative) } }
      : {}),
    options,
  };
}

/** The full id of a setting, as in settings.json and `openSettings`. */
export function settingId(key: SettingKey | ProviderSettingKey<unknown>): string {
  return `${SECTION}.${key}`;
}

/** Keys of the extension's globalState (typed in storage.ts). */
export const StorageKey = {
  history: 'cdnPurge.history.v1',
  /** Stored history that did not parse, kept aside rather than thrown away. */
  historyUnreadable: 'cdnPurge.history.unreadable',
} as const;
