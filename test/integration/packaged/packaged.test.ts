// The packaged extension: `npm run package` made a .vsix, the runner installed it with `code-server
// --install-extension` and loaded the installed folder. Checks that this is what runs, that it holds only what it
// needs, and that it activates and registers its commands.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extension, openAt, waitFor } from '../harness';
import { checkContributedCommands, checkManifest } from '../shared-checks';

function listFiles(dir: string, base = dir): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? listFiles(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))],
    );
}

describe('the packaged extension (.vsix)', () => {
  it('is loaded from the folder the .vsix was installed into', () => {
    const expected = process.env.CDN_PURGE_EXPECT_EXTENSION_PATH;
    assert.ok(expected, 'the runner sets CDN_PURGE_EXPECT_EXTENSION_PATH in the packaged run');
    assert.equal(fs.realpathSync(extension().extensionPath), fs.realpathSync(expected));
  });

  it('holds only what it needs: no sources, tests, source maps, node_modules or the CLI', () => {
    const files = listFiles(extension().extensionPath);
    const unwanted = files.filter(
      (f) =>
        /^(src|test|out|node_modules|scripts|tools|sample|\.vscode)\//.test(f) ||
        /\.(map|ts)$/.test(f) ||
        f === 'dist/cli.js',
    );
    assert.deepEqual(unwanted, [], `unexpected files in the .vsix: ${unwanted.join(', ')}`);
    assert.ok(files.includes('dist/extension.js') && files.includes('package.json'), `files: ${files.join(', ')}`);
  });

  it('activates by itself and registers every command it contributes', async () => {
    const ext = extension();
    checkManifest(ext);
    await openAt('index.html');
    await waitFor('the packaged extension to be active', () => ext.isActive, { timeoutMs: 60000 });
    await checkContributedCommands(ext);
  });
});
