// Text from outside (a server's message, requestId or status, a response body, a file name) made safe to show in
// a terminal, the output channel, a notification or history: first redacted (so no cut can leave part of a key),
// then control characters neutralised (C0 and C1 controls, DEL, so ESC sequences cannot clear a screen or fake a
// line; bidi overrides and invisible tag characters, so text cannot display reordered or hidden), then capped.
// Neutralised characters are shown as visible escapes (\x1B, \u202E), so what the server sent stays readable.

import { MAX_UNTRUSTED_TEXT } from './limits';
import { redact } from './redact';

export interface SafeTextOptions {
  /** Keys to redact in every form (see secretForms). */
  keys?: readonly (string | undefined)[];
  /** At most this many characters (UTF-16 units) in the result, "..." included. Default 200. */
  max?: number;
  /** Keep line breaks ("\r\n" and "\r" become "\n"). Default: one line, every run of whitespace one space. */
  multiline?: boolean;
}

const ELLIPSIS = '...';

function isBidiControl(cp: number): boolean {
  return (
    cp === 0x061c || cp === 0x200e || cp === 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)
  );
}

function hex(cp: number, width: number): string {
  return cp.toString(16).toUpperCase().padStart(width, '0');
}

/** The visible form of a code point that must not reach a terminal as is, or undefined when it may. */
function escapeOf(cp: number): string | undefined {
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp <= 0x9f)) return `\\x${hex(cp, 2)}`;
  if (isBidiControl(cp) || (cp >= 0xfff9 && cp <= 0xfffb)) return `\\u${hex(cp, 4)}`;
  if (cp >= 0xe0000 && cp <= 0xe007f) return `\\u{${hex(cp, 5)}}`; // tag characters: invisible text
  return undefined;
}

// JavaScript's \s (Unicode spaces and line terminators, the BOM); U+0085 is a C1 control, escaped instead.
const WHITESPACE = /\s/;

/**
 * Redacts `keys`, neutralises control, bidi and tag characters, collapses whitespace (unless `multiline`), and
 * caps the length at `max` (never cutting an escape or a surrogate pair, "..." marking a cut).
 */
export function safeText(text: string, options: SafeTextOptions = {}): string {
  const max = Math.max(ELLIPSIS.length + 1, Math.floor(options.max ?? MAX_UNTRUSTED_TEXT));
  // All of it is redacted (a cut made first could leave part of a key); only what can be shown is neutralised.
  const redacted = redact(typeof text === 'string' ? text : String(text), options.keys ?? []);
  // "\r\n" and a lone "\r" are one line break.
  const source = options.multiline ? redacted.replace(/\r\n?/g, '\n') : redacted;
  const tokens: string[] = [];
  let length = 0;
  let cut = false;
  let pendingSpace = false;
  for (const ch of source) {
    if (WHITESPACE.test(ch)) {
      if (!options.multiline) pendingSpace = tokens.length > 0;
      else {
        tokens.push(ch === '\n' || ch === '\t' ? ch : ' ');
        length++;
      }
    } else {
      if (pendingSpace) {
        tokens.push(' ');
        length++;
        pendingSpace = false;
      }
      const cp = ch.codePointAt(0)!;
      // A lone surrogate becomes U+FFFD; controls, bidi and tag characters their visible escapes.
      const t = cp >= 0xd800 && cp <= 0xdfff ? '\ufffd' : (escapeOf(cp) ?? ch);
      tokens.push(t);
      length += t.length;
    }
    if (length > max) {
      cut = true;
      break;
    }
  }
  if (!cut) return tokens.join('').trimEnd();
  let out = '';
  for (const t of tokens) {
    if (out.length + t.length > max - ELLIPSIS.length) break;
    out += t;
  }
  return out.trimEnd() + ELLIPSIS;
}
