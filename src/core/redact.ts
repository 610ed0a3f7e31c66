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

export function redact(text: string, keys: readonly (string | undefined)[]): string {
  const forms = [...new Set(keys.flatMap((k) => (k ? secretForms(k) : [])))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return text;
  // Every occurrence of every form, overlapping ones included, masked as one: replacing form after form would let
  // a longer form that overlaps the key (base64 of "key:" running into the key itself) eat only part of it.
  const spans: Array<[number, number]> = [];
  for (const form of forms) {
    for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) spans.push([at, at + form.length]);
  }
  let out = text;
  if (spans.length) {
    spans.sort((a, b) => a[0] - b[0]);
    let masked = '';
    let from = 0;
    let [start, end] = spans[0];
    for (const [s, e] of spans) {
      if (s <= end) end = Math.max(end, e);
      else {
        masked += text.slice(from, start) + MASK;
        from = end;
        [start, end] = [s, e];
      }
    }
    out = masked + text.slice(from, start) + MASK + text.slice(end);
  }
  return redactCutForms(out, forms);
}

/**
 * A form cut by an excerpt: the start of a form just before "..." / "…" (an excerpt that ended inside the key), or
 * the end of one just after it (an excerpt that began inside it). At least 4 characters of the form, so that
 * ordinary text is not masked by chance.
 */
function redactCutForms(text: string, forms: readonly string[]): string {
  let out = text;
  for (const mark of CUT_MARKS) {
    let at = out.indexOf(mark);
    while (at !== -1) {
      // Only the first mark of a run of dots can end an excerpt.
      if (at > 0 && out.endsWith(mark[0], at)) {
        at = out.indexOf(mark, at + 1);
        continue;
      }
      let before = 0;
      let after = 0;
      for (const f of forms) {
        for (let n = Math.min(f.length - 1, at); n >= 4 && n > before; n--) {
          if (out.startsWith(f.slice(0, n), at - n)) {
            before = n;
            break;
          }
        }
        const restStart = at + mark.length;
        for (let n = Math.min(f.length - 1, out.length - restStart); n >= 4 && n > after; n--) {
          if (out.startsWith(f.slice(f.length - n), restStart)) {
            after = n;
            break;
          }
        }
      }
      if (before || after) {
        out = `${out.slice(0, at - before)}${before ? MASK : ''}${mark}${after ? MASK : ''}${out.slice(at + mark.length + after)}`;
        at = at - before + (before ? MASK.length : 0);
      }
      at = out.indexOf(mark, at + mark.length);
    }
  }
  return out;
}
