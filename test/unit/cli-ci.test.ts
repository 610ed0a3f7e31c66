// What a CI run of `cdn-purge purge` must be able to trust, each checked with real child processes (node
// dist/cli.js) against the emulator on loopback: a quota count that concurrent runs cannot lose or overrun, a
// journal that survives kill -9 and resumes exactly what was not answered, Ctrl-C's exact account and exit 130.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_IMAGEKIT_TEST_KEY } from '../../src/emulator';
import { monthKey } from '../../src/core/quota';
import { control, emulatorFixture, sleep } from './emulator-helpers';
import { CLI } from './helpers/paths';
import { spawnCli } from './helpers/spawn-cli';
import { tmpDir } from './helpers/tmp';

const urls = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `https://ik.imagekit.io/demo/${prefix}/${i}.jpg`);

/** The emulator's purge requests (POST /v1/files/purge) it logged. */
const purges = (e: { requests(): Array<{ method: string; path: string }> }) =>
  e.requests().filter((r) => r.method === 'POST' && r.path === '/v1/files/purge');

/** Waits until every queued emulator fault has been taken by an arriving request. */
export async function waitFaultsTaken(base: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = (await control(base, 'GET', 'faults')).json as { faults: unknown[] };
    if (pending.faults.length === 0) return;
    if (Date.now() > deadline) throw new Error('timed out waiting for the requests to reach the emulator');
    await sleep(25);
  }
}

describe('cdn-purge in CI: the quota under concurrent runs (child processes, emulator)', function () {
  this.timeout(120_000);
  const fx = emulatorFixture();
  const key = `quota:imagekit:emulator:demo:${monthKey(new Date())}`;

  before(() => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build first (npm test does).`);
  });

  it('6 concurrent runs of 20 URLs each, one --quota-file: exactly 120 counted, as the emulator received', async () => {
    const e = await fx.start({ rate: 0 });
    const file = path.join(tmpDir(), 'ci-cache', 'quota.json');
    const runs = await Promise.all(
      Array.from(
        { length: 6 },
        (_, n) =>
          spawnCli(
            ['purge', '-p', 'imagekit', '--api-base', e.url, '--quota-file', file, '--json', ...urls(`run${n}`, 20)],
            { IMAGEKIT_PRIVATE_KEY: DEFAULT_IMAGEKIT_TEST_KEY },
          ).done,
      ),
    );
    for (const r of runs) assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(0, 3000)}`);
    assert.equal(purges(e).length, 120);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { [key]: 120 });
    assert.deepEqual(
      fs.readdirSync(path.dirname(file)).sort(),
      ['quota.json'],
      'no lock, temporary file or reservation left',
    );
  });

  it('3 parallel runs of 10 at 990/1000 (CDN_PURGE_QUOTA_FILE): one is sent, two refused; the count never passes 1000', async () => {
    const e = await fx.start({ rate: 0 });
    const file = path.join(tmpDir(), 'quota.json');
    fs.writeFileSync(file, JSON.stringify({ [key]: 990 }));
    const runs = await Promise.all(
      [0, 1, 2].map(
        (n) =>
          spawnCli(['purge', '-p', 'imagekit', '--api-base', e.url, ...urls(`p${n}`, 10)], {
            IMAGEKIT_PRIVATE_KEY: DEFAULT_IMAGEKIT_TEST_KEY,
            CDN_PURGE_QUOTA_FILE: file,
          }).done,
      ),
    );
    assert.deepEqual(runs.map((r) => r.code).sort(), [0, 1, 1], runs.map((r) => r.stderr).join('\n---\n'));
    for (const r of runs.filter((x) => x.code === 1)) {
      // The run that reserved counts each purge as it is dispatched: a refused run sees some used, the rest reserved.
      const m =
        /would go over ImageKit's limit of 1000 a month: (\d+) used in \d{4}-\d{2}(?:, (\d+) reserved by runs in progress)?, 0 left/.exec(
          r.stderr,
        );
      assert.ok(m, `${r.stdout}\n${r.stderr}`);
      assert.equal(Number(m[1]) + Number(m[2] ?? 0), 1000, r.stderr);
    }
    assert.equal(purges(e).length, 10, 'only the run that reserved the last 10 sent anything');
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { [key]: 1000 });
  });

  it('a corrupt quota file is kept aside with a warning on stderr, and the run counts from 0', async () => {
    const e = await fx.start({ rate: 0 });
    const dir = tmpDir();
    const file = path.join(dir, 'quota.json');
    fs.writeFileSync(file, '{"quota:imagekit:emulator:demo:2020-01": 12'); // cut off
    const r = await spawnCli(['purge', '-p', 'imagekit', '--api-base', e.url, '--quota-file', file, urls('c', 1)[0]], {
      IMAGEKIT_PRIVATE_KEY: DEFAULT_IMAGEKIT_TEST_KEY,
    }).done;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: the quota file .*quota\.json is not quota data .* it was kept as .*corrupt-/);
    const aside = fs.readdirSync(dir).filter((f) => f.includes('.corrupt-'));
    assert.equal(aside.length, 1);
    assert.equal(fs.readFileSync(path.join(dir, aside[0]), 'utf8'), '{"quota:imagekit:emulator:demo:2020-01": 12');
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { [key]: 1 });
  });

  it('a purge that may have reached the server is counted, even when the process is killed before it ends', async () => {
    const e = await fx.start({ rate: 0 });
    const file = path.join(tmpDir(), 'quota.json');
    // The purge is answered after 30 s: the run is killed while it is in flight.
    await control(e.url, 'POST', 'faults', {
      faults: [{ kind: 'delay', delayMs: 30_000, match: { path: '/v1/files/purge' } }],
    });
    const run = spawnCli(['purge', '-p', 'imagekit', '--api-base', e.url, '--quota-file', file, urls('k', 1)[0]], {
      IMAGEKIT_PRIVATE_KEY: DEFAULT_IMAGEKIT_TEST_KEY,
    });
    // A fault is taken by a request as it arrives: once taken, the purge is at the server, not answered.
    await waitFaultsTaken(e.url).catch(async (err: Error) => {
      run.child.kill('SIGKILL');
      const r = await run.done;
      throw new Error(`${err.message}\n${r.stdout}\n${r.stderr}`);
    });
    run.child.kill('SIGKILL');
    const r = await run.done;
    assert.equal(r.signal, 'SIGKILL');
    const left = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.equal(left[key], 1, 'the purge in flight is counted');
    // The dead run's reservation holds nothing (what it sent is counted); the next run releases it.
    const next = await spawnCli(
      ['purge', '-p', 'imagekit', '--api-base', e.url, '--quota-file', file, urls('k2', 1)[0]],
      {
        IMAGEKIT_PRIVATE_KEY: DEFAULT_IMAGEKIT_TEST_KEY,
      },
    ).done;
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { [key]: 2 });
  });
});

