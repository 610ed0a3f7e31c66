// Workspace file path → CDN URL through mapping rules (README "cdn-purge.json"): prefix and template rules, the
// encoding of file names, folders → URL prefixes, first rule wins, the provider filter, bad rules reported.
import assert from 'node:assert/strict';
import { encodeFilePath, normalizeRelPath, PathMapper, type MappingRule } from '../../src/core/mapping';

const README_RULES: MappingRule[] = [
  { glob: 'public/images/**', url: 'https://ik.imagekit.io/demo/images/', provider: 'imagekit' },
  { glob: 'static/**/*.{png,jpg}', url: 'https://assets.imgix.net/{relative}', provider: 'imgix' },
];

describe('mapping: prefix rules', () => {
  const m = new PathMapper(README_RULES);

  it('the README example: public/images/a/b c.png → https://ik.imagekit.io/demo/images/a/b%20c.png', () => {
    const r = m.mapFile('public/images/a/b c.png');
    assert.ok(r);
    assert.equal(r.url, 'https://ik.imagekit.io/demo/images/a/b%20c.png');
    assert.equal(r.provider, 'imagekit');
    assert.equal(r.rule, README_RULES[0]);
    assert.equal(r.path, 'public/images/a/b c.png');
  });

  it('a prefix without a trailing slash gets one', () => {
    const r = new PathMapper([{ glob: 'img/**', url: 'https://ik.imagekit.io/demo/img' }]).mapFile('img/x.png');
    assert.equal(r?.url, 'https://ik.imagekit.io/demo/img/x.png');
  });

  it('a literal path (no glob characters) maps that one file', () => {
    const one = new PathMapper([{ glob: 'assets/logo.png', url: 'https://ik.imagekit.io/demo/brand/' }]);
    assert.equal(one.mapFile('assets/logo.png')?.url, 'https://ik.imagekit.io/demo/brand/logo.png');
    assert.equal(one.mapFile('assets/other.png'), undefined);
  });

  it('files no rule matches map to nothing', () => {
    assert.equal(m.mapFile('src/index.ts'), undefined);
    assert.equal(m.mapFile('static/readme.txt'), undefined, 'the glob limits extensions');
  });

  it('dot files are matched like any other', () => {
    assert.equal(
      m.mapFile('public/images/.well-known/x.png')?.url,
      'https://ik.imagekit.io/demo/images/.well-known/x.png',
    );
  });
});

describe('mapping: encoding of file names', () => {
  const m = new PathMapper([{ glob: 'files/**', url: 'https://ik.imagekit.io/demo/f/' }]);
  const cases: Array<[string, string]> = [
    ['files/a b.png', 'a%20b.png'],
    ['files/100%.png', '100%25.png'],
    ['files/%20.png', '%2520.png'], // a literal "%20" in a file name is not an escape
    ['files/x#1.png', 'x%231.png'],
    ['files/what?.png', 'what%3F.png'],
    ['files/ü/日本.png', '%C3%BC/%E6%97%A5%E6%9C%AC.png'],
    ['files/a+b.png', 'a+b.png'],
    ['files/[x]{y}.png', '%5Bx%5D%7By%7D.png'],
    ['files/a,b;c=d&e.png', 'a,b;c=d&e.png'],
  ];
  for (const [file, tail] of cases) {
    it(`${file} → …/f/${tail}`, () => {
      assert.equal(m.mapFile(file)?.url, `https://ik.imagekit.io/demo/f/${tail}`);
    });
  }
  it('encodeFilePath keeps "/" between segments', () => {
    assert.equal(encodeFilePath('a b/c#d/e?f'), 'a%20b/c%23d/e%3Ff');
  });
  it('paths are normalised: backslashes, "./", repeated and trailing slashes', () => {
    assert.equal(normalizeRelPath('.\\files\\\\sub\\a.png'), 'files/sub/a.png');
    assert.equal(normalizeRelPath('./files//sub/'), 'files/sub');
    assert.equal(m.mapFile('files\\sub\\a b.png')?.url, 'https://ik.imagekit.io/demo/f/sub/a%20b.png');
  });
});

