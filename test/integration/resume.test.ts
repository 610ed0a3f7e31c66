// Resume of a batch a reload interrupted (issue 12, item 5), in the real VS Code against the emulator: a batch being
// sent records each dispatch before it happens (and leaves no record when it ends); a batch left as a reload leaves
// it (stored mid-send, its in-flight record written by an extension host that has ended) shows as interrupted on the
// next activation, with one notification, and Resume sends only the requests never dispatched: the one that may
// have reached the server is not sent again and stays "may have been received"; the quota counts exactly what Resume
// sent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HistoryRequest } from '../../src/host/history';
import { InFlightJournal } from '../../src/host/inFlight';
import type { PurgeOutcome } from '../../src/host/purgeService';
import { recoverInterrupted } from '../../src/host/resume';
import { emulatorUrl } from './harness';
import { captureMessages, emulator, emulatorRequests, resetEmulator, useEmulator, waitFor } from './helpers';

function emulatorQuota(context: vscode.ExtensionContext): number {
  return context.globalState
    .keys()
    .filter((k) => /^quota:imagekit:emulator:/.test(k))
    .reduce((n, k) => n + (context.globalState.get<number>(k) ?? 0), 0);
}

/** The process id of a process that has ended (what a reloaded window's extension host is). */
function endedPid(): number {
  const r = spawnSync(process.execPath, ['-e', ''], { env: { ELECTRON_RUN_AS_NODE: '1' } });
  assert.ok(r.pid, 'a child process ran');
  return r.pid;
}

function inFlightFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.inflight')) : [];
}

describe('Resume of a batch a reload interrupted', function () {
  this.timeout(60_000);

  beforeEach(async () => {
    await resetEmulator();
  });

  it('a batch being sent records its dispatches before they happen, and leaves no record when it ends', async () => {
    const a = await useEmulator();
    const dir = a.purge.inFlight?.dir;
    assert.ok(dir, 'the extension records in-flight batches in its global storage');
    await emulator('/_emulator/faults', {
      kind: 'delay',
      delayMs: 3000,
      count: 2,
      match: { provider: 'imagekit', method: 'POST', path: '/v1/files/purge' },
    });
    const urls = ['x', 'y'].map((n) => `https://ik.imagekit.io/demo/resume-live/${n}.jpg`);
    const running = vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', urls);
    const lines = await waitFor('both dispatches on record while the emulator holds them', () => {
      const [file] = inFlightFiles(dir);
      if (!file) return undefined;
      const text = fs.readFileSync(path.join(dir, file), 'utf8').trim().split('\n');
      return text.length === 3 ? text : undefined;
    });
    const header = JSON.parse(lines[0]) as { pid: number; batch: string; requests: string[] };
    assert.equal(header.pid, process.pid);
    assert.equal(header.batch, a.history.all()[0].id);
    assert.deepEqual([...lines.slice(1)].sort(), ['0', '1']);
    const stored = a.context.globalState.get<{ batches: Array<{ id: string }> }>('cdnPurge.history.v1');
    assert.ok(
      stored?.batches.some((b) => b.id === header.batch),
      'the batch is in the stored history before anything is dispatched',
    );
    const out = await running;
    assert.deepEqual(
      out.results.map((r) => r.status),
      ['accepted', 'accepted'],
    );
    assert.deepEqual(inFlightFiles(dir), [], 'no record is left');
  });

  it('on the next activation: shown interrupted, one notification, Resume sends only the never-sent ones', async () => {
    const a = await useEmulator();
    const dir = a.purge.inFlight?.dir;
    assert.ok(dir);
    const base = emulatorUrl();
    const urls = ['0', '1', '2', '3'].map((n) => `https://ik.imagekit.io/demo/resume/${n}.jpg`);
    const states: HistoryRequest['state'][] = ['accepted', 'sending', 'sending', 'sending'];
    // As a reload leaves it: request 0 answered, 1 dispatched with no answer on record, 2 and 3 never dispatched.
    const batch = a.history.add({
      provider: 'imagekit',
      source: 'explorer',
      target: 'emulator',
      apiBase: base,
      requests: urls.map((url, i) => ({
        id: a.history.newId('r'),
        url,
        kind: 'exact' as const,
        covers: [url],
        state: states[i],
        startedAt: Date.now(),
        ...(i === 0 ? { httpStatus: 201, requestId: 'answered-before-the-reload' } : {}),
      })),
    });
    const record = new InFlightJournal(dir, () => true, endedPid()).open(
      batch.id,
      batch.requests.map((r) => r.id),
    );
    record.sending(0);
    record.sending(1);
    // Not closed: the extension host that wrote it ended mid-batch.
    const quotaBefore = emulatorQuota(a.context);

    const capture = captureMessages((m) => (m.message.includes('was interrupted') ? 'Resume' : undefined));
    try {
      const found = await recoverInterrupted(a, { notify: true });
      assert.deepEqual(
        found.map((f) => [f.batch.id, f.notSent, f.mayHaveBeenReceived]),
        [[batch.id, 2, 1]],
      );
      assert.deepEqual(inFlightFiles(dir), [], 'the record is taken once');
      const row = a.treeProvider.getTreeItem({ type: 'batch', batchId: batch.id });
      assert.match(String(row.contextValue), /\binterrupted\b/, 'its row offers Resume');
      assert.match(String(row.description), /^interrupted · /);
      assert.deepEqual(
        batch.requests.map((r) => r.state),
        ['accepted', 'unknown', 'cancelled', 'cancelled'],
      );
      const resumed = await waitFor('the resumed batch', () => a.history.all().find((b) => b.source === 'resume'));
      await waitFor('its answers', () => resumed.requests.every((r) => r.state !== 'sending'));
      const notes = capture.messages.filter((m) => m.message.includes('was interrupted'));
      assert.equal(notes.length, 1, JSON.stringify(capture.messages));
      assert.equal(
        notes[0].message,
        'A batch of 4 ImageKit purges was interrupted when VS Code closed. Never sent: 2. Sent with no answer (may have been received, not sent again): 1. Resume sends only the ones never sent.',
      );
      assert.deepEqual(notes[0].items, ['Resume', 'Show History']);
      // A second look finds nothing: the notification is shown once.
      assert.deepEqual(await recoverInterrupted(a, { notify: true }), []);
      assert.equal(capture.messages.filter((m) => m.message.includes('was interrupted')).length, 1);
    } finally {
      capture.restore();
    }
    const wire = (await emulatorRequests('imagekit')).filter((x) => x.method === 'POST');
    assert.deepEqual(
      wire.map((x) => (x.body as { url: string }).url).sort(),
      [urls[2], urls[3]],
      'only the never-sent ones reach the server',
    );
    assert.equal(emulatorQuota(a.context) - quotaBefore, 2, 'the quota counts exactly what Resume sent');
    // Marked once Resume's purge has returned (its summary shown), a moment after the answers are on record.
    const after = await waitFor('the batch marked resumed', () => {
      const b = a.history.batch(batch.id);
      return b?.interrupted?.resumedBy ? b : undefined;
    });
    assert.doesNotMatch(
      String(a.treeProvider.getTreeItem({ type: 'batch', batchId: batch.id }).contextValue),
      /interrupted/,
      'Resume is no longer offered',
    );
    assert.equal(after.requests[1].state, 'unknown', 'the one that may have been received is still said so');
    assert.equal(await vscode.commands.executeCommand('cdnPurge.resumeBatch', batch.id), undefined);
  });
});
