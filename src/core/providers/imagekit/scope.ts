// What purging an ImageKit target covers (the editor's hover), from the "Purge cache API" document: an exact URL purges
// that URL (CDN and ImageKit's internal cache), a wildcard every URL that starts with what comes before its "*", under
// the wildcard rules (judgeWildcard, the same the checker applies).

import { decodeLoose, parseUrl } from '../../url';
import type { PurgeScope, ScopeNote, TargetCheck } from '../types';
import { judgeWildcard, MIN_WILDCARD_CHARS, MIN_WILDCARD_LEVELS } from './rules';

/** The input's parts that are never sent: the fragment (a CDN never sees it). */
function droppedOf(input: string): string | undefined {
  const p = parseUrl(input);
  return p.ok && p.url.rawFragment !== undefined ? `#${p.url.rawFragment}` : undefined;
}

/** The path the wildcard rules count: after the endpoint (imagekitId and URL pattern), without the leading "/". */
function countedPath(prefix: string, base: string | undefined): string {
  const after = base && prefix.startsWith(base) ? prefix.slice(base.length) : prefix;
  return after.replace(/^\//, '');
}

export function imagekitScope(target: TargetCheck): PurgeScope {
  const url = target.normalized ?? target.input;
  const dropped = droppedOf(target.input);
  const notes: ScopeNote[] = [
    { code: 'cdn-and-internal-cache', text: "Purges the CDN's cache and ImageKit's internal cache." },
  ];
  if (target.kind === 'wildcard') {
    const prefix = url.endsWith('*') ? url.slice(0, -1) : url.replace(/\*.*$/, '');
    const counted = countedPath(prefix, target.base);
    const v = judgeWildcard(counted);
    notes.push({
      code: 'one-request',
      text: 'One purge request, whatever number of URLs it matches.',
    });
    return {
      url,
      covers: 'prefix',
      prefix,
      wildcard: {
        counted: decodeLoose(counted),
        levels: v.levels,
        chars: v.chars,
        fileName: v.isFilePath,
        minLevels: MIN_WILDCARD_LEVELS,
        minChars: MIN_WILDCARD_CHARS,
        accepted: v.broadEnough && !v.refused,
        ...(v.refused ? { refused: v.refused } : {}),
      },
      ...(dropped ? { dropped } : {}),
      notes,
    };
  }
  // Another query string (?tr=w-100) is another cached URL; the file-name wildcard covers them all when it is valid.
  const file = url.replace(/[?#].*$/, '');
  const v = judgeWildcard(countedPath(file, target.base));
  if (v.isFilePath && !v.refused)
    notes.push({
      code: 'other-variants',
      text: 'Only this exact URL: the same file with another query string (?tr=…) is another cached URL; {0} purges them all.',
      args: [`${file}*`],
    });
  else
    notes.push({
      code: 'exact-only',
      text: 'Only this exact URL: the same file with another query string (?tr=…) is another cached URL.',
    });
  return { url, covers: 'exact', ...(dropped ? { dropped } : {}), notes };
}
