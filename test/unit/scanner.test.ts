// The scanner finds ImageKit and imgix URLs (and wildcard patterns) in any text with exact offsets. Tricky
// syntax of each language, and large inputs with pathological runs (results asserted, never the time taken).
import assert from 'node:assert/strict';
import { imagekit } from '../../src/core/providers/imagekit';
import { imgix } from '../../src/core/providers/imgix';
import { MAX_SCAN_URLS } from '../../src/core/limits';
import { classifierFrom, scanText, type HostClassifier, type ScanMatch } from '../../src/core/scanner';

const classify: HostClassifier = classifierFrom({
  imagekit: imagekit.checker({ endpoints: ['https://ik.imagekit.io/demo', 'https://images.example.com'] }),
  imgix: imgix.checker({ endpoints: ['https://cdn.example.org'] }),
});

function scan(text: string, max?: number): ScanMatch[] {
  const found = scanText(text, classify, max);
  for (const m of found) assert.equal(text.slice(m.start, m.end), m.url, `offsets of ${m.url}`);
  return found;
}
function urls(text: string): string[] {
  return scan(text).map((m) => m.url);
}

describe('scanner: languages', () => {
  it('HTML: src, and srcset with commas and width/density descriptors', () => {
    const html = [
      '<img src="https://ik.imagekit.io/demo/a.jpg" alt="A"',
      '     srcset="https://ik.imagekit.io/demo/a.jpg?tr=w-100 100w, https://ik.imagekit.io/demo/a.jpg?tr=w-200 200w,https://ik.imagekit.io/demo/b,c.jpg 2x">',
      "<source srcset='https://assets.imgix.net/hero.png?w=400 1x, https://assets.imgix.net/hero.png?w=800, https://assets.imgix.net/x.png'>",
    ].join('\n');
    assert.deepEqual(urls(html), [
      'https://ik.imagekit.io/demo/a.jpg',
      'https://ik.imagekit.io/demo/a.jpg?tr=w-100',
      'https://ik.imagekit.io/demo/a.jpg?tr=w-200',
      'https://ik.imagekit.io/demo/b,c.jpg',
      'https://assets.imgix.net/hero.png?w=400',
      'https://assets.imgix.net/hero.png?w=800',
      'https://assets.imgix.net/x.png',
    ]);
  });

  it('CSS: url(...) without quotes, with single and double quotes', () => {
    const css = `.a { background: url(https://assets.imgix.net/bg.png); }
.b { background-image: url('https://ik.imagekit.io/demo/b.png'), url("https://images.example.com/c.png?x=1"); }
@import url(https://assets.imgix.net/style.css);`;
    assert.deepEqual(urls(css), [
      'https://assets.imgix.net/bg.png',
      'https://ik.imagekit.io/demo/b.png',
      'https://images.example.com/c.png?x=1',
      'https://assets.imgix.net/style.css',
    ]);
  });

  it('Markdown: links, images with titles, autolinks <...>, reference definitions, bare URLs ending a sentence', () => {
    const md = `See [the photo](https://ik.imagekit.io/demo/photo.jpg) and ![logo](https://assets.imgix.net/logo.png "Logo").
Autolink: <https://ik.imagekit.io/demo/auto.jpg>. Bare: https://ik.imagekit.io/demo/bare.jpg.
[ref]: https://assets.imgix.net/ref.png
(Parenthesised https://ik.imagekit.io/demo/paren.jpg) and [wiki](https://ik.imagekit.io/demo/a_(1).jpg).`;
    assert.deepEqual(urls(md), [
      'https://ik.imagekit.io/demo/photo.jpg',
      'https://assets.imgix.net/logo.png',
      'https://ik.imagekit.io/demo/auto.jpg',
      'https://ik.imagekit.io/demo/bare.jpg',
      'https://assets.imgix.net/ref.png',
      'https://ik.imagekit.io/demo/paren.jpg',
      'https://ik.imagekit.io/demo/a_(1).jpg',
    ]);
  });

  it('JSON and YAML', () => {
    const json =
      '{"hero": "https://ik.imagekit.io/demo/hero.jpg", "list": ["https://assets.imgix.net/1.png","https://assets.imgix.net/2.png"]}';
    assert.deepEqual(urls(json), [
      'https://ik.imagekit.io/demo/hero.jpg',
      'https://assets.imgix.net/1.png',
      'https://assets.imgix.net/2.png',
    ]);
    const yaml = `images:\r\n  - https://ik.imagekit.io/demo/y1.jpg  # first\r\n  - 'https://assets.imgix.net/y2.png'\r\nhero: "https://images.example.com/y3.jpg"\r\n`;
    assert.deepEqual(urls(yaml), [
      'https://ik.imagekit.io/demo/y1.jpg',
      'https://assets.imgix.net/y2.png',
      'https://images.example.com/y3.jpg',
    ]);
  });

  it('JS/TS: string literals, template literals (templated), {{…}} and {…} placeholders (templated)', () => {
    const ts =
      "const a = 'https://ik.imagekit.io/demo/static.jpg';\n" +
      'const b = `https://ik.imagekit.io/demo/${id}.jpg`;\n' +
      'const c = "https://assets.imgix.net/{{name}}.png";\n' +
      "const d = 'https://assets.imgix.net/{name}.png';\n" +
      "const e = 'https://ik.imagekit.io/demo/' + name;\n";
    const found = scan(ts);
    assert.deepEqual(
      found.map((m) => [m.url, m.templated]),
      [
        ['https://ik.imagekit.io/demo/static.jpg', false],
        ['https://ik.imagekit.io/demo/${id}.jpg', true],
        ['https://assets.imgix.net/{{name}}.png', true],
        ['https://assets.imgix.net/{name}.png', true],
        ['https://ik.imagekit.io/demo/', false],
      ],
    );
  });
});

