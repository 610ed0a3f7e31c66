// The extensionTestsPath module: VS Code loads it in the extension host and awaits run(). It runs mocha over the
// compiled suites (out/test/integration/**/*.test.js), reports the counts, and throws when anything failed, which
// makes VS Code exit with code 1.
//
// Which files: every *.test.js under out/test/integration except those in the opt-in folders (packaged/,
// screenshots/), which run only when CDN_PURGE_SUITE names them, activation.test.js first. New suites dropped into
// test/integration/ run with no change anywhere else. CDN_PURGE_GREP filters tests by title (mocha --grep).
//
// Reporting: the spec reporter's lines go to the console (the runner prints them), a final marker line
// `CDN-PURGE-TESTS-DONE {json}` carries the counts, and CDN_PURGE_RESULTS_FILE (when set) receives the same JSON.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { log, testRun, uiSuitesLeftOut } from './harness';

export const OPT_IN_FOLDERS = ['packaged', 'screenshots'];
/** Runs before every other file: its test proves the extension activated with no test's help. */
export const FIRST_FILE = 'activation.test.js';
export const RESULT_MARKER = 'CDN-PURGE-TESTS-DONE';

export interface TestResults {
  passed: number;
  failed: number;
  pending: number;
  total: number;
  vscodeVersion: string;
  suite: string;
  files: string[];
  failures: Array<{ title: string; error: string }>;
  uiSuitesLeftOut: string[];
}

function listTests(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listTests(p));
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

export function selectFiles(root: string, suite: string | undefined): string[] {
  if (suite) {
    if (!/^[\w-]+$/.test(suite))
      throw new Error(`CDN_PURGE_SUITE must be a folder name under test/integration, not ${JSON.stringify(suite)}`);
    return listTests(path.join(root, suite));
  }
  const files = listTests(root).filter((f) => !OPT_IN_FOLDERS.includes(path.relative(root, f).split(path.sep)[0]));
  const first = files.filter((f) => path.relative(root, f) === FIRST_FILE);
  return [...first, ...files.filter((f) => !first.includes(f))];
}

export async function run(): Promise<void> {
  // mocha 12's package entry is ES modules; its CommonJS build is what works everywhere the extension host runs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Mocha: typeof import('mocha') = require('mocha/lib/mocha.cjs');
  // VS Code forwards the extension host's console to the workbench and does not let console.log be replaced, so
  // the reporters' output function is: their lines get the tag (and printf-style arguments are formatted here).
  (Mocha.reporters.Base as unknown as { consoleLog: (...a: unknown[]) => void }).consoleLog = log;
  await runMocha(Mocha);
}

async function runMocha(Mocha: typeof import('mocha')): Promise<void> {
  const suite = process.env.CDN_PURGE_SUITE || undefined;
  const grep = process.env.CDN_PURGE_GREP || undefined;
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    forbidOnly: true,
    forbidPending: true,
    timeout: Number(process.env.CDN_PURGE_MOCHA_TIMEOUT_MS) || 60000,
    slow: 10000,
    ...(grep ? { grep } : {}),
  });
  const root = __dirname;
  const files = selectFiles(root, suite);
  for (const f of files) mocha.addFile(f);
  log(
    `[tests] VS Code ${vscode.version}, ${files.length} file(s)${suite ? ` of suite ${suite}` : ''}: ${files.map((f) => path.relative(root, f)).join(', ')}`,
  );

  const failures: TestResults['failures'] = [];
  const stats = await new Promise<{ passes: number; failures: number; pending: number; tests: number }>(
    (resolve, reject) => {
      try {
        const runner = mocha.run(() => resolve(runner.stats as never));
        runner.on('test', () => testRun.started++);
        runner.on('fail', (test, err: Error) =>
          failures.push({ title: test.fullTitle(), error: String(err?.message ?? err).slice(0, 2000) }),
        );
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
  );
  const results: TestResults = {
    passed: stats.passes,
    failed: stats.failures,
    pending: stats.pending,
    total: stats.tests,
    vscodeVersion: vscode.version,
    suite: suite ?? 'default',
    files: files.map((f) => path.relative(root, f)),
    failures,
    uiSuitesLeftOut: [...uiSuitesLeftOut],
  };
  if (uiSuitesLeftOut.length) log(`[tests] not run without a browser driver: ${uiSuitesLeftOut.join('; ')}`);
  console.log(`${RESULT_MARKER} ${JSON.stringify({ ...results, failures: failures.map((f) => f.title) })}`);
  if (process.env.CDN_PURGE_RESULTS_FILE)
    fs.writeFileSync(process.env.CDN_PURGE_RESULTS_FILE, JSON.stringify(results, null, 2));
  if (results.failed > 0) throw new Error(`${results.failed} integration test(s) failed`);
  if (results.total === 0)
    throw new Error(`no integration tests ran (suite ${results.suite}${grep ? `, grep ${grep}` : ''})`);
  if (results.pending > 0)
    throw new Error(`${results.pending} integration test(s) are pending (skipped); the project allows none`);
}
