// The hover and the Purge CodeLens on ImageKit and imgix URLs (src/host/hover.ts, codeLens.ts), in plain Node: what
// purging covers (the providers' own scope: the exact URL, a wildcard with its rules, imgix's base path with the
// parameters dropped and the sub-image notes), the last purge from the history, the cache state once checked, the
// links (only our commands, as data), escaping of document and server text, the lenses per line and their limit,
// both settings live.
import assert from 'node:assert/strict';
import {
  install,
  ManualTimers,
  MemoryMemento,
  openDocument,
  reset,
  setConfiguration,
  stub,
  type TextDocument,
} from '../helpers/vscode-stub';
install();

// What the stand-in lacks for these two providers.
const s = stub as unknown as Record<string, unknown>;
s.Hover ??= class {
  constructor(
    readonly contents: { value: string; isTrusted?: unknown },
    readonly range?: unknown,
  ) {}
};
s.CodeLens ??= class {
  constructor(
    readonly range: unknown,
    readonly command?: { title: string; command: string; arguments?: unknown[]; tooltip?: string },
  ) {}
};

/* eslint-disable @typescript-eslint/no-require-imports */
const hover = require('../../../src/host/hover') as typeof import('../../../src/host/hover');
const lens = require('../../../src/host/codeLens') as typeof import('../../../src/host/codeLens');
const { DocumentIndex } =
  require('../../../src/host/documentIndex') as typeof import('../../../src/host/documentIndex');
const { Settings } = require('../../../src/host/settings') as typeof import('../../../src/host/settings');
const { HistoryStore } = require('../../../src/host/history') as typeof import('../../../src/host/history');
/* eslint-enable @typescript-eslint/no-require-imports */

type Doc = TextDocument;
const NOW = 1_800_000_000_000;

