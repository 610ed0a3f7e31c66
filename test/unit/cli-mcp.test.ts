// `cdn-purge mcp` as an agent's client sees it: `node dist/cli.js mcp` spawned and spoken to over stdio with the
// official SDK's Client, against the local emulator. The tools are listed with schemas; check and plan send nothing;
// purge is refused without the plan's token (and with a wrong or used one), reaches the emulator with it, and without
// it under --allow-purge; stdout carries only the protocol, the key is never printed, and `cdn-purge check` does not
// load the MCP bundle.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { DEFAULT_IMAGEKIT_TEST_KEY, startEmulator, type Emulator } from '../../src/emulator';
import { monthKey } from '../../src/core/quota';
import { cliEnv, ensureCliBuilt } from './helpers/cli';
import { loaded } from './helpers/cli-loads';
import { CLI, ROOT } from './helpers/paths';
import { tmpDir } from './helpers/tmp';

interface Session {
  client: Client;
  stderr: () => string;
  close(): Promise<void>;
}

async function connect(args: string[], env: Record<string, string | undefined>): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', ...args],
    env: cliEnv(env) as Record<string, string>,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const client = new Client({ name: 'cdn-purge-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

type CallResult = { content: Array<{ type: string; text: string }>; isError?: boolean };

async function call(s: Session, name: string, args: Record<string, unknown>) {
  const r = (await s.client.callTool({ name, arguments: args })) as CallResult;
  const text = r.content.map((c) => c.text).join('');
  return {
    isError: r.isError === true,
    summary: text.slice(0, text.indexOf('\n')),
    data: JSON.parse(text.slice(text.indexOf('\n') + 1)) as Record<string, unknown>,
    text,
  };
}

describe('cdn-purge mcp (MCP server over stdio, the SDK client, the emulator)', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let dir: string;
  let quotaFile: string;
  const sessions: Session[] = [];

  before(() => ensureCliBuilt());
  beforeEach(async () => {
    emu = await startEmulator({ rate: 0, statusDelayMs: 0 });
    dir = tmpDir('cli-mcp');
    quotaFile = path.join(dir, 'quota.json');
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await emu.close();
  });

  const env = () => ({ IMAGEKIT_PRIVATE_KEY: DEFAULT_IMAGEKIT_TEST_KEY, CDN_PURGE_QUOTA_FILE: quotaFile });
  const posts = () => emu.requests().filter((r) => r.method === 'POST' && r.provider === 'imagekit');
  async function start(args: string[] = [], e: Record<string, string | undefined> = env()): Promise<Session> {
    const s = await connect(['--api-base', emu.url, ...args], e);
    sessions.push(s);
    return s;
  }

  it('lists check, plan and purge with their input schemas', async () => {
    const s = await start();
    const { tools } = await s.client.listTools();
    assert.deepEqual(
      tools.map((t) => t.name),
      ['check', 'plan', 'purge'],
    );
    for (const t of tools) {
      assert.deepEqual(t.inputSchema.required, ['urls']);
      assert.ok(t.description && t.description.length > 50);
    }
    const purge = tools.find((t) => t.name === 'purge')!;
    assert.ok((purge.inputSchema.properties as Record<string, unknown>).confirm);
    assert.equal(purge.annotations?.destructiveHint, true);
    assert.equal(tools.find((t) => t.name === 'check')!.annotations?.readOnlyHint, true);
  });

  it('check: each URL against its provider, by host; sends nothing', async () => {
    const s = await start();
    const r = await call(s, 'check', {
      urls: ['https://ik.imagekit.io/demo/a.jpg', 'https://ik.imagekit.io/demo/b*/c.jpg', 'https://example.com/x.png'],
    });
    assert.equal(r.summary, '1 valid, 2 invalid. Nothing was sent.');
    const results = r.data.results as Array<{ ok: boolean; provider: string | null; problems: { code: string }[] }>;
    assert.deepEqual(
      results.map((x) => [x.ok, x.provider]),
      [
        [true, 'imagekit'],
        [false, 'imagekit'],
        [false, null],
      ],
    );
    assert.equal(results[1].problems[0].code, 'wildcard-not-at-end');
    assert.equal(results[2].problems[0].code, 'unknown-host');
    assert.deepEqual(posts(), []);
  });

  it('plan: the requests, the emulator target and the quota left, with a token; sends nothing', async () => {
    fs.writeFileSync(quotaFile, JSON.stringify({ [`quota:imagekit:emulator:demo:${monthKey(new Date())}`]: 995 }));
    const s = await start();
    const r = await call(s, 'plan', {
      urls: ['https://ik.imagekit.io/demo/a.jpg', 'https://ik.imagekit.io/demo/b.jpg'],
    });
    assert.match(r.summary, /^A purge would send 2 request\(s\)\. Nothing was sent\./);
    assert.match(String(r.data.token), /^[0-9a-f]{32}$/);
    assert.ok(r.summary.includes(String(r.data.token)));
    const plan = (r.data.plans as Array<Record<string, unknown>>)[0];
    assert.match(String(plan.target), /^emulator 127\.0\.0\.1:/);
    const quota = (plan.quota as Array<Record<string, unknown>>)[0];
    assert.deepEqual([quota.account, quota.used, quota.limit, quota.requested], ['emulator:demo', 995, 1000, 2]);
    assert.match(String(quota.message), /3 of 1000 left/);
    assert.deepEqual(posts(), []);
  });

  it('purge is refused without the token, with a wrong one and with one for another input: nothing sent', async () => {
    const s = await start();
    const urls = ['https://ik.imagekit.io/demo/r.jpg'];
    const none = await call(s, 'purge', { urls });
    assert.equal(none.isError, true);
    assert.match(none.summary, /^Refused, nothing was sent: call plan with the same input first/);
    const wrong = await call(s, 'purge', { urls, confirm: '0'.repeat(32) });
    assert.equal(wrong.isError, true);
    assert.match(wrong.summary, /^Refused, nothing was sent: this token is not the one plan gave/);
    const other = await call(s, 'plan', { urls: ['https://ik.imagekit.io/demo/other.jpg'] });
    const mismatch = await call(s, 'purge', { urls, confirm: other.data.token });
    assert.equal(mismatch.isError, true);
    assert.deepEqual(posts(), []);
    const counted = fs.existsSync(quotaFile) ? fs.readFileSync(quotaFile, 'utf8') : '';
    assert.ok(!/"quota:imagekit:[^"]+":\s*[1-9]/.test(counted), counted);
  });

  it("purge with the plan's token reaches the emulator, reports each request, counts the quota; the token works once", async () => {
    const s = await start();
    const urls = ['https://ik.imagekit.io/demo/p/a.jpg', 'https://ik.imagekit.io/demo/p/b.jpg'];
    const plan = await call(s, 'plan', { urls });
    const r = await call(s, 'purge', { urls, confirm: plan.data.token });
    assert.equal(r.isError, false, r.text);
    assert.match(
      r.summary,
      /^2 request\(s\) sent: 2 answered \(2 accepted, 0 duplicate, 0 refused\), 0 sent with no answer/,
    );
    const results = (r.data.providers as Array<{ results: Array<Record<string, unknown>> }>)[0].results;
    assert.deepEqual(
      results.map((x) => [x.url, x.status, x.delivery, x.httpStatus]),
      urls.map((u) => [u, 'accepted', 'answered', 201]),
    );
    assert.equal(posts().length, 2);
    const counts = JSON.parse(fs.readFileSync(quotaFile, 'utf8')) as Record<string, number>;
    assert.equal(counts[`quota:imagekit:emulator:demo:${monthKey(new Date())}`], 2);
    const again = await call(s, 'purge', { urls, confirm: plan.data.token });
    assert.equal(again.isError, true);
    assert.equal(posts().length, 2, 'a used token sends nothing');
  });

  it('--allow-purge: purge without a token; --journal records it', async () => {
    const journal = path.join(dir, 'journal.jsonl');
    const s = await start(['--allow-purge', '--journal', journal]);
    const r = await call(s, 'purge', { urls: ['https://ik.imagekit.io/demo/allowed.jpg'] });
    assert.equal(r.isError, false, r.text);
    assert.equal(posts().length, 1);
    assert.match(fs.readFileSync(journal, 'utf8'), /"type":"result".*allowed\.jpg/);
    assert.match(s.stderr(), /purge allowed without a plan token \(--allow-purge\)/);
  });

  it('without a key in the environment: an error result that names the variable; nothing sent, no crash', async () => {
    const s = await start(['--allow-purge'], { CDN_PURGE_QUOTA_FILE: quotaFile });
    const r = await call(s, 'purge', { urls: ['https://ik.imagekit.io/demo/k.jpg'] });
    assert.equal(r.isError, true);
    assert.match(r.summary, /^Nothing was sent: IMAGEKIT_PRIVATE_KEY is not set/);
    assert.deepEqual(posts(), []);
    // The server still answers.
    assert.equal((await s.client.listTools()).tools.length, 3);
  });

  it('stdout carries only protocol messages; the key is never printed', async () => {
    // A raw session: every line on stdout must be a JSON-RPC message.
    const input = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'purge', arguments: { urls: ['https://ik.imagekit.io/demo/raw.jpg'] } },
      },
    ]
      .map((m) => JSON.stringify(m))
      .join('\n');
    // Spawned (not execFileSync: the emulator runs in this process and must answer meanwhile). stdin ends after the
    // call: the server finishes the purge in flight, answers it, and exits.
    const child = spawn(
      process.execPath,
      [CLI, 'mcp', '--allow-purge', '--api-base', emu.url, '--journal', path.join(dir, 'j.jsonl')],
      { env: cliEnv(env()), stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    let errText = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (errText += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      child.stdin.end(`${input}\n`);
    });
    assert.equal(code, 0, errText);
    const lines = out.split('\n').filter(Boolean);
    assert.equal(lines.length, 2, out);
    assert.match(lines[1], /1 request\(s\) sent: 1 answered/);
    assert.equal(posts().length, 1);
    assert.match(errText, /^cdn-purge mcp /);
    for (const l of lines) assert.equal((JSON.parse(l) as { jsonrpc: string }).jsonrpc, '2.0', l);
    assert.ok(!out.includes(DEFAULT_IMAGEKIT_TEST_KEY));
    assert.ok(!fs.readFileSync(path.join(dir, 'j.jsonl'), 'utf8').includes(DEFAULT_IMAGEKIT_TEST_KEY));
  });

  it('`cdn-purge --help` lists mcp; `mcp --help` says how to use it; an argument is a usage error (exit 2)', async () => {
    const main = execFileSync(process.execPath, [CLI, '--help'], { env: cliEnv() }).toString('utf8');
    assert.match(main, /^ {2}mcp {7}an MCP server over stdio/m);
    const help = execFileSync(process.execPath, [CLI, 'mcp', '--help'], { env: cliEnv() }).toString('utf8');
    assert.match(help, /^cdn-purge mcp \[--allow-purge\]/);
    assert.match(help, /IMAGEKIT_PRIVATE_KEY/);
    assert.throws(
      () => execFileSync(process.execPath, [CLI, 'mcp', 'extra'], { env: cliEnv(), stdio: 'pipe' }),
      (e: { status: number; stderr: Buffer }) => e.status === 2 && /mcp takes no arguments/.test(e.stderr.toString()),
    );
  });

  it('`cdn-purge check` does not load the MCP bundle; dist/cli.js does not carry the SDK', () => {
    const { files, status } = loaded(['check', '-p', 'imagekit', 'https://ik.imagekit.io/demo/a.jpg'], dir);
    assert.equal(status, 0, 'the check ran to its end');
    assert.ok(
      !files.some((f) => f.includes(`${path.sep}mcp${path.sep}`) || /modelcontextprotocol|zod/.test(f)),
      files.join('\n'),
    );
    const cli = fs.readFileSync(CLI, 'utf8');
    assert.ok(!/modelcontextprotocol|McpServer/.test(cli), 'dist/cli.js carries the MCP SDK');
    assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'mcp', 'server.js')));
  });
});
