#!/usr/bin/env node
// `npm run test:unit`: runs mocha on the transpiled unit tests (out/test/unit, from `node esbuild.js --tests`), with
// every temporary file they write in one fresh run folder (TMPDIR, TMP, TEMP and CDN_PURGE_TEST_TMP point into it,
// and test/unit/helpers/tmp.ts keeps its folders there for the check), and what they print copied to a file there
// as well as to the terminal. Then the key-hygiene check, one test in the totals: the run folder and the captured
// output are searched for every form of every key the unit tests use (test/unit/helpers/sentinel-keys.ts), by the
// same scanner as the integration runner's (scripts/lib/key-hygiene.js). Ends with `unit: N passed, N failed`.
// Arguments are passed to mocha (e.g. `npm run test:unit -- --grep key`). CDN_PURGE_HYGIENE_PLANT=1 plants a leak
// in the run folder first, to see the check fail; CDN_PURGE_UNIT_KEEP=1 keeps the run folder.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { stripVTControlCharacters } = require('node:util');

const repoRoot = path.resolve(__dirname, '..');
const HYGIENE_TITLE = 'key hygiene: no form of a test key in any file the unit run wrote or in its output';

function fail(message) {
  console.error(`[unit] ERROR ${message}`);
  console.log('unit: 0 passed, 1 failed');
  process.exit(2);
}

const helper = path.join(repoRoot, 'out', 'test', 'unit', 'helpers', 'sentinel-keys.js');
if (!fs.existsSync(helper))
  fail(`${path.relative(repoRoot, helper)} is missing: run \`npm run build && node esbuild.js --tests\` first.`);

// Outside the repository (some tests need a folder that is in no git repository), like the integration runner's.
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdn-purge-unit-'));
const tmp = path.join(runDir, 'tmp');
fs.mkdirSync(tmp);
const outputFile = path.join(runDir, 'output.log');
const output = fs.openSync(outputFile, 'w');

const env = { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp, CDN_PURGE_TEST_TMP: tmp };
// mocha prints in colour only to a terminal; its output goes through a pipe here, so ask for colour when ours is one.
const color = process.stdout.isTTY && !process.env.NO_COLOR && process.env.FORCE_COLOR !== '0' ? ['--color'] : [];
const mocha = require.resolve('mocha/bin/mocha.js', { paths: [repoRoot] });
const child = spawn(
  process.execPath,
  [mocha, '--config', 'test/unit/.mocharc.json', ...color, ...process.argv.slice(2)],
  {
    cwd: repoRoot,
    env,
    stdio: ['inherit', 'pipe', 'pipe'],
  },
);
/** mocha's own summary lines, read from what it printed (colour codes removed). */
let printed = '';
const copy = (stream, to) =>
  stream.on('data', (chunk) => {
    to.write(chunk);
    fs.writeSync(output, chunk);
    printed += chunk.toString('utf8');
    if (printed.length > 1 << 20) printed = printed.slice(-(1 << 19));
  });
copy(child.stdout, process.stdout);
copy(child.stderr, process.stderr);

// Ctrl-C reaches mocha through the terminal's process group; wait for it to end and report.
process.on('SIGINT', () => {});

child.on('close', (code, signal) => void finish(code, signal));

/** @param {number | null} code @param {NodeJS.Signals | null} signal */
async function finish(code, signal) {
  fs.closeSync(output);
  const plain = stripVTControlCharacters(printed);
  const passing = Number(/^ {2}(\d+) passing/m.exec(plain)?.[1] ?? 0);
  let failing = Number(/^ {2}(\d+) failing/m.exec(plain)?.[1] ?? 0);
  // A run that ended without its summary (a crash, a load error, a signal) or with a non-zero code counts as failed.
  if ((code !== 0 || signal) && failing === 0) failing = 1;
  let hygiene;
  try {
    hygiene = await keyHygiene();
  } catch (e) {
    console.error(`[unit] ERROR key hygiene: ${e.stack || e.message}`);
    hygiene = { passed: false };
  }
  const passed = passing + (hygiene.passed ? 1 : 0);
  const failed = failing + (hygiene.passed ? 0 : 1);
  if (failed === 0 && process.env.CDN_PURGE_UNIT_KEEP !== '1') fs.rmSync(runDir, { recursive: true, force: true });
  else console.log(`[unit] kept the run folder ${runDir}`);
  console.log(`unit: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

/**
 * The run folder (every file the tests wrote through the temp folder, the captured output) is searched for every
 * form of every sentinel key. The emulator's public test keys are scanned for like the others: nothing the unit
 * tests write or print is meant to contain them.
 */
async function keyHygiene() {
  const { scanForKeys, describeForm } = require('./lib/key-hygiene');
  const { SENTINEL_KEYS } = require(helper);
  if (process.env.CDN_PURGE_HYGIENE_PLANT === '1') {
    const planted = path.join(tmp, 'planted');
    fs.mkdirSync(planted, { recursive: true });
    const b = Buffer.from(`${SENTINEL_KEYS[0]}:`).toString('base64');
    fs.writeFileSync(path.join(planted, 'state.json'), JSON.stringify({ authorization: `Basic ${b}` }));
  }
  const r = await scanForKeys({ roots: [runDir], keys: [...SENTINEL_KEYS] });
  const leaks = r.leaks.map((l) => `${path.relative(runDir, l.file)}: ${describeForm(l.form)}`);
  const passed = leaks.length === 0;
  console.log(`\n  ${passed ? '✔' : '✘'} ${HYGIENE_TITLE}`);
  console.log(
    `[unit] key hygiene: ${r.files} files (${(r.bytes / 1024 / 1024).toFixed(1)} MB, the output included), ${r.forms} forms of ${SENTINEL_KEYS.length} keys: ${passed ? 'none found' : `${leaks.length} found`}`,
  );
  for (const l of leaks.slice(0, 20)) console.log(`[unit]   LEAK ${l}`);
  return { passed };
}
