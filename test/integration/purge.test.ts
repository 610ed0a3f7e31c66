// Purging through the commands, against the emulator, as a user would: the request on the wire, the history,
// ImageKit's live status followed to Completed, imgix's duplicate, verification, failures, the output channel.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PurgeOutcome } from '../../src/host/purgeService';
import {
  emulator,
  emulatorPurges,
  emulatorRequests,
  outputChannelText,
  resetEmulator,
  useEmulator,
  waitFor,
} from './helpers';

describe('Purging against the emulator', function () {
  this.timeout(60_000);

  before(async () => {
    await useEmulator();
  });

  beforeEach(async () => {
    await resetEmulator();
  });

  it('purges an ImageKit URL with Basic auth and follows it from Pending to Completed', async () => {
    const a = await useEmulator();
    const url = 'https://ik.imagekit.io/demo/integration/hero.jpg';
    const outcome = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', url);
    assert.ok(outcome, 'the command returns what it did');
    assert.equal(outcome.results.length, 1);
    const r = outcome.results[0];
    assert.equal(r.status, 'accepted');
    assert.equal(r.httpStatus, 201);
    assert.match(r.requestId ?? '', /^[0-9a-f]{24}$/);

    const wire = (await emulatorRequests('imagekit')).filter((x) => x.method === 'POST');
    assert.equal(wire.length, 1);
    assert.equal(wire[0].auth, 'valid');
    assert.deepEqual(wire[0].body, { url });

    const batch = a.history.all()[0];
    assert.equal(batch.provider, 'imagekit');
    assert.equal(batch.requests[0].requestId, r.requestId);
    // Pending when the purge returns (the emulator completes it 2 s later) ...
    assert.equal(batch.requests[0].live, 'Pending');
    const request = () => a.history.find(batch.requests[0].id)?.request;
    const item = () =>
      a.treeProvider.getTreeItem({ type: 'request', batchId: batch.id, requestId: batch.requests[0].id });
    assert.match(String(item().description), /^pending · 201/);
    const badge = () => a.tree.badge?.value ?? 0;
    await waitFor('the view badge to count it', () => badge() >= 1 && badge() === a.history.pending().length);
    // ... and Completed by the extension's own polling: this test sends no status request and runs no command.
    await waitFor('the poller to see it Completed', () => request()?.live === 'Completed', { timeoutMs: 45_000 });
    const polls = (await emulatorRequests('imagekit')).filter(
      (x) => x.method === 'GET' && x.path === `/v1/files/purge/${r.requestId}`,
    );
    assert.ok(polls.length >= 1, 'the extension asked ImageKit (the emulator) for the status');
    assert.ok(
      polls.every((x) => x.auth === 'valid' && x.status === 200),
      `status requests with the key, answered: ${JSON.stringify(polls)}`,
    );
    assert.ok(request()?.liveCheckedAt, 'the time of the check is kept');
    assert.match(String(item().description), /^completed · 201/);
    assert.ok(!a.history.pending().some((p) => p.request.id === batch.requests[0].id));
    await waitFor('the badge to follow', () => badge() === a.history.pending().length);
  });

  it('sends nothing for a wildcard ImageKit refuses', async () => {
    const outcome = await vscode.commands.executeCommand<PurgeOutcome | undefined>(
      'cdnPurge.purgeUrl',
      'https://ik.imagekit.io/demo/images*',
    );
    assert.equal(outcome?.results.length ?? 0, 0);
    assert.equal(outcome?.invalid[0]?.problems[0]?.code, 'wildcard-too-broad');
    assert.deepEqual(await emulatorPurges('imagekit'), []);
  });

  it('purges an imgix derivative by its base path, then reports the repeat as a duplicate', async () => {
    const first = await vscode.commands.executeCommand<PurgeOutcome>(
      'cdnPurge.purgeUrl',
      'https://assets.imgix.net/integration/dogs.png?w=400',
    );
    assert.equal(first.results[0].url, 'https://assets.imgix.net/integration/dogs.png');
    assert.equal(first.results[0].status, 'accepted');
    const wire = (await emulatorRequests('imgix')).filter((x) => x.method === 'POST');
    assert.equal(wire[0].auth, 'valid');
    assert.deepEqual(wire[0].body, {
      data: { type: 'purges', attributes: { url: 'https://assets.imgix.net/integration/dogs.png' } },
    });
    const again = await vscode.commands.executeCommand<PurgeOutcome>(
      'cdnPurge.purgeUrl',
      'https://assets.imgix.net/integration/dogs.png',
    );
    assert.equal(again.results[0].status, 'duplicate');
    assert.equal(again.results[0].httpStatus, 409);
    assert.equal(again.results[0].ok, true);
  });

  it('verifies an imgix purge: the old copy, then the new version once the purge is through', async () => {
    const a = await useEmulator();
    const url = 'https://assets.imgix.net/integration/verify.png';
    await fetch(`${a.settings.emulatorUrl!}/cdn/assets.imgix.net/integration/verify.png`); // the CDN caches v1
    await emulator('/_emulator/origin', { url, action: 'update' }); // the origin now has v2
    const outcome = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', url);
    const batch = outcome.batches[0];
    assert.ok(batch.requests[0].before, 'a copy was read before the purge');
    const verified = await waitFor('the new version to be served', async () => {
      const results = await vscode.commands.executeCommand<Array<{ verify?: { state: string } }>>(
        'cdnPurge.verifyBatch',
        batch.id,
      );
      return results?.[0]?.verify?.state === 'updated' ? results : undefined;
    });
    assert.equal(verified[0].verify?.state, 'updated');
  });

  it('keeps the provider message and a hint when a purge fails, and retries 503s', async () => {
    const a = await useEmulator();
    // Faults for the purges (POST), not for a status request of the poller following an earlier purge.
    const purges = { provider: 'imagekit', method: 'POST', path: '/v1/files/purge' };
    await emulator('/_emulator/faults', { kind: 'status', status: 503, count: 1, match: purges });
    const ok = await vscode.commands.executeCommand<PurgeOutcome>(
      'cdnPurge.purgeUrl',
      'https://ik.imagekit.io/demo/integration/retry.jpg',
    );
    assert.equal(ok.results[0].status, 'accepted');
    assert.equal(ok.results[0].attempts, 2);

    await emulator('/_emulator/faults', {
      kind: 'status',
      status: 403,
      body: { message: 'Your account is suspended.', help: 'Contact support.' },
      match: purges,
    });
    const bad = await vscode.commands.executeCommand<PurgeOutcome>(
      'cdnPurge.purgeUrl',
      'https://ik.imagekit.io/demo/integration/denied.jpg',
    );
    assert.equal(bad.results[0].status, 'failed');
    assert.equal(bad.results[0].httpStatus, 403);
    assert.equal(bad.results[0].attempts, 1, 'a 403 is not retried');
    const stored = a.history.all()[0].requests[0];
    assert.equal(stored.message, 'Your account is suspended.');
    assert.match(stored.hint ?? '', /key/);
  });

  it('writes each request to the output channel, never a key', async () => {
    const a = await useEmulator();
    await vscode.commands.executeCommand('cdnPurge.purgeUrl', 'https://ik.imagekit.io/demo/integration/logged.jpg');
    const info = await emulator<{ imagekit: { testKey?: string }; imgix: { testKey?: string } }>('/_emulator/info');
    const text = await waitFor('the log line', () => {
      const t = outputChannelText(a.context);
      return t.includes('integration/logged.jpg') ? t : undefined;
    });
    assert.match(
      text,
      /\[imagekit\] https:\/\/ik\.imagekit\.io\/demo\/integration\/logged\.jpg → accepted \(HTTP 201\) in \d+ ms, requestId [0-9a-f]{24}/,
    );
    for (const key of [info.imagekit.testKey, info.imgix.testKey]) {
      assert.ok(key);
      assert.ok(!text.includes(key), 'no key in the output channel');
      assert.ok(!text.includes(Buffer.from(`${key}:`).toString('base64')), 'no encoded key either');
    }
  });
});
