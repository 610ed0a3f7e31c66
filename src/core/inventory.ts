// A site's inventory: every asset it serves, for coalescing that knows which assets did not change (./coalesce).
// It comes from a file (`--inventory FILE`: one URL or path a line) or from the files the mappings cover (the
// working tree's files with `--from-git`, the workspace's in the extension). Paths are mapped to URLs by the
// same rules as `--from-git` and the Explorer (cdn-purge.json `mappings`); a path no rule maps is not an asset
// of the CDN and is reported, not counted.

import { describeCount, MAX_INVENTORY_ENTRIES, MAX_LINE_LENGTH } from './limits';
import type { PathMapper } from './mapping';
import type { ProviderId } from './providers/types';

export interface InventoryLine {
  /** 1-based line number in the file. */
  line: number;
  kind: 'url' | 'path';
  value: string;
}

/** A line is a URL when it starts with http://, https:// or //; anything else is a path (relative to the repository root). */
export function isInventoryUrl(s: string): boolean {
  return /^(?:https?:)?\/\//i.test(s);
}

export class InventoryError extends Error {}

/**
 * The entries of an inventory file's text: one a line, trimmed; blank lines and lines starting with `#` skipped.
 * Throws an InventoryError (with the line number and what to do) past the limits of README "Limits".
 */
export function parseInventory(text: string, shown = 'the inventory'): InventoryLine[] {
  const out: InventoryLine[] = [];
  let line = 0;
  let from = 0;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  while (from <= body.length) {
    const nl = body.indexOf('\n', from);
    const end = nl === -1 ? body.length : nl;
    line++;
    if (end - from > MAX_LINE_LENGTH + 1)
      throw new InventoryError(
        `${shown}: line ${describeCount(line)} is longer than ${describeCount(MAX_LINE_LENGTH)} characters (limit: inventory line length). Give one URL or path a line.`,
      );
    const value = body.slice(from, end).trim();
    from = end + 1;
    if (value === '' || value.startsWith('#')) continue;
    if (out.length >= MAX_INVENTORY_ENTRIES)
      throw new InventoryError(
        `${shown} has more than ${describeCount(MAX_INVENTORY_ENTRIES)} entries (limit: inventory entries). List the assets under the mappings you purge, not the whole bucket.`,
      );
    out.push({ line, kind: isInventoryUrl(value) ? 'url' : 'path', value });
    if (nl === -1) break;
  }
  return out;
}

export interface InventoryUrls {
  /** The URLs of the inventory's assets (paths mapped), as given: the planner checks them. */
  urls: string[];
  /** Paths no mapping rule maps to this provider: not assets of it, so not counted. */
  unmapped: InventoryLine[];
}

/**
 * The URLs of an inventory's entries: URLs as they are, paths through the mappings (the first rule that maps
 * the path for `provider`, exactly as --from-git maps changed files). Without a mapper every path is unmapped.
 */
export function inventoryUrls(
  entries: readonly InventoryLine[],
  mapper: PathMapper | undefined,
  provider: ProviderId,
): InventoryUrls {
  const urls: string[] = [];
  const unmapped: InventoryLine[] = [];
  for (const e of entries) {
    if (e.kind === 'url') {
      urls.push(e.value);
      continue;
    }
    const m = mapper?.mapFile(e.value, provider);
    if (m && (!m.provider || m.provider === provider)) urls.push(m.url);
    else unmapped.push(e);
  }
  return { urls, unmapped };
}

/**
 * The inventory the mappings cover: the URLs of the files (paths relative to the repository or workspace root,
 * e.g. what `git ls-files` prints) that a mapping rule maps to `provider`. For `--from-git`, and the extension.
 */
export function inventoryFromFiles(
  files: readonly string[],
  mapper: PathMapper,
  provider: ProviderId,
): { urls: string[]; unmapped: number } {
  const r = inventoryUrls(
    files.map((value, i) => ({ line: i + 1, kind: 'path', value })),
    mapper,
    provider,
  );
  return { urls: r.urls, unmapped: r.unmapped.length };
}
