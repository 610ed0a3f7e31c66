// An environment for a nested `npm ci` (the tools, the project's own dependencies) that does not inherit what the
// outer npm exported. Started from `npm test` or `npm start`, npm (running on the machine's Node, e.g. 20) puts
// its whole configuration into the environment as npm_config_* (npm_config_user_agent says "node/v20…"),
// plus npm_lifecycle_*, npm_package_* and its own bin folders on PATH. A nested npm takes those as its own config,
// and code-server's install script reads the Node version from npm_config_user_agent instead of `node -v`, so it
// refuses under Node 24 ("requires node v24 … you are on node v20"). Run directly (`node scripts/…`) nothing is
// inherited, which is how a CI that pre-installs hides it.
//
// Kept: npm settings a machine may need to reach its registry at all (registry, proxies, CA, cache, config
// files). They come from the user's own .npmrc or environment, and the nested npm reads the same .npmrc anyway.
'use strict';
const path = require('node:path');

/** npm_config_* names (lower case, `-` as `_`) that are about reaching the registry, and are kept. */
const KEEP_CONFIG = new Set([
  'registry',
  'proxy',
  'https_proxy',
  'http_proxy',
  'noproxy',
  'no_proxy',
  'cafile',
  'ca',
  'cert',
  'key',
  'strict_ssl',
  'cache',
  'userconfig',
  'globalconfig',
  'fetch_retries',
  'fetch_timeout',
]);

/** Variables npm sets for a lifecycle script that are not npm_config_*. */
const NPM_SCRIPT_VARS = new Set([
  'npm_command',
  'npm_execpath',
  'npm_node_execpath',
  'init_cwd',
  'npm_lifecycle_event',
  'npm_lifecycle_script',
]);

function isNpmVar(name) {
  const k = name.toLowerCase();
  if (k.startsWith('npm_config_')) {
    const setting = k.slice('npm_config_'.length).replace(/-/g, '_');
    // Scoped registries (npm_config_@scope:registry) and auth tokens (//host/:_authToken) are registry access too.
    return !(KEEP_CONFIG.has(setting) || setting.startsWith('@') || setting.startsWith('//'));
  }
  return k.startsWith('npm_lifecycle_') || k.startsWith('npm_package_') || NPM_SCRIPT_VARS.has(k);
}

/** PATH without the folders npm run prepends (every node_modules/.bin above the package, npm's node-gyp-bin). */
function cleanPath(value) {
  if (!value) return value;
  return value
    .split(path.delimiter)
    .filter((dir) => {
      const d = dir.replace(/[\\/]+$/, '');
      return !(d.endsWith(`${path.sep}node_modules${path.sep}.bin`) || d.endsWith(`${path.sep}node-gyp-bin`));
    })
    .join(path.delimiter);
}

/**
 * A copy of `env` fit for a nested npm: no inherited npm_config_* (except registry access), npm_lifecycle_*,
 * npm_package_* or npm's script variables, and PATH without npm's bin folders. `extra` is applied last.
 */
function cleanNpmEnv(env = process.env, extra = {}) {
  const out = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || isNpmVar(k)) continue;
    // npm run also sets NODE to the Node it runs on (the machine's, not the one a nested install should use).
    if (k === 'NODE' && env.npm_node_execpath && v === env.npm_node_execpath) continue;
    out[k] = k === 'PATH' || k === 'Path' ? cleanPath(v) : v;
  }
  return { ...out, ...extra };
}

module.exports = { cleanNpmEnv, cleanPath, isNpmVar };
