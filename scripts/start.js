#!/usr/bin/env node
// `npm start`: the extension in a real VS Code (code-server) against the local emulator, on a fresh machine.
//   1. npm ci when node_modules is missing; npm run build
//   2. the tools (scripts/setup-vscode-tools.js: Node 24, code-server, playwright-core, chromium)
//   3. the emulator (`node dist/cli.js emulator`, on 127.0.0.1:8787 when free)
//   4. code-server with its own state in .vscode-test/start/ (kept between runs; --fresh wipes it): user settings
//      point the extension at the emulator (API bases, emulator URL), CDN_PURGE_EMULATOR_URL makes the extension
//      store the emulator's public test keys in SecretStorage; the extension is installed as a link to this folder
//      (extensions.json points at it), so a rebuild + "Developer: Reload Window" picks up changes
//   5. prints the URL of sample/ to open in a browser; Ctrl-C stops everything it started (process groups)
// Options: --port N (code-server, default 8080 or PORT; a free one if taken; 0 = any free port), --emulator-port N
//   (default 8787), --state-dir DIR (default .vscode-test/start), --watch (esbuild --watch alongside), --fresh
//   (forget the saved state), --no-typecheck (esbuild only),
//   --smoke (open the workbench in headless chromium, check the CDN Purge view is there and that a palette purge
//   reaches the emulator, then stop: for CI and tests; `npm test` runs it)
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const tools = require('./lib/tools');
const { ProcessGroups, reapStragglers, portInUse, freePort, mkdirp } = require('./lib/procs');
const vs = require('./lib/vscode-server');

const repoRoot = tools.repoRoot;
const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const value = (f, d) => {
  const i = argv.indexOf(f);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : d;
};
const known = new Set([
  '--port',
  '--emulator-port',
  '--state-dir',
  '--watch',
  '--fresh',
  '--no-typecheck',
  '--smoke',
  '--help',
  '-h',
]);
for (let i = 0; i < argv.length; i++) {
  if (!known.has(argv[i])) {
    console.error(`[start] unknown option ${argv[i]}; see --help`);
    process.exit(2);
  }
  if (argv[i] === '--port' || argv[i] === '--emulator-port' || argv[i] === '--state-dir') i++;
}
if (flag('--help') || flag('-h')) {
  console.log(
    fs
      .readFileSync(__filename, 'utf8')
      .split('\n')
      .slice(1, 15)
      .map((l) => l.replace(/^\/\/ ?/, ''))
      .join('\n'),
  );
  process.exit(0);
}

const t0 = Date.now();
const log = (m) => console.log(`[start ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const stateDir = path.resolve(value('--state-dir', path.join(repoRoot, '.vscode-test', 'start')));
const groups = new ProcessGroups(log);
let stopping = false;

function step(cmd, args, what) {
  log(`${what}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${what} failed (${cmd} ${args.join(' ')} exited ${r.status ?? r.signal})`);
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  log('stopping code-server, the emulator and everything else this started');
  await groups.killAll(3000);
  // chromium's crashpad helpers (--smoke) leave its process group; they name the smoke profile folder.
  await reapStragglers(path.join(stateDir, 'smoke-profile'), { log });
  fs.rmSync(path.join(stateDir, 'smoke-profile'), { recursive: true, force: true });
  log('stopped');
  process.exit(code);
}

/** Installs the extension as a link: the extensions manifest points at this folder (no copy, no .vsix). */
function linkExtension(extensionsDir) {
  const pj = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const id = `${pj.publisher}.${pj.name}`;
  const manifestFile = path.join(extensionsDir, 'extensions.json');
  let manifest = [];
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch {
    /* none yet */
  }
  manifest = manifest.filter((e) => e.identifier?.id?.toLowerCase() !== id.toLowerCase());
  manifest.push({
    identifier: { id },
    version: pj.version,
    location: { $mid: 1, fsPath: repoRoot, external: `file://${repoRoot}`, path: repoRoot, scheme: 'file' },
    metadata: { installedTimestamp: Date.now(), pinned: true, source: 'vsix' },
  });
  fs.writeFileSync(manifestFile, JSON.stringify(manifest));
  return id;
}

