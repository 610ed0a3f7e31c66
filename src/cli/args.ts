// Argument parsing shared by the commands, on node:util parseArgs. Two options take an optional value, which
// parseArgs cannot express, so they are rewritten first: `--coalesce` alone means `--coalesce=2`, and
// `--from-git` takes the next word as its REF unless that word is an option or a URL (`https://…`, `host.tld/…`,
// `//host/…`).

import fs from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  configTooLarge,
  emptyProjectConfig,
  mergeProviderConfig,
  parseProjectConfig,
  PROJECT_CONFIG_FILE,
  type ConfigSection,
  type ProjectConfig,
} from '../core/config';
import {
  describeBytes,
  describeCount,
  MAX_BATCH_URLS,
  MAX_CONFIG_BYTES,
  MAX_LINE_LENGTH,
  MAX_STDIN_BYTES,
  MAX_URL_LENGTH,
} from '../core/limits';
import { DEFAULT_COALESCE } from '../core/planner';
import { providerById, providers } from '../core/providers/registry';
import type { ProviderConfig, ProviderPlugin } from '../core/providers/types';
import { checkApiBase, looksLikeUrl } from '../core/url';
import { UsageError, type CliIO } from './io';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** Every provider's own options as flags (imgix: --source-id, --sub-image), from the registry when parsing. */
export function providerFlags(): Options {
  const flags: Options = {};
  for (const p of providers())
    for (const o of p.settings.options) flags[o.flag] = { type: o.type === 'boolean' ? 'boolean' : 'string' };
  return flags;
}

