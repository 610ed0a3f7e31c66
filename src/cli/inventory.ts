// `--inventory FILE` and `--max-collateral N` for plan and purge: reading the inventory (bounded, with the limits
// of README "Limits"), the inventory the mappings cover with --from-git, and how a plan shows its collateral.

import path from 'node:path';
import type { ProjectConfig } from '../core/config';
import { workingTreeFiles } from '../core/git';
import { InventoryError, inventoryFromFiles, inventoryUrls, parseInventory } from '../core/inventory';
import { describeBytes, describeCount, MAX_INVENTORY_BYTES } from '../core/limits';
import { PathMapper } from '../core/mapping';
import type { Plan, PlannedRequest, PlanOptions } from '../core/planner';
import type { ProviderPlugin } from '../core/providers/types';
import { labels } from './help';
import { nonNegativeInt, readBounded, str, type Options, type Parsed } from './args';
import { UsageError, type CliIO } from './io';

export const INVENTORY_OPTIONS: Options = {
  inventory: { type: 'string' },
  'max-collateral': { type: 'string' },
};

export const inventoryHelp =
  (): string => `  --inventory FILE     ${labels((p) => p.wildcards)}: every asset of the site, one URL or path a line (paths are mapped to URLs by
                       the cdn-purge.json "mappings"); coalesces into the fewest valid wildcards that purge no
                       unchanged asset (implies --coalesce; its N does not apply). With --from-git and
                       --coalesce, the files git lists in the working tree are the inventory unless this is given
  --max-collateral N   with an inventory: purge at most N unchanged assets in all (default 0)`;

export interface InventoryContext {
  provider: ProviderPlugin;
  project: ProjectConfig;
  /** The repository root, with --from-git. */
  root?: string;
  /** --coalesce was given. */
  coalesce: boolean;
}

/** The planner's inventory options from --inventory / --max-collateral (and --from-git), or none. */
export async function inventoryOptions(
  values: Parsed['values'],
  io: CliIO,
  ctx: InventoryContext,
  warn: (s: string) => void,
): Promise<Pick<PlanOptions, 'inventory' | 'maxCollateral'>> {
  const file = str(values.inventory);
  const maxCollateral = nonNegativeInt(values['max-collateral'], '--max-collateral');
  if ((file !== undefined || maxCollateral !== undefined) && !ctx.provider.wildcards)
    throw new UsageError(
      `--inventory and --max-collateral are for providers with wildcard purges (${labels((p) => p.wildcards) || 'none'}): ${ctx.provider.label} has none.`,
    );
  const budget = maxCollateral === undefined ? {} : { maxCollateral };
  const mapper = () => {
    const m = new PathMapper(ctx.project.mappings);
    if (m.problems.length) throw new UsageError(m.problems.map((p) => `cdn-purge.json: ${p}`).join('\n'));
    return m;
  };

  if (file === undefined) {
    if (ctx.root !== undefined && (ctx.coalesce || maxCollateral !== undefined) && ctx.provider.wildcards) {
      const root = ctx.root;
      const files = await workingTreeFiles(root).catch((e: Error) => {
        throw new UsageError(e.message);
      });
      const inv = inventoryFromFiles(files, mapper(), ctx.provider.id);
      warn(
        `inventory: the ${describeCount(inv.urls.length)} files of the working tree the mappings cover (git ls-files); --inventory FILE gives a complete list when the CDN serves more`,
      );
      return { inventory: inv.urls, ...budget };
    }
    if (maxCollateral !== undefined)
      throw new UsageError(
        '--max-collateral needs an inventory to count collateral against: --inventory FILE (or --from-git with --coalesce).',
      );
    return {};
  }

  if (file.trim() === '') throw new UsageError('--inventory needs a file name.');
  const text = readBounded(path.resolve(io.cwd, file), MAX_INVENTORY_BYTES, file);
  if (text === undefined)
    throw new UsageError(
      `--inventory ${file} is larger than ${describeBytes(MAX_INVENTORY_BYTES)} (limit: inventory size). List the assets under the mappings you purge, one a line.`,
    );
  let entries;
  try {
    entries = parseInventory(text, `--inventory ${file}`);
  } catch (e) {
    if (e instanceof InventoryError) throw new UsageError(e.message);
    throw e;
  }
  const firstPath = entries.find((e) => e.kind === 'path');
  if (firstPath && ctx.project.mappings.length === 0)
    throw new UsageError(
      `--inventory ${file}: line ${firstPath.line} is a path ("${shorten(firstPath.value)}"), but cdn-purge.json has no "mappings" to turn paths into URLs. Add mappings, or list URLs (https://…).`,
    );
  const r = inventoryUrls(entries, firstPath ? mapper() : undefined, ctx.provider.id);
  if (r.unmapped.length) {
    const u = r.unmapped[0];
    warn(
      `warning: --inventory ${file}: ${describeCount(r.unmapped.length)} path${r.unmapped.length === 1 ? '' : 's'} no mapping maps to ${ctx.provider.label} URLs, not counted as assets (first: line ${u.line}, "${shorten(u.value)}").`,
    );
  }
  return { inventory: r.urls, ...budget };
}

function shorten(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** After a wildcard of an inventory plan: how many unchanged assets it also purges. */
export function collateralNote(r: PlannedRequest): string {
  return r.collateral !== undefined && r.kind === 'wildcard'
    ? `  also purges ${describeCount(r.collateral)} unchanged`
    : '';
}

/** The plan's inventory summary, for the text output. */
export function inventoryLines(plan: Plan): string[] {
  const inv = plan.inventory;
  if (!inv) return [];
  const lines = [
    `Inventory: ${describeCount(inv.assets)} asset${inv.assets === 1 ? '' : 's'}, ${describeCount(inv.unchanged)} unchanged; this plan purges ${describeCount(inv.collateral)} of them (--max-collateral ${describeCount(inv.budget)})`,
  ];
  if (inv.skipped.length) {
    const t = inv.skipped[0];
    const why = t.problems.find((p) => p.severity === 'error')?.code ?? (t.kind === 'wildcard' ? 'a wildcard' : '');
    lines.push(
      `  ${describeCount(inv.skipped.length)} inventory entr${inv.skipped.length === 1 ? 'y is' : 'ies are'} not an ImageKit file URL and not counted (first: ${shorten(t.input)}${why ? ` [${why}]` : ''})`,
    );
  }
  return lines;
}

/** The plan's inventory summary, for --json. */
export function inventoryJson(plan: Plan) {
  const inv = plan.inventory;
  return inv
    ? {
        inventory: {
          assets: inv.assets,
          unchanged: inv.unchanged,
          maxCollateral: inv.budget,
          collateral: inv.collateral,
          skipped: inv.skipped.length,
        },
      }
    : {};
}
