// The key-hygiene check (issue 13, item 6): after a test run, every file it left (output, logs, history and state,
// settings files) and the packaged .vsix are searched for every form of the keys the run used: the key as given
// and trimmed, `key:` and `key:do_not_set`, their base64 with and without padding, base64url, base64 of the key
// alone, URL-encoded (upper- and lower-case escapes), in UTF-8 and UTF-16LE (SQLite state databases, some logs).
// The forms are computed here on their own (not by src/core/redact.ts, which the check is there to catch out).
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** @param {string} s */
function b64(s) {
  return Buffer.from(s, 'utf8').toString('base64');
}

/** @param {string} s */
function encodeAll(s) {
  return encodeURIComponent(s);
}

/**
 * Every form of a key a leak could take; forms shorter than 8 characters are left out (they would match by chance).
 * @param {string} key
 * @returns {string[]}
 */
function keyForms(key) {
  const forms = new Set();
  for (const k of new Set([key, key.trim()])) {
    if (!k) continue;
    forms.add(k);
    for (const raw of [k, `${k}:`, `${k}:do_not_set`]) {
      const padded = b64(raw);
      const bare = padded.replace(/=+$/, '');
      forms.add(padded);
      forms.add(bare);
      forms.add(bare.replace(/\+/g, '-').replace(/\//g, '_'));
      forms.add(encodeAll(padded));
    }
    const enc = encodeAll(k);
    forms.add(enc);
    forms.add(enc.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  }
  return [...forms].filter((f) => f.length >= 8);
}

/**
 * The regular files under `roots` (folders or files), symbolic links and `skip`ped paths left out, none over 256 MB.
 * @param {string[]} roots
 * @param {(file: string) => boolean} skip
 * @returns {string[]}
 */
function listFiles(roots, skip) {
  /** @type {string[]} */
  const out = [];
  const walk = (p) => {
    let st;
    try {
      st = fs.lstatSync(p);
    } catch {
      return;
    }
    if (st.isSymbolicLink() || skip(p)) return;
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    else if (st.isFile() && st.size <= 256 * 1024 * 1024) out.push(p);
  };
  for (const r of roots) walk(r);
  return out;
}

/**
 * Files under `roots` (folders or files), each with its bytes; a .vsix (a zip) is read entry by entry.
 * @param {string[]} roots
 * @param {(file: string) => boolean} skip
 * @returns {Promise<Array<{file: string, bytes: Buffer}>>}
 */
async function collect(roots, skip) {
  /** @type {Array<{file: string, bytes: Buffer}>} */
  const out = listFiles(roots, skip).map((file) => ({ file, bytes: fs.readFileSync(file) }));
  const zips = out.filter((f) => f.file.endsWith('.vsix'));
  if (zips.length) {
    const JSZip = require('jszip');
    for (const z of zips) {
      const zip = await JSZip.loadAsync(z.bytes);
      for (const name of Object.keys(zip.files)) {
        const entry = zip.files[name];
        if (!entry.dir) out.push({ file: `${z.file}!/${name}`, bytes: await entry.async('nodebuffer') });
      }
    }
  }
  return out;
}

/**
 * Searches the files for every form of every key.
 * @param {{roots: string[], keys: string[], skip?: (file: string) => boolean}} o
 * @returns {Promise<{files: number, bytes: number, forms: number, leaks: Array<{file: string, key: number, form: string}>}>}
 */
async function scanForKeys({ roots, keys, skip = () => false }) {
  const files = await collect(roots, skip);
  /** @type {Array<{key: number, form: string, needles: Buffer[]}>} */
  const needles = [];
  keys.forEach((key, i) => {
    for (const form of keyForms(key))
      needles.push({ key: i, form, needles: [Buffer.from(form, 'utf8'), Buffer.from(form, 'utf16le')] });
  });
  const leaks = [];
  let bytes = 0;
  for (const f of files) {
    bytes += f.bytes.length;
    for (const n of needles)
      if (n.needles.some((b) => f.bytes.includes(b))) leaks.push({ file: f.file, key: n.key, form: n.form });
  }
  return { files: files.length, bytes, forms: needles.length, leaks };
}

/**
 * A leak's form as it may be printed: its first 4 characters and its length, never the form itself.
 * @param {string} form
 */
function describeForm(form) {
  return `${form.slice(0, 4)}… (${form.length} characters)`;
}

module.exports = { keyForms, listFiles, scanForKeys, describeForm };
