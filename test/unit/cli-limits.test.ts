// The CLI's input limits (README "Limits"): stdin streamed line by line and refused at its size and line-length
// limits as soon as they are passed (counted in chunks pulled, never timed), URLs per batch, cdn-purge.json's size
// and byte order mark, and --from-git refusing a URL as its ref. In process through main(), and a few runs of the
// built CLI as a child process to see what a user sees: one message naming the limit, never a stack trace.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readUrls, stdinLines } from '../../src/cli/args';
import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { MAX_BATCH_URLS, MAX_CONFIG_BYTES, MAX_LINE_LENGTH, MAX_STDIN_BYTES } from '../../src/core/limits';
import { ensureCliBuilt, runCli } from './helpers/cli';
import { commitAll, initRepo, write } from './helpers/git';
import { tmpDir } from './helpers/tmp';

const CHUNK = 64 * 1024;

/** A stdin of `total` bytes made by `fill`, produced lazily in 64 KB chunks; counts the chunks pulled. */
function lazyStdin(total: number, fill: (offset: number, size: number) => Buffer): { io: CliIO; pulled: () => number } {
  let pulled = 0;
  async function* chunks() {
    for (let off = 0; off < total; off += CHUNK) {
      pulled++;
      yield fill(off, Math.min(CHUNK, total - off));
    }
  }
  return { io: inProcessIo({ stdin: () => chunks() }), pulled: () => pulled };
}

function inProcessIo(extra: Partial<CliIO> = {}): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: (s) => void out.push(s),
    stderr: (s) => void err.push(s),
    env: {},
    cwd: tmpDir('cdn-purge-cwd-'),
    out,
    err,
    ...extra,
  };
}

async function lines(io: CliIO): Promise<string[]> {
  const out: string[] = [];
  for await (const l of stdinLines(io)) out.push(l);
  return out;
}

describe('cli limits: stdin, streamed', () => {
  it('one 100 MB line is refused after its first chunk, naming the limit (it took 51 s and 4 GB read whole)', async () => {
    const { io, pulled } = lazyStdin(100 * 1024 * 1024, (_o, n) => Buffer.alloc(n, 0x61));
    await assert.rejects(
      readUrls(['-'], io),
      /Line 1 of stdin is longer than 16,384 characters \(limit: stdin line length\)/,
    );
    assert.ok(pulled() <= 2, `${pulled()} chunks read`);
  });

  it(`more than ${MAX_STDIN_BYTES / 1024 / 1024} MiB of stdin is refused when that much has arrived, not at its end`, async () => {
    // Comment lines, so neither the line limit nor the URL count is reached first.
    const chunk = Buffer.from(`# ${'x'.repeat(1021)}\n`.repeat(CHUNK / 1024));
    assert.equal(chunk.length, CHUNK);
    const { io, pulled } = lazyStdin(600 * 1024 * 1024, () => chunk);
    await assert.rejects(readUrls(['-'], io), /stdin is larger than 32 MiB \(limit: stdin size\)\. Split the list/);
    assert.equal(pulled(), MAX_STDIN_BYTES / CHUNK + 1);
  });

  it(`more than ${MAX_BATCH_URLS.toLocaleString('en-US')} URLs in one run are refused, naming the limit`, async () => {
    const text = Array.from({ length: MAX_BATCH_URLS + 1 }, (_, i) => `https://ik.imagekit.io/demo/${i}.jpg`).join(
      '\n',
    );
    await assert.rejects(
      readUrls(['-'], inProcessIo({ readStdin: async () => text })),
      /More than 100,000 URLs in one run \(limit: URLs per batch\)/,
    );
    const exactly = text.slice(0, text.lastIndexOf('\n'));
    assert.equal((await readUrls(['-'], inProcessIo({ readStdin: async () => exactly }))).length, MAX_BATCH_URLS);
    // Arguments count too.
    await assert.rejects(
      readUrls(['https://ik.imagekit.io/demo/arg.jpg', '-'], inProcessIo({ readStdin: async () => exactly })),
      /limit: URLs per batch/,
    );
  });

  it('the string form of stdin (in-process callers) has the same line limit', async () => {
    const io = inProcessIo({
      readStdin: async () => `https://ik.imagekit.io/demo/a.jpg\n${'b'.repeat(MAX_LINE_LENGTH + 2)}\n`,
    });
    await assert.rejects(readUrls(['-'], io), /Line 2 of stdin is longer than/);
    const atLimit = inProcessIo({ readStdin: async () => `${'c'.repeat(MAX_LINE_LENGTH)}\r\n` });
    assert.deepEqual(await lines(atLimit), ['c'.repeat(MAX_LINE_LENGTH)]);
  });

  it('lines split across chunks, CRLF, UTF-8 characters split between chunks, a last line without newline', async () => {
    const bytes = Buffer.from('https://ik.imagekit.io/demo/ü.jpg\r\n# comment\n\nhttps://ik.imagekit.io/demo/日本.png');
    const cut = bytes.indexOf(Buffer.from('ü')) + 1; // inside the two bytes of "ü"
    const parts = [bytes.subarray(0, cut), bytes.subarray(cut, cut + 7), bytes.subarray(cut + 7)];
    async function* chunks() {
      yield* parts;
    }
    assert.deepEqual(await readUrls(['-'], inProcessIo({ stdin: () => chunks() })), [
      'https://ik.imagekit.io/demo/ü.jpg',
      'https://ik.imagekit.io/demo/日本.png',
    ]);
  });

  it('through main(): a usage error naming the limit, exit 2', async () => {
    const { io } = lazyStdin(1024 * 1024, (_o, n) => Buffer.alloc(n, 0x61));
    const code = await main(['check', '--provider', 'imagekit', '-'], io);
    assert.equal(code, 2);
    const err = (io as ReturnType<typeof inProcessIo>).err.join('');
    assert.match(err, /cdn-purge check: Line 1 of stdin is longer than 16,384 characters \(limit: stdin line length\)/);
  });
});

