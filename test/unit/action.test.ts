// The GitHub Action's entry point (dist/action.js, what action.yml runs) as the runner runs it: a child process
// with INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files and a workflow file, against the emulator.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_IMAGEKIT_TEST_KEY } from '../../src/emulator';
import { emulatorFixture } from './emulator-helpers';
import { tmpDir } from './helpers/tmp';

const ACTION = path.resolve(__dirname, '../../../dist/action.js');

function runAction(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
  const child = spawn(process.execPath, [ACTION], { env: base, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Outputs as the runner reads $GITHUB_OUTPUT: name<<DELIM / value / DELIM. */
function outputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([\w-]+)<<(.+)$/.exec(lines[i]);
    if (!m) continue;
    const value: string[] = [];
    for (i++; lines[i] !== m[2]; i++) value.push(lines[i]);
    out[m[1]] = value.join('\n');
  }
  return out;
}

describe('the GitHub Action (dist/action.js with INPUT_* variables, against the emulator)', function () {
  this.timeout(60_000);
  const fx = emulatorFixture();

  before(() => {
    assert.ok(fs.existsSync(ACTION), `${ACTION} is missing: run npm run build first (npm test does).`);
  });

  it('purges the urls input; outputs, results file, a job summary table, an annotation at the invalid URL, the key masked', async () => {
    const e = await fx.start({ rate: 0 });
    const ws = tmpDir('cdn-purge-ws-');
    const temp = tmpDir('cdn-purge-runner-');
    const wf = path.join(ws, '.github', 'workflows', 'purge.yml');
    const bad = 'https://ik.imagekit.io/demo/images*';
    fs.mkdirSync(path.dirname(wf), { recursive: true });
    fs.writeFileSync(
      wf,
      [
        'on: push',
        'jobs:',
        '  purge:',
        '    steps:',
        '      - uses: cdn-purge/cdn-purge@v1',
        '        with:',
        '          urls: |',
        '            https://ik.imagekit.io/demo/a.jpg',
        `            ${bad}`,
        '',
      ].join('\n'),
    );
    const summary = path.join(temp, 'summary.md');
    const output = path.join(temp, 'output.txt');
    fs.writeFileSync(summary, '');
    fs.writeFileSync(output, '');
    const r = await runAction({
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: ws,
      GITHUB_WORKFLOW_REF: 'acme/site/.github/workflows/purge.yml@refs/heads/main',
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
      GITHUB_RUN_ID: '42',
      RUNNER_TEMP: temp,
      IMAGEKIT_PRIVATE_KEY: DEFAULT_IMAGEKIT_TEST_KEY,
      INPUT_URLS: `https://ik.imagekit.io/demo/a.jpg\n# a comment\n${bad}\nhttps://ik.imagekit.io/demo/b.jpg\n`,
      INPUT_PROVIDER: 'imagekit',
      'INPUT_API-BASE': e.url,
      'INPUT_QUOTA-FILE': path.join(temp, 'quota.json'),
      'INPUT_DRY-RUN': 'false',
      INPUT_WAIT: 'false',
      INPUT_VERIFY: 'false',
    });
    assert.equal(r.code, 1, 'an invalid URL fails the step');
    // Masking: the key is registered with the runner before anything else is printed.
    const all = r.stdout.split('\n');
    const firstOther = all.findIndex((l) => !l.startsWith('::add-mask::'));
    assert.ok(
      firstOther > 0 && all.slice(0, firstOther).includes(`::add-mask::${DEFAULT_IMAGEKIT_TEST_KEY}`),
      r.stdout.slice(0, 300),
    );
    const notMask = r.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    assert.ok(!notMask.includes(DEFAULT_IMAGEKIT_TEST_KEY) && !r.stderr.includes(DEFAULT_IMAGEKIT_TEST_KEY));
    // The annotation points at the line of the workflow file where the invalid URL is written.
    assert.match(
      r.stdout,
      /^::error file=\.github\/workflows\/purge\.yml,line=9,title=cdn-purge::\[wildcard-too-broad\] /m,
    );
    assert.equal(e.requests().length, 2, 'the two valid URLs were sent');
    const o = outputs(output);
    assert.deepEqual(JSON.parse(o['request-ids']), ['000000000000000000000001', '000000000000000000000002']);
    assert.equal(o.ok, 'false');
    assert.equal(o.accepted, '2');
    assert.equal(o.failed, '1');
    assert.equal(o.unknown, '0');
    const report = JSON.parse(fs.readFileSync(o['results-file'], 'utf8')) as {
      results: Array<{ url: string; status: string }>;
    };
    assert.ok(o['results-file'].startsWith(temp));
    assert.deepEqual(report.results.map((x) => x.status).sort(), ['accepted', 'accepted', 'invalid']);
    const md = fs.readFileSync(summary, 'utf8');
    assert.match(md, /^## CDN Purge$/m);
    assert.match(md, /3 requests: 2 accepted, 0 duplicate, 0 unknown, 1 failed/);
    assert.match(md, /^\| Provider \| URL \| Status \| HTTP \| Request id \|$/m);
    assert.match(
      md,
      /^\| imagekit \| `https:\/\/ik\.imagekit\.io\/demo\/a\.jpg` \| ✅ accepted \| 201 \| `000000000000000000000001` \|$/m,
    );
    assert.match(md, /`https:\/\/ik\.imagekit\.io\/demo\/images\*` \| ❌ invalid \|/);
  });

  it('a bad boolean input is an error annotation and exit 2; dry-run sends nothing', async () => {
    const e = await fx.start({ rate: 0 });
    const temp = tmpDir('cdn-purge-runner-');
    const bad = await runAction({
      GITHUB_WORKSPACE: temp,
      INPUT_URLS: 'https://ik.imagekit.io/demo/a.jpg',
      INPUT_WAIT: 'yes',
    });
    assert.equal(bad.code, 2);
    assert.match(bad.stdout, /^::error title=cdn-purge::Input "wait" must be true or false, not "yes"\./m);
    const summary = path.join(temp, 'summary.md');
    const dry = await runAction({
      GITHUB_WORKSPACE: temp,
      GITHUB_STEP_SUMMARY: summary,
      RUNNER_TEMP: temp,
      INPUT_URLS: 'https://ik.imagekit.io/demo/a.jpg',
      'INPUT_API-BASE': e.url,
      'INPUT_DRY-RUN': 'true',
    });
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    assert.equal(e.requests().length, 0);
  });
});