describe('host: the hover and the CodeLens on CDN URLs', () => {
  let settings: InstanceType<typeof Settings>;
  let index: InstanceType<typeof DocumentIndex>;
  let history: InstanceType<typeof HistoryStore>;
  let states: InstanceType<typeof hover.CacheStates>;
  let provider: InstanceType<typeof hover.UrlHoverProvider>;
  let lenses: InstanceType<typeof lens.PurgeCodeLensProvider>;

  beforeEach(() => {
    settings = new Settings();
    index = new DocumentIndex(settings, { timers: new ManualTimers() });
    history = new HistoryStore(new MemoryMemento(), new ManualTimers());
    states = new hover.CacheStates(() => NOW);
    provider = new hover.UrlHoverProvider(index, settings, history, states, () => NOW);
    lenses = new lens.PurgeCodeLensProvider(index, settings);
  });
  afterEach(() => {
    for (const d of [lenses, history, index, settings]) d.dispose();
    reset();
  });

  /** The hover's Markdown at the first occurrence of `text` in the document. */
  function hoverAt(doc: Doc, text: string) {
    const at = doc.getText().indexOf(text);
    assert.ok(at >= 0);
    const h = provider.provideHover(doc as never, doc.positionAt(at + 2) as never) as unknown as
      { contents: { value: string; isTrusted?: { enabledCommands: string[] } } } | undefined;
    return h?.contents;
  }
  /** The command links of a hover: command id and decoded arguments. */
  function links(md: string): Array<{ command: string; args: unknown[] }> {
    return [...md.matchAll(/\]\(command:([\w.]+)\?([^) ]*)/g)].map((m) => ({
      command: m[1],
      args: JSON.parse(decodeURIComponent(m[2])) as unknown[],
    }));
  }

  it('an exact ImageKit URL: what is sent, what it does not cover, quota, status API, never purged, the links', () => {
    const url = 'https://ik.imagekit.io/demo/products/shoe.jpg?tr=w-400';
    const doc = openDocument('file:///ws/a.html', `<img src="${url}">`);
    const md = hoverAt(doc, url)!;
    assert.match(md.value, /\*\*ImageKit\*\* purge/);
    assert.ok(md.value.includes(`Purges \`${url}\``), md.value);
    assert.ok(md.value.includes('`https://ik.imagekit.io/demo/products/shoe.jpg*` purges them all'), md.value);
    assert.match(md.value, /Counts as 1 of the 1000 purge requests account `demo` may send a month/);
    assert.match(md.value, /ImageKit says when the purge is done/);
    assert.match(md.value, /Not in the Purge History/);
    assert.deepEqual(links(md.value), [
      { command: 'cdnPurge.purgeUrl', args: [url] },
      { command: 'cdnPurge.checkCacheState', args: [{ url, uri: 'file:///ws/a.html', line: 0, character: 10 }] },
    ]);
    assert.deepEqual(md.isTrusted, { enabledCommands: ['cdnPurge.purgeUrl', 'cdnPurge.checkCacheState'] });
  });

  it('an ImageKit wildcard: what it matches and the rules, with the verdict; no cache link (no single asset)', () => {
    const ok = 'https://ik.imagekit.io/demo/images/upload/*';
    const broad = 'https://ik.imagekit.io/demo/images/*';
    const doc = openDocument('file:///ws/w.md', `${ok}\n${broad}\n`);
    const good = hoverAt(doc, ok)!.value;
    assert.match(good, /wildcard purge/);
    assert.ok(good.includes('starts with `https://ik.imagekit.io/demo/images/upload/`'), good);
    assert.match(
      good,
      /path after the endpoint `images\/upload\/`: 2 levels \(at least 2\), 13 characters \(at least 15\), a complete file name: no/,
    );
    assert.match(good, /meets the rules/);
    assert.match(good, /One purge request, whatever number of URLs it matches/);
    assert.deepEqual(
      links(good).map((l) => l.command),
      ['cdnPurge.purgeUrl'],
    );
    const bad = hoverAt(doc, broad)!.value;
    assert.match(bad, /1 levels \(at least 2\), 6 characters/);
    assert.match(bad, /too broad: no condition holds/);
    assert.match(bad, /Cannot be purged: This wildcard is too broad for ImageKit.*\[wildcard-too-broad\]/);
    assert.deepEqual(links(bad), [], 'no Purge link for a URL the rules refuse, no cache link for a wildcard');
  });

  it('a wildcard over media/catalog/ says it is refused whatever else holds', () => {
    const doc = openDocument('file:///ws/c.md', 'https://ik.imagekit.io/demo/media/catalog/*');
    assert.match(hoverAt(doc, 'https://')!.value, /covers `media\/catalog\/\*`, which wildcards may never cover/);
  });

  it('imgix: the base path, the parameters dropped, derivatives, sub-image notes, verify, the origin', () => {
    const url = 'https://assets.imgix.net/dogs.png?w=400&h=300#top';
    const doc = openDocument('file:///ws/i.css', `a { background: url(${url}); }`);
    let md = hoverAt(doc, url)!.value;
    assert.ok(
      md.includes('Purges the base path `https://assets.imgix.net/dogs.png`: the asset and every derivative'),
      md,
    );
    assert.ok(md.includes('Not sent: `?w=400&h=300#top`'), md);
    assert.match(md, /Not purged as a sub-image/);
    assert.match(md, /imgix answers when it has received the purge, not when it is done/);
    assert.match(md, /Never purged: the file at the origin/);
    assert.ok(!/Counts as 1 of/.test(md), 'imgix has no monthly quota');
    // The cache link asks about the URL that is purged (the base path).
    assert.deepEqual(links(md)[1].args, [
      { url: 'https://assets.imgix.net/dogs.png', uri: 'file:///ws/i.css', line: 0, character: 20 },
    ]);
    setConfiguration('imgix.sourceId', '5ebee107e9c05c0001d9c2d3');
    setConfiguration('imgix.subImage', true);
    md = hoverAt(doc, url)!.value;
    assert.match(
      md,
      /Purged as a sub-image \(an image used as a mark or a blend\) of Source `5ebee107e9c05c0001d9c2d3`/,
    );
  });

  it('the Video API warning of the rules shows too', () => {
    const doc = openDocument('file:///ws/v.md', 'https://assets.imgix.net/clip.mp4');
    assert.match(
      hoverAt(doc, 'https://')!.value,
      /\$\(warning\) If this \\\.mp4 is served by imgix's Video API.*\[imgix-video-api\]/,
    );
  });

  it('the last purge: its own, newest first, or a wildcard over it; with status and HTTP status', () => {
    const url = 'https://ik.imagekit.io/demo/p/a.jpg';
    const doc = openDocument('file:///ws/h.md', url);
    const req = (u: string, startedAt: number, extra: object = {}) => ({
      id: `r${startedAt}`,
      url: u,
      kind: u.endsWith('*') ? ('wildcard' as const) : ('exact' as const),
      covers: [u],
      state: 'accepted' as const,
      httpStatus: 201,
      startedAt,
      ...extra,
    });
    history.add({ provider: 'imagekit', source: 'test', target: 'x', requests: [req(url, NOW - 3_600_000 * 2)] });
    history.add({ provider: 'imgix', source: 'test', target: 'x', requests: [req(url, NOW - 1000)] });
    assert.match(hoverAt(doc, url)!.value, /Last purged 2 h ago: received \\\(verify to be sure\\\) · HTTP 201/);
    history.add({
      provider: 'imagekit',
      source: 'test',
      target: 'x',
      requests: [req('https://ik.imagekit.io/demo/p/*', NOW - 5 * 60_000, { live: 'Completed' })],
    });
    assert.match(
      hoverAt(doc, url)!.value,
      /Last purged 5 min ago by the wildcard `https:\/\/ik\.imagekit\.io\/demo\/p\/\*`: completed · HTTP 201/,
    );
  });

  it('the cache state, once checked: status, HIT, the headers as code; checking; no answer', () => {
    const url = 'https://ik.imagekit.io/demo/c.jpg';
    const doc = openDocument('file:///ws/s.md', url);
    assert.ok(!/Cache state/.test(hoverAt(doc, url)!.value), 'nothing is fetched until asked');
    states.set(url, 'checking');
    assert.match(hoverAt(doc, url)!.value, /Checking the cache state/);
    states.set(url, {
      url,
      fetched: url,
      at: NOW - 12_000,
      end: NOW,
      status: 200,
      cache: 'hit',
      headers: [
        { name: 'x-cache', value: 'HIT' },
        { name: 'age', value: '120' },
        { name: 'cache-control', value: 'max-age=`3600` [x](command:evil)' },
      ],
    });
    const md = hoverAt(doc, url)!.value;
    assert.match(md, /Cache state \(12 s ago\): HTTP 200, cached \(HIT\)/);
    assert.ok(md.includes('x-cache: `HIT`  \nage: `120`'), md);
    assert.ok(md.includes('cache-control: ``max-age=`3600` [x](command:evil)``'), 'server text stays inside code');
    assert.deepEqual(
      links(md).map((l) => l.command),
      ['cdnPurge.purgeUrl', 'cdnPurge.checkCacheState'],
      'no link comes from the server',
    );
    states.set(url, { url, fetched: url, at: NOW, end: NOW, headers: [], error: 'connect ECONNREFUSED' });
    assert.match(hoverAt(doc, url)!.value, /Cache state \(0 s ago\): no answer: connect ECONNREFUSED/);
  });

  it('kept states expire and are capped', () => {
    let t = NOW;
    const c = new hover.CacheStates(() => t);
    c.set('a', 'checking');
    t += hover.CacheStates.KEEP_MS + 1;
    assert.equal(c.get('a'), undefined);
    for (let i = 0; i <= hover.CacheStates.MAX; i++) c.set(`u${i}`, 'checking');
    assert.equal(c.get('u0'), undefined);
    assert.equal(c.get(`u${hover.CacheStates.MAX}`), 'checking');
  });

  it('a templated URL: said so, no links; off the URL: no hover; the setting turns it off live', () => {
    const doc = openDocument('file:///ws/t.js', 'const a = `https://ik.imagekit.io/demo/${name}.jpg`; let x = 1;');
    const md = hoverAt(doc, 'https://')!.value;
    assert.match(md, /Built from a template/);
    assert.deepEqual(links(md), []);
    assert.equal(hoverAt(doc, 'let x'), undefined);
    const doc2 = openDocument('file:///ws/u.md', 'https://ik.imagekit.io/demo/a.jpg');
    assert.ok(hoverAt(doc2, 'https://'));
    setConfiguration('hover.enabled', false);
    assert.equal(hoverAt(doc2, 'https://'), undefined);
  });

  it('escapes text from the document', () => {
    assert.equal(hover.escapeMarkdown('[x](command:y) *b* $(bug)'), '\\[x\\]\\(command\\:y\\) \\*b\\* \\$\\(bug\\)');
    assert.equal(hover.inlineCode('a`b'), '``a`b``');
    assert.equal(hover.inlineCode('`a'), '`` `a ``');
  });

  // --- CodeLens

  type Lens = { range: { start: { line: number } }; command: { title: string; command: string; arguments: unknown[] } };
  const lensesOf = (doc: Doc) => lenses.provideCodeLenses(doc as never) as unknown as Lens[];

  it('Purge on each line with a URL the rules accept, Purge all N on the first; none for refused or templated', () => {
    const a = 'https://ik.imagekit.io/demo/a.jpg';
    const b = 'https://assets.imgix.net/b.png?w=1';
    const c = 'https://ik.imagekit.io/demo/c.jpg';
    const text = [
      `<img src="${a}">`,
      'nothing here',
      `<img src="${b}"> <img src="${c}">`,
      '<img src="https://ik.imagekit.io/demo/x*">',
      '<img src="https://ik.imagekit.io/demo/${v}.jpg">',
      `again ${a}`,
    ].join('\n');
    const doc = openDocument('file:///ws/l.html', text);
    const got = lensesOf(doc).map((l) => [l.range.start.line, l.command.title, l.command.command, l.command.arguments]);
    assert.deepEqual(got, [
      [0, '$(flame) Purge all 3 URLs in this file', 'cdnPurge.purgeUrl', [[a, b, c]]],
      [0, '$(flame) Purge', 'cdnPurge.purgeUrl', [a]],
      [2, '$(flame) Purge b.png?w=1', 'cdnPurge.purgeUrl', [b]],
      [2, '$(flame) Purge c.jpg', 'cdnPurge.purgeUrl', [c]],
      [5, '$(flame) Purge', 'cdnPurge.purgeUrl', [a]],
    ]);
  });

  it('one URL in the file: no Purge all; a big file: lenses on the first lines only, Purge all counts every URL', () => {
    const one = openDocument('file:///ws/one.md', 'https://ik.imagekit.io/demo/a.jpg');
    assert.deepEqual(
      lensesOf(one).map((l) => l.command.title),
      ['$(flame) Purge'],
    );
    const n = lens.MAX_CODELENS_LINES + 50;
    const big = openDocument(
      'file:///ws/big.md',
      Array.from({ length: n }, (_, i) => `https://ik.imagekit.io/demo/f${i}.jpg`).join('\n'),
    );
    const all = lensesOf(big);
    assert.equal(all.length, lens.MAX_CODELENS_LINES + 1);
    assert.equal(all[0].command.title, `$(flame) Purge all ${n} URLs in this file`);
    assert.equal((all[0].command.arguments[0] as string[]).length, n);
    assert.equal(Math.max(...all.map((l) => l.range.start.line)), lens.MAX_CODELENS_LINES - 1);
  });

  it('cdnPurge.codeLens.enabled turns them off and on live (the change event fires)', () => {
    const doc = openDocument('file:///ws/o.md', 'https://ik.imagekit.io/demo/a.jpg');
    let fired = 0;
    const sub = lenses.onDidChangeCodeLenses(() => fired++);
    setConfiguration('codeLens.enabled', false);
    assert.deepEqual(lensesOf(doc), []);
    assert.ok(fired > 0, 'VS Code is told to ask again');
    setConfiguration('codeLens.enabled', undefined);
    assert.equal(lensesOf(doc).length, 1);
    sub.dispose();
  });
});
