// Purging files and folders from the Explorer through mapping rules, and the history store's robustness.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HistoryStore } from '../../src/host/history';
import type { PurgeOutcome } from '../../src/host/purgeService';
import { captureMessages, emulatorPurges, emulatorRequests, resetEmulator, useEmulator } from './helpers';

describe('Explorer purges through mappings', function () {
  this.timeout(60_000);
  let dir: vscode.Uri;
  const folderName = `cdn-purge-it-${Date.now().toString(36)}`;

  before(async () => {
    await useEmulator();
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(root, 'the runner opens a workspace folder');
    dir = vscode.Uri.joinPath(root, folderName);
    for (const f of ['img/products/shoes/red 1.png', 'img/products/shoes/red-2.png', 'img/logo.png']) {
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, f), new Uint8Array([137, 80, 78, 71]));
    }
    await vscode.workspace
      .getConfiguration('cdnPurge')
      .update(
        'mappings',
        [{ glob: `${folderName}/img/**`, url: 'https://ik.imagekit.io/demo/it/', provider: 'imagekit' }],
        vscode.ConfigurationTarget.Global,
      );
  });

  after(async () => {
    await vscode.workspace
      .getConfiguration('cdnPurge')
      .update('mappings', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.fs.delete(dir, { recursive: true, useTrash: false });
  });

  beforeEach(async () => {
    await resetEmulator();
  });

  it('maps a file to its URL (percent-encoded) and purges it', async () => {
    const file = vscode.Uri.joinPath(dir, 'img/products/shoes/red 1.png');
    const outcome = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeFiles', file, [file]);
    assert.deepEqual(
      outcome.results.map((r) => [r.url, r.status]),
      [['https://ik.imagekit.io/demo/it/products/shoes/red%201.png', 'accepted']],
    );
  });

  it('purges a folder as one valid ImageKit wildcard', async () => {
    const folder = vscode.Uri.joinPath(dir, 'img/products');
    const outcome = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeFiles', folder, [folder]);
    assert.deepEqual(
      outcome.results.map((r) => [r.url, r.kind]),
      [['https://ik.imagekit.io/demo/it/products/*', 'wildcard']],
    );
    const wire = (await emulatorRequests('imagekit')).filter((x) => x.method === 'POST');
    assert.deepEqual(
      wire.map((x) => x.body),
      [{ url: 'https://ik.imagekit.io/demo/it/products/*' }],
    );
  });

  it('a folder over several rules: a wildcard where ImageKit accepts one, the other files one by one (imgix too)', async () => {
    const c = vscode.workspace.getConfiguration('cdnPurge');
    const saved = c.get('mappings');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, 'dl/guide.png'), new Uint8Array([137, 80, 78, 71]));
    await c.update(
      'mappings',
      [
        {
          glob: `${folderName}/img/products/**`,
          url: 'https://ik.imagekit.io/demo/it/products/',
          provider: 'imagekit',
        },
        { glob: `${folderName}/img/*.png`, url: 'https://ik.imagekit.io/demo/it/', provider: 'imagekit' },
        { glob: `${folderName}/dl/**`, url: 'https://assets.imgix.net/it/', provider: 'imgix' },
      ],
      vscode.ConfigurationTarget.Global,
    );
    try {
      const outcome = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeFiles', dir, [dir]);
      assert.deepEqual(outcome.results.map((r) => r.url).sort(), [
        'https://assets.imgix.net/it/guide.png',
        'https://ik.imagekit.io/demo/it/logo.png',
        'https://ik.imagekit.io/demo/it/products/*',
      ]);
      assert.ok(
        outcome.results.every((r) => r.ok),
        JSON.stringify(outcome.results.map((r) => [r.url, r.status])),
      );
    } finally {
      await c.update('mappings', saved, vscode.ConfigurationTarget.Global);
    }
  });

  it('says what to do when no mapping matches', async () => {
    const outside = vscode.Uri.joinPath(dir, 'unmapped.txt');
    await vscode.workspace.fs.writeFile(outside, new Uint8Array([1]));
    const capture = captureMessages();
    let outcome: PurgeOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<PurgeOutcome | undefined>('cdnPurge.purgeFiles', outside, [
        outside,
      ]);
    } finally {
      capture.restore();
    }
    assert.equal(outcome, undefined);
    assert.deepEqual(await emulatorPurges('imagekit'), []);
    const errors = capture.messages.filter((m) => m.kind === 'error');
    assert.equal(errors.length, 1, JSON.stringify(capture.messages));
    // Which file, what to add, where, and a button that goes there.
    assert.equal(
      errors[0].message,
      `No mapping gives a CDN URL for ${folderName}/unmapped.txt. Add a rule such as { "glob": "public/images/**", "url": "https://ik.imagekit.io/<id>/images/" } to cdnPurge.mappings or cdn-purge.json.`,
    );
    assert.deepEqual(errors[0].items, ['Open Settings']);
  });
});

describe('History store', () => {
  function memento(initial: Record<string, unknown>): vscode.Memento & { data: Record<string, unknown> } {
    const data = { ...initial };
    return {
      data,
      keys: () => Object.keys(data),
      get: <T>(k: string, d?: T) => (k in data ? (data[k] as T) : d) as T,
      update: async (k: string, v: unknown) => {
        data[k] = v;
      },
    };
  }

  it('keeps unreadable history aside instead of throwing it away', async () => {
    const m = memento({
      'cdnPurge.history.v1': {
        version: 1,
        batches: [
          { nonsense: true },
          { id: 'b1', provider: 'imgix', createdAt: 1, source: 'x', target: 't', requests: [] },
        ],
      },
    });
    const store = new HistoryStore(m);
    assert.equal(store.all().length, 1);
    assert.deepEqual(m.data['cdnPurge.history.unreadable'], [{ nonsense: true }]);
    assert.match(store.loadWarnings.join('\n'), /kept aside/);
    store.dispose();
  });

  it('marks a request that was in flight when VS Code closed, and stores the change', async () => {
    const m = memento({
      'cdnPurge.history.v1': {
        version: 1,
        batches: [
          {
            id: 'b1',
            provider: 'imagekit',
            createdAt: 1,
            source: 'x',
            target: 't',
            requests: [
              {
                id: 'r1',
                url: 'https://ik.imagekit.io/demo/a.jpg',
                kind: 'exact',
                covers: [],
                state: 'sending',
                startedAt: 1,
              },
            ],
          },
        ],
      },
    });
    const store = new HistoryStore(m);
    await store.flush();
    // It may have reached the provider: "unknown: may have been received", never failed or not sent (README).
    assert.equal(store.all()[0].requests[0].state, 'unknown');
    assert.match(store.all()[0].requests[0].message ?? '', /VS Code closed before the answer came/);
    const saved = m.data['cdnPurge.history.v1'] as { batches: Array<{ requests: Array<{ state: string }> }> };
    assert.equal(saved.batches[0].requests[0].state, 'unknown');
    store.dispose();
  });
});
