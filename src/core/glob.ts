// Glob matching for the mapping rules, in time linear in the path's length. A glob is compiled once into a
// small automaton (Thompson's construction) and a path is matched by walking it with every live state at once,
// so there is no backtracking: `*a*a*a*a*a*a*b` against thirty `a`s costs thirty steps over a few states, where a
// backtracking regular expression (what picomatch compiles to) takes seconds to minutes.
//
// The syntax (README "cdn-purge.json"), the subset of picomatch's that mappings use:
//   *        any characters in one path segment (never "/")
//   ?        one character, not "/"
//   **       as a whole segment (a/**, **/x, a/**/b): any number of segments, none included
//   [abc] [a-z] [!a] [^a]   one character of a class (never "/")
//   {a,b}    alternatives, nested allowed; {1..12} and {a..e} ranges
// Everything else is literal, parentheses and "|" included. Refused with a message: extglobs (@(…), !(…), +(…),
// *(…), ?(…)), a leading "!" (negation), POSIX classes ([[:alpha:]]), reversed ranges, and globs over the limits.
// Matching is case-sensitive; dot files match like any other. A path with a "." or ".." segment never matches.

import { describeCount, MAX_GLOB_LENGTH, MAX_GLOB_STATES, MAX_PATH_LENGTH } from './limits';

type Node =
  | { t: 'lit'; c: number }
  | { t: 'any' } // ?
  | { t: 'star' } // *
  | { t: 'class'; neg: boolean; ranges: Array<[number, number]> }
  | { t: 'alt'; alts: Node[][] }
  | { t: 'gsPrefix' } // "**/": (?:[^/]*\/)*
  | { t: 'gsSuffix' } // "/**" at the end: (?:\/.*)?
  | { t: 'gsAll' }; // "**" alone: .*

const SLASH = 0x2f;

class GlobError extends Error {}

/** Code points of a string (so "?" is one character, not one UTF-16 unit). */
function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

function parse(glob: string): Node[] {
  const p = codePoints(glob);
  if (p[0] === 0x21 /* ! */)
    throw new GlobError(
      'a leading "!" (a negated glob) is not supported in mappings: write the files the rule is for.',
    );
  return parseRange(p, 0, p.length, 0);
}

const EXTGLOB_OPENERS = new Set([0x40, 0x21, 0x2b, 0x2a, 0x3f]); // @ ! + * ?

function parseRange(p: number[], start: number, end: number, depth: number): Node[] {
  const nodes: Node[] = [];
  let i = start;
  while (i < end) {
    const c = p[i];
    if (EXTGLOB_OPENERS.has(c) && p[i + 1] === 0x28 /* ( */ && i + 1 < end) {
      throw new GlobError(
        `extglob patterns such as ${String.fromCodePoint(c)}(…) are not supported in mappings: use {a,b} for alternatives, or [(] for a literal parenthesis.`,
      );
    }
    if (c === 0x2a /* * */) {
      let j = i;
      while (j < end && p[j] === 0x2a) j++;
      const wholeSegment = depth === 0 && (i === 0 || p[i - 1] === SLASH) && (j === p.length || p[j] === SLASH);
      if (j - i >= 2 && wholeSegment) {
        if (j === p.length) {
          // "/**" at the end (or "**" alone, or "**/**"): drop the "**/" before it, then the "/".
          while (nodes.length && nodes[nodes.length - 1].t === 'gsPrefix') nodes.pop();
          const last = nodes[nodes.length - 1];
          if (last && last.t === 'lit' && last.c === SLASH) {
            nodes.pop();
            nodes.push({ t: 'gsSuffix' });
          } else if (nodes.length === 0) nodes.push({ t: 'gsAll' });
          else nodes.push({ t: 'star' });
          i = j;
        } else {
          nodes.push({ t: 'gsPrefix' });
          i = j + 1; // the "/" after "**" belongs to it
        }
      } else {
        nodes.push({ t: 'star' });
        i = j;
      }
      continue;
    }
    if (c === 0x3f /* ? */) {
      nodes.push({ t: 'any' });
      i++;
      continue;
    }
    if (c === 0x5b /* [ */) {
      const cls = parseClass(p, i, end);
      if (cls) {
        nodes.push(cls.node);
        i = cls.next;
        continue;
      }
    }
    if (c === 0x7b /* { */) {
      const close = matchingBrace(p, i, end);
      if (close !== undefined) {
        nodes.push(...braceNodes(p, i, close, depth));
        i = close + 1;
        continue;
      }
    }
    nodes.push({ t: 'lit', c });
    i++;
  }
  return nodes;
}

