// The Purge History grouped by day, with its filter (issue 12, item 5), through the UI (playwright): the view's top
// rows are the days (Today, Yesterday); the title bar's Filter action opens one quick pick where the typed text
// searches the URLs and the checked items pick providers and statuses; the view then says what is filtered, shows
// only what matches, and offers Clear Filter (a context key: hidden when nothing is filtered).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describeUi, sel, ui } from './harness';
import { emulator, resetEmulator, useEmulator, waitFor } from './helpers';

const FILTER = `${sel.sidebar} .action-label[aria-label^="Filter Purge History"]`;
const CLEAR = `${sel.sidebar} .action-label[aria-label^="Clear Purge History Filter"]`;
const row = (text: string) => `${sel.sidebar} .monaco-list-row:has-text("${text}")`;

describeUi('Purge History by day, with a filter, through the UI', function () {
  this.timeout(120_000);

  after(async () => {
    await vscode.commands.executeCommand('cdnPurge.clearHistoryFilter');
  });

  it('shows Today and Yesterday; Filter… narrows to a provider and a search; Clear Filter shows everything again', async () => {
    const a = await useEmulator();
    await resetEmulator();
    await vscode.commands.executeCommand('cdnPurge.clearHistory', true);
    await vscode.commands.executeCommand('cdnPurge.clearHistoryFilter');
    await emulator('/_emulator/faults', {
      kind: 'status',
      status: 400,
      body: { message: 'Invalid request.' },
      match: { provider: 'imagekit', method: 'POST', path: '/v1/files/purge' },
    });
    await vscode.commands.executeCommand('cdnPurge.purgeUrl', 'https://ik.imagekit.io/demo/filter-ui/hero-ik.jpg');
    await resetEmulator();
    await vscode.commands.executeCommand('cdnPurge.purgeUrl', [
      'https://assets.imgix.net/filter-ui/hero-ix.png',
      'https://assets.imgix.net/filter-ui/other-ix.png',
    ]);
    // A batch from yesterday (the store dates a batch when it is made; this one is moved back a day).
    const old = a.history.add({
      provider: 'imgix',
      source: 'palette',
      target: 'emulator',
      requests: [
        {
          id: a.history.newId('r'),
          url: 'https://assets.imgix.net/filter-ui/yesterday.png',
          kind: 'exact',
          covers: ['https://assets.imgix.net/filter-ui/yesterday.png'],
          state: 'accepted',
          httpStatus: 200,
          startedAt: Date.now() - 86_400_000,
        },
      ],
    });
    old.createdAt = Date.now() - 86_400_000;
    a.history.update(old.requests[0].id, {});
    await a.history.flush();

    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('cdnPurge.history.focus');
    await ui.waitFor(row('Today'));
    await ui.waitFor(row('Yesterday'));
    await ui.waitFor(row('filter-ui/hero-ik.jpg'));
    assert.equal(await ui.count(CLEAR), 0, 'no Clear Filter while nothing is filtered');

    // Filter…: type a search, check imgix, Enter.
    await ui.click(FILTER);
    await ui.waitFor('.quick-input-widget .quick-input-list .monaco-list-row');
    await ui.type('hero');
    await ui.click('.quick-input-widget .quick-input-list .monaco-list-row:has-text("imgix")');
    await ui.press('Enter');
    await waitFor('the filter in force', () => a.treeProvider.filter);
    assert.deepEqual(a.treeProvider.filter, { providers: ['imgix'], text: 'hero' });
    await ui.waitFor(row('filter-ui/hero-ix.png'));
    await ui.waitFor(row('filter-ui/hero-ik.jpg'), { state: 'detached' });
    assert.equal(await ui.count(row('filter-ui/other-ix.png')), 0, 'what does not match the search is hidden');
    assert.equal(await ui.count(row('Yesterday')), 0, 'a day with nothing that matches is hidden');
    // The view's description (next to its title; the side bar shows it when the view has a header of its own).
    assert.equal(a.tree.description, 'Filtered: imgix · “hero”');
    await ui.waitFor(`${sel.sidebar} :text("Showing 1 of 4 purges that match: imgix · “hero”.")`);

    // Clear Filter: shows only while filtered.
    await ui.waitFor(CLEAR);
    await ui.click(CLEAR);
    await waitFor('no filter', () => a.treeProvider.filter === undefined);
    await ui.waitFor(row('filter-ui/hero-ik.jpg'));
    await ui.waitFor(row('Yesterday'));
    await ui.waitFor(CLEAR, { state: 'detached' });
  });
});
