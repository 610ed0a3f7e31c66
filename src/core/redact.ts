// Keys never reach a log, an error message or the terminal. Everything printed from a request or a response
// passes through `redact` (or `safeText` in ./untrusted, which redacts first), which removes the key in every
// form it travels in, and a form cut off at the edge of an excerpt ("…" or "...").

/** The password part the official @imagekit/nodejs SDK sends with the key: Basic base64(key + ":do_not_set"). */
const IMAGEKIT_SDK_PASSWORD = 'do_not_set';
/** Base64 stretches shorter than this are not redacted on their own (they would match ordinary text). */
const MIN_CORE = 8;

function base64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/**
 * The part of base64(x + key + y) that depends on the key alone, for a key starting at byte offset `shift` (0, 1
 * or 2) of a 3-byte group: so the key is found inside any base64 stream, whatever precedes or follows it.
 */
function base64Core(key: string, shift: number): string {
  const bytes = Buffer.concat([Buffer.alloc(shift), Buffer.from(key, 'utf8')]);
  const firstFull = shift === 0 ? 0 : 1; // the first group mixes in the bytes before the key
  const lastFull = Math.floor(bytes.length / 3); // groups after it mix in the bytes after the key
  return lastFull > firstFull ? bytes.subarray(firstFull * 3, lastFull * 3).toString('base64') : '';
}

/**
 * Every form a key may travel in, longest first (so no part of a longer form survives a shorter replacement):
 * the key as given and trimmed; `key:` and `key:do_not_set` (ImageKit's Basic user:password); their base64 with
 * and without padding, base64url, and URL-encoded; the URL-encoded key (upper- and lower-case escapes); and the
 * key's own stretch of any base64 stream it is part of.
 */
export function secretForms(key: string): string[] {
  if (!key) return [];
  const forms = new Set<string>();
  for (const k of new Set([key, key.trim()])) {
    if (!k) continue;
    const plain = [k, `${k}:`, `${k}:${IMAGEKIT_SDK_PASSWORD}`];
    for (const p of plain) {
      forms.add(p);
      const encoded = encodeURIComponent(p);
      forms.add(encoded);
      forms.add(encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
    }
    for (const p of [k, ...plain]) {
      const b = base64(p);
      for (const f of [b, b.replace(/=+$/, ''), b.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')]) {
        forms.add(f);
        forms.add(encodeURIComponent(f));
      }
    }
    for (const shift of [0, 1, 2]) {
      const core = base64Core(k, shift);
      if (core.length >= MIN_CORE) {
        forms.add(core);
        forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
      }
    }
  }
  return [...forms].filter((f) => f.length >= 4).sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
}

const MASK = '***';
const CUT_MARKS = ['...', '\u2026'];

/** The forms of a set of keys, computed once per set: redact runs on every line the CLI prints. */
const formsCache = new Map<string, string[]>();
function formsOf(keys: readonly (string | undefined)[]): string[] {
  const present = keys.filter((k): k is string => !!k);
  if (present.length === 0) return [];
  const id = present.join('\0');
  let forms = formsCache.get(id);
  if (!forms) {
    forms = [...new Set(present.flatMap(secretForms))].sort((a, b) => b.length - a.length);
    if (formsCache.size >= 16) formsCache.clear();
    formsCache.set(id, forms);
  }
  return forms;
}

export function redact(text: string, keys: readonly (string | undefined)[]): string {
  const forms = formsOf(keys);
  if (forms.length === 0) return text;
  // Every occurrence of every form, overlapping ones included, and every form cut at an excerpt's mark, all found
  // in the text as given and masked together: replacing one form after another would let a longer form that
  // overlaps the key (base64 of "key:" running into the key itself) mask only part of it.
  const spans: Array<[number, number]> = [];
  for (const form of forms) {
    for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) spans.push([at, at + form.length]);
  }
  cutFormSpans(text, forms, spans);
  if (spans.length === 0) return text;
  spans.sort((x, y) => x[0] - y[0]);
  let out = '';
  let from = 0;
  let [start, end] = spans[0];
  for (const [s, e] of spans) {
    if (s <= end) end = Math.max(end, e);
    else {
      out += text.slice(from, start) + MASK;
      from = end;
      [start, end] = [s, e];
    }
  }
  return out + text.slice(from, start) + MASK + text.slice(end);
}

/**
 * A form cut by an excerpt: the start of a form just before "..." / "…" (an excerpt that ended inside the key), or
 * the end of one just after it (an excerpt that began inside it). At least 4 characters of the form, so that
 * ordinary text is not masked by chance.
 */
function cutFormSpans(text: string, forms: readonly string[], spans: Array<[number, number]>): void {
  for (const mark of CUT_MARKS) {
    for (let at = text.indexOf(mark); at !== -1; at = text.indexOf(mark, at + 1)) {
      // A run of marks ("....", "……") is one cut: the form ends before its first, or starts after its last.
      if (at > 0 && text.endsWith(mark[0], at)) continue;
      let restStart = at + mark.length;
      while (text.startsWith(mark[0], restStart)) restStart++;
      let before = 0;
      let after = 0;
      // A cut form of n >= 4 characters ends (starts) with the 4 characters before (after) the mark: look for those
      // in each form first, then check the whole stretch.
      const head = at >= 4 ? text.slice(at - 4, at) : '';
      const tail = text.slice(restStart, restStart + 4);
      for (const f of forms) {
        if (head.length === 4) {
          for (let p = f.indexOf(head); p !== -1; p = f.indexOf(head, p + 1)) {
            const n = p + 4;
            if (n < f.length && n > before && text.startsWith(f.slice(0, n), at - n)) before = n;
          }
        }
        if (tail.length === 4) {
          for (let p = f.indexOf(tail); p !== -1; p = f.indexOf(tail, p + 1)) {
            const n = f.length - p;
            if (p > 0 && n > after && text.startsWith(f.slice(p), restStart)) after = n;
          }
        }
      }
      if (before) spans.push([at - before, at]);
      if (after) spans.push([restStart, restStart + after]);
    }
  }
}
