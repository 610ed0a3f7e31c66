// `cdn-purge lint`: the editor's diagnostics (./lint) for a whole repository. Walks files and folders, checks
// every text file's purge patterns, and reports them with 1-based lines and columns as text, JSON or SARIF 2.1.0
// (GitHub code scanning). Folders named node_modules, .git, .hg and .svn are not entered; binary files (a NUL
// byte in their first 8,000 bytes) are skipped and counted; a file over MAX_LINT_FILE_BYTES, an unreadable file
// and a link to a folder are skipped with a note; at most MAX_LINT_FILES files are checked (README "Limits").

import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeBytes, describeCount, MAX_LINT_FILE_BYTES, MAX_LINT_FILES } from './limits';
import { lintText, type Checkers } from './lint';
import { docsUrl, PROBLEM_CODES, type ProblemCode, type Severity } from './problems';
import type { ProviderId } from './providers/types';

export const SKIPPED_FOLDERS: readonly string[] = ['node_modules', '.git', '.hg', '.svn'];

export interface LintProblem {
  /** The file, absolute. */
  file: string;
  /** 1-based, in UTF-16 code units (as editors count); the end is exclusive. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: ProblemCode;
  severity: Severity;
  message: string;
  /** The purge pattern the problem is in. */
  url: string;
  provider: ProviderId;
}

export interface LintNote {
  /** The file or folder, absolute; undefined for a note about the run. */
  file?: string;
  reason: 'too-large' | 'unreadable' | 'link-to-folder' | 'file-limit' | 'cancelled';
  message: string;
}

export interface LintReport {
  problems: LintProblem[];
  notes: LintNote[];
  /** Text files checked. */
  checked: number;
  /** Binary files skipped (not listed one by one). */
  binary: number;
  errors: number;
  warnings: number;
}

export interface LintOptions {
  checkers: Checkers;
  /** True for a path (relative to `root`, "/" separators) that must not be linted or entered. */
  exclude?: (relative: string) => boolean;
  /** The folder `exclude` sees paths relative to. */
  root?: string;
  signal?: AbortSignal;
  maxFiles?: number;
  maxFileBytes?: number;
  /** Called after each text file is checked, with the count so far (the editor's progress). */
  onFile?: (file: string, checked: number) => void;
}

// ---- Positions -------------------------------------------------------------------------------------------------------

/** Line starts of a text, for offset → 1-based line and column. Lines end at "\r\n", "\n" or "\r" (as in VS Code). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) this.starts.push(i + 1);
      else if (c === 0x0d) {
        if (text.charCodeAt(i + 1) === 0x0a) i++;
        this.starts.push(i + 1);
      }
    }
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

/** The purge-pattern problems of one file's text, with positions. A leading byte order mark is not a column. */
export function lintFileText(text: string, file: string, checkers: Checkers): LintProblem[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const findings = lintText(body, checkers);
  if (!findings.length) return [];
  const index = new LineIndex(body);
  return findings.map((f) => {
    const start = index.position(f.start);
    const end = index.position(Math.max(f.end, f.start + 1));
    return {
      file,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      code: f.problem.code,
      severity: f.problem.severity,
      message: f.problem.message,
      url: f.url,
      provider: f.provider,
    };
  });
}

// ---- Walking -----------------------------------------------------------------------------------------------------------

function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8000).includes(0);
}

/**
 * Lints the given files and folders (absolute paths; folders walked in name order, depth first). Targets that
 * do not exist must be refused by the caller; one that disappears meanwhile is noted as unreadable.
 */