/** A character class starting at p[i] === "[", or undefined when it is not closed in this segment (then "[" is literal). */
function parseClass(p: number[], i: number, end: number): { node: Node; next: number } | undefined {
  let j = i + 1;
  let neg = false;
  if (p[j] === 0x21 || p[j] === 0x5e) {
    neg = true;
    j++;
  }
  const ranges: Array<[number, number]> = [];
  let first = true;
  while (j < end && (p[j] !== 0x5d /* ] */ || first)) {
    const c = p[j];
    if (c === SLASH) return undefined;
    if (c === 0x5b && p[j + 1] === 0x3a /* [: */) {
      const m = /^\[:([a-z]+):\]/.exec(String.fromCodePoint(...p.slice(j, Math.min(end, j + 12))));
      if (m)
        throw new GlobError(
          `POSIX classes such as [:${m[1]}:] are not supported in mappings: write the characters, e.g. [a-zA-Z0-9].`,
        );
    }
    if (p[j + 1] === 0x2d /* - */ && j + 2 < end && p[j + 2] !== 0x5d) {
      const hi = p[j + 2];
      if (hi === SLASH) return undefined;
      if (hi < c)
        throw new GlobError(
          `the character range ${String.fromCodePoint(c)}-${String.fromCodePoint(hi)} is reversed: write ${String.fromCodePoint(hi)}-${String.fromCodePoint(c)}.`,
        );
      ranges.push([c, hi]);
      j += 3;
    } else {
      ranges.push([c, c]);
      j++;
    }
    first = false;
  }
  if (j >= end) return undefined;
  return { node: { t: 'class', neg, ranges }, next: j + 1 };
}

/** The index of the "}" closing the "{" at p[i], within [i, end), or undefined. */
function matchingBrace(p: number[], i: number, end: number): number | undefined {
  let depth = 0;
  for (let j = i; j < end; j++) {
    if (p[j] === 0x7b) depth++;
    else if (p[j] === 0x7d && --depth === 0) return j;
  }
  return undefined;
}

const NUMERIC_RANGE = /^(-?\d+)\.\.(-?\d+)$/;
const LETTER_RANGE = /^([a-zA-Z])\.\.([a-zA-Z])$/;

function braceNodes(p: number[], open: number, close: number, depth: number): Node[] {
  const commas: number[] = [];
  let d = 0;
  for (let j = open + 1; j < close; j++) {
    if (p[j] === 0x7b) d++;
    else if (p[j] === 0x7d) d--;
    else if (p[j] === 0x2c /* , */ && d === 0) commas.push(j);
  }
  if (commas.length > 0) {
    const bounds = [open, ...commas, close];
    const alts: Node[][] = [];
    for (let k = 0; k + 1 < bounds.length; k++) alts.push(parseRange(p, bounds[k] + 1, bounds[k + 1], depth + 1));
    return [{ t: 'alt', alts }];
  }
  const inner = String.fromCodePoint(...p.slice(open + 1, close));
  const values = rangeValues(inner);
  if (values) return [{ t: 'alt', alts: values.map((v) => codePoints(v).map((c): Node => ({ t: 'lit', c }))) }];
  // "{x}" with no comma and no range: literal braces around whatever is inside.
  return [{ t: 'lit', c: 0x7b }, ...parseRange(p, open + 1, close, depth + 1), { t: 'lit', c: 0x7d }];
}

function rangeValues(inner: string): string[] | undefined {
  const num = NUMERIC_RANGE.exec(inner);
  if (num) {
    const a = Number(num[1]);
    const b = Number(num[2]);
    const count = Math.abs(b - a) + 1;
    const width = Math.max(num[1].length, num[2].length);
    const padded = /^-?0\d/.test(num[1]) || /^-?0\d/.test(num[2]);
    if (count * width > MAX_GLOB_STATES)
      throw new GlobError(
        `the range {${inner}} has ${describeCount(count)} values, more than a glob's limit of ${describeCount(MAX_GLOB_STATES)} matcher states allows.`,
      );
    const out: string[] = [];
    const step = a <= b ? 1 : -1;
    for (let v = a; ; v += step) {
      const s = String(Math.abs(v));
      out.push(`${v < 0 ? '-' : ''}${padded ? s.padStart(width - (v < 0 ? 1 : 0), '0') : s}`);
      if (v === b) break;
    }
    return out;
  }
  const letters = LETTER_RANGE.exec(inner);
  if (letters) {
    const a = letters[1].charCodeAt(0);
    const b = letters[2].charCodeAt(0);
    const out: string[] = [];
    for (let v = a; ; v += a <= b ? 1 : -1) {
      out.push(String.fromCharCode(v));
      if (v === b) break;
    }
    return out;
  }
  return undefined;
}

// ---- the automaton ------------------------------------------------------------------------------------------------

/** What a consuming edge accepts: one code point, any but "/", anything, or a class. */
type Pred =
  | { k: 'lit'; c: number }
  | { k: 'notSlash' }
  | { k: 'any' }
  | { k: 'class'; neg: boolean; ranges: Array<[number, number]> };

function accepts(pred: Pred, c: number): boolean {
  switch (pred.k) {
    case 'lit':
      return c === pred.c;
    case 'notSlash':
      return c !== SLASH;
    case 'any':
      return true;
    case 'class': {
      if (c === SLASH) return false;
      let inside = false;
      for (const [lo, hi] of pred.ranges) {
        if (c >= lo && c <= hi) {
          inside = true;
          break;
        }
      }
      return inside !== pred.neg;
    }
  }
}

class Automaton {
  readonly eps: number[][] = [];
  readonly edges: Array<Array<{ pred: Pred; to: number }>> = [];

