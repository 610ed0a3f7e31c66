import path from 'node:path';

/** The repository root (tests run from out/test/unit/…). */
export const ROOT = path.resolve(__dirname, '../../../..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
