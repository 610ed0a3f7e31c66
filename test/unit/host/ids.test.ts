// The ids in src/host/ids.ts against package.json, both ways: every contributed command has a constant and a
// registration, every constant and registration is contributed (or declared internal); every setting in
// contributes.configuration has a typed entry with the same default, and back; menus, the welcome view and the
// walkthrough name only known commands; the host's code uses the constants rather than the strings.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { contributedCommands, install, manifestDefaults, registered, reset } from '../helpers/vscode-stub';
import { localizedManifest, ROOT } from '../helpers/paths';
install();
/* eslint-disable @typescript-eslint/no-require-imports */
const ids = require('../../../src/host/ids') as typeof import('../../../src/host/ids');
const commands = require('../../../src/commands') as typeof import('../../../src/commands');
const { providers } =
  require('../../../src/core/providers/registry') as typeof import('../../../src/core/providers/registry');

const pj = localizedManifest<{
  contributes: {
    commands: Array<{ command: string }>;
    menus: Record<string, Array<{ command: string }>>;
    viewsWelcome: Array<{ contents: string }>;
    walkthroughs: Array<{ steps: Array<{ description: string; completionEvents?: string[] }> }>;
    configuration: { properties: Record<string, { default?: unknown; type: string }> };
    views: Record<string, Array<{ id: string }>>;
  };
}>();

const constants = Object.values(ids.Command) as string[];
const internal = Object.values(ids.InternalCommand) as string[];