describe('cli limits: the built CLI', function () {
  this.timeout(60_000);
  before(() => ensureCliBuilt());

  it('a 40 KB stdin line: one message naming the limit, exit 2, no stack trace', async () => {
    const r = await runCli(['check', '--provider', 'imagekit', '-'], { stdin: `${'a'.repeat(40 * 1024)}\n` });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Line 1 of stdin is longer than 16,384 characters \(limit: stdin line length\)/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'a stack trace');
    assert.equal(r.stdout, '');
  });

  it('a 10,000-character URL is invalid (url-too-long), exit 1, and not sent', async () => {
    const url = `https://ik.imagekit.io/demo/${'a'.repeat(10_000)}.jpg`;
    const r = await runCli(['plan', '--provider', 'imagekit', '--json', '-'], { stdin: `${url}\n` });
    assert.equal(r.code, 1, r.stderr);
    const plan = JSON.parse(r.stdout);
    assert.deepEqual(plan.requests, []);
    assert.deepEqual(
      plan.invalid[0].problems.map((p: { code: string }) => p.code),
      ['url-too-long'],
    );
  });

  it('cdn-purge.json with a byte order mark is read (it was ignored); one over 1 MiB is refused naming the limit', async () => {
    const dir = tmpDir('cdn-purge-bom-');
    fs.writeFileSync(
      path.join(dir, 'cdn-purge.json'),
      `\ufeff${JSON.stringify({ imagekit: { endpoints: ['https://images.example.com'] } })}`,
    );
    const ok = await runCli(['check', '--provider', 'imagekit', '--json', 'https://images.example.com/a.jpg'], {
      cwd: dir,
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stderr, '');
    const big = tmpDir('cdn-purge-big-');
    fs.writeFileSync(
      path.join(big, 'big.json'),
      `{"mappings": [${'{"glob": "a/**", "url": "https://ik.imagekit.io/demo/"},'.repeat(MAX_CONFIG_BYTES / 50)}{}]}`,
    );
    const refused = await runCli(
      ['check', '--provider', 'imagekit', '--config', 'big.json', 'https://ik.imagekit.io/demo/a.jpg'],
      { cwd: big },
    );
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /big\.json is larger than 1 MiB \(limit: cdn-purge\.json size\)/);
    // The default ./cdn-purge.json too large: a warning, and the run goes on without it.
    fs.renameSync(path.join(big, 'big.json'), path.join(big, 'cdn-purge.json'));
    const warned = await runCli(['check', '--provider', 'imagekit', 'https://ik.imagekit.io/demo/a.jpg'], { cwd: big });
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /warning: cdn-purge\.json is larger than 1 MiB \(limit: cdn-purge\.json size\)/);
    // A folder named as the config: said so, not EISDIR.
    fs.mkdirSync(path.join(big, 'dir.json'));
    const folder = await runCli(
      ['check', '--provider', 'imagekit', '--config', 'dir.json', 'https://ik.imagekit.io/demo/a.jpg'],
      { cwd: big },
    );
    assert.equal(folder.code, 2);
    assert.match(folder.stderr, /dir\.json is a folder, not a file/);
  });

  it('--from-git followed by a scheme-less URL takes it as a URL, not as the ref; --from-git=URL is refused', async () => {
    const repo = fs.realpathSync(tmpDir('cdn-purge-repo-'));
    initRepo(repo);
    write(
      repo,
      'cdn-purge.json',
      JSON.stringify({ mappings: [{ glob: 'img/**', url: 'https://ik.imagekit.io/demo/img/' }] }),
    );
    write(repo, 'img/a.png');
    commitAll(repo, 'first');
    write(repo, 'img/b.png', 'changed');
    const r = await runCli(
      ['plan', '--provider', 'imagekit', '--json', '--from-git', 'ik.imagekit.io/demo/extra.jpg'],
      { cwd: repo },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).requests.map((x: { url: string }) => x.url),
      ['https://ik.imagekit.io/demo/extra.jpg', 'https://ik.imagekit.io/demo/img/b.png'],
    );
    assert.match(r.stderr, /in the working tree/);
    const bad = await runCli(['plan', '--provider', 'imagekit', '--from-git=ik.imagekit.io/demo/extra.jpg'], {
      cwd: repo,
    });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--from-git "ik\.imagekit\.io\/demo\/extra\.jpg" is not a git ref: it looks like a URL/);
  });
});
