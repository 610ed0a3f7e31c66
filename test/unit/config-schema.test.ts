// The JSON schema VS Code validates cdn-purge.json with (schemas/cdn-purge.schema.json, contributes.jsonValidation)
// against the parser the extension and the CLI use (src/core/config.ts) and the provider registry: the same
// sections, keys and types, and patterns that accept what the rules accept and refuse what they refuse. A schema
// stricter than the parser would underline a working file; a looser one would let a typo through unexplained.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseProjectConfig } from '../../src/core/config';
import { providers } from '../../src/core/providers/registry';
import { ROOT } from './helpers/paths';

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
  additionalProperties?: boolean;
  pattern?: string;
  enum?: string[];
  description?: string;
  defaultSnippets?: unknown[];
}

const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas/cdn-purge.schema.json'), 'utf8')) as Schema;
const pj = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { jsonValidation: Array<{ fileMatch: string; url: string }> };
};

describe('cdn-purge.json schema', () => {
  it('is contributed for cdn-purge.json, and is packaged', () => {
    assert.deepEqual(pj.contributes.jsonValidation, [
      { fileMatch: 'cdn-purge.json', url: './schemas/cdn-purge.schema.json' },
    ]);
    assert.match(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!schemas\/\*\*$/m);
  });

  it('has every section and option of the registry, with its type, and nothing else', () => {
    const top = schema.properties!;
    assert.deepEqual(
      Object.keys(top).sort(),
      ['$schema', 'mappings', ...providers().map((p) => p.settings.section)].sort(),
    );
    assert.equal(schema.additionalProperties, false);
    for (const p of providers()) {
      const section = top[p.settings.section];
      assert.deepEqual(
        Object.keys(section.properties!).sort(),
        [p.settings.endpointsKey, ...p.settings.options.map((o) => o.name)].sort(),
        p.id,
      );
      assert.equal(section.properties![p.settings.endpointsKey].type, 'array');
      for (const o of p.settings.options) assert.equal(section.properties![o.name].type, o.type, `${p.id}.${o.name}`);
    }
    const mapping = top.mappings.items!;
    assert.deepEqual(mapping.required, ['glob', 'url']);
    assert.deepEqual(
      mapping.properties!.provider.enum,
      providers().map((p) => p.id),
    );
  });

  it('describes every property and offers snippets for completion', () => {
    const walk = (s: Schema, at: string): void => {
      for (const [k, v] of Object.entries(s.properties ?? {})) {
        assert.ok(v.description, `${at}.${k} has a description`);
        walk(v, `${at}.${k}`);
      }
      if (s.items) walk(s.items, `${at}[]`);
    };
    walk(schema, 'cdn-purge.json');
    assert.ok(schema.properties!.mappings.items!.defaultSnippets!.length >= 2);
    assert.ok(schema.properties!.imagekit.defaultSnippets!.length >= 1);
  });

  it('its patterns agree with the rules: what the parser and checkers accept passes, what they refuse fails', () => {
    const ikPattern = new RegExp(schema.properties!.imagekit.properties!.endpoints.items!.pattern!, 'u');
    const domainPattern = new RegExp(schema.properties!.imgix.properties!.domains.items!.pattern!, 'u');
    const idPattern = new RegExp(schema.properties!.imgix.properties!.sourceId.pattern!, 'u');
    const ik = providers().find((p) => p.settings.section === 'imagekit')!;
    const ix = providers().find((p) => p.settings.section === 'imgix')!;
    const ikOk = (e: string) => ik.checker({ endpoints: [e] }).configProblems.length === 0;
    const ixOk = (e: string) => ix.checker({ endpoints: [e] }).configProblems.length === 0;
    for (const e of [
      'https://ik.imagekit.io/demo',
      'https://ik.imagekit.io/demo/pattern',
      'https://images.example.com',
      'http://localhost:8080/x',
      'ik.imagekit.io/demo',
    ]) {
      assert.ok(ikOk(e), `core accepts ${e}`);
      assert.ok(ikPattern.test(e), `schema accepts ${e}`);
    }
    for (const e of [
      'https://ik.imagekit.io/demo/*',
      'https://ik.imagekit.io/demo?x=1',
      'https://ik.imagekit.io/demo#a',
    ]) {
      assert.ok(!ikOk(e), `core refuses ${e}`);
      assert.ok(!ikPattern.test(e), `schema refuses ${e}`);
    }
    for (const d of ['https://assets.imgix.net', 'assets.imgix.net', 'https://assets.imgix.net/']) {
      assert.ok(ixOk(d), `core accepts ${d}`);
      assert.ok(domainPattern.test(d), `schema accepts ${d}`);
    }
    for (const d of ['https://assets.imgix.net/path', 'https://assets.imgix.net?x=1']) {
      assert.ok(!ixOk(d), `core refuses ${d}`);
      assert.ok(!domainPattern.test(d), `schema refuses ${d}`);
    }
    assert.ok(idPattern.test('5ebee107e9c05c0001d9c2d3'));
    assert.ok(!idPattern.test('5ebee107e9c05c0001d9c2d'));
  });

  it('the sample cdn-purge.json and README example parse without a problem (so the schema has nothing to flag either)', () => {
    const sample = fs.readFileSync(path.join(ROOT, 'sample/cdn-purge.json'), 'utf8');
    assert.deepEqual(parseProjectConfig(sample).errors, []);
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const example = /### `cdn-purge.json`\n\n```json\n([\s\S]*?)\n```/.exec(readme)![1];
    assert.deepEqual(parseProjectConfig(example).errors, []);
    for (const text of [sample, example]) {
      const json = JSON.parse(text) as Record<string, unknown>;
      for (const k of Object.keys(json)) assert.ok(schema.properties![k], `schema knows ${k}`);
    }
  });
});
