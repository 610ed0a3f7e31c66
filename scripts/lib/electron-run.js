// Runs @vscode/test-electron's runTests with the options given as JSON in argv[2]; exits with VS Code's exit code.
// scripts/run-integration.js starts this in its own process group, so a timeout ends VS Code and all its helpers.
'use strict';
const { runTests } = require('@vscode/test-electron');

const options = JSON.parse(process.argv[2]);
runTests(options).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`[electron] ${e.message}`);
    process.exit(typeof e.code === 'number' && e.code > 0 ? e.code : 1);
  },
);
