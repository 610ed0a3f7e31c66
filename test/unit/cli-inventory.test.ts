// `--inventory FILE` and `--max-collateral N` on plan and purge, end to end as a child process: the file format
// (URLs, paths through cdn-purge.json mappings, comments), the collateral report in text and --json, usage
// errors, --from-git's working-tree inventory, and a real purge against a loopback ImageKit.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ensureCliBuilt, runCli, type CliRun } from './helpers/cli';
import { commitAll, initRepo, write } from './helpers/git';
import { reply, startServer } from './helpers/server';
import { tmpDir } from './helpers/tmp';

const IK = 'https://ik.imagekit.io/demo';
const SHOES = ['red-1', 'red-2', 'red-3', 'blue-1'].map((f) => `${IK}/cat/shoes/${f}.jpg`);

function json(run: CliRun): any {
  try {
    return JSON.parse(run.stdout);
  } catch {
    assert.fail(`stdout is not JSON:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

function project(files: Record<string, string>): string {
  const dir = tmpDir('cdn-purge-inv-');
  for (const [rel, content] of Object.entries(files)) write(dir, rel, content);
  return dir;
}

describe('CLI: --inventory and --max-collateral', function () {
  this.timeout(60_000);
  before(() => ensureCliBuilt());

  const inventory = [
    '# every image of the site',
    ...SHOES,
    '',
    'public/shoes/blue-2.jpg', // a path: mapped by cdn-purge.json to …/cat/shoes/blue-2.jpg
    'README.md', // mapped by no rule: reported, not counted
  ].join('\n');
  const config = JSON.stringify({
    mappings: [{ glob: 'public/shoes/**', url: `${IK}/cat/shoes/`, provider: 'imagekit' }],
  });

  it('plan: no unchanged asset purged; each wildcard says what it also purges; the summary counts the inventory', async () => {
    const cwd = project({ 'inv.txt': inventory, 'cdn-purge.json': config });
    const r = await runCli(['plan', '-p', 'imagekit', '--inventory', 'inv.txt', '-'], {
      cwd,
      stdin: SHOES.join('\n'),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /-> 2 requests/);
    assert.match(r.stdout, /exact {5}https:\/\/ik\.imagekit\.io\/demo\/cat\/shoes\/blue-1\.jpg\n/);
    assert.match(
      r.stdout,
      /wildcard {2}https:\/\/ik\.imagekit\.io\/demo\/cat\/shoes\/red-\* {2}covers 3 {2}\(coalesced\) {2}also purges 0 unchanged/,
    );
    assert.match(r.stdout, /Inventory: 5 assets, 1 unchanged; this plan purges 0 of them \(--max-collateral 0\)/);
    assert.match(
      r.stderr,
      /warning: --inventory inv\.txt: 1 path no mapping maps to ImageKit URLs, not counted as assets \(first: line 8, "README\.md"\)/,
    );
  });

  it('--max-collateral N lets a wider wildcard in; --json carries collateral per request and the inventory', async () => {
    const cwd = project({ 'inv.txt': inventory, 'cdn-purge.json': config });
    const r = await runCli(
      ['plan', '-p', 'imagekit', '--inventory', 'inv.txt', '--max-collateral', '1', '--json', ...SHOES],
      {
        cwd,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    const out = json(r);
    assert.deepEqual(
      out.requests.map((x: any) => [x.url, x.kind, x.coalesced, x.covers.length, x.collateral]),
      [[`${IK}/cat/shoes/*`, 'wildcard', true, 4, 1]],
    );
    assert.deepEqual(out.inventory, { assets: 5, unchanged: 1, maxCollateral: 1, collateral: 1, skipped: 0 });
    assert.equal(out.summary.requests, 1);
  });

  it('purge --dry-run shows the same plan; entries that are not ImageKit file URLs are reported as skipped', async () => {
    const cwd = project({ 'inv.txt': [...SHOES, `${IK}/cat/*`, 'https://elsewhere.example/x.jpg'].join('\n') });
    const r = await runCli(['purge', '-p', 'imagekit', '--dry-run', '--inventory', 'inv.txt', ...SHOES], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /-> 1 request\n/);
    assert.match(
      r.stdout,
      /2 inventory entries are not an ImageKit file URL and not counted \(first: https:\/\/ik\.imagekit\.io\/demo\/cat\/\*/,
    );
    assert.match(r.stdout, /Dry run: nothing was sent\./);
  });

  it('usage errors (exit 2) say what to do', async () => {
    const cwd = project({ 'inv.txt': inventory, 'urls.txt': `${IK}/a.jpg\n`, 'long.txt': 'x'.repeat(20_000) });
    const cases: Array<[string[], RegExp]> = [
      [['plan', '-p', 'imagekit', '--max-collateral', '3', `${IK}/a.jpg`], /--max-collateral needs an inventory/],
      [
        ['plan', '-p', 'imgix', '--inventory', 'urls.txt', 'https://assets.imgix.net/a.png'],
        /for providers with wildcard purges \(ImageKit\): imgix has none/,
      ],
      [
        ['plan', '-p', 'imagekit', '--inventory', 'missing.txt', `${IK}/a.jpg`],
        /missing\.txt: cannot be read \(ENOENT\)/,
      ],
      [
        ['plan', '-p', 'imagekit', '--inventory', 'inv.txt', `${IK}/a.jpg`],
        /line 7 is a path \("public\/shoes\/blue-2\.jpg"\), but cdn-purge\.json has no "mappings"/,
      ],
      [
        ['plan', '-p', 'imagekit', '--inventory', 'urls.txt', '--max-collateral=-1', `${IK}/a.jpg`],
        /--max-collateral must be a whole number of 0 or more/,
      ],
      [
        ['plan', '-p', 'imagekit', '--inventory', 'long.txt', `${IK}/a.jpg`],
        /line 1 is longer than 16,384 characters \(limit: inventory line length\)/,
      ],
      [['plan', '-p', 'imagekit', '--inventory', '.', `${IK}/a.jpg`], /\. is a folder, not a file/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(args, { cwd });
      assert.equal(r.code, 2, `${args.join(' ')}\n${r.stdout}${r.stderr}`);
      assert.match(r.stderr, re);
    }
  });

  it('--from-git with --coalesce takes the working tree files the mappings cover as the inventory', async () => {
    const repo = fs.realpathSync(tmpDir('cdn-purge-inv-repo-'));
    initRepo(repo);
    write(repo, 'cdn-purge.json', JSON.stringify({ mappings: [{ glob: 'public/**', url: `${IK}/site/` }] }));
    for (const f of ['cat/shoes/red-1.jpg', 'cat/shoes/red-2.jpg', 'cat/shoes/red-3.jpg', 'cat/shoes/blue-1.jpg'])
      write(repo, `public/${f}`, 'v1');
    commitAll(repo, 'first');
    for (const f of ['red-1', 'red-2', 'red-3']) write(repo, `public/cat/shoes/${f}.jpg`, 'v2');
    const r = await runCli(['plan', '-p', 'imagekit', '--from-git', '--coalesce', '--json'], { cwd: repo });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      json(r).requests.map((x: any) => [x.url, x.collateral]),
      [[`${IK}/site/cat/shoes/red-*`, 0]],
    );
    assert.match(r.stderr, /inventory: the 4 files of the working tree the mappings cover \(git ls-files\)/);
    // Without the inventory (no --from-git), --coalesce=1 would take the whole folder, blue-1 included.
    const blind = await runCli(
      [
        'plan',
        '-p',
        'imagekit',
        '--coalesce=1',
        '--json',
        ...['red-1', 'red-2', 'red-3', 'blue-1'].map((f) => `${IK}/site/cat/shoes/${f}.jpg`),
      ],
      { cwd: repo },
    );
    assert.deepEqual(
      json(blind).requests.map((x: any) => x.url),
      [`${IK}/site/cat/shoes/*`],
    );
  });

  it('purge sends the inventory plan: one wildcard for the three changed files, the unchanged one spared', async () => {
    const server = await startServer((req, res) => {
      if (req.method === 'POST' && req.url === '/v1/files/purge') reply(res, 201, { requestId: `r${req.index}` });
      else reply(res, 404, {});
    });
    try {
      const cwd = project({ 'inv.txt': SHOES.join('\n') });
      const changed = SHOES.slice(0, 3);
      const r = await runCli(
        ['purge', '-p', 'imagekit', '--api-base', server.base, '--inventory', 'inv.txt', ...changed],
        {
          cwd,
          env: { IMAGEKIT_PRIVATE_KEY: 'private_test_key' },
        },
      );
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.deepEqual(
        server.requests.map((x) => JSON.parse(x.body).url),
        [`${IK}/cat/shoes/red-*`],
      );
      assert.match(r.stdout, /Inventory: 4 assets, 1 unchanged; this plan purges 0 of them/);
      assert.match(r.stdout, /1 request: 1 accepted/);
      assert.ok(!r.stdout.includes('private_test_key') && !r.stderr.includes('private_test_key'));
    } finally {
      await server.close();
    }
  });

  it('plan --help and purge --help document the options', async () => {
    for (const cmd of ['plan', 'purge']) {
      const r = await runCli([cmd, '--help']);
      assert.match(r.stdout, /--inventory FILE {5}ImageKit: every asset of the site, one URL or path a line/);
      assert.match(
        r.stdout,
        /--max-collateral N {3}with an inventory: purge at most N unchanged assets in all \(default 0\)/,
      );
    }
  });
});
