import fs from 'node:fs';
import path from 'node:path';

/** The repository root (tests run from out/test/unit/…). */
export const ROOT = path.resolve(__dirname, '../../../..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

/**
 * package.json as VS Code shows it: every "%key%" replaced by its text from package.nls.json (the manifest's
 * user-visible strings live there, see test/unit/host/l10n.test.ts).
 */
export function localizedManifest<T = unknown>(): T {
  const nls = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.nls.json'), 'utf8')) as Record<string, string>;
  const text = fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8');
  return JSON.parse(text, (_k, v: unknown) =>
    typeof v === 'string' && /^%[\w.-]+%$/.test(v) && v.slice(1, -1) in nls ? nls[v.slice(1, -1)] : v,
  ) as T;
}
