// The parts of the help texts that come from the providers' capabilities: --provider's choices, what --endpoint
// takes, each provider's own flags, the key variables. A registered provider shows up in every help text.

import { providers } from '../core/providers/registry';
import type { ProviderPlugin } from '../core/providers/types';

type Filter = (p: ProviderPlugin) => boolean;
const all: Filter = () => true;

function list(words: string[], conjunction = 'or'): string {
  return words.length > 1
    ? `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`
    : (words[0] ?? '');
}

/** "imagekit|imgix" */
export function choices(filter: Filter = all): string {
  return providers()
    .filter(filter)
    .map((p) => p.id)
    .join('|');
}

/** "imagekit or imgix" */
export function choiceWords(filter: Filter = all): string {
  return list(
    providers()
      .filter(filter)
      .map((p) => p.id),
  );
}

/** "ImageKit URL endpoint or imgix Source domain" (singular). */
export function endpointWords(): string {
  return list(providers().map((p) => `${p.label} ${p.settings.endpointsLabel.replace(/s$/, '')}`));
}

/** "IMAGEKIT_PRIVATE_KEY or IMGIX_API_KEY" */
export function keyEnvWords(filter: Filter = all): string {
  return list(
    providers()
      .filter(filter)
      .map((p) => p.key.env),
  );
}

/** "ImageKit" — the labels of the providers a filter keeps. */
export function labels(filter: Filter, conjunction = 'or'): string {
  return list(
    providers()
      .filter(filter)
      .map((p) => p.label),
    conjunction,
  );
}

/** One help line per provider option: "  --source-id ID       imgix: the Source id, sent as source_id". */
export function optionLines(): string[] {
  return providers().flatMap((p) =>
    p.settings.options.map((o) => {
      const flag = `--${o.flag}${o.type === 'string' ? ' V' : ''}`;
      return `  ${flag.padEnd(19)}  ${p.label}: ${o.description}`;
    }),
  );
}

/** "https://api.imagekit.io / https://api.imgix.com" */
export function apiBaseWords(): string {
  return providers()
    .map((p) => p.defaultApiBase)
    .join(' / ');
}
