// `npm ci` of a committed manifest + lockfile into an install folder, as the tools setup and the project's own
// dependency step run it: always in an environment cleaned of the outer npm's variables (lib/clean-env.js).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { cleanNpmEnv } = require('./clean-env');

/**
 * Copies `source`/package.json and package-lock.json into `dir` and runs `npm ci` there with `env` cleaned of
 * npm_config_* (but registry access), npm_lifecycle_*, npm_package_* and npm's PATH entries. Throws on failure.
 * `log` gets the command line; npm's own output goes to `stdio` (inherited by default).
 * @param {{source: string, dir: string, env?: NodeJS.ProcessEnv, log?: (line: string) => void, stdio?: 'inherit' | 'pipe'}} o
 */
function npmCi({ source, dir, env = process.env, log = () => {}, stdio = 'inherit' }) {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(source, f), path.join(dir, f));
  const argv = ['ci', '--no-audit', '--no-fund', '--no-update-notifier'];
  log(`$ npm ${argv.join(' ')}   (in ${dir}, without the outer npm's npm_config_* variables)`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, argv, { cwd: dir, env: cleanNpmEnv(env), stdio, encoding: 'utf8' });
  if (r.error) throw new Error(`npm could not start: ${r.error.message}`);
  if (r.status !== 0) {
    const out = stdio === 'pipe' ? `\n${String(r.stdout).slice(-2000)}${String(r.stderr).slice(-2000)}` : '';
    throw new Error(`npm ci in ${dir} failed (exit ${r.status ?? r.signal}).${out}`);
  }
}

module.exports = { npmCi };
