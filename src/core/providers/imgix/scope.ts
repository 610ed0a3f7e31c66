// What purging an imgix target covers (the editor's hover), from "Purging Assets": the base path without parameters,
// which purges every derivative with it; the parameters and fragment of the input are not sent; sub-images go with
// sub_image and source_id; what a purge never reaches (the origin, other CDNs, browsers and ISPs).

import { parseUrl } from '../../url';
import type { PurgeScope, ScopeNote, TargetCheck } from '../types';

function droppedOf(input: string): string | undefined {
  const p = parseUrl(input);
  if (!p.ok) return undefined;
  const q = p.url.rawQuery !== undefined ? `?${p.url.rawQuery}` : '';
  const f = p.url.rawFragment !== undefined ? `#${p.url.rawFragment}` : '';
  return q + f || undefined;
}

export function imgixScope(target: TargetCheck): PurgeScope {
  const url = target.normalized ?? target.input;
  const dropped = droppedOf(target.input);
  const attributes = target.attributes;
  const notes: ScopeNote[] = [];
  const sourceId = typeof attributes?.source_id === 'string' ? attributes.source_id : undefined;
  if (attributes?.sub_image === true)
    notes.push({
      code: 'sub-image',
      text: 'Purged as a sub-image (an image used as a mark or a blend) of Source {0}.',
      args: [sourceId ?? ''],
    });
  else
    notes.push({
      code: 'sub-image-off',
      text: 'Not purged as a sub-image: an image used as a mark or a blend needs a sub-image purge (the Source id and sub-image options).',
    });
  if (sourceId && attributes?.sub_image !== true)
    notes.push({ code: 'source-id', text: 'Sent with source_id {0}.', args: [sourceId] });
  notes.push({
    code: 'outside',
    text: "Never purged: the file at the origin (your Source), other CDNs in front of imgix, browsers' and ISPs' caches. Replace or remove the origin file first.",
  });
  return {
    url,
    covers: 'derivatives',
    ...(dropped ? { dropped } : {}),
    ...(attributes ? { attributes: { ...attributes } } : {}),
    notes,
  };
}
