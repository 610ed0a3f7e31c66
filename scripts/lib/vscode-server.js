// Starting code-server (a real VS Code) with throw-away state, and the emulator, for the runner, `npm start` and
// `npm run screenshots`. Everything is spawned in its own process group through a ProcessGroups.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { freePort, waitForOutput, waitForHttp, mkdirp } = require('./procs');

/** Settings that keep a test or demo window quiet and offline. */
const QUIET_SETTINGS = {
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  // 'off', not false: VS Code rewrites false to 'off' in settings.json, and that write opens the file as a JSONC
  // document in the window (onLanguage:jsonc, an activation event of CDN Purge).
  'extensions.autoUpdate': 'off',
  'extensions.ignoreRecommendations': true,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'window.commandCenter': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** The emulator's settings for the extension (machine-scoped, so they go into the server's Machine settings too). */
function emulatorSettings(url) {
  return url ? { 'cdnPurge.imagekit.apiBase': url, 'cdnPurge.imgix.apiBase': url } : {};
}

/**
 * An environment whose HOME, XDG folders and TMPDIR are inside `dir`, so code-server, its extension host and
 * chromium write nothing into the real home or a shared cache.
 * @param {string} dir
 * @param {NodeJS.ProcessEnv} [extra]
 * @returns {NodeJS.ProcessEnv}
 */
function sandboxEnv(dir, extra = {}) {
  const env = {
    ...process.env,
    HOME: mkdirp(dir, 'home'),
    XDG_CONFIG_HOME: mkdirp(dir, 'home', '.config'),
    XDG_DATA_HOME: mkdirp(dir, 'home', '.local', 'share'),
    XDG_CACHE_HOME: mkdirp(dir, 'home', '.cache'),
    XDG_STATE_HOME: mkdirp(dir, 'home', '.local', 'state'),
    TMPDIR: mkdirp(dir, 'tmp'),
    // '{}' = no extension gallery: no lookups of a marketplace that cannot be reached offline.
    EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY || '{}',
    ...extra,
  };
  // Variables of an enclosing VS Code terminal would make code-server talk to that VS Code instead.
  for (const k of [
    'VSCODE_IPC_HOOK_CLI',
    'VSCODE_IPC_HOOK',
    'ELECTRON_RUN_AS_NODE',
    'VSCODE_PID',
    'VSCODE_CWD',
    'VSCODE_NLS_CONFIG',
    'VSCODE_HANDLES_UNCAUGHT_ERRORS',
  ])
    delete env[k];
  return env;
}

/** Merges `settings` into a settings.json (plain JSON; created when missing). */
function writeSettings(file, settings) {
  let current = {};
  try {
    current = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    /* missing or not plain JSON: start over */
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ ...current, ...settings }, null, 2) + '\n');
}

/**
 * Seeds the user settings: the quiet defaults, then `settings`. Written both as User settings and as the server's
 * Machine settings, where VS Code reads machine-scoped settings (the API bases) in a remote window like code-server's.
 */
function seedSettings(userDataDir, settings) {
  const all = { ...QUIET_SETTINGS, ...settings };
  writeSettings(path.join(userDataDir, 'User', 'settings.json'), all);
  writeSettings(path.join(userDataDir, 'Machine', 'settings.json'), all);
}

/**
 * Starts code-server on a free loopback port (or `port`).
 * @param {{groups: any, tools: any, userDataDir: string, extensionsDir: string, folder?: string, env: NodeJS.ProcessEnv, port?: number, logFile: string, extraArgs?: string[]}} o
 * @returns {Promise<{url: string, port: number, pid: number, child: import('./procs').TrackedChild, logFile: string}>}
 */
