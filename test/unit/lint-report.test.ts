// `cdn-purge lint` (src/core/lintReport.ts, src/cli/lint.ts): positions, the walk over fixture trees in temporary
// folders (what is skipped and why), the SARIF 2.1.0 shape checked against the schema's required properties, and
// the CLI end to end as a child process.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { imagekit } from '../../src/core/providers/imagekit';
import { imgix } from '../../src/core/providers/imgix';
import type { Checkers } from '../../src/core/lint';
import {
  LineIndex,
  lintFileText,
  lintPaths,
  relativeUri,
  reportJson,
  toSarif,
  type LintReport,
} from '../../src/core/lintReport';
import { PROBLEM_CODES } from '../../src/core/problems';
import { ROOT } from './helpers/paths';
import { ensureCliBuilt, runCli } from './helpers/cli';
import { tmpDir } from './helpers/tmp';

const checkers: Checkers = { imagekit: imagekit.checker({}), imgix: imgix.checker({}) };
const BROAD = 'https://ik.imagekit.io/demo/images*';
const MID = 'https://ik.imagekit.io/demo/folder/*/x.jpg';
const GOOD = 'https://ik.imagekit.io/demo/a/b/*';

function tree(files: Record<string, string | Buffer>): string {
  const root = tmpDir('cdn-purge-lint-');
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return root;
}

const rel = (root: string) => (f: string) => path.relative(root, f).split(path.sep).join('/');

describe('lint: positions', () => {
  it('1-based lines and columns; lines end at \\n, \\r\\n and \\r', () => {
    const text = 'ab\ncd\r\nef\rgh';
    const idx = new LineIndex(text);
    assert.deepEqual(idx.position(0), { line: 1, column: 1 });
    assert.deepEqual(idx.position(2), { line: 1, column: 3 });
    assert.deepEqual(idx.position(3), { line: 2, column: 1 });
    assert.deepEqual(idx.position(7), { line: 3, column: 1 });
    assert.deepEqual(idx.position(10), { line: 4, column: 1 });
    assert.deepEqual(idx.position(11), { line: 4, column: 2 });
  });

  it("a problem's region is the checker's range (end exclusive); a byte order mark is not a column", () => {
    const text = `\ufeffx\r\n  <img src="${MID}">`;
    const [p] = lintFileText(text, '/r/a.html', checkers);
    assert.equal(p.code, 'wildcard-not-at-end');
    const star = `  <img src="${MID}">`.indexOf('*');
    assert.deepEqual([p.line, p.column, p.endLine, p.endColumn], [2, star + 1, 2, star + 2]);
    assert.equal(p.url, MID);
  });

  it('columns count UTF-16 code units, as the editor does', () => {
    const [p] = lintFileText(`😀é ${BROAD}`, '/r/a.md', checkers);
    assert.equal(p.column, '😀é '.length + 'https://ik.imagekit.io/demo'.length + 1);
  });
});

