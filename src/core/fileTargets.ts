// Workspace files and folders → the URLs to purge, through the mapping rules: the domain logic behind the
// extension's "Purge from CDN" (Explorer) and "Purge Changed Files (git)". A folder becomes one wildcard over its URL
// prefix where a rule maps it to one and its provider accepts that wildcard (a provider with wildcards); its files no
// such wildcard covers (other rules, providers without wildcards) are listed and purged one by one. Errors carry
// what went wrong as data (`FileTargetError.kind`); each front end words them.

import type { PathMapper } from './mapping';
import { providerById } from './providers/registry';
import type { Checker, ProviderId } from './providers/types';

/** Files listed from one folder at most; past it nothing is sent (rather than some of the folder). */
export const MAX_FOLDER_FILES = 5000;

/** A workspace-relative path ("/" separators) and whether it is a folder. */
export interface PathEntry {
  path: string;
  folder: boolean;
}

export interface FileTargetOptions {
  mapper: PathMapper;
  /** The provider serving a URL, from its host. */
  providerOf(url: string): ProviderId | undefined;
  checker(provider: ProviderId): Checker;
  /** A folder's files (workspace-relative paths); at most `limit` are needed (more means too many). */
  listFiles(folder: string, limit: number): Promise<string[]>;
  /** Default MAX_FOLDER_FILES. */
  maxFiles?: number;
}

export class FileTargetError extends Error {
  constructor(
    /** `mappings`: the rules have problems (`problems`); `too-many-files`: a folder has more than `limit` files. */
    readonly kind: 'mappings' | 'too-many-files',
    message: string,
    readonly detail: { problems?: string[]; folder?: string; limit?: number } = {},
  ) {
    super(message);
    this.name = 'FileTargetError';
  }
}

/** The URLs of the entries (distinct, in order) and the entries no rule maps. */
export async function urlsForPaths(
  entries: readonly PathEntry[],
  o: FileTargetOptions,
): Promise<{ urls: string[]; unmapped: string[] }> {
  const { mapper } = o;
  if (mapper.problems.length)
    throw new FileTargetError('mappings', `Mapping rules: ${mapper.problems[0]}`, { problems: mapper.problems });
  const max = o.maxFiles ?? MAX_FOLDER_FILES;
  const urls: string[] = [];
  const unmapped: string[] = [];
  for (const e of entries) {
    if (!e.folder) {
      const m = mapper.mapFile(e.path);
      if (m) urls.push(m.url);
      else unmapped.push(e.path);
      continue;
    }
    // Every rule that maps the folder to a URL prefix its provider accepts as a wildcard gives one purge...
    const wildcards = mapper
      .mapFolder(e.path)
      .map((m) => `${m.prefix}*`)
      .filter((w) => {
        const id = o.providerOf(w);
        return id !== undefined && providerById(id)?.wildcards === true && o.checker(id).check(w).ok;
      });
    urls.push(...wildcards);
    // ...and the folder's files that no such wildcard covers are purged one by one.
    const files = await o.listFiles(e.path, max + 1);
    const uncovered = files
      .map((f) => mapper.mapFile(f)?.url)
      .filter((u): u is string => u !== undefined && !wildcards.some((w) => u.startsWith(w.slice(0, -1))));
    if (files.length > max && (uncovered.length > 0 || wildcards.length === 0)) {
      throw new FileTargetError(
        'too-many-files',
        `${e.path} has more than ${max} files: rather than purge some of them, nothing was sent. Purge its subfolders, or map it with a recursive glob ("${e.path}/**") so that it becomes one wildcard purge.`,
        { folder: e.path, limit: max },
      );
    }
    urls.push(...uncovered);
    if (wildcards.length === 0 && uncovered.length === 0) unmapped.push(e.path);
  }
  return { urls: [...new Set(urls)], unmapped };
}
