// Every limit on input, in one place (README "Limits" lists them with the message each one gives). A limit is
// there so that no input, however large or odd, can hang the CLI or the extension host or exhaust memory; each
// one, when reached, is refused with a message that names it. None is reached by a real project.

import { problem, type Problem } from './problems';

/** Characters in one purge URL, as given and as sent (percent-encoded). Servers commonly refuse longer request lines. */
export const MAX_URL_LENGTH = 8192;

/** URLs in one CLI run (arguments, stdin and --from-git together). */
export const MAX_BATCH_URLS = 100_000;

/** Bytes read from stdin by the CLI; it is read line by line as it arrives, never buffered whole. */
export const MAX_STDIN_BYTES = 32 * 1024 * 1024;

/** Characters in one line of stdin (a URL line plus whitespace and a comment). */
export const MAX_LINE_LENGTH = 16 * 1024;

/** Bytes of cdn-purge.json. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Endpoints of one provider (ImageKit URL endpoints, imgix Source domains), from settings and cdn-purge.json together. */
export const MAX_ENDPOINTS = 1000;

/** Characters in one mapping glob. */
export const MAX_GLOB_LENGTH = 1024;

/** States of a glob's matcher (about one per character; each value of a {1..N} range counts its characters). */
export const MAX_GLOB_STATES = 8192;

/** Mapping rules (settings and cdn-purge.json together). */
export const MAX_MAPPINGS = 1000;

/** Characters in a file path matched against the mapping globs. */
export const MAX_PATH_LENGTH = 4096;

/** ImageKit and imgix URLs the scanner returns from one document (the editor's diagnostics check the wildcards among them). */
export const MAX_SCAN_URLS = 10_000;

/** Bytes of an inventory file (`--inventory`): every asset of a site, one URL or path a line. */
export const MAX_INVENTORY_BYTES = 64 * 1024 * 1024;

/** Entries (assets) of one inventory. */
export const MAX_INVENTORY_ENTRIES = 1_000_000;

/** Files `cdn-purge lint` checks in one run. */
export const MAX_LINT_FILES = 100_000;

/** Bytes of one file `cdn-purge lint` checks (the editor's diagnostics skip documents over the same size). */
export const MAX_LINT_FILE_BYTES = 5 * 1024 * 1024;

/** Characters of one piece of server text once made safe (safeText's default cap). */
export const MAX_UNTRUSTED_TEXT = 200;

/** A number for a message: 8192 → "8,192", 32 MiB → "32 MiB". */
export function describeBytes(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n.toLocaleString('en-US')} bytes`;
}

export function describeCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The problem a provider reports when more than MAX_ENDPOINTS endpoints are configured (only the first
 * MAX_ENDPOINTS are used), or undefined within the limit. `noun` names them ("ImageKit endpoints").
 */
export function tooManyEndpoints(
  count: number,
  noun: string,
  remedy: string,
  location: Parameters<typeof problem>[3],
): Problem | undefined {
  if (count <= MAX_ENDPOINTS) return undefined;
  return problem(
    'too-many-endpoints',
    'error',
    `${describeCount(count)} ${noun} are configured; the limit is ${describeCount(MAX_ENDPOINTS)} (limit: endpoints per provider). Only the first ${describeCount(MAX_ENDPOINTS)} are used: ${remedy}`,
    location,
  );
}