describe('lint: walking fixture trees', () => {
  it('finds the problems of every text file, in name order; skips node_modules, .git, binaries', async () => {
    const root = tree({
      'src/b.html': `<img src="${BROAD}">\n<a href="${GOOD}">ok</a>\n`,
      'src/a.ts': `const u = '${MID}';\n`,
      'docs/guide.md': `Purge with ${BROAD}.\n`,
      'config.yml': 'url: https://assets.imgix.net/dogs/*.png\n',
      'node_modules/pkg/index.js': `'${BROAD}'`,
      '.git/config': BROAD,
      'img/logo.png': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), Buffer.from(BROAD)]),
    });
    const r = await lintPaths([root], { checkers, root });
    const shown = rel(root);
    assert.deepEqual(
      r.problems.map((p) => `${shown(p.file)}:${p.line}:${p.column} ${p.code}`),
      [
        'config.yml:1:36 imgix-no-wildcard',
        'docs/guide.md:1:39 wildcard-too-broad',
        'src/a.ts:1:47 wildcard-not-at-end',
        'src/b.html:1:38 wildcard-too-broad',
      ],
    );
    assert.deepEqual([r.checked, r.binary, r.errors, r.warnings, r.notes.length], [4, 1, 4, 0, 0]);
  });

  it('respects the endpoints and domains it is given (a custom domain is checked only when configured)', async () => {
    const root = tree({ 'a.html': 'https://images.example.com/x*\nhttps://cdn.example.org/a/*/b.jpg\n' });
    assert.equal((await lintPaths([root], { checkers, root })).problems.length, 0);
    const configured: Checkers = {
      imagekit: imagekit.checker({ endpoints: ['https://images.example.com'] }),
      imgix: imgix.checker({ endpoints: ['https://cdn.example.org'] }),
    };
    const r = await lintPaths([root], { checkers: configured, root });
    assert.deepEqual(
      r.problems.map((p) => [p.line, p.code]),
      [
        [1, 'wildcard-too-broad'],
        [2, 'imgix-no-wildcard'],
      ],
    );
  });

  it('a file over the size limit, a link to a folder and an unreadable entry get a note; a FIFO is never opened', async () => {
    const root = tree({ 'big.txt': `${BROAD}\n`.repeat(100), 'ok.txt': `${BROAD}\n`, 'sub/x.txt': 'x' });
    fs.symlinkSync(path.join(root, 'sub'), path.join(root, 'link-to-sub'));
    fs.symlinkSync(path.join(root, 'missing'), path.join(root, 'dangling'));
    let fifo = false;
    try {
      execFileSync('mkfifo', [path.join(root, 'pipe')]);
      fifo = true;
    } catch {
      // no mkfifo here: the rest still runs
    }
    const r = await lintPaths([root], { checkers, root, maxFileBytes: 1000 });
    const shown = rel(root);
    assert.deepEqual(
      r.notes.map((n) => [n.file ? shown(n.file) : '', n.reason]),
      [
        ['big.txt', 'too-large'],
        ['dangling', 'unreadable'],
        ['link-to-sub', 'link-to-folder'],
      ],
    );
    assert.match(r.notes[0].message, /larger than 1,000 bytes \(limit: lint file size\), not checked/);
    assert.deepEqual(
      r.problems.map((p) => shown(p.file)),
      ['ok.txt'],
    );
    assert.equal(r.checked, 2, 'ok.txt and sub/x.txt');
    if (fifo) assert.ok(fs.statSync(path.join(root, 'pipe')).isFIFO());
  });

  it('stops at the file limit with a note naming it; a cancelled walk says so', async () => {
    const root = tree(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`f${i}.txt`, BROAD])));
    const r = await lintPaths([root], { checkers, root, maxFiles: 4 });
    assert.equal(r.checked, 4);
    assert.equal(r.problems.length, 4);
    assert.deepEqual(
      r.notes.map((n) => n.reason),
      ['file-limit'],
    );
    assert.match(r.notes[0].message, /Stopped after 4 files \(limit: files per lint run\)/);
    const ac = new AbortController();
    ac.abort();
    const c = await lintPaths([root], { checkers, root, signal: ac.signal });
    assert.deepEqual([c.checked, c.notes[0].reason], [0, 'cancelled']);
  });

  it('explicit files and folders are linted even inside node_modules; exclusions apply below them', async () => {
    const root = tree({
      'node_modules/pkg/a.js': BROAD,
      'dist/bundle.js': BROAD,
      'src/a.js': BROAD,
      'src/gen/b.js': BROAD,
    });
    const shown = rel(root);
    const r = await lintPaths([path.join(root, 'node_modules/pkg/a.js'), root], {
      checkers,
      root,
      exclude: (p) => p === 'dist' || p.startsWith('src/gen'),
    });
    assert.deepEqual(
      r.problems.map((p) => shown(p.file)),
      ['node_modules/pkg/a.js', 'src/a.js'],
    );
  });

  it('a document past the URLs-per-document limit gets the too-many-urls warning (a warning, not an error)', async () => {
    const root = tree({ 'many.txt': 'https://ik.imagekit.io/demo/a/b/c.jpg\n'.repeat(10_001) + BROAD });
    const r = await lintPaths([root], { checkers, root });
    assert.deepEqual(
      r.problems.map((p) => [p.code, p.severity, p.line]),
      [['too-many-urls', 'warning', 10_001]],
    );
    assert.deepEqual([r.errors, r.warnings], [0, 1]);
  });
});

// ---- SARIF 2.1.0: the schema's rules for the objects we emit, checked by hand (no network, no validator) ----------

