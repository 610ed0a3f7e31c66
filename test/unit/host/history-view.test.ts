// The Purge History view's grouping and filter (src/host/historyView.ts, historyTree.ts) in plain Node: batches by
// local day (Today, Yesterday, dates), the filter by provider, status and URL text, the counts the view's message
// gives, and the tree built from them (a day row over batch rows; a filtered batch shows only its matching rows).
import assert from 'node:assert/strict';
import { contextKeys, install, MemoryMemento, ManualTimers, reset } from '../helpers/vscode-stub';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
const view = require('../../../src/host/historyView') as typeof import('../../../src/host/historyView');
const tree = require('../../../src/host/historyTree') as typeof import('../../../src/host/historyTree');
const { HistoryStore } = require('../../../src/host/history') as typeof import('../../../src/host/history');
type Batch = import('../../../src/host/history').HistoryBatch;
type Request = import('../../../src/host/history').HistoryRequest;

let n = 0;
function req(url: string, patch: Partial<Request> = {}): Request {
  return { id: `r${n++}`, url, kind: 'exact', covers: [url], state: 'accepted', startedAt: 1, ...patch };
}
function batch(provider: string, createdAt: number, requests: Request[]): Batch {
  return { id: `b${n++}`, provider, source: 'palette', target: 'x', createdAt, requests };
}

/** Local noon of a day `days` before today. */
function daysAgo(days: number, hour = 12): number {
  const d = new Date();
  d.setHours(hour, 0, 0, 0);
  d.setDate(d.getDate() - days);
  return d.getTime();
}