describe('host ids: commands, settings and storage keys against package.json', () => {
  afterEach(() => reset());

  it('every contributed command has a constant, and every constant is contributed', () => {
    assert.ok(contributedCommands.length >= 12, `package.json contributes ${contributedCommands.length} commands`);
    assert.deepEqual([...contributedCommands].sort(), [...constants].sort());
  });

  it('internal commands are not contributed (they need an argument a palette cannot give)', () => {
    for (const id of internal) assert.ok(!contributedCommands.includes(id), id);
  });

  it('activation registers exactly the contributed and internal commands, once each, and each has a handler', () => {
    const subscriptions: Array<{ dispose(): void }> = [];
    const ext = require('../../../src/extension') as typeof import('../../../src/extension');
    ext.activate({ subscriptions, extensionPath: ROOT } as never);
    assert.deepEqual([...registered.keys()].sort(), [...constants, ...internal].sort());
    assert.deepEqual(Object.keys(commands.commandHandlers({} as never)).sort(), [...constants, ...internal].sort());
    for (const d of subscriptions) d.dispose();
    assert.equal(registered.size, 0, 'each registration is disposable');
  });

  it('menus, the welcome view and the walkthrough name only commands that exist', () => {
    const known = new Set([...constants, ids.VsCodeCommand.focusHistory]);
    for (const [menu, items] of Object.entries(pj.contributes.menus))
      for (const item of items) assert.ok(known.has(item.command), `${menu}: ${item.command}`);
    const links = [
      ...pj.contributes.viewsWelcome.map((w) => w.contents),
      ...pj.contributes.walkthroughs.flatMap((w) => w.steps.map((s) => s.description)),
    ].flatMap((text) => [...text.matchAll(/\(command:(cdnPurge\.[\w.]+)/g)].map((m) => m[1]));
    assert.ok(links.length >= 4, `command links found: ${links.join(', ')}`);
    for (const id of links) assert.ok(known.has(id), `link to ${id}`);
    const events = pj.contributes.walkthroughs.flatMap((w) => w.steps.flatMap((s) => s.completionEvents ?? []));
    for (const e of events.filter((x) => x.startsWith('onCommand:cdnPurge.')))
      assert.ok(known.has(e.slice('onCommand:'.length)), e);
    const settingKeys = new Set(typedSettings().map((s) => s.key));
    for (const e of events.filter((x) => x.startsWith('onSettingChanged:')))
      assert.ok(settingKeys.has(e.slice('onSettingChanged:cdnPurge.'.length)), e);
  });

  it("the fix-all code action kind is the one ids.ts names (README's codeActionsOnSave example)", () => {
    const { PurgePatternFixes } =
      require('../../../src/host/codeActions') as typeof import('../../../src/host/codeActions');
    assert.equal(PurgePatternFixes.fixAllKind.value, ids.FIX_ALL_KIND);
  });

  it('the view id is the one package.json contributes', () => {
    assert.ok(pj.contributes.views[ids.View.container].some((v) => v.id === ids.View.history));
  });

  /** Every typed setting: the general ones, and each built-in provider's from its plugin. */
  function typedSettings(): Array<{ key: string; default: unknown; valid: (v: unknown) => boolean }> {
    const general = Object.entries(ids.Setting).map(([key, s]) => ({ key, ...s }));
    const perProvider = providers().flatMap((p) => {
      const s = ids.providerSettings(p);
      return [s.endpoints, s.apiBase, ...(s.rateLimit ? [s.rateLimit] : []), ...Object.values(s.options)];
    });
    return [...general, ...perProvider] as never;
  }

  it('every setting in contributes.configuration has a typed entry with the same default, and back', () => {
    const contributed = Object.keys(pj.contributes.configuration.properties)
      .map((k) => k.replace(/^cdnPurge\./, ''))
      .sort();
    const typed = typedSettings();
    assert.deepEqual(typed.map((s) => s.key).sort(), contributed);
    for (const spec of typed) {
      const d = manifestDefaults.get(ids.settingId(spec.key));
      assert.deepEqual(spec.default, d, `default of ${spec.key}`);
      assert.ok(spec.valid(d), `the default of ${spec.key} passes its own check`);
    }
  });

  it("each setting's check refuses values of another type", () => {
    const wrong: Record<string, unknown[]> = {
      'imagekit.endpoints': ['https://ik.imagekit.io/demo', [1], {}],
      'imgix.domains': [null, [true]],
      'imgix.sourceId': [42, null],
      'imgix.subImage': ['true', 1],
      'imgix.rateLimit': [-1, '10', Number.NaN, Number.POSITIVE_INFINITY],
      coalesce: [-1, 1.5, '3'],
      mappings: [{}, ['public/**'], [null]],
      'diagnostics.enabled': ['false', 0],
      'diagnostics.severity': [[], 'off', null, { 'wildcard-too-broad': 1 }],
      confirm: [null, 'yes'],
      'hover.enabled': ['true', 1],
      'codeLens.enabled': [null, 'false'],
      'imagekit.apiBase': [1, []],
      'imgix.apiBase': [false],
      'statusBar.enabled': ['true', 1],
      'statusBar.label': [1, null],
    };
    const typed = typedSettings();
    assert.deepEqual(Object.keys(wrong).sort(), typed.map((s) => s.key).sort(), 'every setting is covered here');
    for (const spec of typed)
      for (const v of wrong[spec.key]) assert.equal(spec.valid(v), false, `${spec.key} = ${JSON.stringify(v)}`);
  });

  it('the host and the commands use the constants: no command, view, context or storage id as a bare string', () => {
    const exact = new Set<string>([
      ...constants,
      ...internal,
      ...Object.values(ids.View),
      ...Object.values(ids.ContextKey),
      ...Object.values(ids.StorageKey),
      ...Object.values(ids.VsCodeCommand).filter((c) => c !== 'setContext'),
      ids.SECTION,
    ]);
    const skip = new Set(['ids.ts']);
    const sources = [
      ...['src/host', 'src/commands'].flatMap((d) =>
        fs
          .readdirSync(path.join(ROOT, d))
          .filter((f) => f.endsWith('.ts') && !skip.has(f))
          .map((f) => path.join(d, f)),
      ),
      'src/extension.ts',
    ];
    assert.ok(sources.length >= 20, `${sources.length} files`);
    const offenders: string[] = [];
    for (const f of sources) {
      // Code only: comments may name the ids they explain.
      const text = fs
        .readFileSync(path.join(ROOT, f), 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line))
        .join('\n');
      for (const m of text.matchAll(/(['"`])([^'"`\n]*)\1/g)) if (exact.has(m[2])) offenders.push(`${f}: ${m[0]}`);
    }
    assert.deepEqual(offenders, []);
  });
});
