// cdn-purge.json: the README example parses; every kind of mistake is reported with the file name and what to do.
import assert from 'node:assert/strict';
import { emptyProjectConfig, parseProjectConfig, PROJECT_CONFIG_FILE, providerConfigFrom } from '../../src/core/config';
import { MAX_CONFIG_BYTES } from '../../src/core/limits';

const README_EXAMPLE = `{
  "imagekit": { "endpoints": ["https://ik.imagekit.io/demo", "https://images.example.com"] },
  "imgix": { "domains": ["https://assets.imgix.net"], "sourceId": "5ebee107e9c05c0001d9c2d3" },
  "mappings": [
    { "glob": "public/images/**", "url": "https://ik.imagekit.io/demo/images/", "provider": "imagekit" },
    { "glob": "static/**/*.{png,jpg}", "url": "https://assets.imgix.net/{relative}", "provider": "imgix" }
  ]
}`;

describe('config: cdn-purge.json', () => {
  it('the file name is cdn-purge.json', () => {
    assert.equal(PROJECT_CONFIG_FILE, 'cdn-purge.json');
  });

  it('parses the README example without errors', () => {
    const { config, errors } = parseProjectConfig(README_EXAMPLE);
    assert.deepEqual(errors, []);
    assert.deepEqual(config.providers.imagekit.endpoints, [
      'https://ik.imagekit.io/demo',
      'https://images.example.com',
    ]);
    assert.deepEqual(config.providers.imgix, {
      domains: ['https://assets.imgix.net'],
      sourceId: '5ebee107e9c05c0001d9c2d3',
    });
    assert.equal(config.mappings.length, 2);
    assert.equal(config.mappings[1].url, 'https://assets.imgix.net/{relative}');
  });

  it('everything is optional; "$schema" is allowed', () => {
    assert.deepEqual(parseProjectConfig('{}'), { config: emptyProjectConfig(), errors: [], issues: [] });
    assert.deepEqual(parseProjectConfig('{"$schema": "./schema.json"}').errors, []);
  });

  it('invalid JSON: says so, with the file name and the parser message', () => {
    const { config, errors } = parseProjectConfig('{"imagekit": ', 'sub/cdn-purge.json');
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^sub\/cdn-purge\.json is not valid JSON \(.+\)\. Fix the syntax\.$/);
    assert.deepEqual(config, emptyProjectConfig());
  });

  it('not an object', () => {
    for (const text of ['[]', '"x"', '42', 'null']) {
      const { errors } = parseProjectConfig(text);
      assert.equal(errors.length, 1, text);
      assert.match(errors[0], /must hold a JSON object with "imagekit", "imgix" and "mappings"/);
    }
  });

  it('each wrong field is reported, and the right ones are kept', () => {
    const { config, errors, issues } = parseProjectConfig(
      JSON.stringify({
        imagekit: { endpoints: ['https://ik.imagekit.io/demo', 3] },
        imgix: { domains: 'https://assets.imgix.net', sourceId: 5, subImage: 'yes' },
        mappings: { glob: 'x' },
        endpoints: [],
      }),
    );
    assert.deepEqual(errors, [
      'cdn-purge.json: unknown key "endpoints" (known: imagekit, imgix, mappings).',
      'cdn-purge.json: imagekit.endpoints must be a list of URLs (strings).',
      'cdn-purge.json: imgix.domains must be a list of URLs (strings).',
      'cdn-purge.json: imgix.sourceId must be a string.',
      'cdn-purge.json: imgix.subImage must be true or false.',
      'cdn-purge.json: "mappings" must be a list of {"glob", "url"} objects.',
    ]);
    assert.deepEqual(
      issues.map((i) => [i.path, i.message]),
      errors.map((e, n) => [
        [
          ['endpoints'],
          ['imagekit', 'endpoints'],
          ['imgix', 'domains'],
          ['imgix', 'sourceId'],
          ['imgix', 'subImage'],
          ['mappings'],
        ][n],
        e,
      ]),
      'each message with the JSON path of the value it is about',
    );
    assert.deepEqual(config, emptyProjectConfig());
  });

  it('"imagekit" and "imgix" must be objects', () => {
    const { errors } = parseProjectConfig('{"imagekit": [], "imgix": "x"}');
    assert.deepEqual(errors, [
      'cdn-purge.json: "imagekit" must be an object like {"endpoints": [...]}.',
      'cdn-purge.json: "imgix" must be an object like {"domains": [...]}.',
    ]);
  });

  it('subImage true is read', () => {
    assert.equal(
      parseProjectConfig('{"imgix": {"subImage": true, "sourceId": "5ebee107e9c05c0001d9c2d3"}}').config.providers.imgix
        .subImage,
      true,
    );
  });

  it('providerConfigFrom: ImageKit endpoints; imgix domains, source id and sub-image', () => {
    const { config } = parseProjectConfig(README_EXAMPLE);
    assert.deepEqual(providerConfigFrom(config, 'imagekit'), {
      endpoints: ['https://ik.imagekit.io/demo', 'https://images.example.com'],
    });
    assert.deepEqual(providerConfigFrom(config, 'imgix'), {
      endpoints: ['https://assets.imgix.net'],
      sourceId: '5ebee107e9c05c0001d9c2d3',
    });
  });

  it('a byte order mark (as editors on Windows save UTF-8) is not an error: the file is read', () => {
    const { config, errors } = parseProjectConfig(`\ufeff${README_EXAMPLE}`);
    assert.deepEqual(errors, []);
    assert.equal(config.mappings.length, 2);
    // Only one, at the start: a BOM elsewhere is still not JSON.
    assert.match(parseProjectConfig(`{}\ufeff`).errors[0], /is not valid JSON/);
  });

  it(`a file over ${MAX_CONFIG_BYTES / 1024 / 1024} MiB is not parsed; the error names the limit`, () => {
    const big = `{"mappings": [${'{"glob": "a/**", "url": "https://ik.imagekit.io/demo/"},'.repeat(MAX_CONFIG_BYTES / 50)}{}]}`;
    assert.ok(big.length > MAX_CONFIG_BYTES);
    const { config, errors } = parseProjectConfig(big, 'x/cdn-purge.json');
    assert.deepEqual(config, emptyProjectConfig());
    assert.deepEqual(errors, [
      'x/cdn-purge.json is larger than 1 MiB (limit: cdn-purge.json size), so it was not read. It holds endpoints and mappings only: use ** globs and {a,b} instead of listing files.',
    ]);
    // Counted in bytes: 600,000 "ü" are 1.2 MB in UTF-8.
    assert.match(parseProjectConfig(`{"$schema": "${'ü'.repeat(600_000)}"}`).errors[0], /limit: cdn-purge\.json size/);
  });
});
