// What `purge` works on: URLs (arguments, stdin, --urls-file), local files and folders (arguments, --file) mapped
// to URLs by cdn-purge.json's "mappings", and the mapped files git says changed (--from-git). With one --provider
// every URL goes to it (as before); without one, each URL goes to the provider its mapping names, else the one
// whose host it is on (ImageKit and imgix in one run); with a list (--provider imagekit,imgix) only those.

import fs from 'node:fs';
import path from 'node:path';
import { mergeProviderConfig, PROJECT_CONFIG_FILE, type ProjectConfig } from '../core/config';
import { changedFiles, gitRefProblem, repoRoot } from '../core/git';
import { describeCount, MAX_BATCH_URLS } from '../core/limits';
import { PathMapper, type MappedFile } from '../core/mapping';
import { FileTargetError, urlsForPaths } from '../core/fileTargets';
import type { PurgeTarget } from '../core/pipeline';
import type { PlanOptions } from '../core/planner';
import { providerById, providers } from '../core/providers/registry';
import type { Checker, ProviderId, ProviderPlugin } from '../core/providers/types';
import { classifierFrom } from '../core/scanner';
import { looksLikeUrl, parseUrl } from '../core/url';
import {
  loadProjectConfig,
  LineSplitter,
  positiveInt,
  providerChoices,
  providerConfig,
  readBounded,
  readUrls,
  str,
  tooManyUrls,
  type Parsed,
} from './args';
import { inventoryOptions } from './inventory';
import { UsageError, writers, type CliIO } from './io';
import { gitRefError } from './plan';
import { configLine } from './words';

/** Where a target came from, so a problem with it can be shown there (the Action's annotations). */
export type TargetOrigin =
  | { kind: 'argument' }
  | { kind: 'urls-file'; file: string; line: number }
  | { kind: 'file'; path: string; mapping: number };

export interface PurgeInputs {
  targets: PurgeTarget[];
  /** By input URL, as given. */
  origins: Map<string, TargetOrigin>;
  /** One --provider: every URL goes to it. */
  forced?: ProviderPlugin;
  /** A --provider list: only these (URLs of others are not sent). */
  allowed?: ReadonlySet<ProviderId>;
  checkers: Map<ProviderId, Checker>;
  /** The provider of a URL's host (within `allowed`), for targets that do not say. */
  classify: (url: string) => ProviderId | undefined;
  coalesce?: number;
  project: ProjectConfig;
  projectFile?: string;
  /** The repository root (with --from-git). */
  root?: string;
  /** Messages about where the inputs came from ("git: 4 changed files..."). */
  notes: string[];
}

/** --provider: one id (forced), a comma list (allowed), or none. */
export function providerSelection(values: Parsed['values']): { forced?: ProviderPlugin; allowed?: Set<ProviderId> } {
  const raw = str(values.provider);
  if (raw === undefined) return {};
  const ids = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const use = providers()
    .map((p) => p.id)
    .join(', ');
  if (ids.length === 0) throw new UsageError(`--provider needs a provider: ${use}.`);
  for (const id of ids) if (!providerById(id)) throw new UsageError(`Unknown provider "${id}": use ${use}.`);
  if (ids.length === 1) return { forced: providerById(ids[0])! };
  return { allowed: new Set(ids) };
}

/** A provider's configuration from cdn-purge.json and the flags, when several providers share the run. */
function sharedProviderConfig(values: Parsed['values'], p: ProviderPlugin, project: ProjectConfig) {
  const fromFlags: Record<string, string | boolean> = {};
  for (const o of p.settings.options) {
    const v = values[o.flag];
    if (typeof v === o.type) fromFlags[o.name] = v as string | boolean;
  }
  return mergeProviderConfig(p, [project.providers[p.id], fromFlags]);
}

/** The lines of --urls-file, with their numbers (blank lines and # comments skipped), within the stdin limits. */
function urlsFileLines(file: string, io: CliIO): Array<{ url: string; line: number }> {
  const abs = path.resolve(io.cwd, file);
  const text = readBounded(abs, 32 * 1024 * 1024, file);
  if (text === undefined) throw new UsageError(`--urls-file ${file} is larger than 32 MiB: split it.`);
  const splitter = new LineSplitter();
  const lines = [...splitter.push(text), ...splitter.end()];
  const out: Array<{ url: string; line: number }> = [];
  lines.forEach((l, i) => {
    const t = l.trim();
    if (t !== '' && !t.startsWith('#')) out.push({ url: t, line: i + 1 });
  });
  return out;
}

