#!/usr/bin/env node
// Runs the integration suites (test/integration/, compiled into out/test/integration/) inside a real VS Code.
//
// Default (code-server): starts the emulator and, per phase, code-server on a free loopback port with throw-away
// user data, extensions, workspace (a copy of sample/) and HOME/XDG/TMPDIR folders, and opens the workbench in
// headless chromium (playwright-core over the DevTools protocol) with the test payload (extensionDevelopmentPath +
// extensionTestsPath). The suites run in the extension host; a suite can ask this runner for UI actions and
// screenshots through a small control server on loopback (test/integration/harness.ts, `ui`).
//   phase "dev":      the extension from this folder (dist/extension.js), all suites but the opt-in folders
//   phase "packaged": `npm run package`, the .vsix installed with --install-extension, suite test/integration/packaged
// Prints `integration (VS Code X.Y.Z): N passed, N failed`, ends every process it started (process groups, never
// by name) and exits 0 only when every test passed: 1 on test failures, 2 on a timeout or a runner error.
//
// With VSCODE_EXECUTABLE (a desktop VS Code) or --electron, the same phases run through @vscode/test-electron
// instead (no browser: suites in describeUi() are left out, and reported).
//
// Usage: node scripts/run-integration.js [options]    (build first: npm run build && node esbuild.js --tests)
//   --suite NAME        run only test/integration/NAME/ in the dev phase (e.g. screenshots)
//   --grep REGEX        only tests whose full title matches (no packaged phase unless --packaged-only)
//   --no-packaged       skip the packaged phase          --packaged-only   only the packaged phase
//   --no-start-smoke    skip the last check, `npm start -- --smoke` (also left out with --suite or --grep)
//   --vsix FILE         test this .vsix instead of running `npm run package`
//   --screenshots [DIR] the screenshots suite, saving PNGs into DIR (default media/screenshots); no packaged phase
//   --electron          use @vscode/test-electron with VSCODE_EXECUTABLE
//   --timeout MS        per phase (default 1500000, or CDN_PURGE_IT_TIMEOUT_MS)
//   --keep              keep the run folder (logs, user data) and print where it is
//   --verbose           also print the browser console and every extension-host log line
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { format } = require('node:util');
const tools = require('./lib/tools');
const { ProcessGroups, reapStragglers, mkdirp } = require('./lib/procs');
const { startBrowser, closeBrowser } = require('./lib/browser');
const vs = require('./lib/vscode-server');

const repoRoot = tools.repoRoot;
const RESULT_MARKER = 'CDN-PURGE-TESTS-DONE';
const LOG_TAG = 'ext| '; // test/integration/index.ts tags the extension host's console lines while tests run
const EXTENSION_ID = 'cdn-purge.cdn-purge';

// ------------------------------------------------------------------------------------------------ options
/**
 * @typedef {{suite?: string, grep?: string, packaged: boolean, dev: boolean, startSmoke: boolean, vsix?: string, screenshots?: string, electron: boolean, keep: boolean, verbose: boolean, timeoutMs: number}} RunOptions
 * @param {string[]} argv
 * @returns {RunOptions}
 */
function parseArgs(argv) {
  /** @type {RunOptions} */
  const o = {
    suite: undefined,
    grep: undefined,
    packaged: true,
    dev: true,
    startSmoke: true,
    vsix: undefined,
    screenshots: undefined,
    electron: false,
    keep: false,
    verbose: !!process.env.VERBOSE,
    timeoutMs: Number(process.env.CDN_PURGE_IT_TIMEOUT_MS) || 1500000,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--suite') o.suite = value();
    else if (a === '--grep') o.grep = value();
    else if (a === '--no-packaged') o.packaged = false;
    else if (a === '--no-start-smoke') o.startSmoke = false;
    else if (a === '--packaged-only') o.dev = false;
    else if (a === '--vsix') o.vsix = path.resolve(value());
    else if (a === '--screenshots') {
      o.screenshots =
        argv[i + 1] && !argv[i + 1].startsWith('--')
          ? path.resolve(argv[++i])
          : path.join(repoRoot, 'media', 'screenshots');
      o.suite = 'screenshots';
      o.packaged = false;
    } else if (a === '--electron') o.electron = true;
    else if (a === '--timeout') o.timeoutMs = Number(value());
    else if (a === '--keep') o.keep = true;
    else if (a === '--verbose') o.verbose = true;
    else if (a === '--help' || a === '-h') {
      console.log(
        fs
          .readFileSync(__filename, 'utf8')
          .split('\n')
          .slice(1, 30)
          .map((l) => l.replace(/^\/\/ ?/, ''))
          .join('\n'),
      );
      process.exit(0);
    } else fail(`unknown option ${a} (see --help)`);
  }
  if (process.env.VSCODE_EXECUTABLE) o.electron = true;
  if (o.suite || o.grep || !o.dev || o.electron) o.startSmoke = false;
  // A title filter is for the suites of this folder; the packaged suite runs only when asked for (--packaged-only).
  if (o.grep && o.dev) o.packaged = false;
  if (o.electron && !process.env.VSCODE_EXECUTABLE)
    fail(
      '--electron needs VSCODE_EXECUTABLE: the path of a desktop VS Code executable (@vscode/test-electron cannot download one offline).',
    );
  if (o.electron && o.screenshots) fail('--screenshots needs the browser (code-server); unset VSCODE_EXECUTABLE.');
  if (!Number.isFinite(o.timeoutMs) || o.timeoutMs <= 0) fail('--timeout needs a number of milliseconds');
  return o;
}

