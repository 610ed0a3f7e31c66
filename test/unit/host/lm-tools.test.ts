// The language model tools (src/host/lmTools.ts) in plain Node, through the `vscode` stand-in (with a fake `vscode.lm`
// that plays VS Code's part: prepareInvocation first, the confirmation, then invoke), over the real PurgeService and
// the emulator: check and plan send nothing, plan tells the quota, purge always asks first and a refusal sends
// nothing, an accepted purge reaches the emulator and reports what was answered, and the manifest declares the tools.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { install, MemoryMemento, reset, shown, answers, stub, workspaceState } from '../helpers/vscode-stub';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as LmToolsModule from '../../../src/host/lmTools';
import type { PurgeService as PurgeServiceType } from '../../../src/host/purgeService';
import type { HistoryStore as HistoryStoreType } from '../../../src/host/history';
import { imagekit } from '../../../src/core/providers/imagekit';
import { imgix } from '../../../src/core/providers/imgix';
import { monthKey } from '../../../src/core/quota';
import { checkApiBase } from '../../../src/core/url';
import { startEmulator, type Emulator } from '../../../src/emulator';
import { ROOT } from '../helpers/paths';
import { emulatorKeys, silentLog } from '../helpers/purge-service';

// What the tools construct, as in the VS Code API.
class LanguageModelTextPart {
  constructor(readonly value: string) {}
}
class LanguageModelToolResult {
  constructor(readonly content: unknown[]) {}
}
/** vscode.lm: registerTool is set by a test (absent: a VS Code without the tool API). */
const fakeLm: { registerTool?: (name: string, tool: unknown) => { dispose(): void } } = {};
Object.assign(stub, { LanguageModelTextPart, LanguageModelToolResult, lm: fakeLm });

const lm = require('../../../src/host/lmTools') as typeof LmToolsModule;
const { PurgeService } = require('../../../src/host/purgeService') as { PurgeService: typeof PurgeServiceType };
const { HistoryStore } = require('../../../src/host/history') as { HistoryStore: typeof HistoryStoreType };

type Tool = import('vscode').LanguageModelTool<{ urls: string[] }>;
const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => {} }) } as never;

function textOf(r: unknown): string {
  return (r as LanguageModelToolResult).content.map((p) => (p as LanguageModelTextPart).value).join('');
}
function dataOf(r: unknown): Record<string, unknown> {
  const t = textOf(r);
  return JSON.parse(t.slice(t.indexOf('\n') + 1)) as Record<string, unknown>;
}

function fakeSettings(apiBase: string) {
  return {
    providerOf: (url: string) =>
      url.includes('imgix') ? ('imgix' as const) : url.includes('imagekit') ? ('imagekit' as const) : undefined,
    checker: (p: 'imagekit' | 'imgix') => (p === 'imagekit' ? imagekit : imgix).checker({}),
    coalesce: 0,
    confirm: true,
    apiBase: () => {
      const r = checkApiBase(apiBase);
      if (!r.ok) throw new Error('bad api base');
      return r.api;
    },
    rateLimit: () => undefined,
  };
}
const log = silentLog;
const keys = emulatorKeys;

/** VS Code's part of a tool call in a chat: prepareInvocation, the user's answer to its confirmation, invoke. */
async function invokeInChat(
  tool: Tool,
  input: { urls: string[] },
  confirm: (c: { title: string; message: unknown }) => boolean,
): Promise<{ prepared: Record<string, unknown>; result?: unknown }> {
  const prepared = ((await tool.prepareInvocation?.({ input }, token)) ?? {}) as Record<string, unknown>;
  const c = prepared.confirmationMessages as { title: string; message: unknown } | undefined;
  if (c && !confirm(c)) return { prepared };
  return { prepared, result: await tool.invoke({ input, toolInvocationToken: {} as never }, token) };
}

