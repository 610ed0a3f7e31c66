// A broken cdn-purge.json is shown (src/host/projectConfig.ts): a diagnostic on the file, on the part it is about,
// and a notification whose button opens the file there; fixed when the file is fixed; checked as you type while
// the file is open. Plain Node, through the vscode stand-in.
import assert from 'node:assert/strict';
import {
  answers,
  collections,
  install,
  ManualTimers,
  openDocument,
  reset,
  shown,
  Uri,
  watchers,
  windowState,
  workspaceState,
  writeFile,
  type Diagnostic,
} from '../helpers/vscode-stub';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
const pc = require('../../../src/host/projectConfig') as typeof import('../../../src/host/projectConfig');
const { Settings } = require('../../../src/host/settings') as typeof import('../../../src/host/settings');

const WS = Uri.file('/ws');
const CONFIG = Uri.joinPath(WS, 'cdn-purge.json');

/** The text at a problem's range. */
function at(text: string, p: { start: number; end: number }): string {
  return text.slice(p.start, p.end);
}

describe('host: cdn-purge.json problems are located in the file', () => {
  it('a syntax error: at the token where the parser stopped', () => {
    const text = '{\n  "imagekit": { "endpoints": ["https://ik.imagekit.io/demo"] },\n}\n';
    const [p] = pc.configProblems(text);
    assert.match(p.message, /is not valid JSON/);
    assert.equal(p.severity, 'error');
    assert.equal(at(text, p), '}', 'the closing brace after the trailing comma');
    assert.ok(p.start > text.indexOf('},'), 'after the last member');
  });

  it('an unknown key: on the key', () => {
    const text = '{ "imagekit": {}, "mapings": [] }';
    const [p] = pc.configProblems(text);
    assert.match(p.message, /unknown key "mapings"/);
    assert.equal(p.severity, 'warning', 'the rest of the file is used');
    assert.equal(at(text, p), '"mapings"');
  });

  it('a value of the wrong type: on the value, by its path', () => {
    const text = '{ "imgix": { "domains": ["https://assets.imgix.net"], "sourceId": 42, "subImage": "yes" } }';
    const problems = pc.configProblems(text);
    assert.deepEqual(
      problems.map((p) => at(text, p)),
      ['42', '"yes"'],
    );
    const text2 = '{ "imagekit": ["https://ik.imagekit.io/demo"], "mappings": {} }';
    assert.deepEqual(
      pc.configProblems(text2).map((p) => at(text2, p)),
      ['["https://ik.imagekit.io/demo"]', '{}'],
    );
    const text3 = '{ "imagekit": { "endpoints": "https://ik.imagekit.io/demo" } }';
    assert.deepEqual(
      pc.configProblems(text3).map((p) => at(text3, p)),
      ['"https://ik.imagekit.io/demo"'],
    );
  });

  it('not an object: the whole value; keeps offsets after a byte order mark', () => {
    const text = '\uFEFF[1, 2]';
    const [p] = pc.configProblems(text);
    assert.match(p.message, /must hold a JSON object/);
    assert.equal(at(text, p), '[1, 2]');
  });

  it('a valid file has no problems', () => {
    assert.deepEqual(pc.configProblems('{ "imagekit": { "endpoints": ["https://ik.imagekit.io/demo"] } }'), []);
  });
});

