// The extension's Settings (src/host/settings.ts) in plain Node: user settings merged with a workspace
// cdn-purge.json and package.json's defaults; values of the wrong type read as the default; API bases checked;
// change events only when something changed.
import assert from 'node:assert/strict';
import {
  configuration,
  install,
  reset,
  setConfiguration,
  Uri,
  watchers,
  workspaceState,
  writeFile,
} from '../helpers/vscode-stub';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
const { Settings } = require('../../../src/host/settings') as typeof import('../../../src/host/settings');

const WS = Uri.file('/ws');
const CONFIG = Uri.joinPath(WS, 'cdn-purge.json');

function project(json: unknown): void {
  writeFile(CONFIG, typeof json === 'string' ? json : JSON.stringify(json));
}

describe('host: Settings (settings + cdn-purge.json + defaults)', () => {
  let settings: InstanceType<typeof Settings>;
  beforeEach(() => {
    workspaceState.folders = [{ uri: WS, name: 'ws', index: 0 }];
    settings = new Settings();
  });
  afterEach(() => {
    settings.dispose();
    reset();
  });

  it('with nothing set: package.json defaults, no endpoints, no mappings', async () => {
    await settings.reloadProject();
    assert.deepEqual(settings.providerConfig('imagekit'), { endpoints: [] });
    assert.deepEqual(settings.providerConfig('imgix'), { endpoints: [] });
    assert.equal(settings.coalesce, 0);
    assert.equal(settings.confirm, true);
    assert.equal(settings.diagnosticsEnabled, true);
    assert.equal(settings.rateLimit('imgix'), 10);
    assert.equal(settings.rateLimit('imagekit'), undefined, 'ImageKit is paced by its headers');
    assert.deepEqual(settings.mappings(), []);
    assert.deepEqual(settings.apiBase('imagekit'), { base: 'https://api.imagekit.io', loopback: false });
    assert.deepEqual(settings.apiBase('imgix'), { base: 'https://api.imgix.com', loopback: false });
    assert.equal(settings.emulatorUrl, undefined);
    assert.equal(settings.projectConfig, undefined);
    assert.deepEqual(settings.projectConfigErrors, []);
  });

  it("merges cdn-purge.json's endpoints before the settings', trimmed, without duplicates or blanks", async () => {
    project({
      imagekit: { endpoints: ['https://ik.imagekit.io/demo', ' https://images.example.com '] },
      imgix: { domains: ['https://assets.imgix.net'] },
    });
    configuration.set('imagekit.endpoints', ['https://images.example.com', '', 'https://ik.imagekit.io/other']);
    configuration.set('imgix.domains', ['https://assets.imgix.net', 'https://cdn.example.org']);
    await settings.reloadProject();
    assert.deepEqual(settings.providerConfig('imagekit').endpoints, [
      'https://ik.imagekit.io/demo',
      'https://images.example.com',
      'https://ik.imagekit.io/other',
    ]);
    assert.deepEqual(settings.providerConfig('imgix').endpoints, [
      'https://assets.imgix.net',
      'https://cdn.example.org',
    ]);
  });

  it("imgix: the setting's sourceId wins over cdn-purge.json's; subImage is on when either says so", async () => {
    project({ imgix: { sourceId: 'aaaaaaaaaaaaaaaaaaaaaaaa', subImage: true } });
    await settings.reloadProject();
    assert.deepEqual(settings.providerConfig('imgix'), {
      endpoints: [],
      sourceId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
      subImage: true,
    });
    setConfiguration('imgix.sourceId', 'bbbbbbbbbbbbbbbbbbbbbbbb');
    assert.equal(settings.providerConfig('imgix').sourceId, 'bbbbbbbbbbbbbbbbbbbbbbbb');
    setConfiguration('imgix.subImage', false);
    assert.equal(settings.providerConfig('imgix').subImage, true, 'cdn-purge.json turns it on');
  });

  it("mappings: cdn-purge.json's first, then the settings'", async () => {
    const a = { glob: 'public/**', url: 'https://ik.imagekit.io/demo/' };
    const b = { glob: 'static/**', url: 'https://assets.imgix.net/', provider: 'imgix' };
    project({ mappings: [a] });
    configuration.set('mappings', [b]);
    await settings.reloadProject();
    assert.deepEqual(settings.mappings(), [a, b]);
  });

  it('a value of the wrong type in settings.json reads as the default (no crash on a string where a list goes)', async () => {
    configuration.set('imagekit.endpoints', 'https://ik.imagekit.io/demo');
    configuration.set('imgix.domains', [42]);
    configuration.set('coalesce', 'many');
    configuration.set('confirm', 'no');
    configuration.set('diagnostics.enabled', 0);
    configuration.set('imgix.rateLimit', -5);
    configuration.set('mappings', { glob: 'x' });
    configuration.set('imgix.sourceId', 123);
    await settings.reloadProject();
    assert.deepEqual(settings.providerConfig('imagekit'), { endpoints: [] });
    assert.deepEqual(settings.providerConfig('imgix'), { endpoints: [] });
    assert.equal(settings.coalesce, 0);
    assert.equal(settings.confirm, true);
    assert.equal(settings.diagnosticsEnabled, true);
    assert.equal(settings.rateLimit('imgix'), 10);
    assert.deepEqual(settings.mappings(), []);
  });

  it('reads the values that have the right type', () => {
    configuration.set('coalesce', 3);
    configuration.set('confirm', false);
    configuration.set('diagnostics.enabled', false);
    configuration.set('imgix.rateLimit', 0);
    assert.equal(settings.coalesce, 3);
    assert.equal(settings.confirm, false);
    assert.equal(settings.diagnosticsEnabled, false);
    assert.equal(settings.rateLimit('imgix'), 0, '0 is "no fixed pace", not the default');
  });

  it('a loopback API base is the emulator; plain http elsewhere is refused with the setting named', () => {
    configuration.set('imagekit.apiBase', 'http://127.0.0.1:8787/');
    assert.deepEqual(settings.apiBase('imagekit'), { base: 'http://127.0.0.1:8787', loopback: true });
    assert.equal(settings.emulatorUrl, 'http://127.0.0.1:8787');
    configuration.set('imgix.apiBase', 'http://api.example.com');
    assert.throws(() => settings.apiBase('imgix'), /cdnPurge\.imgix\.apiBase/);
    configuration.set('imgix.apiBase', '');
    assert.equal(settings.apiBase('imgix').base, 'https://api.imgix.com', 'empty: the default');
  });

  it('keeps where cdn-purge.json came from, its text and its errors', async () => {
    project('{ "imagekit": { "endpoints": "https://ik.imagekit.io/demo" }, "extra": 1 }');
    await settings.reloadProject();
    assert.equal(settings.projectConfig?.uri.toString(), CONFIG.toString());
    assert.match(settings.projectConfig?.text ?? '', /"extra": 1/);
    assert.equal(settings.projectConfigErrors.length, 2);
    assert.match(settings.projectConfigErrors.join('\n'), /unknown key "extra"/);
    assert.match(settings.projectConfigErrors.join('\n'), /imagekit\.endpoints must be a list/);
  });

  it('cdn-purge.json that is not JSON: its errors, and none of it used', async () => {
    project('{ "imagekit": { "endpoints": ["https://ik.imagekit.io/demo"] }, }');
    await settings.reloadProject();
    assert.match(settings.projectConfigErrors[0], /cdn-purge\.json is not valid JSON/);
    assert.deepEqual(settings.providerConfig('imagekit').endpoints, []);
  });

  it('cdn-purge.json over 1 MiB is not read', async () => {
    writeFile(CONFIG, `{"imagekit":{"endpoints":[]},"x":"${'a'.repeat(1024 * 1024)}"}`);
    await settings.reloadProject();
    assert.match(settings.projectConfigErrors[0], /larger than 1 MiB/);
    assert.equal(settings.projectConfig?.text, undefined, 'not read at all');
  });

  it('the first workspace folder that has a cdn-purge.json gives it', async () => {
    const other = Uri.file('/other');
    workspaceState.folders = [
      { uri: other, name: 'other', index: 0 },
      { uri: WS, name: 'ws', index: 1 },
    ];
    project({ imagekit: { endpoints: ['https://ik.imagekit.io/demo'] } });
    await settings.reloadProject();
    assert.deepEqual(settings.providerConfig('imagekit').endpoints, ['https://ik.imagekit.io/demo']);
  });

  it('fires onDidChange when a cdnPurge setting or the file changes, not for the same file again', async () => {
    let changes = 0;
    settings.onDidChange(() => changes++);
    project({ imagekit: { endpoints: ['https://ik.imagekit.io/demo'] } });
    await settings.reloadProject();
    assert.equal(changes, 1);
    await settings.reloadProject();
    assert.equal(changes, 1, 'the same file again: no event');
    setConfiguration('coalesce', 2);
    assert.equal(changes, 2);
    project({ imagekit: { endpoints: ['https://ik.imagekit.io/other'] } });
    // The file watcher fires; the reload runs.
    const w = watchers.find((x) => x.pattern.endsWith('cdn-purge.json'));
    assert.ok(w, 'Settings watches cdn-purge.json');
    w.change.fire(CONFIG);
    await new Promise((r) => setImmediate(r));
    assert.equal(changes, 3);
    assert.deepEqual(settings.providerConfig('imagekit').endpoints, ['https://ik.imagekit.io/other']);
  });

  it('the checkers follow the settings: a new endpoint is recognised after the change (the cache is dropped)', async () => {
    await settings.reloadProject();
    assert.equal(settings.providerOf('https://images.example.com/a.jpg'), undefined);
    setConfiguration('imagekit.endpoints', ['https://images.example.com']);
    assert.equal(settings.providerOf('https://images.example.com/a.jpg'), 'imagekit');
  });
});