/** Inputs for purge from the arguments, stdin, --urls-file, --file and git. */
export async function purgeInputs(values: Parsed['values'], positionals: string[], io: CliIO): Promise<PurgeInputs> {
  const { err } = writers(io);
  const { forced, allowed } = providerSelection(values);
  const fromGit = str(values['from-git']);
  const refWhy = fromGit ? gitRefProblem(fromGit) : undefined;
  if (fromGit && refWhy) throw new UsageError(gitRefError(fromGit, refWhy));
  if ((values.endpoint as string[] | undefined)?.length && !forced)
    throw new UsageError(
      `--endpoint needs one --provider: say which provider it is an endpoint of (${providerChoices()}).`,
    );

  const origins = new Map<string, TargetOrigin>();
  const targets: PurgeTarget[] = [];
  const notes: string[] = [];
  const add = (t: PurgeTarget, origin: TargetOrigin) => {
    if (targets.length >= MAX_BATCH_URLS) throw tooManyUrls();
    targets.push(t);
    if (!origins.has(t.url)) origins.set(t.url, origin);
  };

  // Positionals: "-" is stdin; an existing file or folder that is not written like a URL is a local path.
  const urlWords: string[] = [];
  const paths: string[] = [];
  for (const p of positionals) {
    if (p !== '-' && !looksLikeUrl(p) && !/^[a-z][a-z0-9+.-]*:/i.test(p) && fs.existsSync(path.resolve(io.cwd, p)))
      paths.push(p);
    else urlWords.push(p);
  }
  paths.push(...((values.file as string[] | undefined) ?? []));
  for (const u of await readUrls(urlWords, io)) add({ url: u }, { kind: 'argument' });
  const urlsFile = str(values['urls-file']);
  if (urlsFile !== undefined) {
    for (const { url, line } of urlsFileLines(urlsFile, io)) add({ url }, { kind: 'urls-file', file: urlsFile, line });
  }

  const root =
    fromGit === undefined && paths.length === 0
      ? undefined
      : await repoRoot(io.cwd).catch((e: Error) => {
          if (fromGit !== undefined) throw new UsageError(`--from-git needs a git repository: ${e.message}`);
          return undefined;
        });
  const project = loadProjectConfig(io, { explicit: str(values.config), dir: root }, err);

  const mapperOf = (what: string) => {
    if (!project.file)
      throw new UsageError(
        `${what} needs ${PROJECT_CONFIG_FILE}${root ? ` at the repository root (${root})` : ''} with "mappings" from file globs to URLs.`,
      );
    const mapper = new PathMapper(project.config.mappings);
    if (mapper.problems.length)
      throw new UsageError(mapper.problems.map((p) => `${PROJECT_CONFIG_FILE}: ${p}`).join('\n'));
    return mapper;
  };
  const ruleIndex = (rule: unknown) => project.config.mappings.indexOf(rule as never) + 1;

  const checkers = new Map<ProviderId, Checker>();
  const inPlay = forced ? [forced] : providers().filter((p) => !allowed || allowed.has(p.id));
  for (const p of inPlay) {
    const config = forced ? providerConfig(values, p, project.config) : sharedProviderConfig(values, p, project.config);
    const checker = p.checker(config);
    if (checker.configProblems.length) throw new UsageError(checker.configProblems.map(configLine).join('\n'));
    checkers.set(p.id, checker);
  }
  const byHost = classifierFrom(Object.fromEntries(checkers));
  const classify = (url: string): ProviderId | undefined => {
    const u = parseUrl(url);
    const id = u.ok ? byHost(u.url.hostname) : undefined;
    return id !== undefined && checkers.has(id) ? id : undefined;
  };
  const mapped = (m: { url: string; provider?: ProviderId }): PurgeTarget | undefined => {
    if (forced && m.provider && m.provider !== forced.id) return undefined;
    if (allowed && m.provider && !allowed.has(m.provider)) return undefined;
    return m.provider ? { url: m.url, provider: m.provider } : { url: m.url };
  };

  if (paths.length) {
    const mapper = mapperOf('A file argument');
    const base = root ?? io.cwd;
    const entries = paths.map((p) => {
      const abs = path.resolve(io.cwd, p);
      const rel = path.relative(base, abs).split(path.sep).join('/');
      if (rel.startsWith('..')) throw new UsageError(`${p} is outside the repository (${base}).`);
      const folder = fs.existsSync(abs) && fs.statSync(abs).isDirectory();
      return { path: rel, folder };
    });
    try {
      const r = await urlsForPaths(entries, {
        mapper,
        providerOf: classify,
        checker: (id) => checkers.get(id) ?? providerById(id)!.checker({}),
        listFiles: (folder, limit) => Promise.resolve(listFiles(path.join(base, folder), folder, limit)),
      });
      const byUrl = new Map<string, MappedFile>();
      for (const e of entries) {
        const m = e.folder ? undefined : mapper.mapFile(e.path);
        if (m) byUrl.set(m.url, m);
      }
      const folder = entries.find((e) => e.folder)?.path ?? '';
      for (const u of r.urls) {
        const m = byUrl.get(u);
        const t = mapped({ url: u, provider: m?.provider });
        if (t) add(t, { kind: 'file', path: m?.path ?? folder, mapping: m ? ruleIndex(m.rule) : 0 });
      }
      if (r.unmapped.length)
        err(
          `warning: ${describeCount(r.unmapped.length)} path${r.unmapped.length === 1 ? '' : 's'} no mapping of ${PROJECT_CONFIG_FILE} maps to a URL (first: ${r.unmapped[0]}); not purged.`,
        );
    } catch (e) {
      if (e instanceof FileTargetError) throw new UsageError(e.message);
      throw e;
    }
  }

  if (fromGit !== undefined && root !== undefined) {
    const mapper = mapperOf('--from-git');
    const files = await changedFiles(root, fromGit === '' ? undefined : fromGit).catch((e: Error) => {
      throw new UsageError(e.message);
    });
    let n = 0;
    for (const f of files) {
      const m = mapper.mapFile(f, forced?.id);
      const t = m && mapped(m);
      if (!m || !t) continue;
      n++;
      add(t, { kind: 'file', path: m.path, mapping: ruleIndex(m.rule) });
    }
    notes.push(
      `git: ${files.length} changed file${files.length === 1 ? '' : 's'}${fromGit ? ` since ${fromGit}` : ' in the working tree'}, ${n} mapped to ${forced ? `${forced.id} ` : ''}URLs`,
    );
  } else if (targets.length === 0 && paths.length === 0) {
    throw new UsageError(
      'No URL given: pass URLs as arguments, "-" to read them from stdin, --urls-file FILE, files mapped by cdn-purge.json, or --from-git.',
    );
  }

  const coalesceRaw = str(values.coalesce);
  const coalesce = coalesceRaw === undefined ? undefined : positiveInt(coalesceRaw, '--coalesce', 2);
  if (coalesce !== undefined && forced && !forced.wildcards)
    throw new UsageError(
      `--coalesce is for providers with wildcard purges (${providerChoices((p) => p.wildcards) || 'none'}): ${forced.label} has none.`,
    );
  return {
    targets,
    origins,
    ...(forced ? { forced } : {}),
    ...(allowed ? { allowed } : {}),
    checkers,
    classify,
    ...(coalesce !== undefined ? { coalesce } : {}),
    project: project.config,
    ...(project.file ? { projectFile: project.file } : {}),
    ...(root !== undefined ? { root } : {}),
    notes,
  };
}