describe('host: a broken cdn-purge.json is shown in the editor', () => {
  let settings: InstanceType<typeof Settings>;
  let problems: InstanceType<typeof pc.ProjectConfigProblems>;
  let timers: ManualTimers;
  beforeEach(() => {
    workspaceState.folders = [{ uri: WS, name: 'ws', index: 0 }];
    timers = new ManualTimers();
    settings = new Settings();
    problems = new pc.ProjectConfigProblems(settings, { timers });
  });
  afterEach(() => {
    problems.dispose();
    settings.dispose();
    reset();
  });

  const diags = (): Diagnostic[] => collections.find((c) => c.name === 'cdn-purge.json')?.get(CONFIG) ?? [];
  const saved = async (text: string) => {
    writeFile(CONFIG, text);
    watchers.find((w) => w.pattern.endsWith('cdn-purge.json'))!.change.fire(CONFIG);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
  };

  it('shows a diagnostic on the error and a notification that opens the file there; both go when it is fixed', async () => {
    answers.push({ prefix: 'cdn-purge.json', pick: pc.OPEN_ACTION });
    writeFile(CONFIG, '{\n  "imagekit": { "endpoints": ["https://ik.imagekit.io/demo"] },\n}\n');
    await settings.reloadProject();
    problems.refresh();
    const [d] = diags();
    assert.ok(d, 'a diagnostic on cdn-purge.json');
    assert.equal(d.source, 'CDN Purge');
    assert.equal((d.code as { value: string }).value, 'cdn-purge.json');
    assert.match(String((d.code as { target: Uri }).target), /README\.md#cdn-purgejson$/);
    assert.deepEqual([d.range.start.line, d.range.start.character], [2, 0], 'on the "}" after the trailing comma');
    assert.equal(shown.length, 1);
    assert.equal(shown[0].kind, 'error');
    assert.match(
      shown[0].message,
      /^cdn-purge\.json is not valid JSON .*Its endpoints and mappings are not used until it is fixed\.$/,
    );
    assert.deepEqual(shown[0].items, [pc.OPEN_ACTION]);
    // The button opened the file with the problem selected.
    await new Promise((r) => setImmediate(r));
    assert.equal(windowState.activeTextEditor?.document.uri.toString(), CONFIG.toString());

    await saved('{ "imagekit": { "endpoints": ["https://ik.imagekit.io/demo"] } }');
    assert.deepEqual(diags(), [], 'fixed: no diagnostic');
    assert.equal(shown.length, 1, 'no new notification for a fixed file');
    assert.deepEqual(settings.providerConfig('imagekit').endpoints, ['https://ik.imagekit.io/demo']);
  });

  it('announces each new set of problems once; a setting change does not repeat it', async () => {
    await saved('{ "imagekit": {}, "extra": true }');
    assert.equal(shown.length, 1);
    assert.equal(shown[0].kind, 'warning');
    assert.match(shown[0].message, /unknown key "extra".*The parts in error are not used until they are fixed\./);
    await settings.reloadProject();
    problems.refresh();
    assert.equal(shown.length, 1, 'the same problems: no second notification');
    await saved('{ "imagekit": {}, "extra": true, "other": 1 }');
    assert.equal(shown.length, 2);
    assert.match(shown[1].message, /\(and 1 more problem\)/);
    assert.equal(diags().length, 2);
  });

  it('while the file is open its text is checked as you type (debounced), the saved file again once it closes', async () => {
    await saved('{ "imagekit": {} }');
    assert.deepEqual(diags(), []);
    const doc = openDocument(CONFIG, '{ "imagekit": {} }', 'json');
    doc.setText('{ "imagekit": { "endpoints": 1 } }');
    assert.deepEqual(diags(), [], 'not before the debounce');
    timers.advance(250);
    assert.equal(diags().length, 1);
    assert.equal(doc.getText(diags()[0].range as never), '1', 'on the value as typed');
    assert.equal(shown.length, 0, 'no notification for unsaved text');
    doc.setText('{ "imagekit": { "endpoints": [] } }');
    timers.advance(250);
    assert.deepEqual(diags(), []);
  });

  it('the saved file is located on its own text while an open editor still shows the old one', async () => {
    const old = '{ "imagekit": {} }';
    await saved(old);
    openDocument(CONFIG, old, 'json'); // open, not dirty, not yet reloaded
    await saved('{\n\n\n  "imagekit": {},\n  "extra": 1\n}');
    assert.equal(diags().length, 1);
    assert.deepEqual(
      [diags()[0].range.start.line, diags()[0].range.start.character, diags()[0].range.end.character],
      [4, 2, 9],
      'on "extra" in the saved text (line 5), not at that offset in the old text',
    );
  });

  it('a file over 1 MiB: a diagnostic at the top and the notification', async () => {
    writeFile(CONFIG, `{"x":"${'a'.repeat(1024 * 1024)}"}`);
    await settings.reloadProject();
    problems.refresh();
    assert.equal(diags().length, 1);
    assert.match(diags()[0].message, /larger than 1 MiB/);
    assert.deepEqual([diags()[0].range.start.line, diags()[0].range.start.character], [0, 0]);
    assert.equal(shown[0].kind, 'error');
  });

  it('no cdn-purge.json: nothing shown', async () => {
    await settings.reloadProject();
    problems.refresh();
    assert.deepEqual(diags(), []);
    assert.equal(shown.length, 0);
  });
});
