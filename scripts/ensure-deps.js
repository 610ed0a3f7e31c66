#!/usr/bin/env node
// Installs the project's npm dependencies (`npm ci`) when node_modules is missing or older than package-lock.json,
// so `npm test` and `npm start` work on a fresh clone. Quick no-op otherwise.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { cleanNpmEnv } = require('./lib/clean-env');

const root = path.resolve(__dirname, '..');
const installed = path.join(root, 'node_modules', '.package-lock.json');
const lock = path.join(root, 'package-lock.json');

function stale() {
  if (!fs.existsSync(installed)) return 'node_modules is missing';
  if (fs.statSync(lock).mtimeMs > fs.statSync(installed).mtimeMs + 1000) return 'package-lock.json changed';
  return undefined;
}

const why = stale();
if (why) {
  console.log(`[deps] ${why}: npm ci`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // A clean environment: not the npm_config_* of the `npm test` / `npm start` this runs under.
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env: cleanNpmEnv() });
  if (r.status !== 0) {
    console.error(
      '[deps] FAILED at step "npm ci" (the project\'s dependencies): check that the npm registry can be reached (`npm ping`), then run `npm ci` yourself and read its error.',
    );
    process.exit(r.status ?? 1);
  }
}
