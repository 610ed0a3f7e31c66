// The .vsix a user downloads is at most 300 KB (issue 14): the runner's `npm run package` made it (a production
// build: minified bundles, no source maps; the HTTP layer with only the parts of undici it uses; README.md's user
// part as its README). Its README still shows the screenshots, by links vsce made absolute on the repository.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extension } from '../harness';

const MAX_BYTES = 300 * 1024;

describe('the packaged extension: size', () => {
  it('the .vsix is at most 300 KB', () => {
    const vsix = process.env.CDN_PURGE_VSIX;
    assert.ok(vsix && fs.existsSync(vsix), `the runner sets CDN_PURGE_VSIX to the .vsix it installed (${vsix})`);
    const bytes = fs.statSync(vsix).size;
    assert.ok(bytes <= MAX_BYTES, `${path.basename(vsix)} is ${(bytes / 1024).toFixed(1)} KB, over 300 KB`);
  });

  it("its README is README.md's user part, with the screenshots linked on the repository", () => {
    const dir = extension().extensionPath;
    const name = fs.readdirSync(dir).find((f) => /^readme\.md$/i.test(f));
    assert.ok(name, 'the .vsix has a README');
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    assert.match(text, /^# CDN Purge/);
    assert.doesNotMatch(text, /^## Development$/m, 'the development part is left out');
    assert.match(text, /\]\(https:\/\/github\.com\/[^)]+\/media\/screenshots\/history\.png\)/);
    assert.match(text, /README on the repository\]\(https:\/\/github\.com\/[^)]+README\.md#development\)/);
  });

  it('the HTTP layer carries only the parts of undici it uses (no fetch, WebSocket, mocks)', () => {
    const http = fs.readFileSync(path.join(extension().extensionPath, 'dist', 'http.js'), 'utf8');
    for (const absent of ['MockAgent', 'WebSocketStream', 'EventSource', 'SqliteCacheStore'])
      assert.ok(!http.includes(absent), `dist/http.js carries ${absent}`);
  });
});
