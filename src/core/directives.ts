// Disable comments, as linters have them: `cdn-purge-disable-next-line [codes]`, `cdn-purge-disable-line [codes]`,
// and `cdn-purge-disable [codes]` … `cdn-purge-enable [codes]` for a region (at the top of a file: the whole file).
// They are read in any comment syntax (`//`, `#`, `/* */`, `<!-- -->`, `--`, `;`, `%`, `{# #}`…) because the linter
// reads every kind of text file: a directive is the directive word on a line where only punctuation comes before
// it (`// `, `# `, `<!-- `, ` * ` inside a block comment, or nothing), or right after a comment opener that follows
// other text (`<img …> <!-- cdn-purge-disable-line -->`). Prose that mentions the words (`use cdn-purge-disable`,
// backticks, quotes) is not a directive. One scan, linear in the text; run only when the text has `cdn-purge-`.
//
// What follows the word, up to the end of the line or a comment closer, is a list of problem codes separated by
// commas or spaces; ` -- ` starts a free-text reason. No codes: every code. A word that is not a problem code is
// kept in `unknown` and disables nothing, so a typo never silences more than asked (README "Disable comments").

import { PROBLEM_CODES, type ProblemCode } from './problems';

export type DirectiveKind = 'disable-next-line' | 'disable-line' | 'disable' | 'enable';

export interface Directive {
  kind: DirectiveKind;
  /** The codes named; `all` when none was. */
  codes: readonly ProblemCode[] | 'all';
  /** Words after the directive that are not problem codes (they disable nothing). */
  unknown: string[];
  /** 0-based line of the directive word. */
  line: number;
  /** Offsets of the directive word and of the end of its code list (before a closer, a reason or the line end). */
  start: number;
  end: number;
  /** Offset just after the last code (where `, code` is inserted to add one); `end` when there are no codes. */
  codesEnd: number;
}

const WORD = /cdn-purge-(disable-next-line|disable-line|disable|enable)(?![\w-])/g;
/** Only whitespace and punctuation before the word (no letters, digits, quotes or backticks). */
const PUNCTUATION_ONLY = /^[^\p{L}\p{N}"'`]*$/u;
/** A comment opener right before the word, after other text. */
const OPENER_BEFORE = /(?:^|\s)(?:<!--|\/\*+|\/\/+|#+|--|;+|%+|\{#|\{\{!(?:--)?|@\*|\(\*|\{-)\s*$/;
/** Where the code list ends: a comment closer, or ` -- reason`. */
const LIST_END = /-->|\*\/|#\}|--\}\}|\}\}|\*\)|-\}|\*@|\s--(?:\s|$)/;
const CODES: ReadonlySet<string> = new Set(PROBLEM_CODES);

/** The line starts of a text (for offset → 0-based line); lines end at \n, \r\n or \r. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) starts.push(i + 1);
    else if (c === 0x0d) {
      if (text.charCodeAt(i + 1) === 0x0a) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/** The 0-based line of an offset, by binary search over lineStarts(). */
export function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function lineEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) !== 0x0a && text.charCodeAt(i) !== 0x0d) i++;
  return i;
}

/** Every directive of a text, in order. `starts` (lineStarts of the text) may be given when already computed. */
export function parseDirectives(text: string, starts?: readonly number[]): Directive[] {
  if (!text.includes('cdn-purge-')) return [];
  const lines = starts ?? lineStarts(text);
  const out: Directive[] = [];
  const re = new RegExp(WORD.source, WORD.flags);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const line = lineOf(lines, m.index);
    const prefix = text.slice(lines[line], m.index);
    if (!PUNCTUATION_ONLY.test(prefix) && !OPENER_BEFORE.test(prefix)) continue;
    const argsStart = m.index + m[0].length;
    const eol = lineEnd(text, argsStart);
    let args = text.slice(argsStart, eol);
    const cut = LIST_END.exec(args);
    if (cut) args = args.slice(0, cut.index);
    const codes: ProblemCode[] = [];
    const unknown: string[] = [];
    let codesEnd = argsStart;
    const token = /[^\s,:]+/g;
    for (let t = token.exec(args); t !== null; t = token.exec(args)) {
      if (CODES.has(t[0])) {
        codes.push(t[0] as ProblemCode);
        codesEnd = argsStart + t.index + t[0].length;
      } else unknown.push(t[0]);
    }
    out.push({
      kind: m[1] as DirectiveKind,
      codes: codes.length === 0 && unknown.length === 0 ? 'all' : codes,
      unknown,
      line,
      start: m.index,
      end: argsStart + args.trimEnd().length,
      codesEnd,
    });
  }
  return out;
}

function names(d: Directive, code: ProblemCode): boolean {
  return d.codes === 'all' || d.codes.includes(code);
}

