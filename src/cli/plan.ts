import { adapterFor } from '../core/adapters';
import { PROJECT_CONFIG_FILE } from '../core/config';
import { changedFiles, gitRefError, gitRefProblem, repoRoot } from '../core/git';
import { PathMapper } from '../core/mapping';
import { planPurge, type Plan } from '../core/planner';
import type { ProviderId } from '../core/provider';
import { MAX_BATCH_URLS } from '../core/limits';
import {
  COMMON,
  loadProjectConfig,
  parse,
  positiveInt,
  providerConfig,
  readUrls,
  requireProvider,
  str,
  tooManyUrls,
  type Options,
  type Parsed,
} from './args';
import { checkJson, problemLine } from './check';
import {
  collateralNote,
  INVENTORY_HELP,
  INVENTORY_OPTIONS,
  inventoryJson,
  inventoryLines,
  inventoryOptions,
} from './inventory';
import { EXIT_FAILED, EXIT_OK, UsageError, writers, type CliIO } from './io';

export const PLAN_OPTIONS: Options = {
  ...COMMON,
  coalesce: { type: 'string' },
  'from-git': { type: 'string' },
  ...INVENTORY_OPTIONS,
};

export const PLAN_HELP = `cdn-purge plan --provider imagekit|imgix [--endpoint URL]... [--coalesce[=N]] [--from-git [REF]]
               [--inventory FILE [--max-collateral N]] [--json] URL...

Prints the requests a purge would send, without sending anything.
  -p, --provider P     imagekit or imgix (required)
  --endpoint URL       ImageKit URL endpoint or imgix Source domain; repeatable
  --config FILE        endpoints and mappings (default: ./cdn-purge.json when it exists)
  --coalesce[=N]       ImageKit: replace groups of URLs by the fewest valid wildcard purges, using a wildcard
                       only where it saves at least N requests (default 2)
  --from-git [REF]     add the mapped files git says changed in the working tree, or since REF
                       (mappings from cdn-purge.json at the repository root)
${INVENTORY_HELP}
  --json               print {"provider","requests":[...],"invalid":[...],"summary":{...}} (with an inventory,
                       each request's "collateral" and {"inventory":{"assets","unchanged","maxCollateral",
                       "collateral","skipped"}})
  URL...               URLs; "-" reads them from stdin, one a line
Exit status: 0 every input is valid, 1 any is invalid, 2 usage error.`;

export interface BuiltPlan {
  provider: ProviderId;
  plan: Plan;
}

