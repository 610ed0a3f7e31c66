// `cdn-purge lint [FILES|DIRS]`: the editor's purge-pattern diagnostics for a whole repository, as
// `file:line:col code severity: message` lines, --format json or --format sarif (GitHub code scanning).

import fs from 'node:fs';
import path from 'node:path';
import { providerConfigFrom, PROJECT_CONFIG_FILE } from '../core/config';
import { compileGlob } from '../core/glob';
import type { Checkers } from '../core/lint';
import { describeCount } from '../core/limits';
import { lintPaths, problemLine, reportJson, toSarif, type LintReport } from '../core/lintReport';
import { normalizeRelPath } from '../core/mapping';
import { providerById, providers } from '../core/providers/registry';
import { loadProjectConfig, parse, str, type Options } from './args';
import { choices, choiceWords, labels } from './help';
import { EXIT_FAILED, EXIT_OK, UsageError, writers, type CliIO } from './io';
import { configLine } from './words';

export const LINT_OPTIONS: Options = {
  provider: { type: 'string', short: 'p' },
  endpoint: { type: 'string', multiple: true },
  config: { type: 'string' },
  format: { type: 'string', short: 'f' },
  exclude: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
};

export function lintHelp(): string {
  return `cdn-purge lint [--format text|json|sarif] [--config FILE] [--provider P [--endpoint URL]...]
              [--exclude GLOB]... [FILE|DIR]...

Checks every ${labels(() => true, 'and')} purge pattern (a URL with "*") in the text files under the given files and
folders (default: the current folder), with the editor's rules and cdn-purge.json's endpoints and domains.
Folders named node_modules, .git, .hg and .svn are not entered unless named; binary files are skipped; a file
over 5 MiB is skipped with a note; at most 100,000 files a run.
  -f, --format F       text (default): one "file:line:col code severity: message" line a problem (1-based
                       line and column, in UTF-16 code units like the editor), then a summary;
                       json: {"problems":[...],"notes":[...],"summary":{...}};
                       sarif: SARIF 2.1.0 for GitHub code scanning (paths relative to the repository root)
  --config FILE        endpoints and domains (default: cdn-purge.json in the current folder, else at the
                       repository root)
  -p, --provider P     check only one provider's patterns (${choices()}); --endpoint URL adds an endpoint of it
  --exclude GLOB       skip paths matching GLOB (relative to the repository root; repeatable), e.g. "dist/**"
Notes (files skipped) go to stderr. Exit status: 0 no error-level problem, 1 any, 2 usage error.`;
}

type Format = 'text' | 'json' | 'sarif';

declare const __VERSION__: string | undefined;
/** The version the build stamps in (as main.ts reads it), for SARIF's tool.driver.version. */
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';

/** The repository root: the nearest folder up from `dir` with a .git entry, else `dir`. */
export function findRoot(dir: string): string {
  for (let d = path.resolve(dir); ;) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    const up = path.dirname(d);
    if (up === d) return path.resolve(dir);
    d = up;
  }
}

export async function lintCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, LINT_OPTIONS);
  const { out, err } = writers(io);
  if (values.help) {
    out(lintHelp());
    return EXIT_OK;
  }
  const format = (str(values.format) ?? 'text') as Format;
  if (!['text', 'json', 'sarif'].includes(format))
    throw new UsageError(`--format must be text, json or sarif, not "${String(values.format)}".`);
  const only = str(values.provider);
  if (only !== undefined && providerById(only) === undefined)
    throw new UsageError(`Unknown provider "${only}": use --provider ${choiceWords()} (or none, for all).`);
  const extra = (values.endpoint as string[] | undefined) ?? [];
  if (extra.length && only === undefined)
    throw new UsageError(`--endpoint needs --provider: say which provider it is an endpoint of (${choices()}).`);

  const root = findRoot(io.cwd);
  const explicit = str(values.config);
  const dir = explicit || fs.existsSync(path.join(io.cwd, PROJECT_CONFIG_FILE)) ? io.cwd : root;
  const project = loadProjectConfig(io, { explicit, dir }, err);

  const checkers: Checkers = {};
  for (const plugin of only !== undefined ? [providerById(only)!] : providers()) {
    const config = providerConfigFrom(project.config, plugin);
    const endpoints = [...(config.endpoints ?? []), ...(plugin.id === only ? extra : [])];
    const checker = plugin.checker({ ...config, endpoints });
    for (const p of checker.configProblems) err(configLine(p));
    checkers[plugin.id] = checker;
  }

  const excludes = ((values.exclude as string[] | undefined) ?? []).map((g) => {
    const c = compileGlob(normalizeRelPath(g.trim()));
    if (!c.ok) throw new UsageError(`--exclude "${g}": ${c.error}`);
    return c.glob;
  });

  const targets = (positionals.length ? positionals : ['.']).map((p) => {
    const abs = path.resolve(io.cwd, p);
    if (!fs.existsSync(abs)) throw new UsageError(`${p}: no such file or folder.`);
    return abs;
  });

  const report = await lintPaths(targets, {
    checkers,
    root,
    signal: io.signal,
    ...(excludes.length ? { exclude: (rel: string) => excludes.some((g) => g.match(rel)) } : {}),
  });

  const shown = (file: string) => {
    const r = path.relative(io.cwd, file);
    return (r === '' ? file : r).split(path.sep).join('/');
  };
  for (const n of report.notes) err(`note: ${n.file ? `${shown(n.file)}: ` : ''}${n.message}`);
  if (format === 'json') out(JSON.stringify(reportJson(report, shown), null, 2));
  else if (format === 'sarif') out(JSON.stringify(toSarif(report, { toolVersion: VERSION, root }), null, 2));
  else {
    for (const p of report.problems) out(problemLine(p, shown));
    out(summary(report));
  }
  return report.errors ? EXIT_FAILED : EXIT_OK;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${describeCount(n)} ${n === 1 ? one : many}`;
}

export function summary(r: LintReport): string {
  const files = new Set(r.problems.map((p) => p.file)).size;
  const skipped = r.notes.filter((n) => n.file).length;
  return `${plural(r.errors, 'error')}, ${plural(r.warnings, 'warning')}${files ? ` in ${plural(files, 'file')}` : ''} (${plural(r.checked, 'file')} checked${r.binary ? `, ${plural(r.binary, 'binary file')} skipped` : ''}${skipped ? `, ${describeCount(skipped)} skipped with a note` : ''})`;
}