describe('mapping: template rules', () => {
  it('the README example: static/**/*.{png,jpg} → https://assets.imgix.net/{relative}', () => {
    const m = new PathMapper(README_RULES);
    assert.equal(m.mapFile('static/deep/dir/a b.png')?.url, 'https://assets.imgix.net/deep/dir/a%20b.png');
    assert.equal(m.mapFile('static/top.jpg')?.url, 'https://assets.imgix.net/top.jpg');
    assert.equal(m.mapFile('static/top.gif'), undefined);
  });

  it('{relative}, {path}, {dir}, {name}, {stem}, {ext}', () => {
    const m = new PathMapper([
      { glob: 'media/**', url: 'https://cdn.example.com/{dir}/{stem}.{ext}?name={name}&path={path}&rel={relative}' },
    ]);
    assert.equal(
      m.mapFile('media/photos/2024/sun set.jpeg')?.url,
      'https://cdn.example.com/photos/2024/sun%20set.jpeg?name=sun%20set.jpeg&path=media/photos/2024/sun%20set.jpeg&rel=photos/2024/sun%20set.jpeg',
    );
  });

  it("an empty {dir} does not leave a double slash (the scheme's // is kept)", () => {
    const m = new PathMapper([{ glob: 'media/**', url: 'https://cdn.example.com/v/{dir}/{name}' }]);
    assert.equal(m.mapFile('media/a.png')?.url, 'https://cdn.example.com/v/a.png');
  });

  it('names without an extension, and dot files: {stem} and {ext}', () => {
    const m = new PathMapper([{ glob: 'm/**', url: 'https://cdn.example.com/{stem}/{ext}/x' }]);
    assert.equal(m.mapFile('m/README')?.url, 'https://cdn.example.com/README/x');
    assert.equal(m.mapFile('m/.env')?.url, 'https://cdn.example.com/.env/x');
    assert.equal(m.mapFile('m/a.tar.gz')?.url, 'https://cdn.example.com/a.tar/gz/x');
  });
});

describe('mapping: rule order, provider filter, bad rules', () => {
  it('the first matching rule wins', () => {
    const m = new PathMapper([
      { glob: 'public/images/special/**', url: 'https://ik.imagekit.io/demo/special/' },
      { glob: 'public/**', url: 'https://ik.imagekit.io/demo/all/' },
      { glob: 'public/images/**', url: 'https://ik.imagekit.io/demo/never/' },
    ]);
    assert.equal(m.mapFile('public/images/special/a.png')?.url, 'https://ik.imagekit.io/demo/special/a.png');
    assert.equal(m.mapFile('public/images/b.png')?.url, 'https://ik.imagekit.io/demo/all/images/b.png');
  });

  it('a provider filter skips rules of the other provider; rules without a provider serve both', () => {
    const m = new PathMapper([
      { glob: 'img/**', url: 'https://ik.imagekit.io/demo/', provider: 'imagekit' },
      { glob: 'img/**', url: 'https://assets.imgix.net/', provider: 'imgix' },
      { glob: 'any/**', url: 'https://cdn.example.com/' },
    ]);
    assert.equal(m.mapFile('img/a.png')?.url, 'https://ik.imagekit.io/demo/a.png');
    assert.equal(m.mapFile('img/a.png', 'imagekit')?.url, 'https://ik.imagekit.io/demo/a.png');
    assert.equal(m.mapFile('img/a.png', 'imgix')?.url, 'https://assets.imgix.net/a.png');
    assert.equal(m.mapFile('img/a.png', 'imgix')?.provider, 'imgix');
    assert.equal(m.mapFile('any/a.png', 'imgix')?.url, 'https://cdn.example.com/a.png');
    assert.equal(m.mapFile('any/a.png', 'imgix')?.provider, undefined);
  });

  it('bad rules are reported by position with what to write; the good ones still work', () => {
    const rules = [
      { glob: '', url: 'https://x.example/' },
      { glob: 'a/**', url: 'ftp://x.example/' },
      { glob: 'b/**', url: 'https://x.example/', provider: 'cloudinary' },
      { glob: 'c/**', url: 'https://x.example/{foo}' },
      { url: 'https://x.example/' },
      { glob: 'ok/**', url: 'https://ik.imagekit.io/demo/ok/' },
    ] as unknown as MappingRule[];
    const m = new PathMapper(rules);
    assert.equal(m.problems.length, 5);
    assert.match(m.problems[0], /^mapping 1: "glob" is missing/);
    assert.match(m.problems[1], /^mapping 2: "url" must be an http\(s\) URL/);
    assert.match(m.problems[2], /^mapping 3: "provider" must be "imagekit" or "imgix"/);
    assert.match(m.problems[3], /^mapping 4: unknown placeholder \{foo\}/);
    assert.match(m.problems[4], /^mapping 5: "glob" is missing/);
    assert.equal(m.size, 1);
    assert.equal(m.mapFile('ok/x.png')?.url, 'https://ik.imagekit.io/demo/ok/x.png');
    assert.equal(m.mapFile('c/x.png'), undefined);
  });

  it('a glob the matcher refuses (extglob, over the length limit) is reported by position; the other rules work', () => {
    const m = new PathMapper([
      { glob: 'img/@(a|b).png', url: 'https://ik.imagekit.io/demo/' },
      { glob: `${'x'.repeat(2000)}/**`, url: 'https://ik.imagekit.io/demo/' },
      { glob: 'ok/**', url: 'https://ik.imagekit.io/demo/ok/' },
    ]);
    assert.equal(m.problems.length, 2);
    assert.match(m.problems[0], /^mapping 1: the glob "img\/@\(a\|b\)\.png": extglob patterns/);
    assert.match(
      m.problems[1],
      /^mapping 2: the glob is 2,003 characters long; the limit is 1,024 \(limit: glob length\)/,
    );
    assert.equal(m.size, 1);
    assert.equal(m.mapFile('ok/x.png')?.url, 'https://ik.imagekit.io/demo/ok/x.png');
  });

  it('more rules than the limit: the first 1,000 are used and the problem names the limit', () => {
    const rules = Array.from({ length: 1001 }, (_, i) => ({
      glob: `d${i}/**`,
      url: `https://ik.imagekit.io/demo/d${i}/`,
    }));
    const m = new PathMapper(rules);
    assert.equal(m.size, 1000);
    assert.match(m.problems[0], /1,001 mapping rules: only the first 1,000 are used \(limit: mapping rules\)/);
    assert.equal(m.mapFile('d999/a.png')?.url, 'https://ik.imagekit.io/demo/d999/a.png');
    assert.equal(m.mapFile('d1000/a.png'), undefined);
  });
});

