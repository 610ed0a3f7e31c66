// Issue 12's defects of honesty, each as a user meets it: what a cancel report says (and what the quota counts),
// the palette's "Purge URL…" always asking, verify's verdicts when nothing tells, a 401 against the emulator, and
// workspace trust (git in Restricted Mode and subfolder workspaces: git-subfolder.test.ts).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PurgeOutcome } from '../../src/host/purgeService';
import { describeUi, sleep, ui, workspaceFolder } from './harness';
import {
  answerQuickPicks,
  captureMessages,
  emulator,
  emulatorPurges,
  resetEmulator,
  useEmulator,
  waitFor,
} from './helpers';

const HANG_MS = 12_000;

/** This month's emulator ImageKit quota count (the extension keeps it in its global state). */
function emulatorQuota(context: vscode.ExtensionContext): number {
  return context.globalState
    .keys()
    .filter((k) => /^quota:imagekit:emulator:/.test(k))
    .reduce((n, k) => n + (context.globalState.get<number>(k) ?? 0), 0);
}

/** Runs `fn` with the workspace reported as untrusted (Restricted Mode) to the extension. */
async function untrusted<T>(fn: () => Promise<T>): Promise<T> {
  const ws = vscode.workspace as unknown as Record<string, unknown>;
  const own = Object.getOwnPropertyDescriptor(ws, 'isTrusted');
  Object.defineProperty(ws, 'isTrusted', { get: () => false, configurable: true });
  try {
    assert.equal(vscode.workspace.isTrusted, false, 'the stand-in for Restricted Mode took');
    return await fn();
  } finally {
    if (own) Object.defineProperty(ws, 'isTrusted', own);
    else delete ws.isTrusted;
  }
}

describeUi('Cancel report', function () {
  this.timeout(90_000);

  it('says exactly how many were answered, sent with no answer, and not sent; the quota counts what may have arrived', async () => {
    const a = await useEmulator();
    await resetEmulator();
    await vscode.commands.executeCommand('notifications.clearAll');
    await emulator('/_emulator/faults', [
      { kind: 'delay', delayMs: 0, count: 1, match: { provider: 'imagekit', method: 'POST', path: '/v1/files/purge' } },
      {
        kind: 'delay',
        delayMs: HANG_MS,
        count: 2,
        match: { provider: 'imagekit', method: 'POST', path: '/v1/files/purge' },
      },
    ]);
    const quotaBefore = emulatorQuota(a.context);
    const urls = ['a', 'b', 'c'].map((x) => `https://ik.imagekit.io/demo/cancel-report/${x}.jpg`);
    const capture = captureMessages();
    let outcome: PurgeOutcome;
    try {
      const running = vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', urls);
      await waitFor('one request answered and two still sending', () => {
        const rs = a.history.all()[0]?.requests ?? [];
        return rs.length === 3 &&
          rs.filter((r) => r.state === 'accepted').length === 1 &&
          rs.filter((r) => r.state === 'sending').length === 2
          ? true
          : undefined;
      });
      await vscode.commands.executeCommand('notifications.showList');
      const item = '.notifications-center .notification-list-item:has-text("Purging from ImageKit")';
      await ui.waitFor(`${item} .monaco-button:has-text("Cancel")`, { timeoutMs: 20_000 });
      await ui.click(`${item} .monaco-button:has-text("Cancel")`);
      outcome = await running;
      await waitFor('the cancel report', () => capture.messages.find((m) => /^Cancelled\./.test(m.message)));
    } finally {
      capture.restore();
    }
    const statuses = outcome.results.map((r) => r.status);
    const answered = statuses.filter((s) => s === 'accepted' || s === 'duplicate').length;
    const noAnswer = statuses.filter((s) => s === 'unknown').length;
    const notSent = statuses.filter((s) => s === 'cancelled').length;
    assert.equal(answered + noAnswer + notSent, 3, `every request accounted for: ${statuses.join(', ')}`);
    assert.equal(answered, 1, 'the one the emulator answered before the cancel');
    const report = capture.messages.find((m) => /^Cancelled\./.test(m.message));
    assert.ok(report);
    assert.equal(report.kind, 'warning', 'a cancel is never reported as a plain success');
    const expected =
      `Cancelled. Of 3 ImageKit purges: ${answered} answered, ${noAnswer} sent with no answer (may have been received), ` +
      `${notSent} not sent. ${answered + noAnswer} counted in this month's quota.`;
    assert.equal(report.message, expected);
    assert.equal(
      emulatorQuota(a.context) - quotaBefore,
      answered + noAnswer,
      'the quota counts every request that may have reached the server',
    );
    // The user reads the same words in the workbench.
    await vscode.commands.executeCommand('notifications.showList');
    const toast = `.notifications-center .notification-list-item:has-text("Cancelled. Of 3 ImageKit purges")`;
    await ui.waitFor(toast, { timeoutMs: 10_000 });
    assert.match((await ui.texts(toast)).join(' '), /1 answered/);
    await vscode.commands.executeCommand('notifications.clearAll');
    await sleep(HANG_MS); // the held requests end before the next suite resets the emulator
  });
});