describe('scanner: URLs and their ends', () => {
  it('trailing sentence punctuation is not part of the URL; inner punctuation is', () => {
    for (const p of ['.', ',', ';', ':', '!', '?', '...', '?!', '.,']) {
      const t = `Purge https://ik.imagekit.io/demo/a.jpg${p} now`;
      assert.deepEqual(urls(t), ['https://ik.imagekit.io/demo/a.jpg'], JSON.stringify(p));
    }
    assert.deepEqual(urls('x https://ik.imagekit.io/demo/a.b.c;v=1,2!x.jpg y'), [
      'https://ik.imagekit.io/demo/a.b.c;v=1,2!x.jpg',
    ]);
    assert.deepEqual(urls('https://ik.imagekit.io/demo/a.jpg?tr=w-100.'), [
      'https://ik.imagekit.io/demo/a.jpg?tr=w-100',
    ]);
  });

  it('wildcards: flagged, the "*" kept, trailing punctuation dropped', () => {
    const found = scan(
      'Try https://ik.imagekit.io/demo/images/upload*, or https://ik.imagekit.io/demo/folder/*/sample.jpg.',
    );
    assert.deepEqual(
      found.map((m) => [m.url, m.wildcard]),
      [
        ['https://ik.imagekit.io/demo/images/upload*', true],
        ['https://ik.imagekit.io/demo/folder/*/sample.jpg', true],
      ],
    );
    assert.equal(scan('https://ik.imagekit.io/demo/a.jpg')[0].wildcard, false);
  });

  it('custom domains come from the classifier: configured ones are found, others are not', () => {
    assert.deepEqual(
      scan('a https://images.example.com/a.jpg b https://cdn.example.org/b.png c https://other.example.com/c.png').map(
        (m) => [m.url, m.provider],
      ),
      [
        ['https://images.example.com/a.jpg', 'imagekit'],
        ['https://cdn.example.org/b.png', 'imgix'],
      ],
    );
  });

  it('imgix: any *.imgix.net host; look-alikes are not', () => {
    assert.deepEqual(
      scan('https://anything.imgix.net/x.png https://imgix.net.evil.com/y.png https://notimgix.net/z.png').map((m) => [
        m.url,
        m.provider,
      ]),
      [['https://anything.imgix.net/x.png', 'imgix']],
    );
  });

  it('ImageKit is asked first when both providers claim a host', () => {
    const both = classifierFrom({
      imagekit: imagekit.checker({ endpoints: ['https://shared.imgix.net'] }),
      imgix: imgix.checker({}),
    });
    assert.equal(scanText('https://shared.imgix.net/a.png', both)[0].provider, 'imagekit');
    assert.equal(classifierFrom({})('ik.imagekit.io'), undefined);
  });

  it('case, ports, http: found; user info and other schemes: not', () => {
    const found = scan(
      'HTTPS://IK.IMAGEKIT.IO/demo/Up.jpg http://ik.imagekit.io/demo/h.jpg https://ik.imagekit.io:8443/demo/p.jpg https://user@ik.imagekit.io/demo/u.jpg ftp://ik.imagekit.io/demo/f.jpg',
    );
    assert.deepEqual(
      found.map((m) => m.url),
      [
        'HTTPS://IK.IMAGEKIT.IO/demo/Up.jpg',
        'http://ik.imagekit.io/demo/h.jpg',
        'https://ik.imagekit.io:8443/demo/p.jpg',
      ],
    );
  });

  it('offsets are exact after astral characters, CRLF and tabs', () => {
    const text = '😀😀\r\n\t« https://ik.imagekit.io/demo/é.jpg » 日本 https://assets.imgix.net/%20x.png\r\n';
    const found = scan(text);
    assert.equal(found.length, 2);
    assert.equal(found[0].start, text.indexOf('https://ik'));
    assert.equal(found[1].end, text.indexOf('\r\n', found[1].start));
  });

  it('ends at quotes, brackets, backticks, backslashes, pipes and whitespace', () => {
    for (const end of ['"', "'", '`', '<', '>', '[', ']', '\\', '|', '^', ' ', '\t', '\n', ')']) {
      assert.deepEqual(
        urls(`https://ik.imagekit.io/demo/a.jpg${end}rest`),
        ['https://ik.imagekit.io/demo/a.jpg'],
        JSON.stringify(end),
      );
    }
  });

  it('a URL with nothing but a host is kept whole, even with a dot after it', () => {
    assert.deepEqual(urls('see https://ik.imagekit.io.'), ['https://ik.imagekit.io']);
  });

  it('text without URLs, empty text, and a bare scheme give nothing', () => {
    assert.deepEqual(scan(''), []);
    assert.deepEqual(scan('no urls here, only ik.imagekit.io/demo/a.jpg without a scheme'), []);
    assert.deepEqual(scan('https:// http:// https:///x'), []);
  });

  it('scanning twice gives the same result (no state kept between calls)', () => {
    const t = 'a https://ik.imagekit.io/demo/1.jpg b https://ik.imagekit.io/demo/2.jpg';
    assert.deepEqual(scan(t), scan(t));
    scanText(t, classify, 1);
    assert.equal(scan(t).length, 2);
  });
});