/** Answers "is a problem at this offset, of this code, disabled?" for one text. */
export class Suppressions {
  readonly directives: Directive[];
  private readonly starts: readonly number[];
  /** Region directives (disable/enable) in order. */
  private readonly regions: Directive[];
  /** Lines (0-based) with a line directive on them or above them: line → the directives that apply to it. */
  private readonly byLine = new Map<number, Directive[]>();

  constructor(text: string) {
    this.starts = text.includes('cdn-purge-') ? lineStarts(text) : [0];
    this.directives = parseDirectives(text, this.starts);
    this.regions = this.directives.filter((d) => d.kind === 'disable' || d.kind === 'enable');
    for (const d of this.directives) {
      const target = d.kind === 'disable-line' ? d.line : d.kind === 'disable-next-line' ? d.line + 1 : undefined;
      if (target === undefined) continue;
      const list = this.byLine.get(target) ?? [];
      list.push(d);
      this.byLine.set(target, list);
    }
  }

  get empty(): boolean {
    return this.directives.length === 0;
  }

  /** The 0-based line of an offset. */
  line(offset: number): number {
    return lineOf(this.starts, offset);
  }

  /** The directive that disables a problem of `code` starting at `offset`, if any. */
  disabledBy(offset: number, code: ProblemCode): Directive | undefined {
    if (this.directives.length === 0) return undefined;
    const line = this.line(offset);
    const onLine = this.byLine.get(line)?.find((d) => names(d, code));
    if (onLine) return onLine;
    // Regions: the last disable or enable before the offset that names the code decides.
    let decided: Directive | undefined;
    for (const d of this.regions) {
      if (d.start >= offset) break;
      if (names(d, code)) decided = d;
    }
    return decided?.kind === 'disable' ? decided : undefined;
  }

  /** The findings that are not disabled (each with its problem's code and the offset the problem starts at). */
  filter<T extends { start: number; problem: { code: ProblemCode } }>(findings: readonly T[]): T[] {
    if (this.directives.length === 0) return [...findings];
    return findings.filter((f) => this.disabledBy(f.start, f.problem.code) === undefined);
  }
}

// ---- Writing a disable comment (the quick fix) -----------------------------------------------------------------------

/** How a language writes comments: a line comment, a block comment, or (plain text) a bare directive line. */
export interface CommentStyle {
  line?: string;
  block?: readonly [string, string];
  /** No comment syntax, but the text is free: a directive on a line of its own is read (plain text). */
  bare?: boolean;
}

const SLASHES: CommentStyle = { line: '//', block: ['/*', '*/'] };
const HASH: CommentStyle = { line: '#' };
const DASHES: CommentStyle = { line: '--' };
const MARKUP: CommentStyle = { block: ['<!--', '-->'] };
const CSS: CommentStyle = { block: ['/*', '*/'] };

/** By VS Code language id. JSON has no comments: no entry, so no disable comment is offered there. */
const STYLES: Record<string, CommentStyle> = {
  ...Object.fromEntries(
    [
      'javascript',
      'javascriptreact',
      'typescript',
      'typescriptreact',
      'jsonc',
      'json5',
      'c',
      'cpp',
      'csharp',
      'java',
      'go',
      'rust',
      'swift',
      'kotlin',
      'scala',
      'dart',
      'php',
      'scss',
      'less',
      'groovy',
      'objective-c',
      'fsharp',
      'graphql',
      'proto3',
    ].map((id) => [id, SLASHES]),
  ),
  ...Object.fromEntries(
    [
      'yaml',
      'python',
      'shellscript',
      'ruby',
      'perl',
      'r',
      'dockerfile',
      'makefile',
      'toml',
      'properties',
      'powershell',
      'coffeescript',
      'elixir',
      'nix',
      'terraform',
      'dotenv',
      'ignore',
      'julia',
    ].map((id) => [id, HASH]),
  ),
  ...Object.fromEntries(['sql', 'lua', 'haskell'].map((id) => [id, DASHES])),
  ...Object.fromEntries(['latex', 'tex', 'erlang', 'matlab'].map((id) => [id, { line: '%' }])),
  ...Object.fromEntries(['ini', 'clojure'].map((id) => [id, { line: ';' }])),
  ...Object.fromEntries(['html', 'xml', 'xsl', 'svg', 'markdown', 'vue', 'svelte', 'astro'].map((id) => [id, MARKUP])),
  css: CSS,
  handlebars: { block: ['{{!--', '--}}'] },
  razor: { block: ['@*', '*@'] },
  'jinja-html': { block: ['{#', '#}'] },
  twig: { block: ['{#', '#}'] },
  nunjucks: { block: ['{#', '#}'] },
  plaintext: { bare: true },
};