async function startCodeServer({
  groups,
  tools,
  userDataDir,
  extensionsDir,
  folder,
  env,
  port,
  logFile,
  extraArgs = [],
}) {
  port = port || (await freePort());
  const args = [
    tools.codeServerEntry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--config',
    '/dev/null',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--vscode-option',
    'skip-welcome',
    ...extraArgs,
    ...(folder ? [folder] : []),
  ];
  const out = fs.openSync(logFile, 'a');
  // code-server's bin script runs `/usr/bin/env node`: start its entry with Node 24 directly.
  const child = groups.spawn('code-server', tools.node24, args, {
    env: { ...env, PATH: `${path.dirname(tools.node24)}${path.delimiter}${env.PATH || ''}` },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, {
    timeoutMs: 120000,
    name: 'code-server',
    isAlive: () => !child.exitInfo,
  }).catch((e) => {
    throw new Error(`${e.message}\n--- ${logFile} ---\n${tail(logFile)}`);
  });
  return { url, port, pid: /** @type {number} */ (child.pid), child, logFile };
}

/** Installs a .vsix into an extensions folder with code-server's CLI; returns the installed folder. */
function installVsix({ tools, vsix, userDataDir, extensionsDir, env }) {
  const r = spawnSync(
    tools.node24,
    [
      tools.codeServerEntry,
      '--config',
      '/dev/null',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      '--install-extension',
      vsix,
      '--force',
    ],
    { env, encoding: 'utf8', timeout: 120000 },
  );
  if (r.status !== 0)
    throw new Error(
      `code-server --install-extension ${vsix} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || '').trim()}`,
    );
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionsDir, 'extensions.json'), 'utf8'));
  return manifest;
}

function tail(file, n = 3000) {
  try {
    const s = fs.readFileSync(file, 'utf8');
    return s.slice(-n);
  } catch {
    return '(no log)';
  }
}

/**
 * Starts the emulator: CDN_PURGE_EMULATOR_URL (one already running) wins; otherwise `node dist/cli.js emulator
 * --port 0 --host 127.0.0.1`, whose first line is `emulator listening on http://127.0.0.1:PORT`. Returns undefined
 * (with a reason) when this build has no emulator yet.
 * @param {{groups: any, repoRoot: string, env: NodeJS.ProcessEnv, logFile: string, port?: number, log?: (message: string) => void}} o
 * @returns {Promise<{url?: string, pid?: number, child?: import('./procs').TrackedChild, external?: boolean, missing?: string}>}
 */
async function startEmulator({ groups, repoRoot, env, logFile, port = 0, log = () => {} }) {
  if (process.env.CDN_PURGE_EMULATOR_URL) {
    log(`emulator: using CDN_PURGE_EMULATOR_URL=${process.env.CDN_PURGE_EMULATOR_URL}`);
    return { url: process.env.CDN_PURGE_EMULATOR_URL.replace(/\/+$/, ''), external: true };
  }
  const cli = path.join(repoRoot, 'dist', 'cli.js');
  if (!fs.existsSync(path.join(repoRoot, 'src', 'emulator')))
    return { missing: 'src/emulator does not exist in this build' };
  if (!fs.existsSync(cli)) return { missing: 'dist/cli.js is missing: run `npm run build`' };
  const child = groups.spawn(
    'emulator',
    process.execPath,
    [cli, 'emulator', '--port', String(port), '--host', '127.0.0.1'],
    { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: repoRoot },
  );
  try {
    const m = await waitForOutput(child, /emulator listening on (http:\/\/\S+)/, {
      timeoutMs: 30000,
      name: 'emulator (node dist/cli.js emulator)',
      logFile,
    });
    return { url: m[1].replace(/\/+$/, ''), pid: child.pid, child };
  } catch (e) {
    if (/unknown command|Unknown command|usage/i.test(e.message))
      return { missing: `dist/cli.js has no emulator command yet (${e.message.split('\n')[1] || ''})` };
    throw e;
  }
}

module.exports = {
  QUIET_SETTINGS,
  emulatorSettings,
  sandboxEnv,
  writeSettings,
  seedSettings,
  startCodeServer,
  installVsix,
  startEmulator,
  tail,
};