/** A folder's files (paths relative to the repository root), at most `limit`; symbolic links are not followed. */
function listFiles(abs: string, rel: string, limit: number): string[] {
  const out: string[] = [];
  const walk = (dir: string, relDir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (out.length >= limit) return;
      if (e.name === '.git' || e.name === 'node_modules') continue;
      const r = relDir ? `${relDir}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk(abs, rel);
  return out;
}

/** The planner's inventory options for each provider with wildcards that has URLs in the run. */
export async function inventories(
  values: Parsed['values'],
  io: CliIO,
  inputs: PurgeInputs,
  inPlay: readonly ProviderPlugin[],
): Promise<Map<ProviderId, Pick<PlanOptions, 'inventory' | 'maxCollateral'>>> {
  const { err } = writers(io);
  const out = new Map<ProviderId, Pick<PlanOptions, 'inventory' | 'maxCollateral'>>();
  const asked = str(values.inventory) !== undefined || str(values['max-collateral']) !== undefined;
  const wild = inPlay.filter((p) => p.wildcards);
  if (asked && inputs.forced && !inputs.forced.wildcards) {
    // inventoryOptions says why, in its words.
    await inventoryOptions(values, io, { provider: inputs.forced, project: inputs.project, coalesce: false }, err);
  }
  for (const p of wild) {
    const o = await inventoryOptions(
      values,
      io,
      {
        provider: p,
        project: inputs.project,
        ...(inputs.root !== undefined && str(values['from-git']) !== undefined ? { root: inputs.root } : {}),
        coalesce: inputs.coalesce !== undefined,
      },
      err,
    );
    if (o.inventory !== undefined) out.set(p.id, o);
  }
  return out;
}