describe('host: history view grouping and filter (plain Node)', () => {
  afterEach(() => reset());

  it('statusOf: failed / pending / done / unknown from what each row says', () => {
    const cases: Array<[Partial<Request>, string]> = [
      [{ state: 'failed' }, 'failed'],
      [{ state: 'error' }, 'failed'],
      [{ state: 'cancelled' }, 'failed'],
      [{ state: 'accepted', verify: { state: 'error', detail: '', at: 1 } }, 'failed'],
      [{ state: 'sending' }, 'pending'],
      [{ state: 'accepted', live: 'Pending' }, 'pending'],
      [{ state: 'accepted' }, 'pending'],
      [{ state: 'accepted', live: 'Completed' }, 'done'],
      [{ state: 'duplicate' }, 'done'],
      [{ state: 'accepted', verify: { state: 'updated', detail: '', at: 1 } }, 'done'],
      [{ state: 'unknown' }, 'unknown'],
      [{ state: 'accepted', verify: { state: 'unchanged', detail: '', at: 1 } }, 'unknown'],
    ];
    for (const [patch, want] of cases)
      assert.equal(view.statusOf(req('https://x/a', patch)), want, JSON.stringify(patch));
  });

  it('groups by local day, newest day first; a day just after midnight is not yesterday', () => {
    const today = batch('imagekit', daysAgo(0), [req('https://ik.imagekit.io/d/a.jpg')]);
    const early = batch('imgix', daysAgo(0, 0) + 60_000, [req('https://a.imgix.net/b.png')]);
    const yesterday = batch('imgix', daysAgo(1, 23), [req('https://a.imgix.net/c.png')]);
    const older = batch('imagekit', daysAgo(9), [req('https://ik.imagekit.io/d/d.jpg')]);
    const groups = view.groupByDay([today, early, yesterday, older]);
    assert.deepEqual(
      groups.map((g) => [view.dayKind(g.key, Date.now()), g.batches.map((b) => b.id)]),
      [
        ['today', [today.id, early.id]],
        ['yesterday', [yesterday.id]],
        ['date', [older.id]],
      ],
    );
    assert.equal(tree.dayLabel(groups[0].key), 'Today');
    assert.equal(tree.dayLabel(groups[1].key), 'Yesterday');
    assert.equal(
      tree.dayLabel(groups[2].key),
      new Date(daysAgo(9)).toLocaleDateString(undefined, {
        weekday: 'short',
        year: 'numeric',
        month: 'short',
        day: 'numeric',
      }),
    );
  });

  it('filters by provider, status and text (URL or a URL it covers, any case); parts combine', () => {
    const ik = batch('imagekit', daysAgo(0), [
      req('https://ik.imagekit.io/d/hero.jpg', { state: 'failed' }),
      req('https://ik.imagekit.io/d/logo.png', { live: 'Completed' }),
      req('https://ik.imagekit.io/d/img/*', { kind: 'wildcard', covers: ['https://ik.imagekit.io/d/img/Hero-2.jpg'] }),
    ]);
    const ix = batch('imgix', daysAgo(2), [req('https://a.imgix.net/hero.png', { state: 'unknown' })]);
    const all = [ik, ix];
    const urls = (f: import('../../../src/host/historyView').HistoryFilter) =>
      all.flatMap((b) => view.visibleRequests(b, f).map((r) => r.url));
    assert.deepEqual(urls({ providers: ['imgix'] }), ['https://a.imgix.net/hero.png']);
    assert.deepEqual(urls({ statuses: ['failed', 'unknown'] }), [
      'https://ik.imagekit.io/d/hero.jpg',
      'https://a.imgix.net/hero.png',
    ]);
    assert.deepEqual(urls({ text: 'HERO' }), [
      'https://ik.imagekit.io/d/hero.jpg',
      'https://ik.imagekit.io/d/img/*',
      'https://a.imgix.net/hero.png',
    ]);
    assert.deepEqual(urls({ text: 'hero', providers: ['imagekit'], statuses: ['failed'] }), [
      'https://ik.imagekit.io/d/hero.jpg',
    ]);
    assert.deepEqual(urls({ text: '  ', providers: [], statuses: [] }).length, 4, 'an empty filter is no filter');
    assert.equal(view.isFiltered({ text: '  ' }), false);
    assert.deepEqual(view.filterCounts(all, { text: 'hero' }), { shown: 3, total: 4 });
    assert.deepEqual(
      view.groupByDay(all, { providers: ['imgix'] }).map((g) => g.batches.map((b) => b.id)),
      [[ix.id]],
      'a day with nothing that matches is not shown',
    );
  });

  it('the tree: day rows over batch rows, a filtered batch shows its matching rows, the view says the filter', () => {
    const m = new MemoryMemento();
    const store = new HistoryStore(m, new ManualTimers());
    const a = store.add({
      provider: 'imagekit',
      source: 'palette',
      target: 'x',
      requests: [req('https://ik.imagekit.io/d/one.jpg', { state: 'failed' }), req('https://ik.imagekit.io/d/two.jpg')],
    });
    const p = new tree.HistoryTreeProvider(store);
    const shown: { description?: string; message?: string } = {};
    p.attach(shown);
    const [day] = p.getChildren();
    assert.deepEqual(day, { type: 'day', day: view.dayKey(Date.now()) });
    const item = p.getTreeItem(day);
    assert.equal(item.label, 'Today');
    assert.equal(item.description, '2 purges');
    assert.deepEqual(p.getChildren(day), [{ type: 'batch', batchId: a.id }]);
    assert.equal(p.getChildren({ type: 'batch', batchId: a.id }).length, 2);
    assert.deepEqual(p.getParent({ type: 'batch', batchId: a.id }), day);
    assert.equal(shown.description, undefined);

    p.setFilter({ statuses: ['failed'] });
    assert.deepEqual(p.getChildren({ type: 'batch', batchId: a.id }), [
      { type: 'request', batchId: a.id, requestId: a.requests[0].id },
    ]);
    assert.equal(p.getTreeItem(p.getChildren()[0]).description, '1 purge');
    assert.equal(shown.description, 'Filtered: failed');
    assert.equal(contextKeys.get('cdnPurge.historyFiltered'), true, 'the Clear Filter action shows');
    assert.equal(shown.message, 'Showing 1 of 2 purges that match: failed.');
    p.setFilter({ text: 'nothing-like-it' });
    assert.deepEqual(p.getChildren(), []);
    assert.match(String(shown.message), /^No purge matches the filter \(“nothing-like-it”\)/);
    p.setFilter(undefined);
    assert.equal(contextKeys.get('cdnPurge.historyFiltered'), false);
    assert.equal(shown.description, undefined);
    assert.equal(shown.message, undefined);
    assert.equal(p.getChildren().length, 1);
    p.dispose();
    store.dispose();
  });
});
