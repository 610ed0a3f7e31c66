// The nested installs of `npm test` / `npm start` (the tools, the project's dependencies) get a clean
// environment. Started from npm, the outer npm exports npm_config_user_agent ("npm/… node/v20…") and the rest
// of its config; a nested `npm ci` that inherits them takes them as its own, and code-server's postinstall reads
// the Node version from npm_config_user_agent, so it refused to install under Node 24. The probe package below
// does what code-server's postinstall.sh does: it compares the Node major in npm_config_user_agent with the Node
// it runs on, and fails when they differ.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from './helpers/tmp';

const root = path.resolve(__dirname, '../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cleanNpmEnv, cleanPath } = require(path.join(root, 'scripts/lib/clean-env.js'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { npmCi } = require(path.join(root, 'scripts/lib/npm-ci.js'));

/** An environment as the outer npm of `npm test` leaves it, on a Node whose major differs from the one running. */
function outerNpmEnv(): NodeJS.ProcessEnv {
  const otherMajor = Number(process.versions.node.split('.')[0]) === 18 ? 16 : 18;
  return {
    ...process.env,
    npm_config_user_agent: `npm/9.9.9 node/v${otherMajor}.0.0 linux x64 workspaces/false`,
    npm_config_nodedir: '/nonexistent/outer-node-headers',
    npm_config_node_gyp: '/nonexistent/outer/node-gyp.js',
    npm_config_local_prefix: '/nonexistent/outer-project',
    npm_config_registry: process.env.npm_config_registry ?? 'https://registry.npmjs.org/',
    npm_lifecycle_event: 'test',
    npm_lifecycle_script: 'npm run test:unit && node scripts/setup-vscode-tools.js',
    npm_package_name: 'cdn-purge',
    npm_package_json: '/nonexistent/outer-project/package.json',
    npm_command: 'run',
    npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
    npm_node_execpath: process.execPath,
    NODE: process.execPath,
    INIT_CWD: '/nonexistent/outer-project',
    PATH: [
      '/nonexistent/outer-project/node_modules/.bin',
      '/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin',
      process.env.PATH,
    ].join(path.delimiter),
  };
}

/** A package whose postinstall checks npm_config_user_agent the way code-server's does, and records what it saw. */
function probePackage(dir: string): string {
  const source = path.join(dir, 'source');
  fs.mkdirSync(source, { recursive: true });
  const check = [
    "const fs = require('fs');",
    "const ua = process.env.npm_config_user_agent || '';",
    "fs.writeFileSync('seen.json', JSON.stringify({ ua, nodedir: process.env.npm_config_nodedir || null, lifecycle: process.env.npm_lifecycle_script, pkg: process.env.npm_package_name }));",
    'const m = /node\\/v(\\d+)/.exec(ua);',
    "const mine = process.versions.node.split('.')[0];",
    "if (!m || m[1] !== mine) { console.error('probe requires node v' + mine + '; npm_config_user_agent says node v' + (m && m[1])); process.exit(1); }",
  ].join(' ');
  const pkg = {
    name: 'npm-env-probe',
    version: '1.0.0',
    private: true,
    scripts: { postinstall: `node -e "${check.replace(/"/g, '\\"')}"` },
  };
  fs.writeFileSync(path.join(source, 'package.json'), JSON.stringify(pkg, null, 2));
  const lock = {
    name: 'npm-env-probe',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: 'npm-env-probe', version: '1.0.0' } },
  };
  fs.writeFileSync(path.join(source, 'package-lock.json'), JSON.stringify(lock, null, 2));
  return source;
}

describe('nested npm installs get a clean environment', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = tmpDir('cdn-purge-npm-env-');
  });

  it('drops the outer npm config, lifecycle and package variables, keeps registry access and everything else', () => {
    const env = cleanNpmEnv({
      npm_config_user_agent: 'npm/11 node/v20.20.2',
      npm_config_nodedir: '/usr',
      NPM_CONFIG_LOGLEVEL: 'silly',
      npm_config_registry: 'https://registry.example/',
      'npm_config_@acme:registry': 'https://npm.acme.example/',
      'npm_config_//npm.acme.example/:_authToken': 'token',
      npm_config_https_proxy: 'http://proxy.example:3128',
      npm_config_cafile: '/etc/ssl/corp.pem',
      npm_lifecycle_event: 'test',
      npm_package_version: '0.1.0',
      npm_command: 'run',
      npm_node_execpath: '/usr/bin/node',
      NODE: '/usr/bin/node',
      INIT_CWD: '/repo',
      HOME: '/home/me',
      HTTPS_PROXY: 'http://proxy.example:3128',
      PATH: [
        '/repo/node_modules/.bin',
        '/node_modules/.bin',
        '/usr/lib/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin',
        '/usr/local/bin',
        '/usr/bin',
      ].join(path.delimiter),
    });
    assert.deepEqual(Object.keys(env).sort(), [
      'HOME',
      'HTTPS_PROXY',
      'PATH',
      'npm_config_//npm.acme.example/:_authToken',
      'npm_config_@acme:registry',
      'npm_config_cafile',
      'npm_config_https_proxy',
      'npm_config_registry',
    ]);
    assert.equal(env.PATH, ['/usr/local/bin', '/usr/bin'].join(path.delimiter));
    assert.equal(cleanPath(['/a/node_modules/.bin/', '/b'].join(path.delimiter)), '/b');
  });

  it('keeps NODE when it is not the Node the outer npm runs on', () => {
    assert.equal(
      cleanNpmEnv({ NODE: '/opt/node24/bin/node', npm_node_execpath: '/usr/bin/node' }).NODE,
      '/opt/node24/bin/node',
    );
  });

  it('an install script that reads the Node version from npm_config_user_agent (as code-server does) passes under npmCi', () => {
    const source = probePackage(tmp);
    const dir = path.join(tmp, 'install');
    npmCi({ source, dir, env: outerNpmEnv(), stdio: 'pipe' });
    const seen = JSON.parse(fs.readFileSync(path.join(dir, 'seen.json'), 'utf8'));
    assert.match(
      seen.ua,
      new RegExp(`node/v${process.versions.node.split('.')[0]}\\.`),
      'the nested npm computed its own user agent',
    );
    assert.notEqual(seen.nodedir, '/nonexistent/outer-node-headers');
    assert.notEqual(seen.lifecycle, 'npm run test:unit && node scripts/setup-vscode-tools.js');
    assert.equal(seen.pkg, 'npm-env-probe');
  });

  it('the same install with the outer environment passed through fails as code-server did (the probe detects the bug)', () => {
    const source = probePackage(tmp);
    const dir = path.join(tmp, 'raw');
    fs.mkdirSync(dir);
    for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(source, f), path.join(dir, f));
    const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, env: outerNpmEnv(), encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(`${r.stdout}${r.stderr}`, /probe requires node v\d+; npm_config_user_agent says node v(16|18)/);
  });
});
