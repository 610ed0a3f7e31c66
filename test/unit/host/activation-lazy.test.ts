// Lazy activation (issues 12 and 14): what VS Code loads and times as activation is dist/extension.js alone, a few
// KB that register the commands; the services, views, diagnostics, the planner and the HTTP layer are in
// dist/host.js and dist/http.js, loaded after activation or by the first use (README "Activation"). Checked on the
// bundles `npm run build` made, in plain Node with the vscode stub.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { install, registered, reset } from '../helpers/vscode-stub';
import { ROOT } from '../helpers/paths';
install();

const DIST = path.join(ROOT, 'dist');

/** The source files a development bundle was made from (esbuild writes `// src/…` before each one). */
function bundledSources(file: string): string[] {
  const text = fs.readFileSync(path.join(DIST, file), 'utf8');
  return [...new Set([...text.matchAll(/^\/\/ ((?:src|node_modules)\/\S+)$/gm)].map((m) => m[1]))];
}

/** Runs `fn` and returns the files of dist/ and node_modules/ that Node loaded meanwhile. */
function loadsDuring(fn: () => void): string[] {
  type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
  const m = Module as unknown as { _load: Load; _resolveFilename: (r: string, p: unknown, i: boolean) => string };
  const original = m._load;
  const files: string[] = [];
  m._load = function (request, parent, isMain) {
    try {
      const f = m._resolveFilename(request, parent, isMain);
      if (f.startsWith(DIST) || f.includes(`${path.sep}node_modules${path.sep}`)) files.push(path.relative(ROOT, f));
    } catch {
      // a built-in or the stubbed vscode
    }
    return original.call(this, request, parent, isMain);
  };
  try {
    fn();
  } finally {
    m._load = original;
  }
  return files;
}

describe('activation loads only the entry (dist/extension.js)', () => {
  afterEach(() => reset());

  it('the entry bundle holds only itself and the ids, not the services, planner or HTTP layer', () => {
    const sources = bundledSources('extension.js');
    assert.ok(sources.length > 0, 'dist/extension.js names its sources: build it with `npm run build`');
    assert.deepEqual(sources.sort(), ['src/extension.ts', 'src/host/ids.ts']);
    const host = bundledSources('host.js');
    for (const part of [
      'src/core/planner.ts',
      'src/core/pipeline.ts',
      'src/host/history.ts',
      'src/host/diagnostics.ts',
    ])
      assert.ok(host.includes(part), `dist/host.js holds ${part}`);
    assert.ok(!host.includes('src/core/http.ts'), 'the HTTP layer stays in dist/http.js');
  });

  it('activate() loads no other file of the extension; the first command loads dist/host.js', async () => {
    const file = path.join(DIST, 'extension.js');
    delete require.cache[file];
    delete require.cache[path.join(DIST, 'host.js')];
    const subscriptions: Array<{ dispose(): void }> = [];
    let api: { startup: { loadedAtActivation: string[]; hostLoaded: boolean } } | undefined;
    const loaded = loadsDuring(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle itself, loaded inside the recorder
      const ext = require(file) as { activate(c: unknown): typeof api };
      api = ext.activate({ subscriptions, extensionPath: ROOT });
    });
    assert.deepEqual(loaded, ['dist/extension.js']);
    assert.ok(api);
    assert.deepEqual(api.startup.loadedAtActivation, ['extension.js']);
    assert.equal(api.startup.hostLoaded, false);
    assert.ok(registered.size >= 20, `every command is registered at activation (${registered.size})`);
    // The stub has no output channel, so the rest fails to start here; what matters is that the command loaded it.
    const loadedByCommand = loadsDuring(() => {
      try {
        void registered.get('cdnPurge.showOutput')?.();
      } catch {
        // see above
      }
    });
    assert.deepEqual(loadedByCommand, ['dist/host.js']);
    for (const d of subscriptions) d.dispose();
  });
});
