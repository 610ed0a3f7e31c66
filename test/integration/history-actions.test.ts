// What the Purge History's actions do, by their effects: Purge Again sends the request again (a new batch, a new
// request on the wire), Verify fetches the asset and records the verdict on the entry, Copy URL puts the URL on the
// clipboard, Clear Purge History empties the history (stored too) after its confirmation, Remove API Key deletes
// the keys picked and only those. The tree items these commands get are the tree provider's own nodes.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HistoryNode } from '../../src/host/historyTree';
import type { PurgeOutcome } from '../../src/host/purgeService';
import { emulatorUrl } from './harness';
import {
  answerQuickPicks,
  captureMessages,
  emulator,
  emulatorRequests,
  resetEmulator,
  storedHistory,
  useEmulator,
  waitFor,
} from './helpers';

describe('Purge History actions, by their effects', function () {
  this.timeout(60_000);

  before(async () => {
    await useEmulator();
  });

  beforeEach(async () => {
    await resetEmulator();
  });

  /** The tree's node for a request (what a click on the entry passes to the command). */
  async function nodeOf(requestId: string): Promise<HistoryNode> {
    const a = await useEmulator();
    for (const n of a.treeProvider.nodes()) if (n.type === 'request' && n.requestId === requestId) return n;
    throw new Error(`no tree node for ${requestId}`);
  }

  it('Purge Again on a failed entry sends it again and records a new batch from "retry"', async () => {
    const a = await useEmulator();
    const url = 'https://ik.imagekit.io/demo/actions/retry.jpg';
    await emulator('/_emulator/faults', {
      kind: 'status',
      status: 400,
      body: { message: 'Invalid request.' },
      // The purge itself, not a status request of the poller (still following earlier suites' purges).
      match: { provider: 'imagekit', method: 'POST', path: '/v1/files/purge' },
    });
    const failed = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', url);
    assert.equal(failed.results[0].status, 'failed');
    const first = failed.batches[0];
    const node = await nodeOf(first.requests[0].id);
    assert.doesNotMatch(
      String(a.treeProvider.getTreeItem(node).contextValue),
      /verifiable/,
      'a failed entry offers Purge Again, not Verify',
    );

    await resetEmulator();
    const again = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.retry', node);
    assert.equal(again.results[0].status, 'accepted');
    assert.notEqual(again.batches[0].id, first.id, 'a new batch');
    assert.equal(a.history.all()[0].id, again.batches[0].id, 'the newest in the history');
    assert.equal(a.history.all()[0].source, 'retry');
    assert.equal(a.history.batch(first.id)?.requests[0].state, 'failed', 'the failed one stays as it was');
    const wire = (await emulatorRequests('imagekit')).filter((x) => x.method === 'POST');
    assert.deepEqual(
      wire.map((x) => x.body),
      [{ url }],
    );
  });

  it('Purge Again on a batch sends each of its requests again', async () => {
    const a = await useEmulator();
    const urls = ['x', 'y'].map((n) => `https://assets.imgix.net/actions/${n}.png`);
    const first = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', urls);
    const batchNode = a.treeProvider.nodes().find((n) => n.type === 'batch' && n.batchId === first.batches[0].id);
    assert.ok(batchNode, 'a batch of two shows as a batch node');
    await resetEmulator();
    const again = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.retry', batchNode);
    assert.deepEqual(again.results.map((r) => r.url).sort(), urls);
    const wire = (await emulatorRequests('imgix')).filter((x) => x.method === 'POST');
    assert.equal(wire.length, 2);
  });

  it('Verify on an entry fetches the asset again and records the verdict on it', async () => {
    const a = await useEmulator();
    const url = 'https://assets.imgix.net/actions/verify.png';
    await fetch(`${emulatorUrl()}/cdn/assets.imgix.net/actions/verify.png`); // the CDN caches v1
    await emulator('/_emulator/origin', { url, action: 'update' }); // the origin now has v2
    const outcome = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', url);
    const request = outcome.batches[0].requests[0];
    const node = await nodeOf(request.id);
    assert.match(String(a.treeProvider.getTreeItem(node).contextValue), /^request verifiable/);
    const capture = captureMessages();
    try {
      await waitFor('the new version to be served', async () => {
        const results = await vscode.commands.executeCommand<Array<{ verify?: { state: string } }>>(
          'cdnPurge.verify',
          node,
        );
        return results?.[0]?.verify?.state === 'updated';
      });
    } finally {
      capture.restore();
    }
    assert.equal(a.history.find(request.id)?.request.verify?.state, 'updated', 'recorded on the entry');
    assert.match(String(a.treeProvider.getTreeItem(node).description), /^verified: new version/);
    assert.equal(capture.messages.at(-1)?.message, 'Verify: 1 serve the new version.');
    const fetched = (await emulatorRequests('cdn')).filter((x) => x.path.includes('actions/verify.png'));
    assert.ok(fetched.length >= 2, 'the asset was read before the purge and again to verify');
  });

  it("Copy URL puts the entry's URL on the clipboard", async () => {
    const url = 'https://ik.imagekit.io/demo/actions/copy%20me.jpg';
    const outcome = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', url);
    await vscode.env.clipboard.writeText('something else');
    const node = await nodeOf(outcome.batches[0].requests[0].id);
    assert.equal(await vscode.commands.executeCommand('cdnPurge.copyUrl', node), url);
    assert.equal(await vscode.env.clipboard.readText(), url);
  });

  it('Clear Purge History asks first: dismissed keeps everything, confirmed empties the view and the stored history', async () => {
    const a = await useEmulator();
    await vscode.commands.executeCommand('cdnPurge.purgeUrl', 'https://ik.imagekit.io/demo/actions/clear.jpg');
    const before = a.history.all().length;
    assert.ok(before >= 1);

    const dismissed = captureMessages(() => undefined);
    try {
      assert.equal(await vscode.commands.executeCommand('cdnPurge.clearHistory'), 0);
    } finally {
      dismissed.restore();
    }
    assert.equal(dismissed.messages.length, 1);
    assert.equal(
      dismissed.messages[0].message,
      `Clear the history of ${before} purge batch${before === 1 ? '' : 'es'}?`,
    );
    assert.equal(dismissed.messages[0].modal, true);
    assert.equal(a.history.all().length, before, 'dismissed: nothing cleared');

    const confirmed = captureMessages((m) => (m.message.startsWith('Clear the history') ? 'Clear' : undefined));
    try {
      assert.equal(await vscode.commands.executeCommand('cdnPurge.clearHistory'), before);
    } finally {
      confirmed.restore();
    }
    assert.equal(a.history.all().length, 0);
    assert.deepEqual(a.treeProvider.getChildren(), [], 'the view is empty');
    assert.deepEqual((await storedHistory(a))?.batches, [], 'and so is the stored history');
  });

  it('Remove API Key deletes the keys picked, and only those', async () => {
    const a = await useEmulator();
    assert.ok(await a.keys.has('imgix', 'emulator'));
    assert.ok(await a.keys.has('imagekit', 'emulator'));
    const offered: string[] = [];
    const picks = answerQuickPicks((items) => {
      offered.push(...items.map((i) => `${i.label}${i.description ? ` (${i.description})` : ''}`));
      return [items.find((i) => i.label === 'imgix API key' && i.description === 'local emulator test key')];
    });
    const capture = captureMessages();
    try {
      assert.equal(await vscode.commands.executeCommand('cdnPurge.removeKey'), 1);
    } finally {
      picks.restore();
      capture.restore();
    }
    assert.ok(offered.includes('imgix API key (local emulator test key)'), JSON.stringify(offered));
    assert.equal(await a.keys.has('imgix', 'emulator'), false, 'the picked key is gone');
    assert.equal(await a.keys.has('imagekit', 'emulator'), true, 'the other key is still there');
    assert.deepEqual(
      capture.messages.map((m) => m.message),
      ['Removed 1 key from secret storage.'],
    );
    await useEmulator(); // stores the emulator's test keys again for the suites after this one
    assert.ok(await a.keys.has('imgix', 'emulator'));
  });
});