describe('scanner: large and pathological input', function () {
  // Generous for a linear scan of a few MB (tens of ms); a quadratic one takes minutes on these inputs.
  this.timeout(20_000);

  it('a 5 MB text with 20 000 URLs and pathological runs: every planted URL found, nothing else', () => {
    const parts: string[] = [];
    const planted: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const a = `https://ik.imagekit.io/demo/p/${i}.jpg`;
      const b = `https://assets.imgix.net/i/${i}.png?w=${i}`;
      planted.push(a, b);
      parts.push(`<img src="${a}"> url(${b}). `);
    }
    const pathological = [
      'https://'.repeat(125_000), // 1 MB of schemes without a host
      'a'.repeat(1_000_000), // a long run of URL characters without a host
      'h'.repeat(1_000_000),
      'http:/'.repeat(100_000),
      `https://ik.imagekit.io/demo/dots${'.'.repeat(300_000)}`, // a URL followed by a long run of dots
      `https://ik.imagekit.io/demo/open(${'x'.repeat(200_000)}`, // an unbalanced parenthesis and a long run
      `https://ik.imagekit.io/demo/${'(a)'.repeat(50_000)}`, // many balanced groups
    ];
    planted.push(
      'https://ik.imagekit.io/demo/dots',
      'https://ik.imagekit.io/demo/open',
      `https://ik.imagekit.io/demo/${'(a)'.repeat(50_000)}`,
    );
    // Interleave: planted URLs, then each pathological run on its own line, then more planted URLs.
    const half = Math.floor(parts.length / 2);
    const text = [...parts.slice(0, half), '\n', pathological.join('\n'), '\n', ...parts.slice(half)].join('');
    assert.ok(text.length > 5_000_000, `${text.length} characters`);
    const found = scanText(text, classify, 1_000_000);
    const expected = [...planted.slice(0, 2 * half), ...planted.slice(-3), ...planted.slice(2 * half, -3)];
    assert.equal(found.length, expected.length);
    assert.deepEqual(
      found.map((m) => m.url),
      expected,
    );
    for (const m of found) assert.equal(text.slice(m.start, m.end), m.url);
  });

  it('stops at maxMatches (10 000 by default), keeping the first ones', () => {
    const text = Array.from({ length: 12_000 }, (_, i) => `https://ik.imagekit.io/demo/${i}.jpg`).join(' ');
    const found = scanText(text, classify);
    assert.equal(found.length, 10_000);
    assert.equal(found[9_999].url, 'https://ik.imagekit.io/demo/9999.jpg');
    assert.equal(scanText(text, classify, 5).length, 5);
  });

  it('a result that stopped at its limit says so, with the first URL it did not return; one that did not, does not', () => {
    const many = Array.from({ length: 10_001 }, (_, i) => `https://ik.imagekit.io/demo/${i}.jpg`).join(' ');
    const found = scanText(many, classify);
    assert.equal(found.length, MAX_SCAN_URLS);
    assert.ok(found.truncated, 'no truncated flag');
    assert.equal(found.truncated.limit, MAX_SCAN_URLS);
    assert.equal(found.truncated.next.url, 'https://ik.imagekit.io/demo/10000.jpg');
    assert.equal(many.slice(found.truncated.next.start, found.truncated.next.end), found.truncated.next.url);
    // Exactly at the limit, or below it: nothing was left out.
    const exact = Array.from({ length: 10_000 }, (_, i) => `https://ik.imagekit.io/demo/${i}.jpg`).join(' ');
    assert.equal(scanText(exact, classify).truncated, undefined);
    // URLs of other hosts after the limit are not URLs the scanner would have returned: not truncated.
    assert.equal(scanText(`${exact} https://example.com/a.jpg`, classify).truncated, undefined);
    assert.equal(
      scanText('https://ik.imagekit.io/demo/a.jpg https://ik.imagekit.io/demo/b.jpg', classify, 1).truncated?.next.url,
      'https://ik.imagekit.io/demo/b.jpg',
    );
    // The flag is not enumerable: results still compare equal to plain arrays.
    assert.deepEqual(Object.keys(scanText('https://ik.imagekit.io/demo/a.jpg b', classify, 0)), []);
  });

  it('3 million balanced "()" groups (6 MB) in one URL: found whole, no RangeError (a regex group loop overflows its stack)', () => {
    const url = `https://ik.imagekit.io/demo/${'()'.repeat(3_000_000)}`;
    const found = scan(`x ${url} y`);
    assert.equal(found.length, 1);
    assert.equal(found[0].url.length, url.length);
    const groups = `https://ik.imagekit.io/demo/${'(a)b'.repeat(1_000_000)}`;
    assert.equal(scan(groups)[0].url.length, groups.length);
  });

  it('a URL followed by 300 000 dots ends before them', () => {
    const text = `x https://ik.imagekit.io/demo/a.jpg${'.'.repeat(300_000)} y https://ik.imagekit.io/demo/b.jpg${'.!?'.repeat(100_000)}x`;
    assert.deepEqual(urls(text), [
      'https://ik.imagekit.io/demo/a.jpg',
      `https://ik.imagekit.io/demo/b.jpg${'.!?'.repeat(100_000)}x`,
    ]);
  });

  it('a million "(" or ")" after a URL, and nested parentheses, end the URL without blowing up', () => {
    const base = 'https://ik.imagekit.io/demo/x';
    assert.deepEqual(urls(`${base}${'('.repeat(1_000_000)}`), [base]);
    assert.deepEqual(urls(`${base}${')'.repeat(1_000_000)}`), [base]);
    assert.deepEqual(urls(`${base}${'(('.repeat(100_000)}${'))'.repeat(100_000)}`), [base]);
  });
});
