// Argument parsing shared by the commands, on node:util parseArgs. Two options take an optional value, which
// parseArgs cannot express, so they are rewritten first: `--coalesce` alone means `--coalesce=2`, and
// `--from-git` takes the next word as its REF unless that word is an option or a URL.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { emptyProjectConfig, parseProjectConfig, PROJECT_CONFIG_FILE, providerConfigFrom, type ProjectConfig } from '../core/config';
import { DEFAULT_COALESCE } from '../core/planner';
import { isProviderId, type ProviderAdapter, type ProviderConfig, type ProviderId } from '../core/provider';
import { checkApiBase } from '../core/url';
import { UsageError, type CliIO } from './io';

export type Options = NonNullable<ParseArgsConfig['options']>;

export const COMMON: Options = {
  provider: { type: 'string', short: 'p' },
  endpoint: { type: 'string', multiple: true },
  config: { type: 'string' },
  'source-id': { type: 'string' },
  'sub-image': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export function rewriteOptionalValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--coalesce') out.push(`--coalesce=${DEFAULT_COALESCE}`);
    else if (a === '--from-git') {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('-') && !next.includes('://')) {
        out.push(`--from-git=${next}`);
        i++;
      } else out.push('--from-git=');
    } else out.push(a);
  }
  return out;
}

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(argv: readonly string[], options: Options): Parsed {
  try {
    const r = parseArgs({ args: rewriteOptionalValues(argv), options, allowPositionals: true, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[\w+\]: /, ''));
  }
}

export function str(v: Parsed['values'][string]): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function requireProvider(values: Parsed['values']): ProviderId {
  const p = str(values.provider);
  if (p === undefined) throw new UsageError('--provider is required: --provider imagekit or --provider imgix.');
  if (!isProviderId(p)) throw new UsageError(`Unknown provider "${p}": use --provider imagekit or --provider imgix.`);
  return p;
}

export function positiveInt(v: Parsed['values'][string], name: string, fallback: number): number {
  const s = str(v);
  if (s === undefined) return fallback;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a whole number of 1 or more, not "${s}".`);
  return n;
}

/** A whole number of 0 or more, or undefined when the option is absent. */
export function nonNegativeInt(v: Parsed['values'][string], name: string): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (s.trim() === '' || !Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number of 0 or more, not "${s}".`);
  return n;
}

/** A number of 0 or more, or undefined when the option is absent. */
export function nonNegativeNumber(v: Parsed['values'][string], name: string): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${name} must be a number of 0 or more, not "${s}".`);
  return n;
}

export function positiveNumber(v: Parsed['values'][string], name: string, fallback: number): number {
  const s = str(v);
  if (s === undefined) return fallback;
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a number above 0, not "${s}".`);
  return n;
}

/**
 * cdn-purge.json: the file given with --config (it must exist and parse), else the one in `dir` (default: the
 * working directory) when there is one (problems in it are warnings).
 */
export function loadProjectConfig(
  io: CliIO,
  where: { explicit?: string; dir?: string },
  warn: (s: string) => void,
): { config: ProjectConfig; file?: string } {
  const file = where.explicit ? path.resolve(io.cwd, where.explicit) : path.join(where.dir ?? io.cwd, PROJECT_CONFIG_FILE);
  if (!fs.existsSync(file)) {
    if (where.explicit) throw new UsageError(`--config ${where.explicit}: no such file.`);
    return { config: emptyProjectConfig() };
  }
  const { config, errors } = parseProjectConfig(fs.readFileSync(file, 'utf8'), path.relative(io.cwd, file) || file);
  if (errors.length && where.explicit) throw new UsageError(errors.join('\n'));
  for (const e of errors) warn(`warning: ${e}`);
  return { config, file };
}

/** The provider's configuration: cdn-purge.json, plus --endpoint, --source-id and --sub-image. */
export function providerConfig(values: Parsed['values'], provider: ProviderId, project: ProjectConfig): ProviderConfig {
  const base = providerConfigFrom(project, provider);
  const endpoints = [...(base.endpoints ?? []), ...((values.endpoint as string[] | undefined) ?? [])];
  const sourceId = str(values['source-id']) ?? base.sourceId;
  const subImage = values['sub-image'] === true || base.subImage === true;
  if (provider === 'imagekit' && (values['source-id'] !== undefined || values['sub-image'] !== undefined)) {
    throw new UsageError('--source-id and --sub-image are imgix options; ImageKit has no sub-images.');
  }
  return provider === 'imgix' ? { endpoints, ...(sourceId ? { sourceId } : {}), ...(subImage ? { subImage } : {}) } : { endpoints };
}

/** URLs from the positionals; `-` reads stdin, one a line (blank lines and # comments skipped). */
export async function readUrls(positionals: readonly string[], io: CliIO): Promise<string[]> {
  const urls: string[] = [];
  for (const p of positionals) {
    if (p === '-') {
      const text = await io.readStdin();
      for (const line of text.split(/\r?\n/)) {
        const t = line.trim();
        if (t !== '' && !t.startsWith('#')) urls.push(t);
      }
    } else urls.push(p);
  }
  return urls;
}

/**
 * What sending needs: the API base (--api-base or the provider's; plain http only on loopback) and the key, read
 * only from the environment. A usage error says what is missing; it never contains the key.
 */
export function apiAndKey(values: Parsed['values'], io: CliIO, adapter: ProviderAdapter): { apiBase: string; key: string } {
  const api = checkApiBase(str(values['api-base']) ?? adapter.defaultApiBase);
  if (!api.ok) throw new UsageError(api.problem.message);
  const key = io.env[adapter.keyEnv]?.trim();
  if (!key) {
    throw new UsageError(`${adapter.keyEnv} is not set. The ${adapter.label} key is read only from the environment: export ${adapter.keyEnv} (in CI, from a secret).`);
  }
  if (/[\r\n\0]/.test(key)) throw new UsageError(`${adapter.keyEnv} contains a line break or NUL; copy the key again without them.`);
  return { apiBase: api.api.base, key };
}