function fail(msg) {
  console.error(`[it] ${msg}`);
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
const t0 = Date.now();
const secs = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const log = (m) => console.log(`[it ${secs()}] ${m}`);

// ------------------------------------------------------------------------------------------------ state
const groups = new ProcessGroups(log);
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdn-purge-it-'));
const artifactsRoot = path.join(repoRoot, '.vscode-test', 'artifacts');
// Everything this process writes to a temp folder (playwright's too) lands in the run folder, removed at the end.
process.env.TMPDIR = mkdirp(runDir, 'tmp');
/** @type {{page: any, screenshotsDir: string | undefined}} */
let current = { page: undefined, screenshotsDir: undefined }; // the phase being run, for the control server
let stopping = false;

process.on('exit', () => groups.killAllSync());
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping everything this run started`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function cleanup() {
  await groups.killAll(3000);
  await reapStragglers(runDir, { log });
  if (controlServer) await new Promise((r) => controlServer.close(r));
  if (opts.keep) log(`kept the run folder ${runDir}`);
  else fs.rmSync(runDir, { recursive: true, force: true });
}

// ------------------------------------------------------------------------------------------------ control server
// POST /ui {op, ...} from the extension host (test/integration/harness.ts): playwright actions on the current page.
let controlServer;
async function startControlServer() {
  controlServer = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/ui') {
      res.writeHead(404).end();
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    const answer = async () => {
      let reply;
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (opts.verbose) log(`ui ${JSON.stringify(body)}`);
        reply = { ok: true, result: await uiAction(body) };
      } catch (e) {
        reply = {
          ok: false,
          error: String(e && e.message ? e.message : e)
            // eslint-disable-next-line no-control-regex
            .replace(/\u001b\[[0-9;]*m/g, '')
            .split('\n')
            .slice(0, 6)
            .join('\n'),
        };
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply ?? { ok: true }));
    };
    req.on('end', () => void answer());
  });
  await new Promise((resolve) => controlServer.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${controlServer.address().port}`;
}

async function uiAction(b) {
  const page = current.page;
  if (!page) throw new Error('no page is open');
  const timeout = b.timeoutMs ?? 30000;
  const loc = () => {
    const l = page.locator(b.selector);
    return b.nth === -1 ? l.last() : l.nth(b.nth ?? 0);
  };
  switch (b.op) {
    case 'click':
      return void (await loc().click({
        button: b.button,
        clickCount: b.clickCount,
        position: b.position,
        modifiers: b.modifiers,
        timeout,
      }));
    case 'hover':
      return void (await loc().hover({ timeout }));
    case 'mouse':
      if (b.action === 'move') return void (await page.mouse.move(b.x, b.y));
      return void (await page.mouse.click(b.x, b.y, { button: b.button || 'left' }));
    case 'drag':
      await page.mouse.move(b.from.x, b.from.y);
      await page.mouse.down();
      await page.mouse.move(b.to.x, b.to.y, { steps: 10 });
      return void (await page.mouse.up());
    case 'press':
      return void (await page.keyboard.press(b.key));
    case 'type':
      return void (await page.keyboard.type(b.text, { delay: 20 }));
    case 'waitFor':
      return void (await page
        .locator(b.selector)
        .first()
        .waitFor({ state: b.state || 'visible', timeout }));
    case 'count':
      return page.locator(b.selector).count();
    case 'texts':
      return page.locator(b.selector).allInnerTexts();
    case 'attributes':
      return page.locator(b.selector).evaluateAll((els, name) => els.map((e) => e.getAttribute(name)), b.name);
    case 'box':
      return loc().boundingBox({ timeout });
    case 'screenshot': {
      if (!/^[\w.-]+$/.test(b.name || ''))
        throw new Error(`screenshot name must be letters, digits, . _ -, not ${JSON.stringify(b.name)}`);
      const dir = mkdirp(current.screenshotsDir);
      const file = path.join(dir, `${b.name}.png`);
      if (b.selector) await loc().screenshot({ path: file, timeout });
      else await page.screenshot({ path: file });
      log(`screenshot ${path.relative(process.cwd(), file)}`);
      return file;
    }
    default:
      throw new Error(`unknown ui op ${JSON.stringify(b.op)}`);
  }
}