/** The URL each logged ImageKit purge asked for. */
const purgedUrls = (e: { requests(): Array<{ method: string; path: string; body: unknown }> }) =>
  purges(e as never).map((r) => (r as unknown as { body: { url: string } }).body.url);

/** Faults for a sequential batch (--concurrency 1): the first `answered` purges answered at once, the next one held for a minute. */
async function holdAfter(base: string, answered: number): Promise<void> {
  await control(base, 'POST', 'faults', {
    faults: [
      ...(answered ? [{ kind: 'delay', delayMs: 1, count: answered, match: { path: '/v1/files/purge' } }] : []),
      { kind: 'delay', delayMs: 60_000, match: { path: '/v1/files/purge' } },
    ],
  });
}

interface JournalLine {
  type: string;
  url?: string;
  delivery?: string;
  interrupted?: boolean;
}

const journalOf = (file: string): JournalLine[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalLine);

describe('cdn-purge in CI: crash safety (journal, resume, --json-lines, Ctrl-C)', function () {
  this.timeout(120_000);
  const fx = emulatorFixture();
  const env = { IMAGEKIT_PRIVATE_KEY: DEFAULT_IMAGEKIT_TEST_KEY };

  it('kill -9 mid-batch: the journal and --json-lines show what was answered; --resume sends exactly the rest', async () => {
    const e = await fx.start({ rate: 0 });
    const dir = tmpDir();
    const journal = path.join(dir, 'purge.journal');
    const quota = path.join(dir, 'quota.json');
    const planned = urls('j', 8);
    await holdAfter(e.url, 3);
    const run = spawnCli(
      [
        'purge',
        '-p',
        'imagekit',
        '--api-base',
        e.url,
        '--quota-file',
        quota,
        '--journal',
        journal,
        '--json-lines',
        '--concurrency',
        '1',
        ...planned,
      ],
      env,
    );
    await waitFaultsTaken(e.url);
    run.child.kill('SIGKILL');
    const killed = await run.done;
    assert.equal(killed.signal, 'SIGKILL');

    // --json-lines streamed each answered result before the process died.
    const streamed = killed.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; url: string; status: string });
    const answeredBefore = purgedUrls(e);
    assert.equal(answeredBefore.length, 3, 'the emulator answered 3 before the 4th was held');
    assert.deepEqual(
      streamed
        .filter((x) => x.type === 'result')
        .map((x) => x.url)
        .sort(),
      [...answeredBefore].sort(),
      'one line per answered result, streamed as it came',
    );

    // The journal: the plan, a send line before each dispatch, a result line for each answer; the held one is a
    // send without a result (may have been received); no end line (killed).
    const lines = journalOf(journal);
    assert.deepEqual(lines[0].type, 'start');
    assert.equal(lines.filter((l) => l.type === 'plan').length, 1);
    const sent = lines.filter((l) => l.type === 'send').map((l) => l.url!);
    const answered = lines.filter((l) => l.type === 'result' && l.delivery === 'answered').map((l) => l.url!);
    assert.deepEqual([...answered].sort(), [...answeredBefore].sort());
    assert.equal(sent.length, 4, '3 answered + the one in flight');
    const inFlight = sent.filter((u) => !answered.includes(u));
    assert.equal(inFlight.length, 1);
    assert.equal(lines.filter((l) => l.type === 'end').length, 0);
    const counted = JSON.parse(fs.readFileSync(quota, 'utf8')) as Record<string, number>;
    assert.equal(
      counted[`quota:imagekit:emulator:demo:${monthKey(new Date())}`],
      4,
      'the quota counted every purge that may have reached the server',
    );

    // --resume: exactly the 5 the journal does not show as answered (the one in flight included: it may not have
    // arrived), nothing answered again.
    await control(e.url, 'DELETE', 'faults');
    const before = purgedUrls(e).length;
    const resumed = await spawnCli(
      ['purge', '--api-base', e.url, '--quota-file', quota, '--resume', journal, '--json'],
      env,
    ).done;
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(
      resumed.stderr,
      /8 planned, 3 answered and skipped \(3 accepted\), 5 to send \(1 of them sent before with no answer/,
    );
    const resent = purgedUrls(e).slice(before);
    assert.deepEqual([...resent].sort(), planned.filter((u) => !answered.includes(u)).sort());
    const report = JSON.parse(resumed.stdout) as { summary: { accepted: number } };
    assert.equal(report.summary.accepted, 5);
    // The journal now shows every planned request answered; a second resume has nothing to send.
    const again = await spawnCli(['purge', '--api-base', e.url, '--resume', journal, '--quota-file', quota], env).done;
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /nothing left to send/);
    assert.equal(purgedUrls(e).length, before + 5);
  });

  it('Ctrl-C mid-batch: exactly what was sent, answered and not sent, recorded in the journal, exit 130', async () => {
    const e = await fx.start({ rate: 0 });
    const dir = tmpDir();
    const journal = path.join(dir, 'purge.journal');
    await holdAfter(e.url, 2);
    const run = spawnCli(
      [
        'purge',
        '-p',
        'imagekit',
        '--api-base',
        e.url,
        '--quota-file',
        path.join(dir, 'q.json'),
        '--journal',
        journal,
        '--concurrency',
        '1',
        ...urls('c', 7),
      ],
      env,
    );
    await waitFaultsTaken(e.url);
    run.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 130, r.stderr);
    assert.match(
      r.stderr,
      /Interrupted: of 7 purge requests, 3 were sent \(2 answered: 2 accepted, 0 duplicate, 0 refused; 1 unknown: may have been received\) and 4 were not sent\./,
    );
    assert.match(r.stderr, /unknown \(may have been received\): https:\/\/ik\.imagekit\.io\/demo\/c\/2\.jpg/);
    assert.match(r.stderr, /--resume .*purge\.journal sends what was not answered/);
    assert.equal(purgedUrls(e).length, 2);
    const lines = journalOf(journal);
    assert.deepEqual(
      lines.filter((l) => l.type === 'result').map((l) => l.delivery),
      ['answered', 'answered', 'unknown', 'not-sent', 'not-sent', 'not-sent', 'not-sent'],
    );
    assert.deepEqual(lines.at(-1), { ...lines.at(-1), type: 'end', interrupted: true });
  });
});