describe('Purge URL… from the Command Palette', function () {
  this.timeout(60_000);

  it('always asks, with the URL under the cursor filled in; dismissed, nothing is sent', async () => {
    await useEmulator();
    await resetEmulator();
    const url = 'https://ik.imagekit.io/demo/palette/ask.jpg';
    const doc = await vscode.workspace.openTextDocument({ language: 'html', content: `<img src="${url}">\n` });
    const editor = await vscode.window.showTextDocument(doc);
    const at = new vscode.Position(0, 20);
    editor.selection = new vscode.Selection(at, at);
    const w = vscode.window as unknown as { showInputBox: typeof vscode.window.showInputBox };
    const original = w.showInputBox;
    const asked: Array<vscode.InputBoxOptions | undefined> = [];
    w.showInputBox = async (options) => {
      asked.push(options);
      return undefined; // Escape
    };
    let outcome: PurgeOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<PurgeOutcome | undefined>('cdnPurge.purgeUrl');
    } finally {
      w.showInputBox = original;
    }
    assert.equal(asked.length, 1, 'the palette command asked');
    assert.equal(asked[0]?.value, url, 'the URL under the cursor is offered');
    assert.equal(outcome, undefined);
    assert.deepEqual(await emulatorPurges('imagekit'), [], 'nothing was sent');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});

describe('Verify when nothing tells', function () {
  this.timeout(60_000);

  it('the origin did not change: "cannot tell", not "still serves the old version"', async () => {
    const a = await useEmulator();
    await resetEmulator();
    const url = 'https://assets.imgix.net/verify/unchanged.png';
    const outcome = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', url);
    assert.equal(outcome.results[0].status, 'accepted');
    const batch = a.history.all()[0];
    const capture = captureMessages();
    try {
      await vscode.commands.executeCommand('cdnPurge.verifyBatch', batch.id);
      await waitFor('the verify message', () => capture.messages.find((m) => m.message.startsWith('Verify:')));
    } finally {
      capture.restore();
    }
    const m = capture.messages.find((x) => x.message.startsWith('Verify:'));
    assert.ok(m);
    assert.equal(a.history.batch(batch.id)?.requests[0].verify?.state, 'unchanged', 'the same version was served');
    assert.doesNotMatch(m.message, /old version/, m.message);
    assert.match(m.message, /1 cannot tell: the same version as before the purge is served/);
    assert.match(m.message, /replace it there first/);
    assert.equal(m.kind, 'info', '"cannot tell" is not a failure');
  });
});

describe('A 401 against the emulator', function () {
  this.timeout(60_000);

  it('advises Use Local Emulator…, which stores its test keys again and fixes it', async () => {
    const a = await useEmulator();
    await resetEmulator();
    const good = await a.keys.get('imagekit', 'emulator');
    assert.ok(good, 'the emulator key is stored');
    await a.keys.set('imagekit', 'emulator', 'private_wrong_key');
    const url = 'https://ik.imagekit.io/demo/emulator-401/a.jpg';
    const capture = captureMessages((m) => (m.kind === 'error' ? 'Use Local Emulator…' : undefined));
    const picks = answerQuickPicks((items) => items[0]); // "Keep using <emulator>": store its test keys again
    let refused: PurgeOutcome;
    try {
      refused = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', url);
      await waitFor('the key stored again', async () =>
        (await a.keys.get('imagekit', 'emulator')) === good ? true : undefined,
      );
    } finally {
      picks.restore();
      capture.restore();
    }
    assert.equal(refused.results[0].httpStatus, 401);
    const m = capture.messages.find((x) => x.kind === 'error');
    assert.ok(m, 'an error says what failed');
    assert.deepEqual(m.items, ['Show Output', 'Use Local Emulator…']);
    assert.match(m.message, /Use Local Emulator/);
    assert.doesNotMatch(m.message, /Set API Key|CDN_PURGE_/, 'no advice that cannot fix it');
    const again = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', url);
    assert.equal(again.results[0].status, 'accepted', 'after following the advice the purge goes through');
  });
});

describe('Restricted Mode', function () {
  this.timeout(60_000);

  it('no purge from any command, and cdn-purge.json is not used until the workspace is trusted', async () => {
    const a = await useEmulator();
    await resetEmulator();
    assert.ok(a.settings.projectConfig, 'trusted: the sample cdn-purge.json is used');
    const capture = captureMessages();
    try {
      await untrusted(async () => {
        const byUrl = await vscode.commands.executeCommand('cdnPurge.purgeUrl', 'https://ik.imagekit.io/demo/t.jpg');
        const byFile = await vscode.commands.executeCommand(
          'cdnPurge.purgeFiles',
          vscode.Uri.joinPath(workspaceFolder().uri, 'images', 'hero.png'),
        );
        assert.equal(byUrl, undefined);
        assert.equal(byFile, undefined);
        await a.settings.reloadProject();
        assert.equal(a.settings.projectConfig, undefined, 'cdn-purge.json is not read in Restricted Mode');
      });
    } finally {
      capture.restore();
      await a.settings.reloadProject();
    }
    assert.ok(a.settings.projectConfig, 'trusted again: it is read');
    assert.deepEqual(await emulatorPurges('imagekit'), [], 'nothing was sent');
    assert.equal(capture.messages.filter((m) => /Restricted Mode/.test(m.message)).length, 2);
  });
});
