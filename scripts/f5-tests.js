#!/usr/bin/env node
// Prepares the "Extension Tests" launch configuration (.vscode/launch.json, F5 in a desktop VS Code): a fresh copy
// of sample/ as the test workspace and user settings pointing the extension at the emulator that the "emulator"
// task runs on 127.0.0.1:8787, both under .vscode-test/f5/ (git-ignored).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { seedSettings, emulatorSettings } = require('./lib/vscode-server');

const root = path.resolve(__dirname, '..');
const f5 = path.join(root, '.vscode-test', 'f5');
const url = process.env.CDN_PURGE_TEST_EMULATOR_URL || 'http://127.0.0.1:8787';
fs.rmSync(path.join(f5, 'workspace'), { recursive: true, force: true });
fs.cpSync(path.join(root, 'sample'), path.join(f5, 'workspace'), { recursive: true });
seedSettings(path.join(f5, 'user-data'), emulatorSettings(url));
console.log(
  `[f5] test workspace ${path.relative(root, path.join(f5, 'workspace'))}, settings for the emulator at ${url}`,
);
