// The language model tools in the real VS Code: registered under the names package.json declares (vscode.lm.tools),
// and invoked as another extension would (vscode.lm.invokeTool, outside a chat): check and plan send nothing; purge
// asks first, sends nothing when declined, and reaches the emulator when confirmed, through the purge service (the
// history records it).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, captureMessages, emulatorRequests, resetEmulator, useEmulator, waitFor } from './helpers';

const TOOLS = ['cdn-purge_check', 'cdn-purge_plan', 'cdn-purge_purge'];

async function posts(): Promise<unknown[]> {
  return (await emulatorRequests('imagekit')).filter((x) => x.method === 'POST');
}

function textOf(r: vscode.LanguageModelToolResult): string {
  return r.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
}

async function invoke(name: string, urls: string[]): Promise<string> {
  const r = await vscode.lm.invokeTool(name, { input: { urls }, toolInvocationToken: undefined });
  return textOf(r);
}

describe('Language model tools (vscode.lm)', function () {
  this.timeout(60_000);

  before(async () => {
    await useEmulator();
  });
  beforeEach(async () => {
    await resetEmulator();
  });

  it('registers check, plan and purge with their descriptions and input schema', async () => {
    await api();
    const tools = await waitFor('the tools to be registered', () => {
      const found = vscode.lm.tools.filter((t) => TOOLS.includes(t.name));
      return found.length === TOOLS.length ? found : undefined;
    });
    for (const t of tools) {
      assert.ok(t.description.length > 50, `${t.name}: ${t.description}`);
      assert.deepEqual((t.inputSchema as { required?: string[] } | undefined)?.required, ['urls'], t.name);
    }
    assert.match(tools.find((t) => t.name === 'cdn-purge_purge')!.description, /always asked to confirm/);
  });

  it('check and plan answer and send nothing', async () => {
    const check = await invoke('cdn-purge_check', [
      'https://ik.imagekit.io/demo/lm/a.jpg',
      'https://ik.imagekit.io/demo/lm*/b.jpg',
    ]);
    assert.match(check, /^1 valid, 1 invalid\. Nothing was sent\./);
    assert.match(check, /"code": "wildcard-not-at-end"/);
    const plan = await invoke('cdn-purge_plan', ['https://ik.imagekit.io/demo/lm/a.jpg']);
    assert.match(plan, /^A purge would send 1 request\(s\)\./);
    assert.match(plan, /"target": "emulator 127\.0\.0\.1:\d+"/);
    assert.match(plan, /of 1000 left in/);
    assert.deepEqual(await posts(), []);
  });

  it('purge asks first: declined, nothing is sent; confirmed, the emulator gets it and the history has it', async () => {
    const a = await api();
    const url = 'https://ik.imagekit.io/demo/lm/purge.jpg';
    const declined = captureMessages(() => undefined);
    let text: string;
    try {
      text = await invoke('cdn-purge_purge', [url]);
    } finally {
      declined.restore();
    }
    assert.ok(
      declined.messages.some((m) => m.modal && m.message === 'Purge 1 CDN request(s)?'),
      JSON.stringify(declined.messages),
    );
    assert.match(text, /declined: nothing was sent/);
    assert.deepEqual(await posts(), []);

    const confirmed = captureMessages((m) => (m.modal ? 'Purge' : undefined));
    try {
      text = await invoke('cdn-purge_purge', [url]);
    } finally {
      confirmed.restore();
    }
    assert.match(text, /^1 request\(s\) sent: 1 answered/);
    assert.match(text, /"delivery": "answered"/);
    assert.equal((await posts()).length, 1);
    assert.ok(a.history.all().some((b) => b.source === 'agent' && b.requests.some((r) => r.url === url)));
  });
});