/** Property names the SARIF 2.1.0 schema allows on each object we emit (all are additionalProperties: false). */
const ALLOWED: Record<string, string[]> = {
  sarifLog: ['$schema', 'version', 'runs', 'inlineExternalProperties', 'properties'],
  run: [
    'addresses',
    'artifacts',
    'automationDetails',
    'baselineGuid',
    'columnKind',
    'conversion',
    'defaultEncoding',
    'defaultSourceLanguage',
    'externalPropertyFileReferences',
    'graphs',
    'invocations',
    'language',
    'logicalLocations',
    'newlineSequences',
    'originalUriBaseIds',
    'policies',
    'properties',
    'redactionTokens',
    'results',
    'runAggregates',
    'specialLocations',
    'taxonomies',
    'threadFlowLocations',
    'tool',
    'translations',
    'versionControlProvenance',
    'webRequests',
    'webResponses',
  ],
  tool: ['driver', 'extensions', 'properties'],
  toolComponent: [
    'associatedComponent',
    'contents',
    'dottedQuadFileVersion',
    'downloadUri',
    'fullDescription',
    'fullName',
    'globalMessageStrings',
    'guid',
    'informationUri',
    'isComprehensive',
    'language',
    'localizedDataSemanticVersion',
    'locations',
    'minimumRequiredLocalizedDataSemanticVersion',
    'name',
    'notifications',
    'organization',
    'product',
    'productSuite',
    'properties',
    'releaseDateUtc',
    'rules',
    'semanticVersion',
    'shortDescription',
    'supportedTaxonomies',
    'taxa',
    'translationMetadata',
    'version',
  ],
  reportingDescriptor: [
    'defaultConfiguration',
    'deprecatedGuids',
    'deprecatedIds',
    'deprecatedNames',
    'fullDescription',
    'guid',
    'help',
    'helpUri',
    'id',
    'messageStrings',
    'name',
    'properties',
    'relationships',
    'shortDescription',
  ],
  multiformatMessageString: ['markdown', 'properties', 'text'],
  reportingConfiguration: ['enabled', 'level', 'parameters', 'properties', 'rank'],
  result: [
    'analysisTarget',
    'attachments',
    'baselineState',
    'codeFlows',
    'correlationGuid',
    'fingerprints',
    'fixes',
    'graphTraversals',
    'graphs',
    'guid',
    'hostedViewerUri',
    'kind',
    'level',
    'locations',
    'message',
    'occurrenceCount',
    'partialFingerprints',
    'properties',
    'provenance',
    'rank',
    'relatedLocations',
    'rule',
    'ruleId',
    'ruleIndex',
    'stacks',
    'suppressions',
    'taxa',
    'webRequest',
    'webResponse',
    'workItemUris',
  ],
  message: ['arguments', 'id', 'markdown', 'properties', 'text'],
  location: ['annotations', 'id', 'logicalLocations', 'message', 'physicalLocation', 'properties', 'relationships'],
  physicalLocation: ['address', 'artifactLocation', 'contextRegion', 'properties', 'region'],
  artifactLocation: ['description', 'index', 'properties', 'uri', 'uriBaseId'],
  region: [
    'byteLength',
    'byteOffset',
    'charLength',
    'charOffset',
    'endColumn',
    'endLine',
    'message',
    'properties',
    'snippet',
    'sourceLanguage',
    'startColumn',
    'startLine',
  ],
  invocation: [
    'account',
    'arguments',
    'commandLine',
    'endTimeUtc',
    'environmentVariables',
    'executableLocation',
    'executionSuccessful',
    'exitCode',
    'exitCodeDescription',
    'exitSignalName',
    'exitSignalNumber',
    'machine',
    'notificationConfigurationOverrides',
    'processId',
    'processStartFailureMessage',
    'properties',
    'responseFiles',
    'ruleConfigurationOverrides',
    'startTimeUtc',
    'stderr',
    'stdin',
    'stdout',
    'stdoutStderr',
    'toolConfigurationNotifications',
    'toolExecutionNotifications',
    'workingDirectory',
  ],
  notification: [
    'associatedRule',
    'descriptor',
    'exception',
    'level',
    'locations',
    'message',
    'properties',
    'threadId',
    'timeUtc',
  ],
};
const LEVELS = ['none', 'note', 'warning', 'error'];

