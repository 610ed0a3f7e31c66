// The Purge History's context menus (issue 12, item 5) by their effects, and through the UI: an imgix batch row says
// what its rows say; Retry Failed, Copy URLs, Export as JSON, Remove from History on a batch and on a request; the
// menu a right-click on a batch row opens (playwright) has them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HistoryNode } from '../../src/host/historyTree';
import type { PurgeOutcome } from '../../src/host/purgeService';
import { describeUi, sel, ui } from './harness';
import { emulator, resetEmulator, storedHistory, useEmulator, waitFor } from './helpers';

async function batchNode(batchId: string): Promise<HistoryNode> {
  const a = await useEmulator();
  const n = a.treeProvider.nodes().find((x) => x.type === 'batch' && x.batchId === batchId);
  assert.ok(n, `a batch node for ${batchId}`);
  return n;
}

describe('Purge History context menus, by their effects', function () {
  this.timeout(60_000);

  before(async () => {
    await useEmulator();
  });
  beforeEach(async () => {
    await resetEmulator();
  });

  it('an imgix batch row says "received (verify to be sure)" as its rows do, with no green check', async () => {
    const a = await useEmulator();
    const urls = ['m1', 'm2'].map((n) => `https://assets.imgix.net/menus/${n}.png`);
    const out = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', urls);
    const node = await batchNode(out.batches[0].id);
    const item = a.treeProvider.getTreeItem(node);
    assert.match(String(item.description), /^2 received \(verify to be sure\) · /);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'check');
    for (const c of a.treeProvider.getChildren(node))
      assert.match(String(a.treeProvider.getTreeItem(c).description), /^received \(verify to be sure\)/);
  });

  it('Copy URLs, Export as JSON and Remove from History on a batch and on a request', async () => {
    const a = await useEmulator();
    const urls = ['c1', 'c2', 'c3'].map((n) => `https://assets.imgix.net/menus/${n}.png`);
    const out = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', urls);
    const id = out.batches[0].id;
    const node = await batchNode(id);
    assert.equal(await vscode.commands.executeCommand('cdnPurge.copyUrls', node), urls.join('\n'));
    assert.equal(await vscode.env.clipboard.readText(), urls.join('\n'));

    const file = vscode.Uri.file(path.join(os.tmpdir(), `cdn-purge-export-${process.pid}.json`));
    try {
      await vscode.commands.executeCommand('cdnPurge.exportHistory', node, file);
      const json = JSON.parse(fs.readFileSync(file.fsPath, 'utf8')) as {
        format: string;
        batches: Array<{ id: string; requests: Array<{ url: string; state: string }> }>;
      };
      assert.equal(json.format, 'cdn-purge-history');
      assert.deepEqual(
        json.batches.map((b) => [b.id, b.requests.map((r) => r.url)]),
        [[id, urls]],
      );
    } finally {
      fs.rmSync(file.fsPath, { force: true });
    }

    const [first] = a.treeProvider.getChildren(node);
    assert.equal(await vscode.commands.executeCommand('cdnPurge.removeFromHistory', first), 1);
    assert.deepEqual(
      a.history.batch(id)?.requests.map((r) => r.url),
      urls.slice(1),
    );
    assert.equal(await vscode.commands.executeCommand('cdnPurge.removeFromHistory', node), 1);
    assert.equal(a.history.batch(id), undefined);
    await a.history.flush();
    const stored = await storedHistory(a);
    assert.ok(!(stored?.batches as Array<{ id: string }>).some((b) => b.id === id), 'removed from the stored history');
  });

  it('Retry Failed sends again only the requests of a batch that failed', async () => {
    const a = await useEmulator();
    const urls = ['f1', 'f2'].map((n) => `https://ik.imagekit.io/demo/menus/${n}.jpg`);
    await emulator('/_emulator/faults', {
      kind: 'status',
      status: 400,
      body: { message: 'Invalid request.' },
      match: { provider: 'imagekit', method: 'POST', path: '/v1/files/purge' },
    });
    const out = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', urls);
    // The fault answers one request (count 1): one failed, one accepted.
    const failed = out.results.filter((r) => r.status === 'failed').map((r) => r.url);
    assert.equal(failed.length, 1, JSON.stringify(out.results.map((r) => r.status)));
    const node = await batchNode(out.batches[0].id);
    assert.match(String(a.treeProvider.getTreeItem(node).contextValue), /hasFailed/);
    assert.match(String(a.treeProvider.getTreeItem(node).description), /^1 pending|^1 done|1 failed/);
    await resetEmulator();
    const again = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.retryFailed', node);
    assert.deepEqual(
      again.results.map((r) => [r.url, r.status]),
      [[failed[0], 'accepted']],
      'only the failed one is sent again',
    );
    assert.equal(a.history.all()[0].source, 'retry');
  });
});

describeUi('Purge History context menus, through the UI', function () {
  this.timeout(90_000);

  it('right-clicking a failed batch row offers Purge Again, Retry Failed, Copy URLs, Export as JSON…, Remove from History', async () => {
    const a = await useEmulator();
    await resetEmulator();
    await emulator('/_emulator/faults', {
      kind: 'status',
      status: 400,
      body: { message: 'Invalid request.' },
      match: { provider: 'imagekit', method: 'POST', path: '/v1/files/purge' },
    });
    const urls = ['u1', 'u2'].map((n) => `https://ik.imagekit.io/demo/menus-ui/${n}.jpg`);
    const out = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', urls);
    await resetEmulator();
    await vscode.commands.executeCommand('cdnPurge.history.focus');
    const label = a.treeProvider.getTreeItem(await batchNode(out.batches[0].id)).label as string;
    const row = `${sel.sidebar} .monaco-list-row:has-text("${label}")`;
    const box = await waitFor('the batch row', () => ui.box(row, { nth: 0 }));
    await ui.mouse(box.x + box.width / 3, box.y + box.height / 2, { button: 'right' });
    await ui.waitFor(sel.contextMenu);
    const items = await ui.texts(`${sel.contextMenu} .action-label`);
    try {
      for (const want of ['Purge Again', 'Retry Failed', 'Copy URLs', 'Export as JSON…', 'Remove from History'])
        assert.ok(items.includes(want), `${want} in ${JSON.stringify(items)}`);
      assert.ok(!items.includes('Open in Browser'), 'a batch is not one page');
    } catch (e) {
      await ui.press('Escape');
      throw e;
    }
    // The menu item works: Remove from History takes the batch away. On a loaded machine the tree may redraw
    // (a status poll) and close the menu before the click lands, so the menu is opened again when it is gone.
    const removed = () => !a.history.batch(out.batches[0].id);
    for (let attempt = 1; ; attempt++) {
      if ((await ui.count(sel.contextMenu)) === 0) {
        const again = await waitFor('the batch row', () => ui.box(row, { nth: 0 }));
        await ui.mouse(again.x + again.width / 3, again.y + again.height / 2, { button: 'right' });
        await ui.waitFor(sel.contextMenu);
      }
      try {
        await ui.click(sel.contextMenuItem('Remove from History'), { timeoutMs: 5_000 });
        await waitFor('the batch removed', () => removed() || undefined, { timeoutMs: 10_000 });
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
  });
});
