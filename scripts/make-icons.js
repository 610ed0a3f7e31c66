#!/usr/bin/env node
// Renders media/icon.svg (the source, drawn by hand) to media/icon.png (128x128, transparent corners), the
// Marketplace / Extensions view icon that package.json "icon" names (vsce refuses SVG there). Uses headless chromium
// through playwright-core from the tools folder (`npm run tools:setup`). Run again after editing the SVG.
// Usage: node scripts/make-icons.js [--preview out.png]   (--preview also renders media/activity.svg large, to look at)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const tools = require('./lib/tools');
const { ProcessGroups, reapStragglers } = require('./lib/procs');
const { startBrowser, closeBrowser } = require('./lib/browser');
const { sandboxEnv } = require('./lib/vscode-server');

async function main() {
  const p = tools.requireTools();
  const media = path.join(tools.repoRoot, 'media');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdn-purge-icons-'));
  const groups = new ProcessGroups((m) => console.log(`[icons] ${m}`));
  process.on('exit', () => groups.killAllSync());
  try {
    const env = sandboxEnv(tmp);
    const { page, browser } = await startBrowser({
      groups,
      chromium: p.chromium,
      playwrightDir: p.playwrightDir,
      profileDir: path.join(tmp, 'profile'),
      env,
      viewport: { width: 400, height: 300 },
    });
    const render = async (svgFile, size, out, bg = 'transparent') => {
      const svg = fs.readFileSync(svgFile, 'utf8');
      await page.setContent(
        `<html><body style="margin:0;background:${bg}"><div id="i" style="width:${size}px;height:${size}px">${svg.replace('<svg ', `<svg style="width:${size}px;height:${size}px;display:block" `)}</div></body></html>`,
      );
      await page.locator('#i').screenshot({ path: out, omitBackground: bg === 'transparent' });
      console.log(
        `[icons] ${path.relative(tools.repoRoot, svgFile)} -> ${path.relative(process.cwd(), out)} (${size}x${size})`,
      );
    };
    await render(path.join(media, 'icon.svg'), 128, path.join(media, 'icon.png'));
    const i = process.argv.indexOf('--preview');
    if (i > 0 && process.argv[i + 1])
      await render(path.join(media, 'activity.svg'), 192, path.resolve(process.argv[i + 1]), '#ffffff');
    await closeBrowser(browser);
  } finally {
    await groups.killAll(3000);
    await reapStragglers(tmp);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`[icons] FAILED: ${e.stack || e.message}`);
  process.exit(1);
});
