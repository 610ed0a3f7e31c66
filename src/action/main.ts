// The GitHub Action (action.yml at the repository root): `cdn-purge purge` run on the runner's Node from the
// committed bundle action/index.js, its inputs turned into the CLI's flags, and its report turned into what a
// workflow wants: outputs (request ids, a JSON results file), a job summary table, annotations where an invalid URL
// was written, and the exit status. Keys come only from the environment (`env:` from secrets) and are masked.

import fs from 'node:fs';
import path from 'node:path';
import { isRecord, parseJson } from '../core/json';
import { keyEnvs } from '../core/providers/registry';
import { secretForms } from '../core/redact';
import { EXIT_INTERRUPTED, UsageError, type CliIO } from '../cli/io';
import { purgeRun, type PurgeReport } from '../cli/purge';
import type { TargetOrigin } from '../cli/targets';
import { annotation, cell, command, writeOutput, type Annotation } from './commands';

export interface ActionIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
}

/** An input as the runner passes it: INPUT_<NAME> (upper case, spaces as _, hyphens kept), trimmed. */
export function input(env: Record<string, string | undefined>, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** A boolean input: true, True, TRUE / false, False, FALSE (the YAML 1.2 core schema, as @actions/core reads them), or ''. */
export function booleanInput(env: Record<string, string | undefined>, name: string): boolean {
  const v = input(env, name);
  if (v === '' || ['false', 'False', 'FALSE'].includes(v)) return false;
  if (['true', 'True', 'TRUE'].includes(v)) return true;
  throw new UsageError(`Input "${name}" must be true or false, not "${v}".`);
}

/** A list input: one item a line (or comma-separated on one line), blanks and # comments skipped. */
export function listInput(env: Record<string, string | undefined>, name: string, commas = false): string[] {
  return input(env, name)
    .split(/\r?\n/)
    .flatMap((l) => (commas ? l.split(',') : [l]))
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

const ZERO_SHA = /^0+$/;

/**
 * The ref --from-git compares with when the `base` input is empty: the pull request's base commit, or the push's
 * `before` (none for a new branch: its `before` is all zeros), from the event payload at $GITHUB_EVENT_PATH.
 */
export function baseFromEvent(env: Record<string, string | undefined>): { ref?: string; why: string } {
  const file = env.GITHUB_EVENT_PATH;
  if (!file) return { why: 'no event payload (GITHUB_EVENT_PATH is not set)' };
  let event: unknown;
  try {
    event = parseJson(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return { why: `the event payload ${file} cannot be read (${(e as Error).message})` };
  }
  if (!isRecord(event)) return { why: 'the event payload is not an object' };
  const pr = event.pull_request;
  if (isRecord(pr) && isRecord(pr.base) && typeof pr.base.sha === 'string')
    return { ref: pr.base.sha, why: `the pull request's base ${pr.base.sha.slice(0, 12)}` };
  if (typeof event.before === 'string') {
    if (ZERO_SHA.test(event.before)) return { why: "the push's before is all zeros (a new branch)" };
    return { ref: event.before, why: `the push's before ${event.before.slice(0, 12)}` };
  }
  return { why: `the ${env.GITHUB_EVENT_NAME ?? 'event'} payload has no pull_request.base.sha or before` };
}

/** The workflow file's path in the repository (from GITHUB_WORKFLOW_REF: owner/repo/.github/workflows/x.yml@ref). */
function workflowFile(env: Record<string, string | undefined>): string | undefined {
  const ref = env.GITHUB_WORKFLOW_REF;
  const m = ref ? /^[^/]+\/[^/]+\/(.+?)@/.exec(ref) : null;
  return m ? m[1] : undefined;
}

/** Finds the line of the workflow file where an inline URL is written, for its annotation. */
function lineIn(file: string, text: string): number | undefined {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const i = content.split(/\r?\n/).findIndex((l) => l.includes(text));
  return i < 0 ? undefined : i + 1;
}

function annotationFor(
  url: string,
  origin: TargetOrigin | undefined,
  message: string,
  ctx: { workspace: string; cwd: string; env: Record<string, string | undefined> },
): Annotation {
  const rel = (p: string) => path.relative(ctx.workspace, path.resolve(ctx.cwd, p)).split(path.sep).join('/');
  if (origin?.kind === 'urls-file')
    return { level: 'error', file: rel(origin.file), line: origin.line, title: 'cdn-purge', message };
  if (origin?.kind === 'file')
    return {
      level: 'error',
      file: rel(origin.path),
      title: 'cdn-purge',
      message: `${message} (the URL ${url} comes from mapping ${origin.mapping} of cdn-purge.json)`,
    };
  const wf = workflowFile(ctx.env);
  const line = wf ? lineIn(path.join(ctx.workspace, wf), url) : undefined;
  return line
    ? { level: 'error', file: wf, line, title: 'cdn-purge', message }
    : { level: 'error', title: 'cdn-purge', message: `${url}: ${message}` };
}

/** The CLI's argv for the inputs. */
export function purgeArgs(env: Record<string, string | undefined>, say: (line: string) => void): string[] {
  const args = ['purge'];
  const providers = listInput(env, 'provider', true);
  if (providers.length) args.push('--provider', providers.join(','));
  const flag = (name: string, option = name) => {
    const v = input(env, name);
    if (v !== '') args.push(`--${option}`, v);
  };
  const bool = (name: string, option = name) => {
    if (booleanInput(env, name)) args.push(`--${option}`);
  };
  flag('config');
  flag('api-base');
  flag('quota-file');
  flag('journal');
  flag('fail-on');
  flag('wait-timeout');
  flag('inventory');
  flag('max-collateral');
  flag('ca-file');
  flag('urls-file');
  bool('dry-run');
  bool('wait');
  bool('verify');
  bool('debug');
  const coalesce = input(env, 'coalesce');
  if (coalesce !== '' && !['false', 'False', 'FALSE', '0'].includes(coalesce))
    args.push(['true', 'True', 'TRUE'].includes(coalesce) ? '--coalesce' : `--coalesce=${coalesce}`);
  for (const f of listInput(env, 'files')) args.push('--file', f);
  const fromGit = input(env, 'from-git');
  if (fromGit !== '' && !['false', 'False', 'FALSE'].includes(fromGit)) {
    const base = input(env, 'base') || (['true', 'True', 'TRUE'].includes(fromGit) ? '' : fromGit);
    if (base) {
      args.push(`--from-git=${base}`);
      say(`from-git: since ${base} (the base input)`);
    } else {
      const b = baseFromEvent(env);
      if (b.ref) {
        args.push(`--from-git=${b.ref}`);
        say(`from-git: since ${b.why}`);
      } else {
        // A new branch, a manual run: what the last commit changed.
        args.push('--from-git=HEAD~1');
        say(
          command(
            'warning',
            { title: 'cdn-purge' },
            `from-git: no base to compare with (${b.why}); purging what the last commit changed (HEAD~1). Set the base input to choose.`,
          ),
        );
      }
    }
  }
  const urls = listInput(env, 'urls');
  if (urls.length) args.push('--', ...urls);
  return args;
}

/** `::add-mask::` for every key in the environment, in the forms it travels in (the runner then hides them in logs). */
export function maskKeys(env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  for (const name of keyEnvs()) {
    const key = env[name]?.trim();
    if (!key) continue;
    // The key itself and its Basic-auth forms; the runner replaces each with *** wherever it appears in the log.
    const forms = [key, ...secretForms(key).filter((f) => f !== key && f.length >= 8)].slice(0, 12);
    for (const form of forms) out.push(`::add-mask::${form}`);
  }
  return out;
}

const STATUS_ICON: Record<string, string> = {
  accepted: '✅ accepted',
  duplicate: '✅ duplicate',
  failed: '❌ failed',
  error: '❌ not sent (error)',
  unknown: '❓ unknown (may have been received)',
  cancelled: '⏹ not sent (cancelled)',
  invalid: '❌ invalid',
};

const MAX_SUMMARY_ROWS = 500;

/** A report field as text: strings and numbers as they are, anything else (null, absent) as ''. */
function text(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

/** The job summary: a line of counts, then one table row per request (capped, so it stays under GitHub's 1 MiB). */
export function summaryMarkdown(report: PurgeReport, o: { wait: boolean; verify: boolean; dryRun: boolean }): string {
  const s = report.summary;
  const lines: string[] = ['## CDN Purge', ''];
  if (report.interrupted)
    lines.push(
      `**Interrupted**: ${s.sent} sent (${s.answered} answered, ${s.unknown} unknown: may have been received), ${s.notSent} not sent.`,
      '',
    );
  lines.push(
    `${s.requests + s.invalid + s.unknownHosts} requests: ${s.accepted} accepted, ${s.duplicate} duplicate, ${s.unknown} unknown, ${s.failed + s.invalid + s.unknownHosts} failed${
      s.completed !== undefined ? `; ${s.completed} done, ${s.pending} not done` : ''
    }${s.fresh !== undefined ? `; verified: ${s.fresh} fresh, ${s.stale} stale, ${s.cannotTell} cannot tell, ${s.verifyErrors} not fetched` : ''}.`,
    '',
  );
  const header = ['Provider', 'URL', 'Status', 'HTTP', 'Request id'];
  if (o.wait) header.push('Done');
  if (o.verify) header.push('Verified');
  lines.push(`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`);
  let rows = 0;
  const all = report.results;
  for (const r of all) {
    if (rows >= MAX_SUMMARY_ROWS) break;
    rows++;
    const completion = r.completion as { status?: string; done: boolean } | undefined;
    const verify = r.verify as Array<{ verdict: string; reason: string }> | undefined;
    const row = [
      cell(text(r.provider)),
      `\`${text(r.url).replace(/`/g, '')}\``,
      STATUS_ICON[text(r.status)] ?? cell(text(r.status)),
      text(r.httpStatus),
      r.requestId ? `\`${cell(text(r.requestId))}\`` : '',
    ];
    if (o.wait) row.push(completion ? `${completion.done ? '✅' : '⏳'} ${cell(completion.status ?? '')}` : '');
    if (o.verify)
      row.push(
        verify?.length
          ? verify
              .map(
                (v) =>
                  `${v.verdict === 'fresh' ? '✅' : v.verdict === 'stale' ? '❌' : v.verdict === 'error' ? '⚠️' : '❔'} ${v.verdict} (${v.reason})`,
              )
              .join('<br>')
          : '',
      );
    lines.push(`| ${row.join(' | ')} |`);
  }
  if (all.length > rows) lines.push('', `… and ${all.length - rows} more: see the results file.`);
  if (o.dryRun) lines.push('', 'Dry run: nothing was sent.');
  return `${lines.join('\n')}\n`;
}

/** Runs the action; resolves with the exit status. */
export async function runAction(io: ActionIO): Promise<number> {
  const env = io.env;
  const say = (line: string) => io.stdout(`${line}\n`);
  if (env.GITHUB_ACTIONS === 'true') for (const m of maskKeys(env)) say(m);
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd());
  const cwd = path.resolve(workspace, input(env, 'working-directory') || '.');
  let args: string[];
  let dryRun: boolean, wait: boolean, verify: boolean;
  try {
    dryRun = booleanInput(env, 'dry-run');
    wait = booleanInput(env, 'wait');
    verify = booleanInput(env, 'verify');
    args = purgeArgs(env, say);
  } catch (e) {
    say(annotation({ level: 'error', title: 'cdn-purge', message: (e as Error).message }));
    return 2;
  }
  if (dryRun && !args.includes('--json')) args.splice(1, 0, '--json');
  const cliIo: CliIO = {
    stdout: (s) => io.stdout(s),
    stderr: (s) => io.stderr(s),
    env: { ...env, CI: env.CI ?? 'true' },
    cwd,
    ...(io.signal ? { signal: io.signal } : {}),
    stderrIsTTY: false,
  };
  let result: Awaited<ReturnType<typeof purgeRun>>;
  try {
    // args[0] is the command name; purgeRun takes what follows it.
    result = await purgeRun(args.slice(1), cliIo, dryRun ? { quietStdout: false } : {});
  } catch (e) {
    const message = e instanceof UsageError ? e.message : `unexpected error: ${(e as Error).message}`;
    say(annotation({ level: 'error', title: 'cdn-purge', message }));
    return e instanceof UsageError ? 2 : 1;
  }
  const report = result.report;
  if (!report) return result.code;

  // Annotations where each invalid URL was written.
  const ctx = { workspace, cwd, env };
  for (const x of report.invalid) {
    const problems = (x.problems as Array<{ code: string; message: string }> | undefined) ?? [];
    const p = problems[0];
    say(annotation(annotationFor(String(x.url), x.origin, p ? `[${p.code}] ${p.message}` : 'invalid URL', ctx)));
  }
  for (const u of report.unknownHosts)
    say(
      annotation(
        annotationFor(
          u.url,
          u.origin,
          'not on a host of ImageKit or imgix: add its custom domain to cdn-purge.json, or set the provider input',
          ctx,
        ),
      ),
    );

  // The results file, the outputs, the summary.
  const dir = env.RUNNER_TEMP || cwd;
  const resultsFile = path.join(
    dir,
    `cdn-purge-results-${env.GITHUB_RUN_ID ?? process.pid}-${env.GITHUB_RUN_ATTEMPT ?? '1'}.json`,
  );
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
  const ids = report.results.map((r) => r.requestId).filter((x): x is string => typeof x === 'string');
  if (env.GITHUB_OUTPUT) {
    writeOutput(env.GITHUB_OUTPUT, 'request-ids', JSON.stringify(ids));
    writeOutput(env.GITHUB_OUTPUT, 'results-file', resultsFile);
    writeOutput(env.GITHUB_OUTPUT, 'ok', String(report.ok));
    writeOutput(env.GITHUB_OUTPUT, 'accepted', String(report.summary.accepted + report.summary.duplicate));
    writeOutput(
      env.GITHUB_OUTPUT,
      'failed',
      String(report.summary.failed + report.summary.invalid + report.summary.unknownHosts),
    );
    writeOutput(env.GITHUB_OUTPUT, 'unknown', String(report.summary.unknown));
  }
  if (env.GITHUB_STEP_SUMMARY)
    fs.appendFileSync(env.GITHUB_STEP_SUMMARY, summaryMarkdown(report, { wait, verify, dryRun }));
  if (result.code === EXIT_INTERRUPTED) return result.code;
  if (!report.ok && !report.interrupted)
    say(
      annotation({
        level: 'error',
        title: 'cdn-purge',
        message: `cdn-purge: ${report.failures.join(', ')} (fail-on); see the job summary and ${resultsFile}`,
      }),
    );
  return result.code;
}