/** The comment syntax of a VS Code language id; undefined for one without comments (JSON) or unknown. */
export function commentStyle(languageId: string): CommentStyle | undefined {
  return STYLES[languageId];
}

/** Markup languages embed scripts and styles: inside <script> a line comment, inside <style> a CSS comment. */
function styleAt(text: string, offset: number, style: CommentStyle, languageId: string): CommentStyle {
  if (!['html', 'vue', 'svelte', 'astro', 'markdown'].includes(languageId)) return style;
  const before = text.slice(0, offset).toLowerCase();
  const inside = (tag: string) => before.lastIndexOf(`<${tag}`) > before.lastIndexOf(`</${tag}`);
  if (inside('script')) return SLASHES;
  if (inside('style')) return CSS;
  return style;
}

/** True when the offset is inside a block comment of this syntax (a comment there cannot nest another). */
function insideBlock(text: string, offset: number, block: readonly [string, string]): boolean {
  const before = text.slice(0, offset);
  const open = before.lastIndexOf(block[0]);
  return open >= 0 && before.lastIndexOf(block[1]) < open;
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** A text edit: insert or replace [start, end) by `text`. */
export interface InsertSpec {
  start: number;
  end: number;
  text: string;
}

/**
 * The edit that disables `code` for the line of `offset` (`scope` line) or for the whole file: it adds the code to a
 * directive already there (`, code`), or writes a new comment in the language's syntax: a
 * `cdn-purge-disable-next-line` comment above the line with its indentation (Markdown: a `cdn-purge-disable-line`
 * comment at the end of the line, so lists stay lists), or `cdn-purge-disable` at the top of the file (after a `#!`
 * line, an XML declaration, `@charset` or front matter). Inside a block comment, where another comment cannot be
 * opened, a bare directive line. Undefined when the language has no comments (JSON).
 */
export function disableCommentEdit(
  text: string,
  offset: number,
  code: ProblemCode,
  languageId: string,
  scope: 'line' | 'file',
): InsertSpec | undefined {
  const base = commentStyle(languageId);
  if (!base) return undefined;
  const starts = lineStarts(text);
  const directives = parseDirectives(text, starts);
  const eol = eolOf(text);
  const extend = (d: Directive): InsertSpec | undefined =>
    d.codes === 'all' ? undefined : { start: d.codesEnd, end: d.codesEnd, text: `, ${code}` };

  if (scope === 'file') {
    let at = 0;
    const firstLine = text.slice(0, lineEnd(text, 0));
    if (/^#!|^<\?xml|^@charset/i.test(firstLine)) at = starts[1] ?? text.length;
    if (languageId === 'markdown' && /^---\r?\n/.test(text)) {
      const close = /\r?\n---[ \t]*(\r?\n|$)/.exec(text.slice(3));
      if (close) at = 3 + close.index + close[0].length;
    }
    const existing = directives.find(
      (d) => d.kind === 'disable' && d.codes !== 'all' && d.line === lineOf(starts, Math.min(at, text.length)),
    );
    if (existing) return extend(existing);
    const style = styleAt(text, at, base, languageId);
    const body = `cdn-purge-disable ${code}`;
    const comment = style.line
      ? `${style.line} ${body}`
      : style.block
        ? `${style.block[0]} ${body} ${style.block[1]}`
        : body;
    const needsEol = at === text.length && at > 0 && !/[\r\n]$/.test(text);
    return { start: at, end: at, text: `${needsEol ? eol : ''}${comment}${eol}` };
  }

  const line = lineOf(starts, offset);
  const lineStart = starts[line];
  const end = lineEnd(text, lineStart);
  const previous = directives.find((d) => d.kind === 'disable-next-line' && d.line === line - 1 && d.codes !== 'all');
  if (previous) return extend(previous);
  const same = directives.find((d) => d.kind === 'disable-line' && d.line === line && d.codes !== 'all');
  if (same) return extend(same);

  const style = styleAt(text, lineStart, base, languageId);
  const indent = /^[ \t]*/.exec(text.slice(lineStart, end))![0];
  const bareLine = { start: lineStart, end: lineStart, text: `${indent}cdn-purge-disable-next-line ${code}${eol}` };
  if (style.bare) return bareLine;
  if (style.line) {
    return {
      start: lineStart,
      end: lineStart,
      text: `${indent}${style.line} cdn-purge-disable-next-line ${code}${eol}`,
    };
  }
  const block = style.block!;
  if (insideBlock(text, lineStart, block)) return bareLine;
  if (languageId === 'markdown' && style === base) {
    return { start: end, end, text: ` ${block[0]} cdn-purge-disable-line ${code} ${block[1]}` };
  }
  return {
    start: lineStart,
    end: lineStart,
    text: `${indent}${block[0]} cdn-purge-disable-next-line ${code} ${block[1]}${eol}`,
  };
}
