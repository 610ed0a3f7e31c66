// Builds the extension and the CLI into dist/ (bundled), and with --tests transpiles src/ and test/ into out/
// so mocha can run them file by file. Flags: --production (minify, no sourcemaps), --watch, --tests.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** Logs in the shape of the `$esbuild-watch` problem matcher (connor4312.esbuild-problem-matchers). */
const problemMatcherPlugin = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

/**
 * Leaves src/core/http.ts (undici) out of a bundle as `require('./http')`, i.e. dist/http.js, and nothing else:
 * the emulator's own src/emulator/http.ts is imported as './http' too and stays bundled.
 */
function coreHttpExternalAt(request) {
  return {
    name: 'core-http-external',
    setup(build) {
      const coreHttp = path.resolve('src/core/http.ts');
      build.onResolve({ filter: /^\.\/http$/ }, (args) =>
        path.resolve(args.resolveDir, 'http.ts') === coreHttp ? { path: request, external: true } : undefined,
      );
    },
  };
}
const coreHttpExternal = coreHttpExternalAt('./http');

/**
 * `cdn-purge mcp` (src/cli/mcp.ts, with the MCP SDK) is a bundle of its own, dist/mcp/server.js, required by
 * dist/cli.js only for that command: the other commands neither read nor compile the SDK, and the .vsix (which
 * takes dist/*.js only) leaves it out.
 */
const cliMcpExternal = {
  name: 'cli-mcp-external',
  setup(build) {
    const mcp = path.resolve('src/cli/mcp.ts');
    build.onResolve({ filter: /^\.\/mcp$/ }, (args) =>
      path.resolve(args.resolveDir, 'mcp.ts') === mcp ? { path: './mcp/server.js', external: true } : undefined,
    );
  },
};

/**
 * Leaves src/host/main.ts out of the extension's entry as `require('./host.js')`, i.e. dist/host.js: activation
 * loads only the entry (README "Activation").
 */
const hostExternal = {
  name: 'host-external',
  setup(build) {
    const main = path.resolve('src/host/main.ts');
    build.onResolve({ filter: /^\.\/host\/main$/ }, (args) =>
      path.resolve(args.resolveDir, 'host/main.ts') === main ? { path: './host.js', external: true } : undefined,
    );
  },
};

/**
 * What src/core/http.ts takes from undici, and the undici file each comes from. undici's main module loads all of
 * undici (fetch, WebSocket, the mock and cache layers: about half of the bundle); the HTTP layer only dispatches
 * through an Agent or an EnvHttpProxyAgent, so the bundles take those two files and what they require, nothing
 * else (README "Packaging"), plus what undici's main module does to every dispatcher: the request API methods
 * (ProxyAgent opens its tunnel with `connect()`). The build fails if http.ts imports a value from undici that is
 * not listed here.
 */
const UNDICI_PARTS = {
  Agent: 'undici/lib/dispatcher/agent.js',
  EnvHttpProxyAgent: 'undici/lib/dispatcher/env-http-proxy-agent.js',
};

/** `import { … } from 'undici'` in src/core/http.ts resolves to a module of UNDICI_PARTS only. */
const undiciParts = {
  name: 'undici-parts',
  setup(build) {
    const coreHttp = path.resolve('src/core/http.ts');
    build.onResolve({ filter: /^undici$/ }, (args) => {
      if (path.resolve(args.importer) !== coreHttp)
        return { errors: [{ text: `only src/core/http.ts imports undici (imported by ${args.importer})` }] };
      return { path: 'undici', namespace: 'undici-parts' };
    });
    build.onLoad({ filter: /.*/, namespace: 'undici-parts' }, () => {
      const source = fs.readFileSync(coreHttp, 'utf8');
      const m = /import\s*\{([^}]*)\}\s*from\s*'undici'/.exec(source);
      const names = (m ? m[1].split(',') : []).map((n) => n.trim()).filter((n) => n && !n.startsWith('type '));
      const missing = names.filter((n) => !(n in UNDICI_PARTS));
      if (missing.length)
        return {
          errors: [{ text: `src/core/http.ts imports ${missing.join(', ')} from undici: add it to UNDICI_PARTS` }],
        };
      const setup = "Object.assign(require('undici/lib/dispatcher/dispatcher').prototype, require('undici/lib/api'));";
      return {
        contents: [setup, ...names.map((n) => `exports.${n} = require(${JSON.stringify(UNDICI_PARTS[n])});`)].join(
          '\n',
        ),
        resolveDir: __dirname,
        loader: 'js',
      };
    });
  },
};

function listTs(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTs(p));
    else if (/\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) out.push(p);
  }
  return out;
}

async function main() {
  if (tests) {
    // Transpile only (no bundling): out/src/** and out/test/** mirror the sources.
    await esbuild.build({
      entryPoints: [...listTs('src'), ...listTs('test'), ...listTs('bench')],
      outdir: 'out',
      outbase: '.',
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      supported: { 'dynamic-import': false },
      logLevel: 'warning',
    });
    return;
  }
  /** @type {import('esbuild').BuildOptions} */
  const common = {
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    external: ['vscode'],
    // ES module builds first: jsonc-parser's UMD main requires its parts through a wrapper a bundler cannot follow.
    mainFields: ['module', 'main'],
    define: { __VERSION__: JSON.stringify(require('./package.json').version) },
    // `await import('./x')` becomes a lazy require(): undici is loaded only when a request is made.
    supported: { 'dynamic-import': false },
    logLevel: 'silent',
    plugins: [problemMatcherPlugin, undiciParts],
  };
  const contexts = await Promise.all([
    // The extension is three files: its entry dist/extension.js (what activation loads: the command registrations),
    // dist/host.js (everything else, required right after activation or by the first command), and the HTTP layer
    // dist/http.js (undici, required by `await import('./http')` in src/core/transport.ts on the first request).
    // README "Activation".
    esbuild.context({
      ...common,
      entryPoints: ['src/extension.ts'],
      outfile: 'dist/extension.js',
      plugins: [problemMatcherPlugin, undiciParts, hostExternal],
    }),
    esbuild.context({
      ...common,
      entryPoints: ['src/host/main.ts'],
      outfile: 'dist/host.js',
      external: ['vscode', './http'],
    }),
    esbuild.context({ ...common, entryPoints: ['src/core/http.ts'], outfile: 'dist/http.js' }),
    // The CLI shares dist/http.js with the extension: `cdn-purge check`, `plan`, `lint`, `--help` neither read nor
    // compile undici (README "Performance"); `purge`, `status` and `emulator` load it on their first request.
    // The package's `bin` is dist/cli.js, which needs dist/http.js beside it.
    esbuild.context({
      ...common,
      entryPoints: ['src/cli.ts'],
      outfile: 'dist/cli.js',
      plugins: [problemMatcherPlugin, undiciParts, coreHttpExternal, cliMcpExternal],
      banner: { js: '#!/usr/bin/env node' },
    }),
    // `cdn-purge mcp`: dist/mcp/server.js, beside which ../http.js is the shared HTTP layer.
    esbuild.context({
      ...common,
      entryPoints: ['src/cli/mcp.ts'],
      outfile: 'dist/mcp/server.js',
      plugins: [problemMatcherPlugin, coreHttpExternalAt('../http')],
    }),
    // The GitHub Action (action.yml at the root runs it on the runner's Node).
    esbuild.context({ ...common, entryPoints: ['src/action.ts'], outfile: 'dist/action.js' }),
  ]);
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  const results = await Promise.allSettled(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  if (results.some((r) => r.status === 'rejected')) process.exit(1);
  fs.chmodSync('dist/cli.js', 0o755);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