describe('mapping: folders → URL prefixes', () => {
  const m = new PathMapper(README_RULES);

  it("the folder that is the glob base maps to the rule's prefix", () => {
    assert.deepEqual(
      m.mapFolder('public/images').map((f) => [f.prefix, f.provider]),
      [['https://ik.imagekit.io/demo/images/', 'imagekit']],
    );
  });
  it('a folder inside the base maps to the prefix plus its encoded relative path', () => {
    assert.deepEqual(
      m.mapFolder('public/images/summer 2024/ü').map((f) => f.prefix),
      ['https://ik.imagekit.io/demo/images/summer%202024/%C3%BC/'],
    );
  });
  it('a folder that contains the base (or the workspace root) maps to the whole prefix', () => {
    assert.deepEqual(
      m.mapFolder('public').map((f) => f.prefix),
      ['https://ik.imagekit.io/demo/images/'],
    );
    assert.deepEqual(
      m.mapFolder('').map((f) => f.prefix),
      ['https://ik.imagekit.io/demo/images/', 'https://assets.imgix.net/'],
    );
  });
  it('template rules serve folders only when they end in a bare {relative}', () => {
    const t = new PathMapper([
      { glob: 'a/**', url: 'https://cdn.example.com/x/{relative}' },
      { glob: 'b/**', url: 'https://cdn.example.com/{stem}.{ext}' },
    ]);
    assert.deepEqual(
      t.mapFolder('a/sub').map((f) => f.prefix),
      ['https://cdn.example.com/x/sub/'],
    );
    assert.deepEqual(t.mapFolder('b'), []);
  });
  it('a rule for one file, or a glob of one level, gives no folder prefix (its files are listed instead)', () => {
    const t = new PathMapper([
      { glob: 'brand/logo.png', url: 'https://ik.imagekit.io/demo/brand/' },
      { glob: 'icons/*.svg', url: 'https://ik.imagekit.io/demo/icons/' },
      { glob: '*.png', url: 'https://ik.imagekit.io/demo/root/' },
      { glob: 'photos/**/*.jpg', url: 'https://ik.imagekit.io/demo/photos/' },
    ]);
    // The files still map...
    assert.equal(t.mapFile('brand/logo.png')?.url, 'https://ik.imagekit.io/demo/brand/logo.png');
    assert.equal(t.mapFile('icons/a.svg')?.url, 'https://ik.imagekit.io/demo/icons/a.svg');
    // ...but a wildcard over their folders would purge URLs these rules never produce.
    assert.deepEqual(t.mapFolder('brand'), []);
    assert.deepEqual(t.mapFolder('icons'), []);
    assert.deepEqual(t.mapFolder('images'), [], 'a root-level *.png rule says nothing about images/');
    assert.deepEqual(
      t.mapFolder('photos/2024').map((f) => f.prefix),
      ['https://ik.imagekit.io/demo/photos/2024/'],
    );
  });
  it('unrelated folders, and the provider filter', () => {
    assert.deepEqual(m.mapFolder('src'), []);
    assert.deepEqual(m.mapFolder('public/imagesX'), []);
    assert.deepEqual(
      m.mapFolder('', 'imgix').map((f) => f.prefix),
      ['https://assets.imgix.net/'],
    );
  });
});
