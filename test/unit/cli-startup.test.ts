// The light commands (check, plan, lint, --help, --version) start without the HTTP layer: dist/cli.js leaves
// undici in dist/http.js and loads each command's module on first use, so `check` neither reads undici nor loads
// node:http/https/tls (README "Performance": its start-up is measured by `npm run bench`, never timed here).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ensureCliBuilt } from './helpers/cli';
import { CLI, ROOT } from './helpers/paths';
import { loaded, type Loaded } from './helpers/cli-loads';
import { tmpDir } from './helpers/tmp';

// (not 'net': Node loads it for a piped stdout)
const HTTP_BUILTINS = ['http', 'https', 'tls', '_http_agent', '_http_client', 'http2'];

function assertLight(l: Loaded, what: string): void {
  const http = path.join(ROOT, 'dist', 'http.js');
  assert.ok(!l.files.includes(http), `${what} loaded dist/http.js (undici): ${l.files.join(', ')}`);
  assert.ok(!l.files.some((f) => /undici/.test(f)), `${what} loaded undici`);
  const heavy = l.builtins.filter((b) => HTTP_BUILTINS.includes(b));
  assert.deepEqual(heavy, [], `${what} loaded Node's ${heavy.join(', ')}`);
}

describe('cdn-purge start-up (what the light commands load)', function () {
  this.timeout(60_000);
  before(() => ensureCliBuilt());

  it('dist/cli.js does not bundle undici (it stays in dist/http.js, loaded on the first request)', () => {
    const text = fs.readFileSync(CLI, 'utf8');
    assert.ok(!/node_modules\/undici\//.test(text), 'dist/cli.js bundles undici');
    assert.match(text, /require\("\.\/http"\)/);
    assert.ok(fs.existsSync(path.join(ROOT, 'dist', 'http.js')), 'dist/http.js is built beside dist/cli.js');
  });

  it('check, plan, lint, --help and --version load neither dist/http.js nor node:http/https/tls', () => {
    const cwd = tmpDir('cli-startup-cwd');
    fs.writeFileSync(path.join(cwd, 'a.md'), 'https://ik.imagekit.io/demo/a/b.jpg\n');
    const url = 'https://ik.imagekit.io/demo/a/b/c.jpg';
    assertLight(loaded(['check', '-p', 'imagekit', url], cwd), 'check');
    assertLight(loaded(['plan', '-p', 'imagekit', url], cwd), 'plan');
    assertLight(loaded(['lint', cwd], cwd), 'lint');
    assertLight(loaded(['--help'], cwd), '--help');
    assertLight(loaded(['--version'], cwd), '--version');
  });

  it('the recorder sees the HTTP layer when a command does load it (emulator: node:http)', () => {
    // The same recorder on a command that does use node:http, so the test above cannot pass by seeing nothing.
    const cwd = tmpDir('cli-startup-emu');
    const l = loaded(['emulator', '--help'], cwd);
    assert.ok(l.files.length > 0);
    assert.ok(
      l.builtins.includes('http'),
      `emulator --help loaded: ${l.builtins.filter((b) => /http/.test(b)).join(', ')}`,
    );
  });
});