  add(): number {
    if (this.eps.length >= MAX_GLOB_STATES)
      throw new GlobError(
        `it needs more than ${describeCount(MAX_GLOB_STATES)} matcher states (limit: glob complexity); split it into simpler rules.`,
      );
    this.eps.push([]);
    this.edges.push([]);
    return this.eps.length - 1;
  }

  build(nodes: readonly Node[], from: number): number {
    let at = from;
    for (const n of nodes) at = this.node(n, at);
    return at;
  }

  private edge(from: number, pred: Pred): number {
    const to = this.add();
    this.edges[from].push({ pred, to });
    return to;
  }

  private node(n: Node, a: number): number {
    switch (n.t) {
      case 'lit':
        return this.edge(a, { k: 'lit', c: n.c });
      case 'any':
        return this.edge(a, { k: 'notSlash' });
      case 'class':
        return this.edge(a, { k: 'class', neg: n.neg, ranges: n.ranges });
      case 'star': {
        const b = this.add();
        this.eps[a].push(b);
        this.edges[b].push({ pred: { k: 'notSlash' }, to: b });
        return b;
      }
      case 'alt': {
        const b = this.add();
        for (const alt of n.alts) {
          const s = this.add();
          this.eps[a].push(s);
          this.eps[this.build(alt, s)].push(b);
        }
        return b;
      }
      case 'gsPrefix': {
        // b: at the start of a segment (may leave); c: inside a segment, until its "/".
        const b = this.add();
        this.eps[a].push(b);
        const c = this.add();
        this.eps[b].push(c);
        this.edges[c].push({ pred: { k: 'notSlash' }, to: c }, { pred: { k: 'lit', c: SLASH }, to: b });
        return b;
      }
      case 'gsSuffix': {
        const b = this.add();
        this.eps[a].push(b);
        const s = this.edge(a, { k: 'lit', c: SLASH });
        this.edges[s].push({ pred: { k: 'any' }, to: s });
        this.eps[s].push(b);
        return b;
      }
      case 'gsAll': {
        const b = this.add();
        this.eps[a].push(b);
        this.edges[b].push({ pred: { k: 'any' }, to: b });
        return b;
      }
    }
  }
}

export interface CompiledGlob {
  /** True when the whole path matches. Time: path length × live states, never more than MAX_GLOB_STATES each step. */
  match(path: string): boolean;
  /** Matcher states (the measure of the glob's complexity). */
  readonly states: number;
  /** Live states visited by the last match(): at most states per character (tests measure cost with it). */
  readonly lastSteps: number;
}

export type GlobResult = { ok: true; glob: CompiledGlob } | { ok: false; error: string };

/** Compiles a glob (already normalised: "/" separators). The error says what is wrong and names the limit reached. */
export function compileGlob(glob: string): GlobResult {
  if (glob.length > MAX_GLOB_LENGTH) {
    return {
      ok: false,
      error: `the glob is ${describeCount(glob.length)} characters long; the limit is ${describeCount(MAX_GLOB_LENGTH)} (limit: glob length).`,
    };
  }
  let auto: Automaton;
  let start: number;
  let accept: number;
  try {
    const nodes = parse(glob);
    auto = new Automaton();
    start = auto.add();
    accept = auto.build(nodes, start);
  } catch (e) {
    if (e instanceof GlobError)
      return { ok: false, error: `the glob "${glob.length > 60 ? `${glob.slice(0, 57)}...` : glob}": ${e.message}` };
    throw e;
  }
  const { eps, edges } = auto;
  const n = eps.length;
  // Sets of live states as a list plus a stamp per state (no allocation per step beyond the two lists).
  const stamp = new Uint32Array(n);
  let generation = 0;
  const stack: number[] = [];
  const close = (s: number, into: number[]) => {
    if (stamp[s] === generation) return;
    stamp[s] = generation;
    stack.push(s);
    while (stack.length) {
      const x = stack.pop()!;
      into.push(x);
      for (const y of eps[x]) {
        if (stamp[y] !== generation) {
          stamp[y] = generation;
          stack.push(y);
        }
      }
    }
  };
  const nextGeneration = () => {
    generation++;
    if (generation === 0xffffffff) {
      stamp.fill(0);
      generation = 1;
    }
  };
  const compiled = {
    states: n,
    lastSteps: 0,
    match(path: string): boolean {
      compiled.lastSteps = 0;
      if (path.length > MAX_PATH_LENGTH) return false;
      if (path.split('/').some((seg) => seg === '.' || seg === '..')) return false;
      nextGeneration();
      let live: number[] = [];
      close(start, live);
      let steps = live.length;
      try {
        for (const ch of path) {
          const c = ch.codePointAt(0)!;
          nextGeneration();
          const next: number[] = [];
          for (const s of live) for (const e of edges[s]) if (accepts(e.pred, c)) close(e.to, next);
          steps += next.length;
          if (next.length === 0) return false;
          live = next;
        }
        return live.includes(accept);
      } finally {
        compiled.lastSteps = steps;
      }
    },
  };
  return { ok: true, glob: compiled };
}
