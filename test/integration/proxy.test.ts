// VS Code's proxy settings in a real VS Code: http.proxy and http.noProxy reach the extension's transport as they
// change (no reload), a proxy setting that does not parse is shown in a warning, and loopback (the emulator) is
// always direct. No traffic goes to the proxies named here: only the transport's decision is read.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, captureMessages, waitFor } from './helpers';

const IMAGEKIT_API = 'https://api.imagekit.io/v1/files/purge';
const IMGIX_API = 'https://api.imgix.com/api/v1/purge';

describe("VS Code's proxy settings", function () {
  this.timeout(60_000);
  const http = () => vscode.workspace.getConfiguration('http');

  afterEach(async () => {
    await http().update('proxy', undefined, vscode.ConfigurationTarget.Global);
    await http().update('noProxy', undefined, vscode.ConfigurationTarget.Global);
  });

  it('http.proxy and http.noProxy are applied as they change; the emulator stays direct', async () => {
    const a = await api();
    await http().update('proxy', 'http://proxy.invalid:3128', vscode.ConfigurationTarget.Global);
    await http().update('noProxy', ['api.imgix.com'], vscode.ConfigurationTarget.Global);
    await waitFor('the proxy in use', () => a.transport.proxyFor(IMAGEKIT_API) === 'http://proxy.invalid:3128');
    assert.equal(a.transport.proxyFor(IMGIX_API), undefined, 'http.noProxy names api.imgix.com');
    assert.equal(a.transport.proxyFor('http://127.0.0.1:8787/v1/files/purge'), undefined, 'loopback is direct');
    await http().update('proxy', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('no proxy again', () => a.transport.proxyFor(IMAGEKIT_API) === undefined);
  });

  it('a proxy setting that does not parse is shown, and the one in use is kept', async () => {
    const a = await api();
    await http().update('proxy', 'http://proxy.invalid:3128', vscode.ConfigurationTarget.Global);
    await waitFor('the proxy in use', () => a.transport.proxyFor(IMAGEKIT_API) === 'http://proxy.invalid:3128');
    const shown = captureMessages();
    try {
      await http().update('proxy', 'ftp://proxy.invalid:21', vscode.ConfigurationTarget.Global);
      const warning = await waitFor('the warning', () =>
        shown.messages.find((m) => m.kind === 'warning' && /proxy setting/.test(m.message)),
      );
      assert.match(warning.message, /ftp/);
    } finally {
      shown.restore();
    }
    assert.equal(a.transport.proxyFor(IMAGEKIT_API), 'http://proxy.invalid:3128');
  });
});