// ------------------------------------------------------------------------------------------------ helpers
function copyDir(from, to) {
  fs.cpSync(from, to, { recursive: true, dereference: true });
}

function testSettings(emulatorUrl) {
  // Optional test/integration/settings.json: extra user settings for every test window; "${emulatorUrl}" is replaced.
  const file = path.join(repoRoot, 'test', 'integration', 'settings.json');
  if (!fs.existsSync(file)) return {};
  const text = fs.readFileSync(file, 'utf8').replaceAll('${emulatorUrl}', emulatorUrl || '');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`test/integration/settings.json is not valid JSON (${e.message})`, { cause: e });
  }
}

let vsixPath;
function ensureVsix() {
  if (vsixPath) return vsixPath;
  if (opts.vsix) {
    if (!fs.existsSync(opts.vsix)) throw new Error(`--vsix ${opts.vsix} does not exist`);
    return (vsixPath = opts.vsix);
  }
  log('packaging: npm run package');
  const r = spawnSync('npm', ['run', '--silent', 'package'], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0) throw new Error(`npm run package failed (${r.status}):\n${out.trim().slice(-3000)}`);
  const m = out.match(/Packaged: (\S+\.vsix)/);
  vsixPath = m ? path.resolve(repoRoot, m[1]) : path.join(repoRoot, 'cdn-purge.vsix');
  if (!fs.existsSync(vsixPath))
    throw new Error(`npm run package did not leave ${vsixPath}:\n${out.trim().slice(-2000)}`);
  log(`packaged ${path.relative(repoRoot, vsixPath)} (${(fs.statSync(vsixPath).size / 1024).toFixed(0)} KB)`);
  return vsixPath;
}

function installedFolder(manifest) {
  const entry = manifest.find((e) => e.identifier && e.identifier.id.toLowerCase() === EXTENSION_ID);
  if (!entry)
    throw new Error(
      `the .vsix did not install ${EXTENSION_ID} (extensions.json: ${JSON.stringify(manifest).slice(0, 400)})`,
    );
  return entry.location.fsPath || entry.location.path;
}

function readResults(file, markerLine) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    /* fall back to the marker line */
  }
  if (markerLine) {
    try {
      return JSON.parse(markerLine.slice(markerLine.indexOf(RESULT_MARKER) + RESULT_MARKER.length).trim());
    } catch {
      /* none */
    }
  }
  return undefined;
}

/** Lines of the extension host that are noise in a test run (shutdown errors, features that are off). */
const NOISE =
  /integration test\(s\) failed|AgentHost|ChatModelSelection|vsda|\[File Watcher|Canceled|ERR_ABORTED|punycode|telemetry|experimentation/i;

function saveArtifacts(phase, dir, extra = {}) {
  // Keep the 20 newest failed runs' artifacts.
  if (fs.existsSync(artifactsRoot))
    for (const old of fs.readdirSync(artifactsRoot).sort().reverse().slice(19))
      fs.rmSync(path.join(artifactsRoot, old), { recursive: true, force: true });
  const dest = mkdirp(artifactsRoot, `${new Date().toISOString().replace(/[:.]/g, '-')}-${phase}`);
  for (const [name, from] of Object.entries({
    'code-server.log': path.join(dir, 'code-server.log'),
    logs: path.join(dir, 'user-data', 'logs'),
    'runner.log': path.join(dir, 'runner.log'),
    ...extra,
  })) {
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dest, name), { recursive: true });
  }
  return dest;
}

