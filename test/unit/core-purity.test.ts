// src/core must never import `vscode` (it runs in the CLI, in tests and in the emulator too). Two checks: no
// source file names it, and esbuild can bundle every core module with `vscode` unresolvable.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '../../..');
const coreDir = path.join(root, 'src/core');
const coreFiles = fs
  .readdirSync(coreDir, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => path.join(coreDir, f));

describe('src/core stays free of vscode', () => {
  it('has core modules to check', () => {
    assert.ok(coreFiles.length >= 10, `found ${coreFiles.length}`);
  });

  it('no core file imports or requires vscode', () => {
    const offenders = coreFiles.filter((f) =>
      /from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\)/.test(
        fs.readFileSync(f, 'utf8'),
      ),
    );
    assert.deepEqual(offenders, []);
  });

  it('every core module bundles without vscode (transitive imports included)', async () => {
    const result = await esbuild.build({
      entryPoints: coreFiles,
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      outdir: path.join(root, 'out/purity'),
      logLevel: 'silent',
    });
    assert.equal(result.errors.length, 0);
  });

  it('the check itself fails on a module that imports vscode', async () => {
    await assert.rejects(
      esbuild.build({
        stdin: { contents: "import * as v from 'vscode'; console.log(v);", resolveDir: coreDir },
        bundle: true,
        write: false,
        platform: 'node',
        logLevel: 'silent',
      }),
      /Could not resolve "vscode"/,
    );
  });
});