export async function lintPaths(targets: readonly string[], options: LintOptions): Promise<LintReport> {
  const maxFiles = options.maxFiles ?? MAX_LINT_FILES;
  const maxBytes = options.maxFileBytes ?? MAX_LINT_FILE_BYTES;
  const root = options.root ?? process.cwd();
  const report: LintReport = { problems: [], notes: [], checked: 0, binary: 0, errors: 0, warnings: 0 };
  const seen = new Set<string>();
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
  const excluded = (p: string) => {
    if (!options.exclude) return false;
    const r = rel(p);
    return !r.startsWith('../') && r !== '..' && options.exclude(r);
  };
  const note = (n: LintNote) => report.notes.push(n);
  let stopped = false;

  const lintFile = async (file: string, size: number) => {
    if (report.checked >= maxFiles) {
      if (!stopped)
        note({
          reason: 'file-limit',
          message: `Stopped after ${describeCount(maxFiles)} files (limit: files per lint run): ${file} and the files after it were not checked. Lint folders one at a time.`,
        });
      stopped = true;
      return;
    }
    if (size > maxBytes) {
      note({
        file,
        reason: 'too-large',
        message: `larger than ${describeBytes(maxBytes)} (limit: lint file size), not checked (the editor skips such documents too)`,
      });
      return;
    }
    let buf: Buffer;
    try {
      buf = await fs.readFile(file);
    } catch (e) {
      note({ file, reason: 'unreadable', message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
      return;
    }
    if (buf.length > maxBytes) {
      note({
        file,
        reason: 'too-large',
        message: `larger than ${describeBytes(maxBytes)} (limit: lint file size), not checked`,
      });
      return;
    }
    if (isBinary(buf)) {
      report.binary++;
      return;
    }
    report.checked++;
    options.onFile?.(file, report.checked);
    const text = buf.toString('utf8');
    // Only a text with a `*` can hold a purge pattern (as in the editor).
    if (!text.includes('*')) return;
    for (const p of lintFileText(text, file, options.checkers)) {
      report.problems.push(p);
      if (p.severity === 'error') report.errors++;
      else if (p.severity === 'warning') report.warnings++;
    }
  };

  // Depth first with an explicit stack (no recursion), children in name order.
  const stack: Array<{ p: string; explicit: boolean }> = [...targets]
    .reverse()
    .map((p) => ({ p: path.resolve(p), explicit: true }));
  while (stack.length && !stopped) {
    if (options.signal?.aborted) {
      note({ reason: 'cancelled', message: 'Cancelled: the files after this point were not checked.' });
      break;
    }
    const { p, explicit } = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    if (!explicit && excluded(p)) continue;
    let st: Stats;
    let link: boolean;
    try {
      const l = await fs.lstat(p);
      link = l.isSymbolicLink();
      st = link ? await fs.stat(p) : l;
    } catch (e) {
      note({
        file: p,
        reason: 'unreadable',
        message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      });
      continue;
    }
    if (st.isDirectory()) {
      if (link && !explicit) {
        note({ file: p, reason: 'link-to-folder', message: 'a symbolic link to a folder: not followed' });
        continue;
      }
      if (!explicit && SKIPPED_FOLDERS.includes(path.basename(p))) continue;
      let names: string[];
      try {
        names = (await fs.readdir(p)).sort();
      } catch (e) {
        note({
          file: p,
          reason: 'unreadable',
          message: `folder cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
        });
        continue;
      }
      for (let i = names.length - 1; i >= 0; i--) stack.push({ p: path.join(p, names[i]), explicit: false });
    } else if (st.isFile()) {
      await lintFile(p, st.size);
    }
    // Sockets, FIFOs and devices are not files with text: never opened (a FIFO would block).
  }
  return report;
}

// ---- Text and JSON -------------------------------------------------------------------------------------------------

/** `file:line:col code severity: message`, with the file as `shown` gives it. */
export function problemLine(p: LintProblem, shown: (file: string) => string): string {
  return `${shown(p.file)}:${p.line}:${p.column} ${p.code} ${p.severity}: ${p.message}`;
}

export function reportJson(r: LintReport, shown: (file: string) => string) {
  return {
    problems: r.problems.map((p) => ({
      file: shown(p.file),
      line: p.line,
      column: p.column,
      endLine: p.endLine,
      endColumn: p.endColumn,
      code: p.code,
      severity: p.severity,
      message: p.message,
      url: p.url,
      provider: p.provider,
      docs: docsUrl(p.code),
    })),
    notes: r.notes.map((n) => ({ ...(n.file ? { file: shown(n.file) } : {}), reason: n.reason, message: n.message })),
    summary: {
      errors: r.errors,
      warnings: r.warnings,
      filesChecked: r.checked,
      filesWithProblems: new Set(r.problems.map((p) => p.file)).size,
      binarySkipped: r.binary,
    },
  };
}

// ---- SARIF 2.1.0 -------------------------------------------------------------------------------------------------------

/** A name and a one-line description for every problem code: the SARIF rules (reportingDescriptor) say them. */
export const RULES: Record<ProblemCode, string> = {
  'invalid-url': 'The text is not an absolute URL that can be purged.',
  'not-http': 'Only http and https URLs can be purged.',
  'not-under-endpoint': 'The URL is not under a configured ImageKit endpoint or imgix Source domain.',
  'empty-path': 'The URL is the endpoint itself, not a file.',
  'url-encoded': 'Unsafe characters are percent-encoded before the purge.',
  'scheme-assumed': 'The URL has no scheme: https:// is assumed.',
  'fragment-dropped': 'The #fragment is never sent to a CDN, so it is not part of the purge URL.',
  'invalid-endpoint': 'A configured endpoint or Source domain is not valid.',
  'insecure-api-base': 'The API base is plain http on a host that is not loopback.',
  'url-too-long': 'The URL is longer than 8,192 characters.',
  'too-many-endpoints': 'More endpoints are configured than the limit.',
  'too-many-urls': 'The file has more purge URLs than are checked per document.',
  'wildcard-not-at-end': 'ImageKit accepts one "*" only, at the very end of the URL.',
  'wildcard-query': 'An ImageKit wildcard purge cannot have a query string.',
  'wildcard-too-broad':
    'An ImageKit wildcard needs 2 levels, 15 characters or a file name after the imagekitId and URL pattern.',
  'wildcard-path-unsupported': 'ImageKit refuses wildcards over media/catalog/ and s/files/.',
  'imgix-no-wildcard': 'imgix has no wildcard purge.',
  'imgix-query-dropped': 'imgix purges the base path: the query is dropped.',
  'imgix-video-api': 'Assets served by the imgix Video API cannot be purged.',
  'imgix-sub-image-needs-source-id': 'An imgix sub-image purge needs the Source id.',
  'imgix-invalid-source-id': 'An imgix Source id is 24 hexadecimal digits.',
};

function ruleName(code: ProblemCode): string {
  return code
    .split('-')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

/** The default severity of each code, where the checkers give one code a single severity. */
const DEFAULT_LEVEL: Partial<Record<ProblemCode, Severity>> = {
  'too-many-urls': 'warning',
  'imgix-video-api': 'warning',
  'url-encoded': 'info',
  'scheme-assumed': 'info',
  'fragment-dropped': 'info',
  'imgix-query-dropped': 'info',
};

/** A path relative to the root as a URI reference: segments percent-encoded, sub-delimiters kept. */
export function relativeUri(relative: string): string {
  return relative
    .split('/')
    .map((seg) =>
      encodeURIComponent(seg).replace(/%(21|24|26|27|28|29|2A|2B|2C|3B|3D|3A|40)/g, (_, h: string) =>
        String.fromCharCode(parseInt(h, 16)),
      ),
    )
    .join('/');
}

export interface SarifOptions {
  toolVersion: string;
  /** The repository root: artifact URIs are relative to it (uriBaseId %SRCROOT%). */
  root: string;
  informationUri?: string;
}

export function toSarif(r: LintReport, o: SarifOptions) {
  const rules = PROBLEM_CODES.map((code) => ({
    id: code,
    name: ruleName(code),
    shortDescription: { text: RULES[code] },
    fullDescription: { text: `${RULES[code]} See ${docsUrl(code)}` },
    helpUri: docsUrl(code),
    help: { text: `${RULES[code]} ${docsUrl(code)}`, markdown: `${RULES[code]} [Read more](${docsUrl(code)})` },
    defaultConfiguration: { level: SARIF_LEVEL[DEFAULT_LEVEL[code] ?? 'error'] },
    properties: { tags: ['cdn', 'purge'], precision: 'very-high' },
  }));
  const ruleIndex = new Map(PROBLEM_CODES.map((c, i) => [c, i]));
  const artifact = (file: string) => {
    const relative = path.relative(o.root, file).split(path.sep).join('/');
    return relative === '' || relative.startsWith('../') || path.isAbsolute(relative)
      ? { uri: pathToFileURL(file).href }
      : { uri: relativeUri(relative), uriBaseId: '%SRCROOT%' };
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0' as const,
    runs: [
      {
        tool: {
          driver: {
            name: 'cdn-purge',
            version: o.toolVersion,
            informationUri: o.informationUri ?? 'https://github.com/cdn-purge/cdn-purge',
            rules,
          },
        },
        originalUriBaseIds: {
          '%SRCROOT%': { uri: pathToFileURL(o.root.endsWith(path.sep) ? o.root : o.root + path.sep).href },
        },
        columnKind: 'utf16CodeUnits',
        results: r.problems.map((p) => ({
          ruleId: p.code,
          ruleIndex: ruleIndex.get(p.code)!,
          level: SARIF_LEVEL[p.severity],
          message: { text: p.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifact(p.file),
                region: {
                  startLine: p.line,
                  startColumn: p.column,
                  endLine: p.endLine,
                  endColumn: p.endColumn,
                },
              },
            },
          ],
          properties: { url: p.url, provider: p.provider },
        })),
        invocations: [
          {
            executionSuccessful: !r.notes.some((n) => n.reason === 'cancelled'),
            toolExecutionNotifications: r.notes.map((n) => ({
              level: n.reason === 'file-limit' || n.reason === 'cancelled' ? ('warning' as const) : ('note' as const),
              message: { text: n.message },
              ...(n.file ? { locations: [{ physicalLocation: { artifactLocation: artifact(n.file) } }] } : {}),
            })),
          },
        ],
      },
    ],
  };
}