describe('language model tools (plain Node, vscode stand-in)', function () {
  this.timeout(20_000);
  let emu: Emulator;
  let memento: MemoryMemento;
  let history: HistoryStoreType;
  let svc: PurgeServiceType;
  let tools: ReturnType<typeof lm.lmTools>;

  beforeEach(async () => {
    reset();
    emu = await startEmulator({ rate: 0, statusDelayMs: 0 });
    memento = new MemoryMemento();
    history = new HistoryStore(memento);
    const settings = fakeSettings(emu.url);
    svc = new PurgeService(settings, keys as never, history, log as never, memento);
    tools = lm.lmTools({ settings, purge: svc, state: memento });
  });
  afterEach(async () => {
    svc.dispose();
    await emu.close();
    reset();
  });

  const posts = () => emu.requests().filter((r) => r.method === 'POST' && r.provider !== 'cdn');

  it('the manifest declares the three tools registerLmTools registers, with schemas and descriptions', () => {
    const pj = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      contributes: { languageModelTools: Array<Record<string, unknown>> };
    };
    const declared = pj.contributes.languageModelTools;
    assert.deepEqual(
      declared.map((t) => t.name),
      ['cdn-purge_check', 'cdn-purge_plan', 'cdn-purge_purge'],
    );
    for (const t of declared) {
      assert.ok(t.modelDescription && t.userDescription && t.displayName && t.icon, JSON.stringify(t));
      assert.equal(t.canBeReferencedInPrompt, true);
      assert.equal(typeof t.toolReferenceName, 'string');
      assert.deepEqual((t.inputSchema as { required: string[] }).required, ['urls']);
    }
    const names: string[] = [];
    fakeLm.registerTool = (name: string) => (names.push(name), { dispose: () => {} });
    try {
      assert.equal(lm.registerLmTools({ settings: fakeSettings(emu.url), purge: svc, state: memento }).length, 3);
    } finally {
      delete fakeLm.registerTool;
    }
    assert.deepEqual(
      names,
      declared.map((t) => t.name),
    );
  });

  it('registers nothing where VS Code has no vscode.lm (an older version)', () => {
    assert.deepEqual(lm.registerLmTools({ settings: fakeSettings(emu.url), purge: svc, state: memento }), []);
  });

  it('check: each URL against its provider rules; sends nothing', async () => {
    const r = await tools.check.invoke(
      {
        input: {
          urls: ['https://ik.imagekit.io/demo/a.jpg', 'https://demo.imgix.net/a*.jpg', 'https://example.com/x.png'],
        },
        toolInvocationToken: undefined,
      },
      token,
    );
    assert.match(textOf(r), /^1 valid, 2 invalid\. Nothing was sent\./);
    const results = dataOf(r).results as Array<{ ok: boolean; provider: string | null; problems: { code: string }[] }>;
    assert.deepEqual(
      results.map((x) => [x.ok, x.provider]),
      [
        [true, 'imagekit'],
        [false, 'imgix'],
        [false, null],
      ],
    );
    assert.equal(results[1].problems[0].code, 'imgix-no-wildcard');
    assert.equal(results[2].problems[0].code, 'unknown-host');
    assert.deepEqual(posts(), []);
  });

  it("plan: the requests, the target and this month's ImageKit quota; sends nothing", async () => {
    memento.data.set(`quota:imagekit:emulator:demo:${monthKey(new Date())}`, 990);
    const r = await tools.plan.invoke(
      {
        input: {
          urls: ['https://ik.imagekit.io/demo/a.jpg', 'https://ik.imagekit.io/demo/images/products/*', 'https://bad/x'],
        },
        toolInvocationToken: undefined,
      },
      token,
    );
    assert.match(textOf(r), /^A purge would send 2 request\(s\)\. Nothing was sent/);
    const data = dataOf(r) as {
      providers: Array<{ target: string; requests: { kind: string }[]; quota: Array<Record<string, unknown>> }>;
      unknownHosts: string[];
      sent: boolean;
    };
    assert.equal(data.sent, false);
    assert.deepEqual(data.unknownHosts, ['https://bad/x']);
    assert.match(data.providers[0].target, /^emulator 127\.0\.0\.1:/);
    assert.deepEqual(
      data.providers[0].requests.map((x) => x.kind),
      ['exact', 'wildcard'],
    );
    assert.deepEqual(
      { ...data.providers[0].quota[0], message: undefined },
      { account: 'emulator:demo', requested: 2, used: 990, limit: 1000, ok: true, message: undefined },
    );
    assert.match(String(data.providers[0].quota[0].message), /8 of 1000 left/);
    assert.deepEqual(posts(), []);
  });

  it('purge: asks to confirm even for one URL; refused, nothing is sent and nothing is recorded', async () => {
    let asked: { title: string; message: unknown } | undefined;
    const { prepared, result } = await invokeInChat(
      tools.purge,
      { urls: ['https://ik.imagekit.io/demo/one.jpg'] },
      (c) => {
        asked = c;
        return false;
      },
    );
    assert.ok(prepared.confirmationMessages, 'a confirmation is asked for');
    assert.equal(asked?.title, 'Purge 1 CDN request(s)?');
    assert.match((asked?.message as { value: string }).value, /one\.jpg/);
    assert.match((asked?.message as { value: string }).value, /1 purge request for emulator:demo|demo on the local/);
    assert.equal(result, undefined);
    assert.deepEqual(posts(), []);
    assert.equal(history.all().length, 0);
  });

  it('purge: confirmed, it goes through the purge service (its own dialog for a batch, history, quota)', async () => {
    // The service's own confirmation of a batch (cdnPurge.confirm) is not bypassed: it is asked too.
    answers.push({ prefix: 'Purge 2 ImageKit requests', pick: 'Purge' });
    const { result } = await invokeInChat(
      tools.purge,
      { urls: ['https://ik.imagekit.io/demo/p/a.jpg', 'https://ik.imagekit.io/demo/p/b.jpg'] },
      () => true,
    );
    assert.ok(
      shown.some((m) => m.modal && m.message.startsWith('Purge 2 ImageKit requests')),
      JSON.stringify(shown),
    );
    assert.match(
      textOf(result),
      /^2 request\(s\) sent: 2 answered, 0 sent with no answer \(may have been received\); 0 not sent\./,
    );
    const data = dataOf(result) as { providers: Array<{ stage: string; results: Array<Record<string, unknown>> }> };
    assert.equal(data.providers[0].stage, 'sent');
    assert.deepEqual(
      data.providers[0].results.map((x) => [x.status, x.delivery, x.httpStatus]),
      [
        ['accepted', 'answered', 201],
        ['accepted', 'answered', 201],
      ],
    );
    assert.equal(posts().length, 2);
    assert.equal(history.all().length, 1);
    assert.equal(history.all()[0].source, 'agent');
    assert.equal(memento.get(`quota:imagekit:emulator:demo:${monthKey(new Date())}`), 2);
  });

  it("purge: the service's own dialog dismissed, nothing is sent and the result says so", async () => {
    const { result } = await invokeInChat(
      tools.purge,
      { urls: ['https://ik.imagekit.io/demo/q/a.jpg', 'https://ik.imagekit.io/demo/q/b.jpg'] },
      () => true,
    );
    assert.match(textOf(result), /^Nothing was sent/);
    assert.deepEqual(posts(), []);
  });

  it('purge outside a chat (no invocation token): asks with a dialog of its own; dismissed, nothing is sent', async () => {
    const r = await tools.purge.invoke(
      { input: { urls: ['https://ik.imagekit.io/demo/o.jpg'] }, toolInvocationToken: undefined },
      token,
    );
    assert.match(textOf(r), /declined: nothing was sent/);
    assert.ok(shown.some((m) => m.modal && m.message === 'Purge 1 CDN request(s)?'));
    assert.deepEqual(posts(), []);

    answers.push({ prefix: 'Purge 1 CDN request(s)?', pick: 'Purge' });
    const ok = await tools.purge.invoke(
      { input: { urls: ['https://ik.imagekit.io/demo/o.jpg'] }, toolInvocationToken: undefined },
      token,
    );
    assert.match(textOf(ok), /^1 request\(s\) sent: 1 answered/);
    assert.equal(posts().length, 1);
  });

  it('purge in Restricted Mode: nothing is sent', async () => {
    workspaceState.trusted = false;
    const { result } = await invokeInChat(tools.purge, { urls: ['https://ik.imagekit.io/demo/t.jpg'] }, () => true);
    assert.match(textOf(result), /^Nothing was sent/);
    assert.deepEqual(posts(), []);
  });

  it('refuses input that is not a list of URLs', async () => {
    await assert.rejects(
      Promise.resolve(tools.check.invoke({ input: { urls: 'x' } as never, toolInvocationToken: undefined }, token)),
      /Give "urls"/,
    );
  });
});
