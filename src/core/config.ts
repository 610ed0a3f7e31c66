// `cdn-purge.json` at a repository's root: the providers' endpoints and options, and the path → URL mappings. Read by
// the CLI (`--from-git`) and by the extension (merged under its settings). Each provider's section is named by its
// plugin (`settings.section`) and holds its endpoint list (`settings.endpointsKey`) and options (`settings.options`):
//
// {
//   "imagekit": { "endpoints": ["https://ik.imagekit.io/demo"] },
//   "imgix": { "domains": ["https://assets.imgix.net"], "sourceId": "5ebee107e9c05c0001d9c2d3" },
//   "mappings": [{ "glob": "public/images/**", "url": "https://ik.imagekit.io/demo/images/", "provider": "imagekit" }]
// }
//
// Also: how a provider's configuration is merged from layers (cdn-purge.json, then settings or CLI flags), and how a
// problem's `option` is named by each front end.

import { isRecord } from './json';
import { describeBytes, MAX_CONFIG_BYTES } from './limits';
import type { MappingRule } from './mapping';
import type { Problem } from './problems';
import { providerById, providers } from './providers/registry';
import type { ProviderConfig, ProviderId, ProviderOption, ProviderPlugin } from './providers/types';

export const PROJECT_CONFIG_FILE = 'cdn-purge.json';

/**
 * One provider's section as written (cdn-purge.json) or read (settings, flags): the endpoint list under the provider's
 * `endpointsKey`, options under their names. Only values of the right type are kept.
 */
export type ConfigSection = Record<string, string | boolean | readonly string[] | undefined>;

export interface ProjectConfig {
  /** By provider id: the sections the file has (a provider it does not mention has an empty one). */
  providers: Record<ProviderId, ConfigSection>;
  mappings: MappingRule[];
}

export function emptyProjectConfig(): ProjectConfig {
  return { providers: Object.fromEntries(providers().map((p) => [p.id, {}])), mappings: [] };
}

function isStrings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** `"imagekit", "imgix" and "mappings"`: the keys a cdn-purge.json may have, for messages. */
function knownKeys(): string[] {
  return [...providers().map((p) => p.settings.section), 'mappings'];
}

/** A problem in cdn-purge.json, with the JSON path of the value it is about ([] for the whole file). */
export interface ConfigIssue {
  message: string;
  path: Array<string | number>;
}

function readSection(p: ProviderPlugin, raw: unknown, file: string, issues: ConfigIssue[]): ConfigSection {
  const name = p.settings.section;
  const section: ConfigSection = {};
  if (!isRecord(raw)) {
    issues.push({
      message: `${file}: "${name}" must be an object like {"${p.settings.endpointsKey}": [...]}.`,
      path: [name],
    });
    return section;
  }
  const key = p.settings.endpointsKey;
  const list = raw[key];
  if (list !== undefined) {
    if (isStrings(list)) section[key] = list;
    else issues.push({ message: `${file}: ${name}.${key} must be a list of URLs (strings).`, path: [name, key] });
  }
  for (const o of p.settings.options) {
    const v = raw[o.name];
    if (v === undefined) continue;
    if (typeof v === o.type) section[o.name] = v as string | boolean;
    else
      issues.push({
        message: `${file}: ${name}.${o.name} must be ${o.type === 'boolean' ? 'true or false' : 'a string'}.`,
        path: [name, o.name],
      });
  }
  return section;
}

/**
 * Parses cdn-purge.json. `errors` are the messages; `issues` the same with the JSON path of each value (for a
 * diagnostic on the right key). What is valid is kept, whatever else is wrong.
 */