async function main() {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void stop(sig === 'SIGINT' ? 0 : 130));
  process.on('exit', () => groups.killAllSync());

  step(process.execPath, [path.join(__dirname, 'ensure-deps.js')], 'dependencies');
  if (flag('--no-typecheck')) step(process.execPath, ['esbuild.js'], 'building (no type check)');
  else step('npm', ['run', '--silent', 'build'], 'building');
  step(process.execPath, [path.join(__dirname, 'setup-vscode-tools.js')], 'tools');
  const p = tools.requireTools();

  if (flag('--fresh')) fs.rmSync(stateDir, { recursive: true, force: true });
  mkdirp(stateDir);
  const userData = mkdirp(stateDir, 'user-data');
  const extensionsDir = mkdirp(stateDir, 'extensions');
  const env = vs.sandboxEnv(stateDir);

  // The emulator.
  let emulatorPort = Number(value('--emulator-port', process.env.CDN_PURGE_EMULATOR_PORT || 8787));
  if (await portInUse(emulatorPort)) {
    const other = await freePort();
    log(`port ${emulatorPort} is taken: the emulator uses ${other}`);
    emulatorPort = other;
  }
  const emu = await vs.startEmulator({
    groups,
    repoRoot,
    env,
    port: emulatorPort,
    logFile: path.join(stateDir, 'emulator.log'),
    log,
  });
  if (emu.missing) throw new Error(`no emulator: ${emu.missing}`);
  const emulatorUrl = emu.url;
  log(`emulator ${emulatorUrl} (log: ${path.relative(repoRoot, stateDir)}/emulator.log)`);

  // Settings, the extension, code-server.
  vs.seedSettings(userData, vs.emulatorSettings(emulatorUrl));
  const id = linkExtension(extensionsDir);
  log(`extension ${id} linked from ${repoRoot}`);
  if (flag('--watch')) {
    const w = groups.spawn('esbuild --watch', process.execPath, ['esbuild.js', '--watch'], {
      cwd: repoRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    log(`esbuild --watch (process group ${w.pid}): after a rebuild, run "Developer: Reload Window"`);
  }
  let port = Number(value('--port', process.env.PORT || 8080));
  if (await portInUse(port)) {
    const other = await freePort();
    log(`port ${port} is taken: code-server uses ${other}`);
    port = other;
  }
  const sample = path.join(repoRoot, 'sample');
  const cs = await vs.startCodeServer({
    groups,
    tools: p,
    userDataDir: userData,
    extensionsDir,
    folder: sample,
    port,
    // CDN_PURGE_EMULATOR_URL: the extension stores the emulator's test keys (SecretStorage) and uses it.
    env: { ...env, CDN_PURGE_EMULATOR_URL: emulatorUrl },
    logFile: path.join(stateDir, 'code-server.log'),
  });
  const url = `${cs.url}/?folder=${encodeURI(sample)}`;
  cs.child.once('exit', (code, signal) => {
    if (!stopping) {
      log(`code-server exited (${code ?? signal}); see ${path.relative(repoRoot, stateDir)}/code-server.log`);
      void stop(1);
    }
  });
  // startEmulator returns {url, pid, child} (or {url, external} for CDN_PURGE_EMULATOR_URL, which has no child).
  emu.child?.once('exit', (code, signal) => {
    if (!stopping) {
      log(`the emulator exited (${code ?? signal}); see ${path.relative(repoRoot, stateDir)}/emulator.log`);
      void stop(1);
    }
  });

  if (flag('--smoke')) return smoke(p, url, env, emulatorUrl);

  console.log(`
  CDN Purge is running in VS Code (code-server ${cs.port}) against the local emulator (${emulatorUrl}).

      Open ${url}

  On another machine, forward the port first (ssh -L ${cs.port}:127.0.0.1:${cs.port} …). The sample workspace has
  ImageKit and imgix URLs to right-click and purge, and invalid wildcards with quick fixes. Keys: the emulator's
  test keys, stored in VS Code's secret storage. Ctrl-C stops everything.
`);
  await new Promise(() => {}); // until a signal
}

/** The emulator's request log for one provider (GET /_emulator/requests). */
async function emulatorRequests(emulatorUrl, provider) {
  const res = await fetch(`${emulatorUrl}/_emulator/requests?provider=${provider}`);
  if (!res.ok) throw new Error(`GET ${emulatorUrl}/_emulator/requests answered ${res.status}`);
  const body = /** @type {{requests: any[]}} */ (await res.json());
  return body.requests;
}

/**
 * --smoke: the workbench in headless chromium shows the CDN Purge view, and the extension is active against the
 * emulator: "CDN Purge: Purge URL…" from the palette purges a URL, and the emulator receives that purge with the
 * emulator's test key (auth "valid"). Saves .vscode-test/start/smoke.png. Exits 0 only when all of it happened.
 */
const SMOKE_URL = 'https://ik.imagekit.io/demo/images/smoke-test.png';
async function smoke(p, url, env, emulatorUrl) {
  const { startBrowser, closeBrowser } = require('./lib/browser');
  const { page, browser } = await startBrowser({
    groups,
    chromium: p.chromium,
    playwrightDir: p.playwrightDir,
    profileDir: path.join(stateDir, 'smoke-profile'),
    env,
    viewport: { width: 1280, height: 800 },
  });
  let ok = false;
  let stage = 'opening the workbench';
  try {
    await page.goto(url, { timeout: 120000 });
    stage = 'waiting for the CDN Purge icon in the activity bar';
    const icon = page.locator('.part.activitybar .action-item a.action-label[aria-label^="CDN Purge"]');
    await icon.waitFor({ state: 'visible', timeout: 120000 });
    await icon.click();
    stage = 'waiting for the Purge History view';
    await page
      .locator('.part.sidebar .composite.title:has-text("Purge History")')
      .waitFor({ state: 'visible', timeout: 60000 });
    log('smoke: the workbench shows the CDN Purge view');

    stage = 'running "CDN Purge: Purge URL…" from the Command Palette';
    const before = (await emulatorRequests(emulatorUrl, 'imagekit')).length;
    // The palette hides commands gated on workspace trust until the workbench has settled it: reopen until shown.
    const row = page.locator('.quick-input-list .monaco-list-row:has-text("CDN Purge: Purge URL")').first();
    let rows = [];
    for (let tries = 0; ; tries++) {
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 30000 });
      await page.keyboard.type('CDN Purge: Purge URL', { delay: 10 });
      if (
        await row.waitFor({ state: 'visible', timeout: 3000 }).then(
          () => true,
          () => false,
        )
      )
        break;
      rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
      await page.keyboard.press('Escape');
      if (tries >= 20)
        throw new Error(
          `the palette has no "CDN Purge: Purge URL…"; it showed: ${rows.map((r) => r.replace(/\s+/g, ' ')).join(' | ') || 'nothing'}`,
        );
      await new Promise((r) => setTimeout(r, 1000));
    }
    await page.keyboard.press('Enter');
    stage = 'typing a URL into the Purge URL input box';
    const box = page.locator('.quick-input-widget:has(.quick-input-title:has-text("Purge URL")) input');
    await box.waitFor({ state: 'visible', timeout: 30000 });
    // fill() sets the whole value at once: keys typed while the box is still taking focus would be lost.
    await box.fill(SMOKE_URL);
    const typed = await box.inputValue();
    if (typed !== SMOKE_URL) throw new Error(`the input box holds "${typed}", not ${SMOKE_URL}`);
    await box.press('Enter');

    stage = `waiting for the emulator (${emulatorUrl}) to receive the purge`;
    const deadline = Date.now() + 60000;
    let purge;
    while (!purge && Date.now() < deadline) {
      const list = await emulatorRequests(emulatorUrl, 'imagekit');
      purge = list.slice(before).find((r) => r.method === 'POST' && r.body && r.body.url === SMOKE_URL);
      if (!purge) await new Promise((r) => setTimeout(r, 250));
    }
    if (!purge) throw new Error(`the emulator received no purge of ${SMOKE_URL} within 60 s`);
    if (purge.auth !== 'valid' || purge.status !== 201)
      throw new Error(
        `the emulator answered the purge with ${purge.status} (auth ${purge.auth}), not 201 with the test key`,
      );
    stage = 'waiting for the purge in the history view';
    await page
      .locator('.part.sidebar .monaco-list-row:has-text("smoke-test.png")')
      .first()
      .waitFor({ state: 'visible', timeout: 30000 });
    const shot = path.join(stateDir, 'smoke.png');
    await page.screenshot({ path: shot });
    log(
      `smoke: the extension is active against the emulator: it purged ${SMOKE_URL} (HTTP ${purge.status}) (${path.relative(repoRoot, shot)})`,
    );
    ok = true;
  } catch (e) {
    log(`smoke: FAILED while ${stage}: ${e.message.split('\n')[0]}`);
    const shot = path.join(stateDir, 'smoke-failure.png');
    await page.screenshot({ path: shot }).catch(() => {});
    log(`smoke: see ${path.relative(repoRoot, shot)} and ${path.relative(repoRoot, stateDir)}/code-server.log`);
  }
  await closeBrowser(browser);
  await stop(ok ? 0 : 1);
}

main().catch(async (e) => {
  console.error(`[start] FAILED: ${e.message}`);
  await stop(1);
});
