import { PROJECT_CONFIG_FILE } from '../core/config';
import { changedFiles, gitRefProblem, repoRoot, shownRef } from '../core/git';
import { PathMapper } from '../core/mapping';
import { planFor } from '../core/pipeline';
import type { Plan, PlanOptions } from '../core/planner';
import type { Checker, ProviderPlugin } from '../core/providers/types';
import { MAX_BATCH_URLS } from '../core/limits';
import {
  COMMON,
  loadProjectConfig,
  parse,
  positiveInt,
  providerChoices,
  providerConfig,
  readUrls,
  requireProvider,
  str,
  tooManyUrls,
  type Options,
  type Parsed,
} from './args';
import { checkJson, problemLine } from './check';
import { choices, choiceWords, endpointWords, labels, optionLines } from './help';
import {
  collateralNote,
  INVENTORY_OPTIONS,
  inventoryHelp,
  inventoryJson,
  inventoryLines,
  inventoryOptions,
} from './inventory';
import { EXIT_FAILED, EXIT_OK, UsageError, writers, type CliIO } from './io';
import { configLine } from './words';

export const PLAN_OPTIONS: Options = {
  ...COMMON,
  coalesce: { type: 'string' },
  'from-git': { type: 'string' },
  ...INVENTORY_OPTIONS,
};

export function planHelp(): string {
  return `cdn-purge plan --provider ${choices()} [--endpoint URL]... [--coalesce[=N]] [--from-git [REF]]
               [--inventory FILE [--max-collateral N]] [--json] URL...

Prints the requests a purge would send, without sending anything.
  -p, --provider P     ${choiceWords()} (required)
  --endpoint URL       ${endpointWords()}; repeatable
  --config FILE        endpoints and mappings (default: ./cdn-purge.json when it exists)
  --coalesce[=N]       ${labels((p) => p.wildcards)}: replace groups of URLs by the fewest valid wildcard purges, using a wildcard
                       only where it saves at least N requests (default 2)
  --from-git [REF]     add the mapped files git says changed in the working tree, or since REF
                       (mappings from cdn-purge.json at the repository root)
${inventoryHelp()}
${optionLines().join('\n')}
  --json               print {"provider","requests":[...],"invalid":[...],"summary":{...}} (with an inventory,
                       each request's "collateral" and {"inventory":{"assets","unchanged","maxCollateral",
                       "collateral","skipped"}})
  URL...               URLs; "-" reads them from stdin, one a line
Exit status: 0 every input is valid, 1 any is invalid, 2 usage error.`;
}

/** What check, plan and purge work on: the provider, its URLs (arguments, stdin, git), its checker as configured. */
export interface PlanInputs {
  provider: ProviderPlugin;
  urls: string[];
  checker: Checker;
  /** --coalesce's N (only for a provider with wildcards). */
  coalesce?: number;
  /** --inventory / --max-collateral (or --from-git's working tree): what the planner coalesces against. */
  inventory?: Pick<PlanOptions, 'inventory' | 'maxCollateral'>;
}

/** Why --from-git REF was refused, in the CLI's words. */
export function gitRefError(ref: string, why: string): string {
  return `--from-git "${shownRef(ref)}" is not a git ref: ${why}. Give a branch, tag or commit (--from-git origin/main), or put URLs after the options (--from-git with no ref compares with the working tree).`;
}

/** Inputs from the arguments, stdin and git, and the provider's checker. Shared by plan and purge. */
export async function planInputs(values: Parsed['values'], positionals: string[], io: CliIO): Promise<PlanInputs> {
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
          throw new UsageError(`--from-git needs a git repository: ${e.message}`);
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
      .map((f) => mapper.mapFile(f, provider.id))
      .filter((m) => m !== undefined && (!m.provider || m.provider === provider.id));
    err(
      `git: ${files.length} changed file${files.length === 1 ? '' : 's'}${fromGit ? ` since ${fromGit}` : ' in the working tree'}, ${mapped.length} mapped to ${provider.id} URLs`,
    );
    if (urls.length + mapped.length > MAX_BATCH_URLS) throw tooManyUrls();
    urls.push(...mapped.map((m) => m!.url));
  } else if (urls.length === 0) {
    throw new UsageError('No URL given: pass URLs as arguments, "-" to read them from stdin, or --from-git.');
  }
  const coalesceRaw = str(values.coalesce);
  const coalesce = coalesceRaw === undefined ? undefined : positiveInt(coalesceRaw, '--coalesce', 2);
  if (coalesce !== undefined && !provider.wildcards)
    throw new UsageError(
      `--coalesce is for providers with wildcard purges (${providerChoices((p) => p.wildcards) || 'none'}): ${provider.label} has none.`,
    );
  const checker = provider.checker(providerConfig(values, provider, project.config));
  if (checker.configProblems.length) throw new UsageError(checker.configProblems.map(configLine).join('\n'));
  const inventory = await inventoryOptions(
    values,
    io,
    { provider, project: project.config, root, coalesce: coalesce !== undefined },
    err,
  );
  return {
    provider,
    urls,
    checker,
    ...(coalesce !== undefined ? { coalesce } : {}),
    ...(inventory.inventory !== undefined ? { inventory } : {}),
  };
}

/** The plan of the inputs, as the pipeline plans them. */
export function planOf(inputs: PlanInputs): Plan {
  return planFor(inputs.provider, inputs.urls, inputs.checker, inputs.coalesce, inputs.inventory);
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
  const { values, positionals } = parse(argv, PLAN_OPTIONS, true);
  const { out } = writers(io);
  if (values.help) {
    out(planHelp());
    return EXIT_OK;
  }
  const plan = planOf(await planInputs(values, positionals, io));
  if (values.json) out(JSON.stringify(planJson(plan), null, 2));
  else printPlan(plan, out);
  return plan.invalid.length ? EXIT_FAILED : EXIT_OK;
}
