// The status bar item, the key check and the keybindings (issue 12, items 2 and 7) in the real VS Code: the item
// says where purges go and counts this month's ImageKit purges as the pipeline records them; Set API Key… checks
// the key and, when no answer comes, stores it and says so; the keybindings are bound by no VS Code default; and
// through the UI (playwright): the item's text is on the status bar and a click opens Show Status….
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PurgeOutcome } from '../../src/host/purgeService';
import { describeUi, ui } from './harness';
import { answerQuickPicks, api, captureMessages, resetEmulator, useEmulator, waitFor } from './helpers';

/** The status bar item's text, as the extension set it (read through the command's quick pick otherwise). */
async function statusText(): Promise<string> {
  let seen = '';
  const picks = answerQuickPicks((items) => {
    seen = items.map((i) => `${i.label} | ${i.description ?? ''} | ${i.detail ?? ''}`).join('\n');
    return undefined;
  });
  try {
    await vscode.commands.executeCommand('cdnPurge.showStatus');
  } finally {
    picks.restore();
  }
  return seen;
}

/** A chord with its modifiers in one order (VS Code writes ctrl+shift+alt+p for ctrl+alt+shift+p). */
const chord = (key: string): string =>
  key
    .split(' ')
    .map((part) => {
      const keys = part.split('+');
      return [...keys.slice(0, -1).sort(), keys.at(-1)].join('+');
    })
    .join(' ');

describe('Status bar, key check and keybindings (issue 12)', function () {
  this.timeout(60_000);

  before(async () => {
    await useEmulator();
  });

  it("Show Status… says purges go to the emulator and counts this month's ImageKit purges as they are sent", async () => {
    await resetEmulator();
    const before = await statusText();
    assert.match(before, /^Purges go to the local emulator at http:\/\/127\.0\.0\.1:\d+/);
    const count = (text: string) => Number(/(\d+) of 1000 purges in \d{4}-\d\d/.exec(text)?.[1] ?? 'NaN');
    const n = count(before);
    assert.ok(Number.isInteger(n), before);
    const out = await vscode.commands.executeCommand<PurgeOutcome>('cdnPurge.purgeUrl', [
      'https://ik.imagekit.io/demo/status-bar/a.jpg',
      'https://ik.imagekit.io/demo/status-bar/b.jpg',
    ]);
    assert.deepEqual(
      out.results.map((r) => r.status),
      ['accepted', 'accepted'],
    );
    const after = await statusText();
    assert.equal(count(after), n + 2, after);
    assert.match(after, /emulator's count, apart from the real account's/);
    assert.match(after, /Switch to the Real APIs/);
  });

  it('Set API Key…: a key that cannot be checked (no answer) is stored, and the warning says so', async () => {
    const a = await api();
    const config = vscode.workspace.getConfiguration('cdnPurge');
    // A host that never resolves (RFC 6761 .invalid): the check gets no answer, whatever the network.
    await config.update('imagekit.apiBase', 'https://api.imagekit.invalid', vscode.ConfigurationTarget.Global);
    const key = 'private_IntegrationCheckKey0123=';
    const w = vscode.window as unknown as { showInputBox: unknown };
    const original = w.showInputBox;
    w.showInputBox = async () => key;
    const messages = captureMessages();
    try {
      assert.equal(await vscode.commands.executeCommand('cdnPurge.setKey', 'imagekit'), true);
      assert.equal(await a.keys.get('imagekit', 'real'), key);
      const m = messages.messages.find((x) => /could not be checked/.test(x.message));
      assert.ok(m, JSON.stringify(messages.messages));
      assert.equal(m.kind, 'warning');
      assert.match(m.message, /could not reach api\.imagekit\.invalid.*The key is kept/);
      for (const x of messages.messages) assert.ok(!x.message.includes(key), 'the key is never shown');
    } finally {
      messages.restore();
      w.showInputBox = original;
      await a.keys.delete('imagekit', 'real');
      await useEmulator();
    }
  });

  it("the keybindings are in VS Code's keybindings, and no default binds the same keys", async () => {
    await vscode.commands.executeCommand('workbench.action.openDefaultKeybindingsFile');
    const doc = await waitFor('the default keybindings', () => {
      const d = vscode.window.activeTextEditor?.document;
      return d && /"key":/.test(d.getText()) ? d : undefined;
    });
    const entries = [
      ...doc.getText().matchAll(/\{\s*"key":\s*"([^"]+)",\s*"command":\s*"([^"]+)"(?:,\s*"when":\s*"([^"]*)")?/g),
    ].map((m) => ({ key: chord(m[1]), command: m[2], when: m[3] }));
    assert.ok(entries.length > 300, `${entries.length} default keybindings read`);
    const ours = entries.filter((e) => e.command.startsWith('cdnPurge.'));
    assert.deepEqual(ours.map((e) => [e.key, e.command]).sort(), [
      [chord('ctrl+alt+p'), 'cdnPurge.purgeUrl'],
      [chord('ctrl+alt+shift+p'), 'cdnPurge.purgeChanged'],
    ]);
    const taken = entries.filter((e) => !e.command.startsWith('cdnPurge.') && ours.some((o) => o.key === e.key));
    assert.deepEqual(taken, [], 'a VS Code default with the same key');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});

describeUi('Status bar, through the UI', function () {
  this.timeout(90_000);

  it('the item shows the emulator and the ImageKit count; a click opens Show Status… with the switch', async () => {
    await useEmulator();
    const item = '.part.statusbar .statusbar-item:has-text("Emulator ·")';
    await ui.waitFor(item, { timeoutMs: 20_000 });
    const [text] = await ui.texts(item);
    assert.match(text, /Emulator · ImageKit( \S+)? \d+\/1000 · imgix/);
    await vscode.commands.executeCommand('cdnPurge.purgeUrl', 'https://ik.imagekit.io/demo/status-bar-ui/c.jpg');
    const n = Number(/(\d+)\/1000/.exec(text)?.[1]);
    await waitFor('the count to go up', async () => {
      const [t] = await ui.texts(item);
      return Number(/(\d+)\/1000/.exec(t)?.[1]) === n + 1 ? t : undefined;
    });
    await ui.click(item);
    const widget = '.quick-input-widget';
    await ui.waitFor(`${widget} .quick-input-list .monaco-list-row`);
    const rows = await ui.texts(`${widget} .quick-input-list .monaco-list-row`);
    try {
      const all = rows.join('\n');
      for (const want of ['ImageKit', 'imgix', 'Switch to the Real APIs', 'Set API Key…', 'Show Output'])
        assert.ok(all.includes(want), `${want} in ${JSON.stringify(rows)}`);
    } finally {
      await ui.press('Escape');
    }
  });
});
