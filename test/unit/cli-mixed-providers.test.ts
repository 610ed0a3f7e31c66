// Issue 11 item 6, end to end: one `cdn-purge purge` of files under two cdn-purge.json mappings, each naming its
// provider (ImageKit, imgix), with no --provider. Both providers' requests reach the emulator (each in its own wire
// format, with its own key), and the results are grouped per provider in the text report and in --json.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_IMAGEKIT_TEST_KEY, DEFAULT_IMGIX_TEST_KEY } from '../../src/emulator';
import { emulatorFixture } from './emulator-helpers';
import { ensureCliBuilt, runCli } from './helpers/cli';
import { tmpDir } from './helpers/tmp';

const keys = { IMAGEKIT_PRIVATE_KEY: DEFAULT_IMAGEKIT_TEST_KEY, IMGIX_API_KEY: DEFAULT_IMGIX_TEST_KEY };

function project(config?: object): string {
  const dir = tmpDir('cdn-purge-mixed-');
  fs.writeFileSync(
    path.join(dir, 'cdn-purge.json'),
    JSON.stringify(
      config ?? {
        imagekit: { endpoints: ['https://ik.imagekit.io/demo'] },
        imgix: { domains: ['https://assets.imgix.net'] },
        mappings: [
          { glob: 'images/**', url: 'https://ik.imagekit.io/demo/images/', provider: 'imagekit' },
          { glob: 'downloads/**', url: 'https://assets.imgix.net/downloads/', provider: 'imgix' },
        ],
      },
    ),
  );
  for (const f of ['images/a.jpg', 'images/b.png', 'downloads/c.png']) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), 'x');
  }
  return dir;
}

describe('cdn-purge purge: files of both providers in one run, no --provider (child process, emulator)', function () {
  this.timeout(60_000);
  const fx = emulatorFixture();

  before(() => ensureCliBuilt());

  it('sends each file to the provider its mapping names and groups the text report per provider', async () => {
    const e = await fx.start();
    const cwd = project();
    const r = await runCli(['purge', '--api-base', e.url, 'images/a.jpg', 'downloads/c.png', 'images/b.png'], {
      cwd,
      env: keys,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const ikPosts = e.requests({ provider: 'imagekit' }).filter((x) => x.method === 'POST');
    const ixPosts = e.requests({ provider: 'imgix' }).filter((x) => x.method === 'POST');
    assert.deepEqual(ikPosts.map((x) => (x.body as { url: string }).url).sort(), [
      'https://ik.imagekit.io/demo/images/a.jpg',
      'https://ik.imagekit.io/demo/images/b.png',
    ]);
    assert.deepEqual(
      ixPosts.map((x) => (x.body as { data: { attributes: { url: string } } }).data.attributes.url),
      ['https://assets.imgix.net/downloads/c.png'],
    );
    // Each with its own provider's key (the emulator checks ImageKit's Basic and imgix's Bearer key).
    assert.ok([...ikPosts, ...ixPosts].every((x) => x.auth === 'valid'));
    const lines = r.stdout.split('\n');
    const ikHead = lines.findIndex((l) => /^ImageKit \(.*\): 2 requests$/.test(l));
    const ixHead = lines.findIndex((l) => /^imgix \(.*\): 1 request$/.test(l));
    assert.ok(ikHead >= 0 && ixHead >= 0, r.stdout);
    // Each provider's result lines sit under its own heading.
    const [first, second] = ikHead < ixHead ? [ikHead, ixHead] : [ixHead, ikHead];
    const block = (from: number, to: number) => lines.slice(from + 1, to).filter((l) => /^ok /.test(l));
    const ikBlock = ikHead === first ? block(first, second) : block(second, lines.length);
    const ixBlock = ixHead === first ? block(first, second) : block(second, lines.length);
    assert.equal(ikBlock.length, 2, r.stdout);
    assert.ok(
      ikBlock.every((l) => l.includes('https://ik.imagekit.io/demo/images/')),
      r.stdout,
    );
    assert.equal(ixBlock.length, 1, r.stdout);
    assert.ok(ixBlock[0].includes('https://assets.imgix.net/downloads/c.png'), r.stdout);
    assert.match(r.stdout, /^ImageKit: 2 requests: 2 accepted, 0 failed$/m);
    assert.match(r.stdout, /^imgix: 1 request: 1 accepted, 0 failed$/m);
    assert.match(r.stdout, /^In all: 3 requests: 3 accepted/m);
  });

  it('--json: providers[] holds each provider with its own summary and only its own results', async () => {
    const e = await fx.start();
    const cwd = project();
    const r = await runCli(['purge', '--api-base', e.url, '--json', 'images', 'downloads/c.png'], { cwd, env: keys });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout) as {
      providers: Array<{
        provider: string;
        summary: { accepted: number };
        results: Array<{ url: string; provider: string }>;
      }>;
      results: unknown[];
      summary: { accepted: number };
    };
    const by = new Map(out.providers.map((p) => [p.provider, p]));
    assert.deepEqual([...by.keys()].sort(), ['imagekit', 'imgix']);
    const ikResults = by.get('imagekit')!.results;
    const ixResults = by.get('imgix')!.results;
    assert.ok(ikResults.length >= 1 && ikResults.every((x) => x.url.startsWith('https://ik.imagekit.io/demo/images')));
    assert.deepEqual(
      ixResults.map((x) => x.url),
      ['https://assets.imgix.net/downloads/c.png'],
    );
    assert.equal(by.get('imagekit')!.summary.accepted, ikResults.length);
    assert.equal(by.get('imgix')!.summary.accepted, 1);
    assert.equal(out.results.length, ikResults.length + 1);
    assert.equal(out.summary.accepted, ikResults.length + 1);
    assert.equal(e.requests({ provider: 'imagekit' }).filter((x) => x.method === 'POST').length, ikResults.length);
    assert.equal(e.requests({ provider: 'imgix' }).filter((x) => x.method === 'POST').length, 1);
  });

  it('custom domains (in cdn-purge.json): each mapping sends its files to the provider it names', async () => {
    // The emulated ImageKit account serves this custom endpoint (as the real account must).
    const e = await fx.start({ imagekitEndpoints: ['https://media.example.org'] });
    const cwd = project({
      imagekit: { endpoints: ['https://media.example.org'] },
      imgix: { domains: ['https://static.example.org'] },
      mappings: [
        { glob: 'images/**', url: 'https://media.example.org/images/', provider: 'imagekit' },
        { glob: 'downloads/**', url: 'https://static.example.org/downloads/', provider: 'imgix' },
      ],
    });
    const r = await runCli(['purge', '--api-base', e.url, '--json', 'images/a.jpg', 'downloads/c.png'], {
      cwd,
      env: keys,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout) as { providers: Array<{ provider: string; results: Array<{ url: string }> }> };
    assert.deepEqual(out.providers.map((p) => [p.provider, p.results.map((x) => x.url)]).sort(), [
      ['imagekit', ['https://media.example.org/images/a.jpg']],
      ['imgix', ['https://static.example.org/downloads/c.png']],
    ]);
    assert.equal(e.requests({ provider: 'imagekit' }).filter((x) => x.method === 'POST').length, 1);
    assert.equal(e.requests({ provider: 'imgix' }).filter((x) => x.method === 'POST').length, 1);
  });
});