/** Every violation of the checks below, as "where: what" (empty when the log conforms). */
function sarifViolations(log: any): string[] {
  const bad: string[] = [];
  const obj = (v: any, kind: string, where: string, required: string[] = []): boolean => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      bad.push(`${where}: not an object`);
      return false;
    }
    for (const k of Object.keys(v))
      if (!ALLOWED[kind].includes(k)) bad.push(`${where}: "${k}" is not a ${kind} property`);
    for (const k of required) if (!(k in v)) bad.push(`${where}: "${k}" is required`);
    return true;
  };
  const str = (v: unknown, where: string) => typeof v === 'string' || bad.push(`${where}: not a string`);
  const int = (v: unknown, where: string, min: number) =>
    (Number.isInteger(v) && (v as number) >= min) || bad.push(`${where}: not an integer >= ${min}`);
  const absUri = (v: unknown, where: string) =>
    (typeof v === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(v) && URL.canParse(v)) || bad.push(`${where}: not a URI`);
  const mms = (v: any, where: string) =>
    obj(v, 'multiformatMessageString', where, ['text']) && str(v.text, `${where}.text`);
  const message = (v: any, where: string) => {
    if (!obj(v, 'message', where)) return;
    if (!('text' in v) && !('id' in v)) bad.push(`${where}: needs text or id`);
    if ('text' in v) str(v.text, `${where}.text`);
  };
  const artifactLocation = (v: any, where: string) => {
    if (!obj(v, 'artifactLocation', where)) return;
    if ('uri' in v) {
      str(v.uri, `${where}.uri`);
      if (/[\s\\]/.test(v.uri)) bad.push(`${where}.uri: not a URI reference (space or backslash)`);
    }
  };

  if (!obj(log, 'sarifLog', 'log', ['version', 'runs'])) return bad;
  if (log.version !== '2.1.0') bad.push('log.version: not "2.1.0"');
  if (!Array.isArray(log.runs)) return [...bad, 'log.runs: not an array'];
  log.runs.forEach((run: any, ri: number) => {
    const w = `runs[${ri}]`;
    if (!obj(run, 'run', w, ['tool'])) return;
    if (
      obj(run.tool, 'tool', `${w}.tool`, ['driver']) &&
      obj(run.tool.driver, 'toolComponent', `${w}.tool.driver`, ['name'])
    ) {
      const d = run.tool.driver;
      str(d.name, `${w}.tool.driver.name`);
      if ('informationUri' in d) absUri(d.informationUri, `${w}.tool.driver.informationUri`);
      const ids = new Set<string>();
      (d.rules ?? []).forEach((rule: any, i: number) => {
        const rw = `${w}.tool.driver.rules[${i}]`;
        if (!obj(rule, 'reportingDescriptor', rw, ['id'])) return;
        str(rule.id, `${rw}.id`);
        if (ids.has(rule.id)) bad.push(`${rw}: duplicate id ${rule.id}`);
        ids.add(rule.id);
        for (const k of ['shortDescription', 'fullDescription', 'help']) if (k in rule) mms(rule[k], `${rw}.${k}`);
        if ('helpUri' in rule) absUri(rule.helpUri, `${rw}.helpUri`);
        if (
          'defaultConfiguration' in rule &&
          obj(rule.defaultConfiguration, 'reportingConfiguration', `${rw}.defaultConfiguration`)
        )
          if (!LEVELS.includes(rule.defaultConfiguration.level))
            bad.push(`${rw}.defaultConfiguration.level: not a level`);
      });
    }
    if ('columnKind' in run && !['utf16CodeUnits', 'unicodeCodePoints'].includes(run.columnKind))
      bad.push(`${w}.columnKind: not a column kind`);
    for (const [k, v] of Object.entries(run.originalUriBaseIds ?? {})) {
      artifactLocation(v, `${w}.originalUriBaseIds.${k}`);
      absUri((v as any).uri, `${w}.originalUriBaseIds.${k}.uri`);
      if (!String((v as any).uri).endsWith('/')) bad.push(`${w}.originalUriBaseIds.${k}.uri: must end with "/"`);
    }
    (run.results ?? []).forEach((res: any, i: number) => {
      const rw = `${w}.results[${i}]`;
      if (!obj(res, 'result', rw, ['message'])) return;
      message(res.message, `${rw}.message`);
      if ('level' in res && !LEVELS.includes(res.level)) bad.push(`${rw}.level: not a level`);
      if ('ruleIndex' in res) {
        int(res.ruleIndex, `${rw}.ruleIndex`, -1);
        const rule = run.tool.driver.rules?.[res.ruleIndex];
        if (!rule || rule.id !== res.ruleId) bad.push(`${rw}.ruleIndex: does not point at rule ${res.ruleId}`);
      }
      // GitHub code scanning needs a location to show the alert in the file.
      if (!Array.isArray(res.locations) || res.locations.length === 0) bad.push(`${rw}.locations: none`);
      (res.locations ?? []).forEach((loc: any, li: number) => {
        const lw = `${rw}.locations[${li}]`;
        if (!obj(loc, 'location', lw)) return;
        const pl = loc.physicalLocation;
        if (!obj(pl, 'physicalLocation', `${lw}.physicalLocation`)) return;
        if (!('artifactLocation' in pl)) bad.push(`${lw}.physicalLocation: needs artifactLocation`);
        artifactLocation(pl.artifactLocation, `${lw}.physicalLocation.artifactLocation`);
        const reg = pl.region;
        if (reg !== undefined && obj(reg, 'region', `${lw}.physicalLocation.region`)) {
          int(reg.startLine, `${lw}.region.startLine`, 1);
          for (const k of ['startColumn', 'endLine', 'endColumn']) if (k in reg) int(reg[k], `${lw}.region.${k}`, 1);
          if (reg.endLine < reg.startLine || (reg.endLine === reg.startLine && reg.endColumn <= reg.startColumn))
            bad.push(`${lw}.region: ends before it starts`);
        }
      });
    });
    (run.invocations ?? []).forEach((inv: any, i: number) => {
      const iw = `${w}.invocations[${i}]`;
      if (!obj(inv, 'invocation', iw, ['executionSuccessful'])) return;
      if (typeof inv.executionSuccessful !== 'boolean') bad.push(`${iw}.executionSuccessful: not a boolean`);
      (inv.toolExecutionNotifications ?? []).forEach((n: any, ni: number) => {
        const nw = `${iw}.toolExecutionNotifications[${ni}]`;
        if (!obj(n, 'notification', nw, ['message'])) return;
        message(n.message, `${nw}.message`);
        if ('level' in n && !LEVELS.includes(n.level)) bad.push(`${nw}.level: not a level`);
      });
    });
  });
  return bad;
}

