// How the CLI words what the core gives as data: a refusal's remedy (the key's environment variable, `cdn-purge
// check`) and a problem's option (the flag and the cdn-purge.json key). The extension words the same data with its
// commands and settings; the core names neither (README "Where things go").

import { optionOf } from '../core/config';
import type { Problem } from '../core/problems';
import type { ProviderPlugin, Remedy } from '../core/providers/types';

/** What the user of the CLI does about a refusal. */
export function remedyText(p: ProviderPlugin, remedy: Remedy | undefined): string | undefined {
  if (remedy === 'key') return `The key is read from ${p.key.env}: set it to the ${p.key.label} (${p.key.help}).`;
  if (remedy === 'url') return `Check the URL against the rules: cdn-purge check --provider ${p.id} URL.`;
  if (remedy === 'trust') return "Give Node your network's root certificate: NODE_EXTRA_CA_CERTS=FILE (a PEM file).";
  if (remedy === 'api-base') return `The API base is --api-base URL (default ${p.defaultApiBase}).`;
  if (remedy === 'proxy')
    return 'cdn-purge connects directly (it does not read HTTPS_PROXY): check that this network lets it reach the API.';
  return undefined;
}

/** The hint, followed by the CLI's remedy. */
export function hintFor(p: ProviderPlugin, hint: string | undefined, remedy: Remedy | undefined): string | undefined {
  const r = remedyText(p, remedy);
  return [hint, r].filter(Boolean).join(' ') || undefined;
}

/** The flag (and cdn-purge.json key) that fixes a problem, when it names an option. */
export function optionText(problem: Pick<Problem, 'option'>): string | undefined {
  const ref = optionOf(problem);
  if (!ref) return undefined;
  const section = ref.provider.settings.section;
  if (ref.option === 'apiBase') return '--api-base URL';
  const flag = ref.option === 'endpoints' ? '--endpoint URL' : `--${ref.option.flag}`;
  return `${flag}, or "${ref.key}" under "${section}" in cdn-purge.json`;
}

/** A configuration problem as the CLI prints it. */
export function configLine(p: Problem): string {
  const fix = optionText(p);
  return `configuration: [${p.code}] ${p.message}${fix ? ` (set: ${fix})` : ''}`;
}
