#!/usr/bin/env node
// The bench row "activation in the real VS Code" (issue 14): the same harness as the integration tests
// (code-server = VS Code, headless chromium, the smoke-test driver), one server, and N fresh windows (each a new
// extension host) per extension, alternating ours with a hello-world extension. In each window a probe (the
// window's extensionTestsPath) activates the extension (`await extension.activate()`, timed too, though that time
// also waits on the new extension host's own queue) and opens Developer: Show Running Extensions, and this script
// reads the extension's row there: *Activation: N ms*, VS Code's own count (code loading + the activate() call; the
// workbench leaves out the wait on a promise activate() returns, and CDN Purge's returns none). The workspace is an
// empty folder, and the harness keeps VS Code from opening two JSON documents of its own (see below), so nothing
// activates the extension before the probe does (the probe checks it).
//
//   node scripts/bench-activation.js [--windows 10] [--budget-s 540] [--out FILE] [--verbose]
//
// --budget-s bounds the run: no window starts after it (on a loaded machine a window can take a minute); the
// result says how many windows were measured.
//
// Prints one JSON object (and writes it to FILE): the samples in ms, per extension. Needs the tools of
// `npm run tools:setup` (CDN_PURGE_TOOLS_DIR) and dist/extension.js (npm run build).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const tools = require('./lib/tools');
const { ProcessGroups, reapStragglers, mkdirp } = require('./lib/procs');
const { startBrowser, closeBrowser } = require('./lib/browser');
const vs = require('./lib/vscode-server');

const repoRoot = path.resolve(__dirname, '..');
const MARKER = 'CDN-PURGE-BENCH-ACTIVATION';
const SHOWN = 'CDN-PURGE-BENCH-RUNNING-EXTENSIONS-SHOWN';
const OURS = `${require(path.join(repoRoot, 'package.json')).publisher}.${require(path.join(repoRoot, 'package.json')).name}`;
const HELLO = 'bench.hello-world';
/** The share of CPU time idle, over 200 ms, that counts as a quiet machine before the probe activates. */
const IDLE = 0.9;

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** The hello-world extension of `yo code`: one command, activated on demand. */
function writeHelloWorld(dir) {
  mkdirp(dir);
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'hello-world',
        publisher: 'bench',
        version: '0.0.1',
        engines: { vscode: '^1.96.0' },
        main: './extension.js',
        activationEvents: [],
        contributes: { commands: [{ command: 'helloWorld.helloWorld', title: 'Hello World' }] },
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(
    path.join(dir, 'extension.js'),
    `const vscode = require('vscode');
exports.activate = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand('helloWorld.helloWorld', () => vscode.window.showInformationMessage('Hello World!')),
  );
};
exports.deactivate = () => {};
`,
  );
}

/** The window's test module: times activate() of one extension and logs the result. */
function writeProbe(file, id, done) {
  fs.writeFileSync(
    file,
    `const fs = require('node:fs');
const os = require('node:os');
const vscode = require('vscode');
exports.run = async () => {
  const ext = vscode.extensions.getExtension(${JSON.stringify(id)});
  if (!ext) throw new Error('extension ${id} is not loaded');
  const wasActive = ext.isActive;
  // Let the new window finish its own start-up first, so the time below is the extension's, not a queue behind
  // other work: the extension host's (its timers fire on time) and the machine's (the workbench, the server and the
  // browser share the cores with the extension host: a synchronous require descheduled midway shows whole). Quiet is
  // three 200 ms spans in a row with timers on time and the CPUs ${IDLE * 100}% idle or more; 20 s at most.
  const cpuTimes = () => {
    let idle = 0, total = 0;
    for (const c of os.cpus()) {
      idle += c.times.idle;
      total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
    }
    return { idle, total };
  };
  let idleShare = 0;
  for (let quiet = 0, i = 0; quiet < 3 && i < 100; i++) {
    const s = performance.now();
    const c0 = cpuTimes();
    await new Promise((r) => setTimeout(r, 200));
    const c1 = cpuTimes();
    idleShare = (c1.idle - c0.idle) / Math.max(1, c1.total - c0.total);
    quiet = performance.now() - s < 215 && idleShare >= ${IDLE} ? quiet + 1 : 0;
  }
  // Activated while the host settled (a document opened by VS Code itself): not a window to time.
  const activeBefore = wasActive || ext.isActive;
  const t0 = performance.now();
  await ext.activate();
  const ms = performance.now() - t0;
  console.log(${JSON.stringify(MARKER)} + ' ' + JSON.stringify({ id: ${JSON.stringify(id)}, ms, wasActive: activeBefore, idleShare, vscode: vscode.version }));
  // What VS Code itself reports: the bench reads the extension's row in Developer: Show Running Extensions, and
  // writes the done file when it has (or gives up).
  await vscode.commands.executeCommand('workbench.action.showRuntimeExtensions');
  console.log(${JSON.stringify(SHOWN)});
  for (let i = 0; i < 900 && !fs.existsSync(${JSON.stringify(done)}); i++) await new Promise((r) => setTimeout(r, 100));
  fs.rmSync(${JSON.stringify(done)}, { force: true });
};
`,
  );
}

