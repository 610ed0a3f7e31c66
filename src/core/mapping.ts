// Workspace file path → CDN URL, through rules of a glob and a URL. Used for right-click purges of files and
// folders and for purging what git changed.
//
// A rule's `url` is either a prefix, to which the file's path relative to the glob's static base is appended
//   { "glob": "public/images/**", "url": "https://ik.imagekit.io/demo/images/" }
//   public/images/a/b c.png → https://ik.imagekit.io/demo/images/a/b%20c.png
// or a template with placeholders {relative} (path after the glob's base), {path} (whole workspace path),
// {dir} (directory of {relative}), {name} (file name), {stem} (name without extension), {ext} (extension, no dot).

import picomatch from 'picomatch';
import { compileGlob } from './glob';
import { describeCount, MAX_MAPPINGS } from './limits';
import { isProviderId, listProviders } from './providers/registry';
import type { ProviderId } from './providers/types';
import { encodeExact } from './url';

export interface MappingRule {
  glob: string;
  url: string;
  provider?: ProviderId;
}

export interface MappedFile {
  path: string;
  url: string;
  provider?: ProviderId;
  rule: MappingRule;
}

export interface MappedFolder {
  folder: string;
  /** The URL prefix the folder's files live under, ending in "/". */
  prefix: string;
  provider?: ProviderId;
  rule: MappingRule;
}

const PLACEHOLDER = /\{(relative|path|dir|name|stem|ext)\}/g;

/** Encodes a file path for a URL: each segment percent-encoded, `/` kept. A literal `%` in a file name is encoded. */
export function encodeFilePath(p: string): string {
  return p
    .split('/')
    .map((seg) => encodeExact(seg.replace(/%/g, '%25')).replace(/\?/g, '%3F').replace(/#/g, '%23'))
    .join('/');
}

export function normalizeRelPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+/g, '/').replace(/\/$/, '');
}

interface CompiledRule {
  rule: MappingRule;
  base: string;
  isMatch: (p: string) => boolean;
  template: boolean;
  /** The glob matches files at any depth below its base (`base/**`...): only then is a folder a URL prefix. */
  deep: boolean;
}

export class PathMapper {
  private readonly rules: CompiledRule[] = [];
  readonly problems: string[] = [];

