// Long work shows progress in a notification and can be cancelled from it: requests not yet answered end as
// "cancelled" in the history, and what was answered stays recorded.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PurgeOutcome } from '../../src/host/purgeService';
import { describeUi, ui } from './harness';
import { emulator, resetEmulator, useEmulator, waitFor } from './helpers';

describeUi('Progress with cancel', function () {
  this.timeout(60_000);

  it('cancelling the progress notification stops the batch and records each request', async () => {
    const a = await useEmulator();
    await resetEmulator();
    await vscode.commands.executeCommand('notifications.clearAll');
    // All three purges hang for 20 s on the emulator: long enough to cancel them from the notification.
    await emulator('/_emulator/faults', {
      kind: 'delay',
      delayMs: 20_000,
      count: 3,
      match: { provider: 'imagekit', path: '/v1/files/purge' },
    });
    const urls = ['a', 'b', 'c'].map((x) => `https://ik.imagekit.io/demo/cancel/${x}.jpg`);
    const running = vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', urls);
    // The progress notification (in the notification center: this test workbench shows no toasts) has Cancel.
    await waitFor('the requests to be sent', () =>
      a.history.all()[0]?.requests.every((r) => r.state === 'sending') && a.history.all()[0].requests.length === 3
        ? true
        : undefined,
    );
    await vscode.commands.executeCommand('notifications.showList');
    const cancel =
      '.notifications-center .notification-list-item:has-text("Purging from ImageKit") .monaco-button:has-text("Cancel")';
    await ui.waitFor(cancel, { timeoutMs: 20_000 });
    assert.match(
      (await ui.texts('.notifications-center .notification-list-item:has-text("Purging from ImageKit")')).join(' '),
      /sending 3 requests/,
    );
    await ui.click(cancel);
    const outcome = await running;
    const statuses = outcome.results.map((r) => r.status);
    assert.ok(statuses.includes('cancelled'), JSON.stringify(statuses));
    assert.equal(outcome.results.length, 3);
    const stored = a.history.all()[0].requests.map((r) => r.state);
    assert.deepEqual(stored, statuses, 'the history keeps each request with its outcome');
    await waitFor('the batch to have no request left "sending"', () =>
      a.history.all()[0].requests.every((r) => r.state !== 'sending') ? true : undefined,
    );
  });
});