/** A phase's throw-away folders: user data, extensions, a copy of sample/ as its workspace, its results file. */
function phaseDirs(phase) {
  const dir = mkdirp(runDir, phase.name);
  const workspace = path.join(dir, 'workspace');
  copyDir(path.join(repoRoot, 'sample'), workspace);
  return {
    dir,
    userData: mkdirp(dir, 'user-data'),
    extensionsDir: mkdirp(dir, 'extensions'),
    workspace,
    resultsFile: path.join(dir, 'results.json'),
  };
}

// ------------------------------------------------------------------------------------------------ a phase in code-server
async function runPhaseCodeServer(phase, shared) {
  const p = tools.requireTools();
  const { dir, userData, extensionsDir, workspace, resultsFile } = phaseDirs(phase);
  const runnerLog = fs.createWriteStream(path.join(dir, 'runner.log'));
  const env = vs.sandboxEnv(dir, {
    CDN_PURGE_RESULTS_FILE: resultsFile,
    CDN_PURGE_TEST_WORKSPACE: workspace,
    CDN_PURGE_RUNNER_URL: shared.controlUrl,
    ...(shared.emulatorUrl ? { CDN_PURGE_TEST_EMULATOR_URL: shared.emulatorUrl } : {}),
    ...(phase.suite ? { CDN_PURGE_SUITE: phase.suite } : {}),
    ...(opts.grep ? { CDN_PURGE_GREP: opts.grep } : {}),
  });
  delete env.CDN_PURGE_EMULATOR_URL; // that one makes the extension store the emulator's keys by itself (npm start)
  vs.seedSettings(userData, { ...vs.emulatorSettings(shared.emulatorUrl), ...testSettings(shared.emulatorUrl) });

  let extDir = repoRoot;
  if (phase.packaged) {
    const manifest = vs.installVsix({ tools: p, vsix: ensureVsix(), userDataDir: userData, extensionsDir, env });
    extDir = installedFolder(manifest);
    env.CDN_PURGE_EXPECT_EXTENSION_PATH = extDir;
    env.CDN_PURGE_VSIX = ensureVsix();
    log(`${phase.name}: installed into ${path.relative(runDir, extDir)}`);
  }

  const cs = await vs.startCodeServer({
    groups,
    tools: p,
    userDataDir: userData,
    extensionsDir,
    env,
    logFile: path.join(dir, 'code-server.log'),
    // The workbench honours the test payload in the URL only with the smoke-test driver enabled.
    extraArgs: ['--vscode-option', 'enable-smoke-test-driver'],
  });
  log(`${phase.name}: code-server ${cs.url} (process group ${cs.pid})`);
  const {
    page,
    browser,
    pid: browserPid,
  } = await startBrowser({
    groups,
    chromium: p.chromium,
    playwrightDir: p.playwrightDir,
    profileDir: path.join(dir, 'chromium-profile'),
    env,
    viewport: phase.viewport,
    logFile: path.join(dir, 'chromium.log'),
  });
  log(`${phase.name}: chromium (process group ${browserPid})`);
  current = { page, screenshotsDir: phase.screenshotsDir };

  let finish;
  const finished = new Promise((r) => (finish = r));
  let markerLine;
  page.on('crash', () => finish({ kind: 'crash' }));
  page.on('pageerror', (e) => opts.verbose && log(`[pageerror] ${e.message}`));
  if (opts.verbose) page.on('console', (m) => log(`[browser ${m.type()}] ${m.text()}`));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const msg = Array.isArray(args) ? format(...args) : String(args);
    runnerLog.write(`[${type}] ${msg}\n`);
    if (process.env.CDN_PURGE_DEBUG_LOG) runnerLog.write(`  raw: ${JSON.stringify(args)}\n`);
    // The test run's own lines (tagged) are shown; of the workbench's, only errors that are not known noise.
    const showWorkbench = opts.verbose || (type === 'error' && !NOISE.test(msg));
    for (const line of msg.split('\n')) {
      if (line.includes(RESULT_MARKER)) markerLine = line;
      else if (line.startsWith(LOG_TAG)) console.log(`  ${line.slice(LOG_TAG.length)}`);
      else if (showWorkbench) console.log(`  [workbench ${type}] ${line}`);
    }
  });
  await page.exposeFunction('codeAutomationExit', (code) => finish({ kind: 'exit', code }));

  const remote = (f) => `vscode-remote://127.0.0.1:${cs.port}${f}`;
  /** @type {[string, string][]} */
  const payload = [
    ['extensionDevelopmentPath', remote(extDir)],
    ['extensionTestsPath', remote(path.join(repoRoot, 'out', 'test', 'integration', 'index.js'))],
    ['skipWelcome', 'true'],
  ];
  const url = `${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const timer = setTimeout(() => finish({ kind: 'timeout' }), opts.timeoutMs);
  const csWatch = setInterval(
    () => cs.child.exitInfo && finish({ kind: 'code-server-exit', info: cs.child.exitInfo }),
    500,
  );
  await page.goto(url, { timeout: 120000 });
  log(`${phase.name}: workbench loaded, tests running`);
  const end = await finished;
  clearTimeout(timer);
  clearInterval(csWatch);

  const results = readResults(resultsFile, markerLine);
  const outcome = { phase: phase.name, end, results, timedOut: end.kind === 'timeout' };
  if (end.kind !== 'exit')
    log(
      `${phase.name}: ${end.kind === 'timeout' ? `TIMEOUT after ${opts.timeoutMs / 1000}s` : end.kind === 'crash' ? 'the page crashed' : `code-server exited (${JSON.stringify(end.info)})`}`,
    );
  const failed = !results || results.failed > 0 || end.kind !== 'exit' || end.code !== 0;
  if (failed) {
    const shot = path.join(dir, 'failure.png');
    if (end.kind !== 'crash') await page.screenshot({ path: shot, timeout: 10000 }).catch(() => {});
    runnerLog.end();
    outcome.artifacts = saveArtifacts(phase.name, dir, { 'failure.png': shot });
  } else runnerLog.end();
  current = { page: undefined, screenshotsDir: undefined };
  await closeBrowser(browser);
  await groups.kill(browserPid, 3000);
  await groups.kill(cs.pid, 3000);
  await reapStragglers(dir, { log });
  return outcome;
}

// ------------------------------------------------------------------------------------------------ a phase in desktop VS Code
async function runPhaseElectron(phase, shared) {
  const exe = process.env.VSCODE_EXECUTABLE;
  const { dir, userData, extensionsDir, workspace, resultsFile } = phaseDirs(phase);
  vs.seedSettings(userData, { ...vs.emulatorSettings(shared.emulatorUrl), ...testSettings(shared.emulatorUrl) });
  // A throw-away HOME/XDG/TMPDIR, and none of an enclosing VS Code's variables (F5 from a desktop VS Code sets some).
  const env = vs.sandboxEnv(dir);
  delete env.CDN_PURGE_EMULATOR_URL;
  /** @type {NodeJS.ProcessEnv} */
  const testsEnv = {
    CDN_PURGE_RESULTS_FILE: resultsFile,
    CDN_PURGE_TEST_WORKSPACE: workspace,
    ...(shared.emulatorUrl ? { CDN_PURGE_TEST_EMULATOR_URL: shared.emulatorUrl } : {}),
    ...(phase.suite ? { CDN_PURGE_SUITE: phase.suite } : {}),
    ...(opts.grep ? { CDN_PURGE_GREP: opts.grep } : {}),
  };
  let extDir = repoRoot;
  if (phase.packaged) {
    const { resolveCliArgsFromVSCodeExecutablePath } = require('@vscode/test-electron');
    // reuseMachineInstall: no default --user-data-dir/--extensions-dir from test-electron; ours follow.
    const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(/** @type {string} */ (exe), {
      reuseMachineInstall: true,
    });
    const r = spawnSync(
      cli,
      [
        ...cliArgs,
        '--user-data-dir',
        userData,
        '--extensions-dir',
        extensionsDir,
        '--install-extension',
        ensureVsix(),
        '--force',
      ],
      { encoding: 'utf8', timeout: 120000, env },
    );
    if (r.status !== 0)
      throw new Error(
        `${cli} --install-extension failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || '').trim()}`,
      );
    extDir = installedFolder(JSON.parse(fs.readFileSync(path.join(extensionsDir, 'extensions.json'), 'utf8')));
    testsEnv.CDN_PURGE_EXPECT_EXTENSION_PATH = extDir;
    testsEnv.CDN_PURGE_VSIX = ensureVsix();
  }
  // @vscode/test-electron's runTests in a child of our own process group, so a timeout ends VS Code and its helpers.
  const job = {
    vscodeExecutablePath: exe,
    extensionDevelopmentPath: extDir,
    extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index.js'),
    launchArgs: [
      workspace,
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensionsDir,
      '--disable-telemetry',
      '--disable-extensions',
    ],
    extensionTestsEnv: testsEnv,
  };
  const child = groups.spawn(
    `VS Code (${phase.name})`,
    process.execPath,
    [path.join(__dirname, 'lib', 'electron-run.js'), JSON.stringify(job)],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot, env },
  );
  let markerLine;
  const onLine = (line) => {
    if (line.includes(RESULT_MARKER)) markerLine = line;
    else if (line.startsWith(LOG_TAG)) console.log(`  ${line.slice(LOG_TAG.length)}`);
    else if (opts.verbose || /error|fail/i.test(line)) console.log(`  [vscode] ${line}`);
  };
  for (const s of [child.stdout, child.stderr]) {
    let buf = '';
    s?.on('data', (d) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      lines.forEach(onLine);
    });
  }
  const end = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'timeout' }), opts.timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ kind: 'exit', code: code ?? signal });
    });
  });
  await groups.kill(child.pid, 3000);
  await reapStragglers(dir, { log });
  const results = readResults(resultsFile, markerLine);
  if (end.kind === 'timeout') log(`${phase.name}: TIMEOUT after ${opts.timeoutMs / 1000}s`);
  return { phase: phase.name, end, results, timedOut: end.kind === 'timeout' };
}

// ------------------------------------------------------------------------------------------------ npm start -- --smoke
const START_SMOKE_TITLE =
  'npm start -- --smoke: the workbench opens with the CDN Purge view, and a palette purge reaches the emulator';

/**
 * README's `npm start`, run from npm exactly as a user types it (with --smoke, its own state folder and free
 * ports), so that it cannot break silently again. One test in the totals.
 */
async function runStartSmoke() {
  const stateDir = mkdirp(runDir, 'start');
  const logFile = path.join(stateDir, 'npm-start.log');
  const args = [
    'start',
    '--',
    '--smoke',
    '--no-typecheck',
    '--state-dir',
    stateDir,
    '--port',
    '0',
    '--emulator-port',
    '0',
  ];
  log(`phase start-smoke: npm ${args.join(' ')}`);
  const out = fs.createWriteStream(logFile);
  const child = groups.spawn('npm start --smoke', 'npm', args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CDN_PURGE_EMULATOR_URL: '' },
  });
  let text = '';
  for (const s of [child.stdout, child.stderr]) {
    s?.on('data', (d) => {
      text += d.toString();
      out.write(d);
    });
  }
  const end = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'timeout' }), Math.min(opts.timeoutMs, 300000));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ kind: 'exit', code: code ?? signal });
    });
  });
  out.end();
  await groups.kill(child.pid, 3000);
  await reapStragglers(stateDir, { log });
  const smokeLines = text.split('\n').filter((l) => /smoke:/.test(l));
  for (const l of smokeLines) console.log(`  ${l.trim()}`);
  const passed =
    end.kind === 'exit' &&
    end.code === 0 &&
    smokeLines.some((l) => /the extension is active against the emulator/.test(l));
  const outcome = {
    phase: 'start-smoke',
    end,
    results: {
      passed: passed ? 1 : 0,
      failed: passed ? 0 : 1,
      failures: passed
        ? []
        : [
            {
              title: START_SMOKE_TITLE,
              error:
                end.kind === 'timeout'
                  ? 'timed out'
                  : `npm start exited ${end.code}: ${text.trim().split('\n').slice(-3).join(' | ')}`,
            },
          ],
    },
  };
  console.log(`  ${passed ? '✔' : '✘'} ${START_SMOKE_TITLE}`);
  if (!passed) {
    outcome.artifacts = saveArtifacts('start-smoke', stateDir, {
      'npm-start.log': logFile,
      'smoke-failure.png': path.join(stateDir, 'smoke-failure.png'),
    });
  }
  return outcome;
}

// ------------------------------------------------------------------------------------------------ main
// ------------------------------------------------------------------------------------------------ key hygiene
// The keys the suites purge with: the emulator's test keys (src/core/providers/<id>/index.ts), which the
// suites store through Use Local Emulator, and the key test/integration/keys.test.ts types (its pattern).
const SENTINEL_KEYS = ['private_emulator_test_key_imagekit', 'emulator_test_key_imgix'];
const SENTINEL_PATTERNS = [/imgix_test_[a-z0-9]+_secret/];
const HYGIENE_TITLE = 'key hygiene: no form of a key in any file the run left, the settings files or the .vsix';

/**
 * The final check, one test in the totals: the run folder (every phase's user data: logs, output channels,
 * global and workspace state with the history and the quota, settings files; the workspace) and the .vsix are
 * searched for every form of the sentinel keys. Left out, by design: the emulator's own log (it prints its public
 * test keys when it starts) and SecretStorage's database, where keys belong. CDN_PURGE_HYGIENE_PLANT=1 plants a
 * leak first, to see the check fail.
 */
async function keyHygiene() {
  const { listFiles, scanForKeys, describeForm } = require('./lib/key-hygiene');
  if (process.env.CDN_PURGE_HYGIENE_PLANT === '1') {
    const b = Buffer.from(`${SENTINEL_KEYS[0]}:`).toString('base64');
    fs.writeFileSync(path.join(mkdirp(runDir, 'planted'), 'output.log'), `Authorization: Basic ${b}\n`);
  }
  // The emulators' own logs (the runner's, npm start's): they print their public test keys when they start.
  const isEmulatorLog = (f) => f === path.join(runDir, 'emulator') || path.basename(f) === 'emulator.log';
  const roots = [runDir, ...(vsixPath && fs.existsSync(vsixPath) ? [vsixPath] : [])];
  const r = await scanForKeys({
    roots,
    keys: SENTINEL_KEYS,
    skip: (f) => isEmulatorLog(f) || isSecretStore(f),
  });
  const patternLeaks = [];
  for (const f of listFiles([runDir], (p) => isEmulatorLog(p) || isSecretStore(p)))
    for (const re of SENTINEL_PATTERNS) if (re.test(fs.readFileSync(f, 'latin1'))) patternLeaks.push(f);
  // The shipped extension (the .vsix and its installed folder) defines the emulator's public test keys and its
  // README documents them: there the key as written is expected; any encoded form (base64, URL) is a leak.
  const shipped = (f) => /\.vsix!\/|[\\/]extensions[\\/]cdn-purge\.[^\\/]+[\\/]/.test(f);
  r.leaks = r.leaks.filter((l) => !(shipped(l.file) && l.form === SENTINEL_KEYS[l.key]));
  const leaks = [
    ...r.leaks.map((l) => `${path.relative(runDir, l.file)}: ${describeForm(l.form)}`),
    ...patternLeaks.map((f) => `${path.relative(runDir, f)}: the typed test key`),
  ];
  const passed = leaks.length === 0;
  console.log(`  ${passed ? '✔' : '✘'} ${HYGIENE_TITLE}`);
  log(
    `key hygiene: ${r.files} files (${(r.bytes / 1024 / 1024).toFixed(1)} MB${vsixPath ? ', the .vsix included' : ''}), ${r.forms} forms of ${SENTINEL_KEYS.length} keys: ${passed ? 'none found' : `${leaks.length} found`}`,
  );
  for (const l of leaks.slice(0, 20)) log(`  LEAK ${l}`);
  return { passed, leaks };
}

/** VS Code's secret storage: the state database's secret entries are where keys are meant to be. */
function isSecretStore(file) {
  return /[\\/]secrets?[\\/]|\.secrets?$/i.test(file);
}

async function main() {
  const out = path.join(repoRoot, 'out', 'test', 'integration', 'index.js');
  if (!fs.existsSync(out))
    throw new Error(
      `${path.relative(repoRoot, out)} is missing: run \`npm run build && node esbuild.js --tests\` first (npm run test:integration does).`,
    );
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js')))
    throw new Error('dist/extension.js is missing: run `npm run build` first.');
  if (!opts.electron) {
    const missing = tools.missingTools();
    if (missing.length) throw new Error(`missing ${missing.join(', ')}: run \`npm run tools:setup\` first.`);
  }
  log(
    `run folder ${runDir}; ${opts.electron ? `desktop VS Code ${process.env.VSCODE_EXECUTABLE} via @vscode/test-electron` : `code-server (VS Code ${tools.vscodeVersionOnDisk() || '?'}) in headless chromium`}`,
  );

  const emu = await vs.startEmulator({
    groups,
    repoRoot,
    env: vs.sandboxEnv(mkdirp(runDir, 'emulator')),
    logFile: path.join(runDir, 'emulator', 'emulator.log'),
    log,
  });
  if (emu.url) log(`emulator ${emu.url}${emu.pid ? ` (process group ${emu.pid})` : ''}`);
  else log(`WARNING: no emulator (${emu.missing}); suites that need one will fail with a clear error`);
  const controlUrl = opts.electron ? undefined : await startControlServer();
  const shared = { emulatorUrl: emu.url, controlUrl };

  const phases = [];
  if (opts.dev)
    phases.push({
      name: opts.suite ? opts.suite : 'dev',
      suite: opts.suite,
      screenshotsDir: opts.screenshots || path.join(runDir, 'screenshots'),
      viewport: opts.screenshots ? { width: 1280, height: 800 } : { width: 1400, height: 900 },
    });
  if (opts.packaged)
    phases.push({
      name: 'packaged',
      suite: 'packaged',
      packaged: true,
      screenshotsDir: path.join(runDir, 'screenshots'),
      viewport: { width: 1400, height: 900 },
    });

  const outcomes = [];
  for (const phase of phases) {
    if (stopping) break;
    log(
      `phase ${phase.name}: ${phase.packaged ? 'the packaged .vsix' : 'the extension from this folder'}${phase.suite ? `, suite ${phase.suite}` : ''}`,
    );
    try {
      outcomes.push(await (opts.electron ? runPhaseElectron : runPhaseCodeServer)(phase, shared));
    } catch (e) {
      log(`${phase.name}: ERROR ${e.stack || e.message}`);
      outcomes.push({ phase: phase.name, error: e.message });
      break; // a broken setup would break the next phase the same way
    }
  }

  if (opts.startSmoke && !stopping && outcomes.length === phases.length && !outcomes.some((o) => o.error)) {
    // The runner's emulator and browsers are not needed by it: npm start brings its own.
    outcomes.push(await runStartSmoke());
  }

  let passed = 0;
  let failed = 0;
  let version;
  let infraError = false;
  for (const o of outcomes) {
    const r = o.results;
    if (r) {
      passed += r.passed;
      failed += r.failed;
      version ??= r.vscodeVersion;
    }
    const endedBy =
      o.end?.kind === 'timeout'
        ? 'TIMEOUT'
        : o.end?.kind === 'crash'
          ? 'the page crashed'
          : o.end?.kind === 'code-server-exit'
            ? 'code-server exited'
            : `exit code ${o.end?.code}`;
    const problem = o.error
      ? `runner error: ${o.error.split('\n')[0]}`
      : !r || o.end?.kind !== 'exit'
        ? endedBy
        : r.failed === 0 && o.end.code !== 0
          ? `the test run exited with ${o.end.code}`
          : '';
    if (problem) {
      infraError = true;
      if (!r || r.failed === 0) failed += 1; // a phase that did not report is a failure, never a silent pass
    }
    const detail = r
      ? `${r.passed} passed, ${r.failed} failed${r.pending ? `, ${r.pending} pending` : ''}`
      : 'no results';
    log(
      `phase ${o.phase}: ${detail}${problem ? ` - ${problem}` : ''}${o.artifacts ? ` (logs and screenshot: ${path.relative(process.cwd(), o.artifacts)})` : ''}`,
    );
    if (r?.failures?.length)
      for (const f of r.failures)
        log(`  FAILED ${typeof f === 'string' ? f : `${f.title}: ${f.error.split('\n')[0]}`}`);
    if (r?.uiSuitesLeftOut?.length) log(`  not run (no browser in this mode): ${r.uiSuitesLeftOut.join('; ')}`);
  }
  if (outcomes.length < phases.length) failed += phases.length - outcomes.length;
  if (outcomes.length > 0) {
    const h = await keyHygiene();
    if (h.passed) passed += 1;
    else failed += 1;
  }
  await cleanup();
  version ??= opts.electron ? '?' : tools.vscodeVersionOnDisk() || '?';
  console.log(`integration (VS Code ${version}): ${passed} passed, ${failed} failed`);
  const timedOut = outcomes.some((o) => o.timedOut);
  if (failed === 0 && passed > 0) return 0;
  return timedOut || infraError ? 2 : 1;
}

main().then(
  (code) => process.exit(code),
  async (e) => {
    console.error(`[it] ERROR ${e.stack || e.message}`);
    await cleanup().catch(() => {});
    console.log(`integration (VS Code ${tools.vscodeVersionOnDisk() || '?'}): 0 passed, 1 failed`);
    process.exit(2);
  },
);