/**
 * The extension's row in Developer: Show Running Extensions (which the probe opened): the activation time VS Code
 * shows there (code loading + the activate() call, as its workbench adds them up), as a user reads it.
 * @returns {Promise<{ms: number | undefined, text: string}>}
 */
async function readRunningExtensions(page, id) {
  const anyRow = '.runtime-extensions-editor .monaco-list-row';
  await page.locator(anyRow).first().waitFor({ timeout: 45000 });
  // Sorted slowest first, and only the rows near the view are drawn: where the row is depends on its time, so the
  // list is focused on its first row and paged down until the row is drawn (as test/integration/activation-time).
  await page.locator(anyRow).first().click({ timeout: 15000 });
  const row = page.locator(`${anyRow}:has-text(${JSON.stringify(id)})`).first();
  for (let i = 0; (await row.count()) === 0; i++) {
    if (i === 50) throw new Error(`no row for ${id} after paging down the list`);
    await page.keyboard.press('PageDown');
    await page.waitForTimeout(300);
  }
  const text = (await row.innerText()).replace(/\s+/g, ' ');
  const m = /(\d+(?:\.\d+)?)\s*ms/.exec(text);
  return { ms: m ? Number(m[1]) : undefined, text };
}

async function main() {
  const windows = Number(arg('--windows', '10'));
  const out = arg('--out', undefined);
  const budgetMs = Number(arg('--budget-s', '540')) * 1000;
  const t0 = Date.now(); // the budget counts from here: server start and warm-up windows included
  const p = tools.requireTools();
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js')))
    throw new Error('dist/extension.js is missing: npm run build');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdn-purge-bench-activation-'));
  const groups = new ProcessGroups();
  const end = () => groups.killAllSync();
  process.on('exit', end);
  try {
    const userData = mkdirp(dir, 'user-data');
    const extensionsDir = mkdirp(dir, 'extensions');
    const workspace = mkdirp(dir, 'workspace');
    const helloDir = path.join(dir, 'hello-world');
    writeHelloWorld(helloDir);
    const probes = { [OURS]: path.join(dir, 'probe-ours.js'), [HELLO]: path.join(dir, 'probe-hello.js') };
    const doneFile = path.join(dir, 'running-extensions-read');
    writeProbe(probes[OURS], OURS, doneFile);
    writeProbe(probes[HELLO], HELLO, doneFile);
    const env = vs.sandboxEnv(dir);
    vs.seedSettings(userData, {});
    // VS Code (1.139) opens its own list of chat models, User/chatLanguageModels.json, as a JSON text document in
    // every window, at a time of its choosing: that fires onLanguage:json, and so activates any extension that has
    // it (CDN Purge does; the hello-world has none) before the probe can time it. A folder in that file's place
    // makes VS Code's read fail quietly (it catches it), so no window opens a document of its own.
    mkdirp(userData, 'User', 'chatLanguageModels.json');
    const cs = await vs.startCodeServer({
      groups,
      tools: p,
      userDataDir: userData,
      extensionsDir,
      env,
      logFile: path.join(dir, 'code-server.log'),
      extraArgs: ['--vscode-option', 'enable-smoke-test-driver'],
    });
    const { page, browser } = await startBrowser({
      groups,
      chromium: p.chromium,
      playwrightDir: p.playwrightDir,
      profileDir: path.join(dir, 'chromium-profile'),
      env,
      logFile: path.join(dir, 'chromium.log'),
    });
    /** @type {{sample: any, done: (code: unknown) => void, shown: () => void} | undefined} */
    let pending;
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const msg = Array.isArray(args) ? args.map(String).join(' ') : String(args);
      const i = msg.indexOf(MARKER);
      if (i >= 0 && pending) pending.sample = JSON.parse(msg.slice(i + MARKER.length).trim());
      if (msg.includes(SHOWN) && pending) pending.shown();
    });
    await page.exposeFunction('codeAutomationExit', (code) => pending && pending.done(code));
    const remote = (f) => `vscode-remote://127.0.0.1:${cs.port}${f}`;
    const oneWindow = async (id) => {
      const devPath = id === OURS ? repoRoot : helloDir;
      const payload = [
        ['extensionDevelopmentPath', remote(devPath)],
        ['extensionTestsPath', remote(probes[id])],
        ['skipWelcome', 'true'],
      ];
      const url = `${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      /** @type {() => void} */
      let shown = () => {};
      const shownP = new Promise((resolve) => (shown = () => resolve('shown')));
      const exited = new Promise((resolve) => {
        pending = { sample: undefined, done: resolve, shown };
      });
      fs.rmSync(doneFile, { force: true }); // a probe that gave up on an earlier window leaves none behind
      const t0 = Date.now();
      await page.goto(url, { timeout: 120000 });
      const loaded = Date.now() - t0;
      const timeout = (ms) => new Promise((r) => setTimeout(() => r('timeout'), ms));
      let reported;
      if ((await Promise.race([shownP, exited, timeout(90000)])) === 'shown') {
        reported = await readRunningExtensions(page, id).catch((e) => ({ error: String(e && e.message) }));
        fs.writeFileSync(doneFile, '');
      }
      const code = await Promise.race([exited, timeout(90000)]);
      if (process.argv.includes('--verbose'))
        console.error(
          `${id}: page loaded in ${loaded} ms, window ended after ${Date.now() - t0} ms; CPUs idle before: ${pending && pending.sample && pending.sample.idleShare}; Running Extensions: ${JSON.stringify(reported)}`,
        );
      const sample = pending && pending.sample;
      pending = undefined;
      if (code !== 0 || !sample) throw new Error(`window for ${id} ended with ${code} and no sample`);
      if (sample.wasActive) throw new Error(`${id} was already active when the probe ran`);
      if (!reported || reported.ms === undefined)
        throw new Error(`no activation time for ${id} in Running Extensions: ${JSON.stringify(reported)}`);
      return { ...sample, reportedMs: reported.ms, reportedText: reported.text, windowMs: Date.now() - t0 };
    };
    // One warm-up window each (the server's first window compiles and caches), not counted.
    await oneWindow(HELLO);
    await oneWindow(OURS);
    /** @type {Record<string, number[]>} */
    const samples = { [OURS]: [], [HELLO]: [] };
    /** @type {Record<string, number[]>} */
    const probed = { [OURS]: [], [HELLO]: [] };
    /** @type {Record<string, number[]>} the share of CPU time idle just before each activation */
    const idle = { [OURS]: [], [HELLO]: [] };
    let version;
    for (let i = 0; i < windows && Date.now() - t0 < budgetMs; i++) {
      for (const id of i % 2 ? [OURS, HELLO] : [HELLO, OURS]) {
        const s = await oneWindow(id);
        samples[id].push(s.reportedMs);
        probed[id].push(s.ms);
        idle[id].push(Math.round(s.idleShare * 100) / 100);
        version = s.vscode;
      }
    }
    await page.goto('about:blank').catch(() => {});
    await closeBrowser(browser);
    await groups.killAll(3000);
    await reapStragglers(dir, {});
    const result = {
      vscode: version,
      windows,
      idleBefore: IDLE,
      ours: { id: OURS, ms: samples[OURS], probeMs: probed[OURS], idle: idle[OURS] },
      hello: { id: HELLO, ms: samples[HELLO], probeMs: probed[HELLO], idle: idle[HELLO] },
    };
    const text = JSON.stringify(result);
    if (out) fs.writeFileSync(out, text);
    console.log(text);
  } finally {
    await groups.killAll(2000).catch(() => {});
    process.off('exit', end);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

main().catch((e) => {
  console.error(`bench-activation: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