  constructor(rules: readonly MappingRule[]) {
    if (rules.length > MAX_MAPPINGS) {
      this.problems.push(
        `${describeCount(rules.length)} mapping rules: only the first ${describeCount(MAX_MAPPINGS)} are used (limit: mapping rules). Merge rules with {a,b} or ** globs.`,
      );
    }
    rules.slice(0, MAX_MAPPINGS).forEach((rule, i) => {
      const where = `mapping ${i + 1}`;
      if (!rule || typeof rule.glob !== 'string' || rule.glob.trim() === '')
        return void this.problems.push(`${where}: "glob" is missing (e.g. "public/images/**").`);
      if (typeof rule.url !== 'string' || !/^https?:\/\//i.test(rule.url)) {
        return void this.problems.push(
          `${where}: "url" must be an http(s) URL prefix or template, e.g. "https://ik.imagekit.io/demo/images/".`,
        );
      }
      if (rule.provider !== undefined && !isProviderId(rule.provider))
        return void this.problems.push(
          `${where}: "provider" must be ${listProviders({ ids: true, conjunction: 'or' })}.`,
        );
      const template = /\{(relative|path|dir|name|stem|ext)\}/.test(rule.url);
      const unknown = rule.url.match(/\{[^}]*\}/g)?.filter((t) => !/^\{(relative|path|dir|name|stem|ext)\}$/.test(t));
      if (unknown?.length)
        return void this.problems.push(
          `${where}: unknown placeholder ${unknown[0]} (use {relative}, {path}, {dir}, {name}, {stem} or {ext}).`,
        );
      const glob = normalizeRelPath(rule.glob.trim());
      // Matched by our own linear-time matcher (./glob): picomatch's regular expressions backtrack. picomatch.scan
      // (a single pass) still finds the glob's static base.
      const compiled = compileGlob(glob);
      if (!compiled.ok) return void this.problems.push(`${where}: ${compiled.error}`);
      const scan = picomatch.scan(glob);
      this.rules.push({
        rule,
        base: scan.isGlob ? scan.base : glob.split('/').slice(0, -1).join('/'),
        isMatch: (p) => compiled.glob.match(p),
        template,
        deep: scan.isGlob && scan.glob.startsWith('**'),
      });
    });
  }

  get size(): number {
    return this.rules.length;
  }

  /** The first rule whose glob matches the file gives its URL. */
  mapFile(path: string, provider?: ProviderId): MappedFile | undefined {
    const p = normalizeRelPath(path);
    if (p === '') return undefined;
    for (const r of this.rules) {
      if (provider && r.rule.provider && r.rule.provider !== provider) continue;
      if (!r.isMatch(p)) continue;
      const relative =
        r.base && p.startsWith(`${r.base}/`)
          ? p.slice(r.base.length + 1)
          : r.base
            ? p.slice(p.lastIndexOf('/') + 1)
            : p;
      const url = r.template ? fillTemplate(r.rule.url, p, relative) : joinPrefix(r.rule.url, encodeFilePath(relative));
      return { path: p, url, provider: r.rule.provider, rule: r.rule };
    }
    return undefined;
  }

  /**
   * The URL prefixes a folder's files live under: for each prefix rule (or template ending in {relative}) whose
   * glob reaches every depth below its base (`base/**`, or `base/**` then a file pattern), and whose base is the folder, lies
   * inside it, or contains it. A rule for one file, or a glob of one level (`base/*.png`), gives no prefix: a
   * wildcard over it would purge URLs the rule never maps; list the folder's files instead.
   */
  mapFolder(folder: string, provider?: ProviderId): MappedFolder[] {
    const f = normalizeRelPath(folder);
    const out: MappedFolder[] = [];
    for (const r of this.rules) {
      if (provider && r.rule.provider && r.rule.provider !== provider) continue;
      const prefixUrl = r.template
        ? r.rule.url.endsWith('{relative}') && !/\{/.test(r.rule.url.slice(0, -10))
          ? r.rule.url.slice(0, -10)
          : undefined
        : r.rule.url;
      if (prefixUrl === undefined || !r.deep) continue;
      const containsBase = f === '' || f === r.base || r.base.startsWith(`${f}/`);
      const insideBase = r.base === '' || f.startsWith(`${r.base}/`);
      let prefix: string | undefined;
      if (containsBase) prefix = joinPrefix(prefixUrl, '');
      else if (insideBase)
        prefix = joinPrefix(prefixUrl, `${encodeFilePath(r.base ? f.slice(r.base.length + 1) : f)}/`);
      if (prefix) out.push({ folder: f, prefix, provider: r.rule.provider, rule: r.rule });
    }
    return out;
  }
}

function joinPrefix(prefix: string, rest: string): string {
  return prefix.endsWith('/') ? prefix + rest : `${prefix}/${rest}`;
}

function fillTemplate(template: string, path: string, relative: string): string {
  const name = relative.slice(relative.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  const values: Record<string, string> = {
    relative: encodeFilePath(relative),
    path: encodeFilePath(path),
    dir: encodeFilePath(relative.includes('/') ? relative.slice(0, relative.lastIndexOf('/')) : ''),
    name: encodeFilePath(name),
    stem: encodeFilePath(dot > 0 ? name.slice(0, dot) : name),
    ext: encodeFilePath(dot > 0 ? name.slice(dot + 1) : ''),
  };
  return template.replace(PLACEHOLDER, (_, k: string) => values[k]).replace(/([^:])\/{2,}/g, '$1/');
}