describe('lint: SARIF 2.1.0', () => {
  async function sampleReport(): Promise<{ root: string; report: LintReport }> {
    const root = tree({
      'src/a b.html': `<img src="${BROAD}">\n  ${MID}\n`,
      'docs/x#y.md': `${BROAD}\n`,
      'big.txt': `${BROAD}\n`.repeat(50),
    });
    return { root, report: await lintPaths([root], { checkers, root, maxFileBytes: 500 }) };
  }

  it('conforms to the schema rules of every object it emits (required, allowed, enums, minimums)', async () => {
    const { root, report } = await sampleReport();
    const log = toSarif(report, { toolVersion: '1.2.3', root });
    assert.deepEqual(sarifViolations(log), []);
    assert.equal(log.runs[0].results.length, 3);
  });

  it('the checks can fail: a wrong version, a missing message, an unknown property, a bad level, column 0', async () => {
    const { root, report } = await sampleReport();
    const log: any = JSON.parse(JSON.stringify(toSarif(report, { toolVersion: '1', root })));
    log.version = '2.0.0';
    delete log.runs[0].results[0].message;
    log.runs[0].results[1].ruleID = 'x';
    log.runs[0].results[1].level = 'fatal';
    log.runs[0].results[2].locations[0].physicalLocation.region.startColumn = 0;
    delete log.runs[0].tool.driver.name;
    const bad = sarifViolations(log);
    for (const re of [
      /version/,
      /results\[0\]: "message" is required/,
      /"ruleID" is not a result property/,
      /level: not a level/,
      /startColumn: not an integer >= 1/,
      /"name" is required/,
    ])
      assert.ok(
        bad.some((b) => re.test(b)),
        `no violation matching ${re}: ${bad.join('; ')}`,
      );
  });

  it('GitHub code scanning: rules with helpUri at README anchors, results with ruleId, level, message, repo-relative uri and a region', async () => {
    const { root, report } = await sampleReport();
    const log = toSarif(report, { toolVersion: '1.2.3', root });
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'cdn-purge');
    assert.equal(run.tool.driver.version, '1.2.3');
    assert.deepEqual(
      run.tool.driver.rules.map((r) => r.id),
      [...PROBLEM_CODES],
    );
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const r of run.tool.driver.rules) {
      const anchor = new URL(r.helpUri).hash.slice(1);
      assert.equal(anchor, r.id);
      assert.ok(readme.includes(`\n### ${anchor}\n`), `README has no "### ${anchor}" heading for ${r.helpUri}`);
      assert.ok(r.shortDescription.text.length > 10);
    }
    assert.deepEqual(
      run.results.map((r) => [
        r.ruleId,
        r.level,
        r.locations[0].physicalLocation.artifactLocation.uri,
        r.locations[0].physicalLocation.artifactLocation.uriBaseId,
        r.locations[0].physicalLocation.region.startLine,
      ]),
      [
        ['wildcard-too-broad', 'error', 'docs/x%23y.md', '%SRCROOT%', 1],
        ['wildcard-too-broad', 'error', 'src/a%20b.html', '%SRCROOT%', 1],
        ['wildcard-not-at-end', 'error', 'src/a%20b.html', '%SRCROOT%', 2],
      ],
    );
    const region = run.results[2].locations[0].physicalLocation.region;
    assert.deepEqual(region, { startLine: 2, startColumn: 38, endLine: 2, endColumn: 39 });
    assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri.endsWith('/'), true);
    assert.equal(run.columnKind, 'utf16CodeUnits');
    const notes = run.invocations[0].toolExecutionNotifications;
    assert.equal(notes.length, 1);
    assert.equal(notes[0].locations?.[0].physicalLocation.artifactLocation.uri, 'big.txt');
  });

  it('relative URIs encode what a URI cannot hold and keep sub-delimiters', () => {
    assert.equal(relativeUri('a b/c#d?.md'), 'a%20b/c%23d%3F.md');
    assert.equal(relativeUri("x/it's(1)+@=;,$&!*.txt"), "x/it's(1)+@=;,$&!*.txt");
    assert.equal(relativeUri('ü/日本.md'), '%C3%BC/%E6%97%A5%E6%9C%AC.md');
  });

  it('a file outside the root gets an absolute file: URI', async () => {
    const outside = tree({ 'o.txt': BROAD });
    const root = tmpDir('cdn-purge-lint-root-');
    const r = await lintPaths([outside], { checkers, root });
    const loc: { uri: string; uriBaseId?: string } = toSarif(r, { toolVersion: '1', root }).runs[0].results[0]
      .locations[0].physicalLocation.artifactLocation;
    assert.match(loc.uri, /^file:\/\//);
    assert.equal(loc.uriBaseId, undefined);
  });

  it('JSON: problems with file, 1-based positions, code, severity, docs; notes; summary', async () => {
    const { root, report } = await sampleReport();
    const j = reportJson(report, rel(root));
    assert.deepEqual(j.summary, { errors: 3, warnings: 0, filesChecked: 2, filesWithProblems: 2, binarySkipped: 0 });
    assert.deepEqual(
      { ...j.problems[0], message: undefined },
      {
        file: 'docs/x#y.md',
        line: 1,
        column: 28,
        endLine: 1,
        endColumn: 36,
        code: 'wildcard-too-broad',
        severity: 'error',
        message: undefined,
        url: BROAD,
        provider: 'imagekit',
        docs: 'https://github.com/cdn-purge/cdn-purge/blob/main/README.md#wildcard-too-broad',
      },
    );
    assert.deepEqual(
      j.notes.map((n) => [n.file, n.reason]),
      [['big.txt', 'too-large']],
    );
  });
});

