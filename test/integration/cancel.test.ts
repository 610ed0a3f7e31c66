// Long work shows progress in a notification and can be cancelled from it. What each request became is matched
// against what the emulator received: the one it answered before the cancel is accepted; the ones it received but
// had not answered are "unknown: may have been received" (never "cancelled", which means not sent); one it never
// received, if any, is cancelled.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PurgeOutcome } from '../../src/host/purgeService';
import { describeUi, sleep, ui } from './harness';
import { emulator, emulatorRequests, resetEmulator, useEmulator, waitFor } from './helpers';

const HANG_MS = 12_000;

describeUi('Progress with cancel', function () {
  this.timeout(90_000);

  it('cancelling the progress notification: answered requests stay accepted, received ones unknown, unsent ones cancelled', async () => {
    const a = await useEmulator();
    await resetEmulator();
    await vscode.commands.executeCommand('notifications.clearAll');
    // The emulator answers the first purge to arrive at once and holds the next two for HANG_MS: long enough to
    // cancel them from the notification.
    await emulator('/_emulator/faults', [
      { kind: 'delay', delayMs: 0, count: 1, match: { provider: 'imagekit', method: 'POST', path: '/v1/files/purge' } },
      {
        kind: 'delay',
        delayMs: HANG_MS,
        count: 2,
        match: { provider: 'imagekit', method: 'POST', path: '/v1/files/purge' },
      },
    ]);
    const urls = ['a', 'b', 'c'].map((x) => `https://ik.imagekit.io/demo/cancel/${x}.jpg`);
    const running = vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', urls);
    // One answered, the other two in flight: then cancel.
    await waitFor('one request answered and two still sending', () => {
      const rs = a.history.all()[0]?.requests ?? [];
      return rs.length === 3 &&
        rs.filter((r) => r.state === 'accepted').length === 1 &&
        rs.filter((r) => r.state === 'sending').length === 2
        ? true
        : undefined;
    });
    const answered = (await emulatorRequests('imagekit')).filter((x) => x.method === 'POST');
    assert.equal(answered.length, 1, 'the emulator has answered exactly one purge before the cancel');
    assert.equal(answered[0].status, 201);
    const answeredUrl = (answered[0].body as { url: string }).url;

    await vscode.commands.executeCommand('notifications.showList');
    const item = '.notifications-center .notification-list-item:has-text("Purging from ImageKit")';
    const cancel = `${item} .monaco-button:has-text("Cancel")`;
    await ui.waitFor(cancel, { timeoutMs: 20_000 });
    assert.match((await ui.texts(item)).join(' '), /1 of 3/, 'the progress says how far it got');
    await ui.click(cancel);
    const outcome = await running;
    assert.equal(outcome.results.length, 3);

    // The emulator logs a request when it answers it: the held ones HANG_MS after they arrived (into connections the
    // extension has closed). Then its log lists every request it received.
    const deadline = Date.now() + HANG_MS + 5_000;
    let all = answered;
    while (Date.now() < deadline) {
      all = (await emulatorRequests('imagekit')).filter((x) => x.method === 'POST');
      if (all.length === urls.length) break;
      await sleep(250);
    }
    const receivedUrls = new Set(all.map((x) => (x.body as { url: string }).url));
    const expected = urls.map((u) => (u === answeredUrl ? 'accepted' : receivedUrls.has(u) ? 'unknown' : 'cancelled'));
    const got = urls.map((u) => outcome.results.find((r) => r.url === u)?.status);
    assert.deepEqual(got, expected, `emulator received ${[...receivedUrls].join(', ')}; answered ${answeredUrl}`);
    assert.ok(got.filter((s) => s !== 'accepted').length === 2, 'the two held requests did not end as accepted');
    // The history keeps each request with that outcome.
    const stored = a.history.all()[0].requests;
    assert.deepEqual(
      urls.map((u) => stored.find((r) => r.url === u)?.state),
      expected,
    );
    for (const r of stored.filter((x) => x.state === 'unknown'))
      assert.match(r.message ?? '', /may have been received/, 'an unknown request says why');
  });
});