/** The options check, plan and purge share; the providers' own flags are added when parsing (providerFlags). */
export const COMMON: Options = {
  provider: { type: 'string', short: 'p' },
  endpoint: { type: 'string', multiple: true },
  config: { type: 'string' },
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
      // The next word is the REF unless it is an option or a URL, with or without its scheme.
      if (next !== undefined && !next.startsWith('-') && !looksLikeUrl(next)) {
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

/** Parses argv; with `withProviderFlags`, every provider's own flags (providerFlags) are options too. */
export function parse(argv: readonly string[], options: Options, withProviderFlags = false): Parsed {
  try {
    const all = withProviderFlags ? { ...providerFlags(), ...options } : options;
    const r = parseArgs({ args: rewriteOptionalValues(argv), options: all, allowPositionals: true, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[\w+\]: /, ''));
  }
}

export function str(v: Parsed['values'][string]): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The choices of --provider, from the registry: "imagekit|imgix". */
export function providerChoices(filter: (p: ProviderPlugin) => boolean = () => true): string {
  return providers()
    .filter(filter)
    .map((p) => p.id)
    .join('|');
}

/** The provider --provider names; `filter` keeps the ones the command works with (e.g. those with a status API). */
export function requireProvider(
  values: Parsed['values'],
  filter: (p: ProviderPlugin) => boolean = () => true,
): ProviderPlugin {
  const id = str(values.provider);
  const choices = providers()
    .filter(filter)
    .map((p) => `--provider ${p.id}`);
  const use = choices.length > 1 ? `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}` : choices[0];
  if (id === undefined) throw new UsageError(`--provider is required: ${use}.`);
  const p = providerById(id);
  if (!p) throw new UsageError(`Unknown provider "${id}": use ${use}.`);
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
  if (s.trim() === '' || !Number.isInteger(n) || n < 0)
    throw new UsageError(`${name} must be a whole number of 0 or more, not "${s}".`);
  return n;
}

/** A number of 0 or more, or undefined when the option is absent. */
export function nonNegativeNumber(v: Parsed['values'][string], name: string): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (s.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new UsageError(`${name} must be a number of 0 or more, not "${s}".`);
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
  const file = where.explicit
    ? path.resolve(io.cwd, where.explicit)
    : path.join(where.dir ?? io.cwd, PROJECT_CONFIG_FILE);
  if (!fs.existsSync(file)) {
    if (where.explicit) throw new UsageError(`--config ${where.explicit}: no such file.`);
    return { config: emptyProjectConfig() };
  }
  const shown = path.relative(io.cwd, file) || file;
  const text = readBounded(file, MAX_CONFIG_BYTES, shown);
  if (text === undefined) {
    const e = configTooLarge(shown);
    if (where.explicit) throw new UsageError(e);
    warn(`warning: ${e}`);
    return { config: emptyProjectConfig(), file };
  }
  const { config, errors } = parseProjectConfig(text, shown);
  if (errors.length && where.explicit) throw new UsageError(errors.join('\n'));
  for (const e of errors) warn(`warning: ${e}`);
  return { config, file };
}

/**
 * A file's text, reading at most `max` bytes (so a huge file, a FIFO or /dev/zero cannot hang or fill memory);
 * undefined when it is larger. A directory or an unreadable file is a usage error that says so.
 */
export function readBounded(file: string, max: number, shown: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new UsageError(`${shown}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  try {
    if (fs.fstatSync(fd).isDirectory()) throw new UsageError(`${shown} is a folder, not a file.`);
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > max) return undefined;
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The provider's configuration: cdn-purge.json, plus --endpoint and the provider's own flags (imgix: --source-id,
 * --sub-image). Another provider's flag is a usage error.
 */
export function providerConfig(values: Parsed['values'], p: ProviderPlugin, project: ProjectConfig): ProviderConfig {
  const foreign = providers()
    .filter((o) => o !== p)
    .flatMap((o) => o.settings.options.filter((x) => values[x.flag] !== undefined).map((x) => ({ o, x })))
    .filter(({ x }) => !p.settings.options.some((mine) => mine.flag === x.flag));
  if (foreign.length) {
    const flags = [...new Set(foreign.map(({ x }) => `--${x.flag}`))];
    const owners = [...new Set(foreign.map(({ o }) => o.label))];
    throw new UsageError(
      `${flags.join(' and ')} ${flags.length === 1 ? 'is an option' : 'are options'} of ${owners.join(' and ')}, not of ${p.label}.`,
    );
  }
  const fromFlags: ConfigSection = { [p.settings.endpointsKey]: values.endpoint ?? [] };
  for (const o of p.settings.options) {
    const v = values[o.flag];
    if (typeof v === o.type) fromFlags[o.name] = v;
  }
  return mergeProviderConfig(p, [project.providers[p.id], fromFlags]);
}

/** The error for a run with more URLs than MAX_BATCH_URLS. */
export function tooManyUrls(): UsageError {
  return new UsageError(
    `More than ${describeCount(MAX_BATCH_URLS)} URLs in one run (limit: URLs per batch). Split the list and run once per part (e.g. split -l ${MAX_BATCH_URLS} urls.txt part-).`,
  );
}

/**
 * Splits stdin into lines as it arrives, with the limits of README "Limits": at most MAX_STDIN_BYTES in all and
 * MAX_LINE_LENGTH characters a line, each refused as soon as it is passed (a 100 MB line is refused after its first
 * chunk, not read whole). "\n" and "\r\n" end lines; UTF-8 split between chunks is decoded whole.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private bytes = 0;
  private partial = '';
  private lineNo = 1;

  /** The lines completed by this chunk. */
  push(chunk: Buffer | string): string[] {
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk, 'utf8') : chunk.length;
    if (this.bytes > MAX_STDIN_BYTES) {
      throw new UsageError(
        `stdin is larger than ${describeBytes(MAX_STDIN_BYTES)} (limit: stdin size). Split the list and run once per part.`,
      );
    }
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines: string[] = [];
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      if (this.partial.length + (nl - from) > MAX_LINE_LENGTH + 1) throw this.lineTooLong();
      const raw = this.partial + text.slice(from, nl);
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.length > MAX_LINE_LENGTH) throw this.lineTooLong();
      this.partial = '';
      from = nl + 1;
      lines.push(line);
      this.lineNo++;
    }
    if (this.partial.length + (text.length - from) > MAX_LINE_LENGTH + 1) throw this.lineTooLong();
    this.partial += text.slice(from);
    return lines;
  }

  /** The last line, when stdin does not end with a line break. */
  end(): string[] {
    const last = this.partial + this.decoder.end();
    this.partial = '';
    const line = last.endsWith('\r') ? last.slice(0, -1) : last;
    if (line.length > MAX_LINE_LENGTH) throw this.lineTooLong();
    return last === '' ? [] : [line];
  }

  private lineTooLong(): UsageError {
    return new UsageError(
      `Line ${describeCount(this.lineNo)} of stdin is longer than ${describeCount(MAX_LINE_LENGTH)} characters (limit: stdin line length), so it cannot be a URL (at most ${describeCount(MAX_URL_LENGTH)} characters). Give one URL a line.`,
    );
  }
}

/** stdin's lines as they arrive (see LineSplitter); reading stops at the first refusal. */
export async function* stdinLines(io: CliIO): AsyncGenerator<string> {
  const source: AsyncIterable<Buffer | string> = io.stdin ? io.stdin() : oneChunk(io.readStdin);
  const splitter = new LineSplitter();
  for await (const chunk of source) yield* splitter.push(chunk);
  yield* splitter.end();
}

async function* oneChunk(read: (() => Promise<string>) | undefined): AsyncGenerator<string> {
  if (!read) return;
  const text = await read();
  // In pieces, so the line limit is met at the same point as with a stream.
  for (let i = 0; i < text.length; i += 64 * 1024) yield text.slice(i, i + 64 * 1024);
}

/** URLs from the positionals; `-` reads stdin, one a line (blank lines and # comments skipped). At most MAX_BATCH_URLS. */
export async function readUrls(positionals: readonly string[], io: CliIO): Promise<string[]> {
  const urls: string[] = [];
  const add = (u: string) => {
    if (urls.length >= MAX_BATCH_URLS) throw tooManyUrls();
    urls.push(u);
  };
  for (const p of positionals) {
    if (p === '-') {
      for await (const line of stdinLines(io)) {
        const t = line.trim();
        if (t !== '' && !t.startsWith('#')) add(t);
      }
    } else add(p);
  }
  return urls;
}

/**
 * What sending needs: the API base (--api-base or the provider's; plain http only on loopback) and the key, read
 * only from the environment. A usage error says what is missing; it never contains the key.
 */
export function apiAndKey(
  values: Parsed['values'],
  io: CliIO,
  p: ProviderPlugin,
): { apiBase: string; loopback: boolean; key: string } {
  const api = checkApiBase(str(values['api-base']) ?? p.defaultApiBase);
  if (!api.ok) throw new UsageError(api.problem.message);
  const env = p.key.env;
  const key = io.env[env]?.trim();
  if (!key) {
    throw new UsageError(
      `${env} is not set. The ${p.key.label} is read only from the environment: export ${env} (in CI, from a secret).`,
    );
  }
  if (/[\r\n\0]/.test(key))
    throw new UsageError(`${env} contains a line break or NUL; copy the key again without them.`);
  const refused = p.key.check?.(key);
  if (refused) throw new UsageError(`${env}: ${refused}`);
  return { apiBase: api.api.base, loopback: api.api.loopback, key };
}