/** Inputs from the arguments, stdin and git, checked and planned. Shared by plan and purge. */
export async function buildPlan(values: Parsed['values'], positionals: string[], io: CliIO): Promise<BuiltPlan> {
  const { err } = writers(io);
  const provider = requireProvider(values);
  const fromGit = str(values['from-git']);
  // Checked before anything is read or run: --from-git=REF is given to git only when it is a ref.
  const refWhy = fromGit ? gitRefProblem(fromGit) : undefined;
  if (fromGit && refWhy) throw new UsageError(gitRefError(fromGit, refWhy));
  const urls = await readUrls(positionals, io);
  const root =
    fromGit === undefined
      ? undefined
      : await repoRoot(io.cwd).catch((e: Error) => {
          throw new UsageError(e.message);
        });
  // With --from-git the mappings come from the repository root's cdn-purge.json (unless --config names one).
  const project = loadProjectConfig(io, { explicit: str(values.config), dir: root }, err);
  if (fromGit !== undefined && root !== undefined) {
    if (!project.file)
      throw new UsageError(
        `--from-git needs ${PROJECT_CONFIG_FILE} at the repository root (${root}) with "mappings" from file globs to URLs.`,
      );
    const mapper = new PathMapper(project.config.mappings);
    if (mapper.problems.length)
      throw new UsageError(mapper.problems.map((p) => `${PROJECT_CONFIG_FILE}: ${p}`).join('\n'));
    const files = await changedFiles(root, fromGit === '' ? undefined : fromGit).catch((e: Error) => {
      throw new UsageError(e.message);
    });
    const mapped = files
      .map((f) => mapper.mapFile(f, provider))
      .filter((m) => m !== undefined && (!m.provider || m.provider === provider));
    err(
      `git: ${files.length} changed file${files.length === 1 ? '' : 's'}${fromGit ? ` since ${fromGit}` : ' in the working tree'}, ${mapped.length} mapped to ${provider} URLs`,
    );
    if (urls.length + mapped.length > MAX_BATCH_URLS) throw tooManyUrls();
    urls.push(...mapped.map((m) => m!.url));
  } else if (urls.length === 0) {
    throw new UsageError('No URL given: pass URLs as arguments, "-" to read them from stdin, or --from-git.');
  }
  const coalesceRaw = str(values.coalesce);
  const coalesce = coalesceRaw === undefined ? undefined : positiveInt(coalesceRaw, '--coalesce', 2);
  if (coalesce !== undefined && provider !== 'imagekit')
    throw new UsageError('--coalesce is for ImageKit only: imgix has no wildcard purge.');
  const checker = adapterFor(provider).checker(providerConfig(values, provider, project.config));
  if (checker.configProblems.length)
    throw new UsageError(checker.configProblems.map((p) => `configuration: [${p.code}] ${p.message}`).join('\n'));
  const inventory = await inventoryOptions(
    values,
    io,
    { provider, project: project.config, root, coalesce: coalesce !== undefined },
    err,
  );
  return { provider, plan: planPurge(urls, checker, { coalesce, ...inventory }) };
}

export function planJson(plan: Plan) {
  return {
    provider: plan.provider,
    requests: plan.requests.map((r) => ({
      url: r.url,
      kind: r.kind,
      coalesced: r.coalesced,
      covers: r.covers,
      ...(r.collateral !== undefined ? { collateral: r.collateral } : {}),
    })),
    invalid: plan.invalid.map(checkJson),
    summary: {
      inputs: plan.inputCount,
      distinct: plan.distinct,
      requests: plan.requests.length,
      invalid: plan.invalid.length,
    },
    ...inventoryJson(plan),
  };
}

export function printPlan(plan: Plan, out: (s: string) => void): void {
  out(
    `Plan for ${plan.provider}: ${plan.inputCount} input${plan.inputCount === 1 ? '' : 's'}, ${plan.distinct} distinct valid URL${plan.distinct === 1 ? '' : 's'} -> ${plan.requests.length} request${plan.requests.length === 1 ? '' : 's'}`,
  );
  const width = String(plan.requests.length).length;
  plan.requests.forEach((r, i) => {
    const covers = r.covers.length === 1 && r.covers[0] === r.url ? '' : `  covers ${r.covers.length}`;
    out(
      `  ${String(i + 1).padStart(width)}  ${r.kind === 'wildcard' ? 'wildcard' : 'exact   '}  ${r.url}${covers}${r.coalesced ? '  (coalesced)' : ''}${collateralNote(r)}`,
    );
  });
  for (const line of inventoryLines(plan)) out(line);
  for (const t of plan.notes) for (const p of t.problems) out(`  note for ${t.input}\n${problemLine(p)}`);
  if (plan.invalid.length) {
    out(`Invalid, not sent (${plan.invalid.length}):`);
    for (const t of plan.invalid) {
      out(`  ${t.input}`);
      for (const p of t.problems) out(problemLine(p));
    }
  }
}

export async function planCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, PLAN_OPTIONS);
  const { out } = writers(io);
  if (values.help) {
    out(PLAN_HELP);
    return EXIT_OK;
  }
  const { plan } = await buildPlan(values, positionals, io);
  if (values.json) out(JSON.stringify(planJson(plan), null, 2));
  else printPlan(plan, out);
  return plan.invalid.length ? EXIT_FAILED : EXIT_OK;
}
