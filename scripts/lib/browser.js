// Headless Debian chromium, started by us in its own process group (so it is ended with its renderers and helpers
// by signalling that group), driven by playwright-core over the DevTools protocol.
'use strict';
const { waitForOutput, mkdirp } = require('./procs');

/**
 * Starts chromium and connects playwright-core to it.
 * @param {object} o
 * @param {InstanceType<typeof import('./procs').ProcessGroups>} o.groups where the process group is registered (ended by its killAll)
 * @param {string} o.chromium the chromium binary
 * @param {string} o.playwrightDir the playwright-core package folder
 * @param {string} o.profileDir a throw-away profile folder
 * @param {NodeJS.ProcessEnv} o.env environment (HOME, XDG_*, TMPDIR pointing at throw-away folders)
 * @param {{width:number,height:number}} [o.viewport]
 * @param {string} [o.logFile]
 * @returns {Promise<{browser: any, context: any, page: any, pid: number, child: import('node:child_process').ChildProcess}>}
 */
async function startBrowser({
  groups,
  chromium,
  playwrightDir,
  profileDir,
  env,
  viewport = { width: 1400, height: 900 },
  logFile,
}) {
  const { chromium: pw } = require(playwrightDir);
  mkdirp(profileDir);
  const args = [
    '--headless',
    '--no-sandbox', // we run as root in a container
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--no-default-browser-check',
    // no connections to Google's hosts on a closed network
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--disable-extensions',
    '--disable-features=Translate,MediaRouter,OptimizationHints',
    '--hide-scrollbars',
    '--disable-crash-reporter',
    '--disable-breakpad',
    '--force-device-scale-factor=1',
    `--window-size=${viewport.width},${viewport.height}`,
    '--remote-debugging-address=127.0.0.1',
    '--remote-debugging-port=0',
    `--user-data-dir=${profileDir}`,
    'about:blank',
  ];
  const child = groups.spawn('chromium', chromium, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const m = await waitForOutput(child, /DevTools listening on (ws:\/\/\S+)/, {
    name: 'chromium',
    timeoutMs: 60000,
    logFile,
  });
  const browser = await pw.connectOverCDP(m[1]);
  const context = browser.contexts()[0] || (await browser.newContext());
  const page = context.pages()[0] || (await context.newPage());
  await page.setViewportSize(viewport);
  return { browser, context, page, pid: /** @type {number} */ (child.pid), child };
}

/** Asks chromium to quit (Browser.close over the DevTools protocol) and disconnects; the caller still ends the group. */
async function closeBrowser(browser) {
  if (!browser) return;
  try {
    const session = await browser.newBrowserCDPSession();
    await Promise.race([session.send('Browser.close'), new Promise((r) => setTimeout(r, 3000))]);
  } catch {
    /* already gone */
  }
  await browser.close().catch(() => {});
}

module.exports = { startBrowser, closeBrowser };