export function parseProjectConfig(
  text: string,
  file = PROJECT_CONFIG_FILE,
): { config: ProjectConfig; errors: string[]; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const config = emptyProjectConfig();
  const done = () => ({ config, errors: issues.map((i) => i.message), issues });
  // Counted in UTF-16 units first, so a huge string is not walked to count its bytes.
  if (text.length > MAX_CONFIG_BYTES || Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) {
    issues.push({ message: configTooLarge(file), path: [] });
    return done();
  }
  let json: unknown;
  try {
    // Editors on Windows save UTF-8 with a byte order mark; JSON.parse refuses it, which made the file ignored.
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    issues.push({ message: `${file} is not valid JSON (${(e as Error).message}). Fix the syntax.`, path: [] });
    return done();
  }
  const keys = knownKeys();
  const listed = `${keys
    .slice(0, -1)
    .map((k) => `"${k}"`)
    .join(', ')} and "${keys[keys.length - 1]}"`;
  if (!isRecord(json)) {
    issues.push({ message: `${file} must hold a JSON object with ${listed}.`, path: [] });
    return done();
  }
  const known = new Set(['$schema', ...keys]);
  for (const k of Object.keys(json))
    if (!known.has(k)) issues.push({ message: `${file}: unknown key "${k}" (known: ${keys.join(', ')}).`, path: [k] });
  for (const p of providers()) {
    const raw = json[p.settings.section];
    if (raw !== undefined) config.providers[p.id] = readSection(p, raw, file, issues);
  }
  if (json.mappings !== undefined) {
    if (!Array.isArray(json.mappings))
      issues.push({ message: `${file}: "mappings" must be a list of {"glob", "url"} objects.`, path: ['mappings'] });
    else config.mappings = json.mappings.filter(isRecord) as unknown as MappingRule[];
  }
  return done();
}

export function configTooLarge(file: string): string {
  return `${file} is larger than ${describeBytes(MAX_CONFIG_BYTES)} (limit: cdn-purge.json size), so it was not read. It holds endpoints and mappings only: use ** globs and {a,b} instead of listing files.`;
}

/**
 * A provider's configuration from layers, in order of precedence, lowest first (cdn-purge.json, then the settings or
 * the CLI's flags): endpoint lists add up (duplicates dropped), a later non-empty string wins, a boolean is true when
 * any layer says so. Values of the wrong type are ignored.
 */
export function mergeProviderConfig(p: ProviderPlugin, layers: readonly (ConfigSection | undefined)[]): ProviderConfig {
  const endpoints: string[] = [];
  const out: ProviderConfig = { endpoints };
  for (const layer of layers) {
    if (!layer) continue;
    const list = layer[p.settings.endpointsKey];
    if (isStrings(list)) for (const e of list) if (!endpoints.includes(e)) endpoints.push(e);
    for (const o of p.settings.options) {
      const v = layer[o.name];
      if (o.type === 'string' && typeof v === 'string' && v !== '') out[o.name] = v;
      if (o.type === 'boolean' && v === true) out[o.name] = true;
    }
  }
  return out;
}

/** A provider's configuration from cdn-purge.json alone. */
export function providerConfigFrom(project: ProjectConfig, provider: ProviderId | ProviderPlugin): ProviderConfig {
  const p = typeof provider === 'string' ? providerById(provider) : provider;
  return p ? mergeProviderConfig(p, [project.providers[p.id]]) : { endpoints: [] };
}

/** What a problem's `option` is: a provider's endpoints, its API base, or one of its options. */
export interface OptionRef {
  provider: ProviderPlugin;
  /** `endpoints`, `apiBase`, or the ProviderOption. */
  option: 'endpoints' | 'apiBase' | ProviderOption;
  /** The key in the provider's section of settings (and cdn-purge.json): `endpoints`, `domains`, `apiBase`, `sourceId`. */
  key: string;
}

/** The provider option a problem says fixes it, resolved through the registry; undefined when it names none. */
export function optionOf(problem: Pick<Problem, 'option'>): OptionRef | undefined {
  const ref = problem.option;
  const p = ref ? providerById(ref.provider) : undefined;
  if (!ref || !p) return undefined;
  if (ref.name === 'endpoints') return { provider: p, option: 'endpoints', key: p.settings.endpointsKey };
  if (ref.name === 'apiBase') return { provider: p, option: 'apiBase', key: p.settings.apiBaseKey };
  const o = p.settings.options.find((x) => x.name === ref.name);
  return o ? { provider: p, option: o, key: o.name } : undefined;
}