describe('lint: the CLI end to end', function () {
  this.timeout(60_000);
  before(() => ensureCliBuilt());

  function repo(): string {
    const root = tree({
      'cdn-purge.json': JSON.stringify({
        imagekit: { endpoints: ['https://ik.imagekit.io/demo', 'https://images.example.com'] },
      }),
      'site/index.html': `<img src="${BROAD}">\n<img src="https://images.example.com/x*">\n`,
      'site/ok.html': `<a href="${GOOD}">`,
      'notes.md': 'https://assets.imgix.net/video.mp4*\n',
      'node_modules/dep/x.js': BROAD,
    });
    fs.mkdirSync(path.join(root, '.git'));
    return root;
  }

  it('text: file:line:col code severity: message, a summary, exit 1 on errors', async () => {
    const root = repo();
    const r = await runCli(['lint'], { cwd: root });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^notes\.md:1:35 imgix-no-wildcard error: imgix has no wildcard purge/);
    assert.match(lines[1], /^site\/index\.html:1:38 wildcard-too-broad error: This wildcard is too broad/);
    assert.match(
      lines[2],
      /^site\/index\.html:2:37 wildcard-too-broad error: /,
      'the custom domain from cdn-purge.json is checked',
    );
    assert.equal(lines[lines.length - 1], '3 errors, 0 warnings in 2 files (4 files checked)');
    assert.equal(r.stderr, '');
  });

  it('exit 0 when nothing is wrong; a subfolder run prints paths relative to it and reads the root cdn-purge.json', async () => {
    const root = repo();
    const ok = await runCli(['lint', 'site/ok.html'], { cwd: root });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(ok.stdout.trim(), '0 errors, 0 warnings (1 file checked)');
    const sub = await runCli(['lint', '--format', 'json'], { cwd: path.join(root, 'site') });
    const j = JSON.parse(sub.stdout);
    assert.deepEqual(
      j.problems.map((p: any) => `${p.file}:${p.line}`),
      ['index.html:1', 'index.html:2'],
    );
    assert.equal(sub.code, 1);
  });

  it('--format sarif: uris relative to the repository root even from a subfolder; conforms', async () => {
    const root = repo();
    const r = await runCli(['lint', '-f', 'sarif', '.'], { cwd: path.join(root, 'site') });
    assert.equal(r.code, 1);
    const log = JSON.parse(r.stdout);
    assert.deepEqual(sarifViolations(log), []);
    assert.deepEqual(
      log.runs[0].results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri),
      ['site/index.html', 'site/index.html'],
    );
    assert.match(log.runs[0].tool.driver.version, /^\d+\.\d+\.\d+/);
  });

  it('usage errors exit 2 with what to do: a missing path, a bad format, --endpoint without --provider, a bad glob', async () => {
    const root = repo();
    for (const [args, re] of [
      [['lint', 'nope'], /nope: no such file or folder/],
      [['lint', '--format', 'xml'], /--format must be text, json or sarif/],
      [['lint', '--endpoint', 'https://x.example.com'], /--endpoint needs --provider/],
      [['lint', '--provider', 'cloudflare'], /Unknown provider "cloudflare"/],
      [['lint', '--exclude', '!(a)'], /--exclude "!\(a\)"/],
    ] as Array<[string[], RegExp]>) {
      const r = await runCli(args, { cwd: root });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, re);
    }
  });

  it('--provider restricts, --endpoint adds, --exclude skips; notes go to stderr', async () => {
    const root = repo();
    fs.writeFileSync(path.join(root, 'site/other.html'), 'https://cdn.example.net/x*');
    const ik = await runCli(
      ['lint', '-p', 'imagekit', '--endpoint', 'https://cdn.example.net', '--exclude', 'site/index.html'],
      { cwd: root },
    );
    assert.deepEqual(
      ik.stdout
        .trim()
        .split('\n')
        .slice(0, -1)
        .map((l) => l.split(' ')[0]),
      ['site/other.html:1:24'],
    );
    fs.writeFileSync(path.join(root, 'huge.txt'), 'x'.repeat(6 * 1024 * 1024));
    const big = await runCli(['lint', 'huge.txt'], { cwd: root });
    assert.equal(big.code, 0);
    assert.match(big.stderr, /^note: huge\.txt: larger than 5 MiB \(limit: lint file size\), not checked/m);
  });

  it('is listed in cdn-purge --help, and lint --help says the format and exit codes', async () => {
    const main = await runCli(['--help']);
    assert.match(main.stdout, /^ {2}lint {6}check every purge pattern/m);
    const help = await runCli(['lint', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /file:line:col code severity: message/);
    assert.match(help.stdout, /Exit status: 0 no error-level problem, 1 any, 2 usage error\./);
  });
});
