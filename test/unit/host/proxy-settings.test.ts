// VS Code's http.proxy / http.noProxy / http.proxyStrictSSL as the extension gives them to its transport, and the
// transport taking new settings without a reload (src/host/proxySettings.ts, Transport.reconfigure).
import assert from 'node:assert/strict';
import { install } from '../helpers/vscode-stub';

install();
/* eslint-disable @typescript-eslint/no-require-imports */
const { proxyConfigFrom } =
  require('../../../src/host/proxySettings') as typeof import('../../../src/host/proxySettings');
const { Transport } = require('../../../src/core/transport') as typeof import('../../../src/core/transport');
const { ProxyConfigError } = require('../../../src/core/proxy') as typeof import('../../../src/core/proxy');
/* eslint-enable @typescript-eslint/no-require-imports */

const settings =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

describe('extension: VS Code proxy settings for the transport', () => {
  it("VS Code's defaults (empty http.proxy, empty http.noProxy, strict SSL) leave the environment in charge", () => {
    assert.deepEqual(proxyConfigFrom(settings({ proxy: '', noProxy: [], proxyStrictSSL: true })), {});
    assert.deepEqual(proxyConfigFrom(settings({})), {});
  });

  it('http.proxy, http.noProxy and http.proxyStrictSSL false are passed on; odd values are ignored', () => {
    assert.deepEqual(
      proxyConfigFrom(
        settings({ proxy: ' http://proxy.corp:3128 ', noProxy: ['intranet', 7, ' ', '.corp'], proxyStrictSSL: false }),
      ),
      { proxy: 'http://proxy.corp:3128', noProxy: ['intranet', '.corp'], strictSSL: false },
    );
    assert.deepEqual(proxyConfigFrom(settings({ proxy: 42, noProxy: 'a,b', proxyStrictSSL: 'no' })), {});
  });

  it('the settings decide over HTTPS_PROXY; loopback is always direct', () => {
    const t = new Transport({
      env: { HTTPS_PROXY: 'http://env-proxy:8080' },
      proxy: proxyConfigFrom(settings({ proxy: 'http://proxy.corp:3128' })),
    });
    assert.equal(t.proxyFor('https://api.imagekit.io/v1/files/purge'), 'http://proxy.corp:3128');
    assert.equal(t.proxyFor('http://127.0.0.1:8787/v1/files/purge'), undefined);
    const env = new Transport({ env: { HTTPS_PROXY: 'http://env-proxy:8080' }, proxy: proxyConfigFrom(settings({})) });
    assert.equal(env.proxyFor('https://api.imgix.com/api/v1/purge'), 'http://env-proxy:8080');
  });

  it('reconfigure applies a changed setting; a broken one throws, names the setting and keeps the one in use', async () => {
    const t = new Transport({ env: {} });
    assert.equal(t.proxyFor('https://api.imagekit.io/v1/files/purge'), undefined);
    t.reconfigure(
      proxyConfigFrom(settings({ proxy: 'http://user:s3cret-pass@proxy.corp:3128', noProxy: ['imgix.com'] })),
    );
    assert.equal(t.proxyFor('https://api.imagekit.io/v1/files/purge'), 'http://proxy.corp:3128');
    assert.equal(t.proxyFor('https://api.imgix.com/api/v1/purge'), undefined);
    // The proxy's password is a secret from now on: redacted wherever the transport's users print.
    assert.ok(!t.redact('via http://user:s3cret-pass@proxy.corp:3128').includes('s3cret-pass'));
    assert.throws(
      () => t.reconfigure({ proxy: 'ftp://proxy.corp:21' }),
      (e: unknown) => e instanceof ProxyConfigError && /proxy setting/.test(e.message),
    );
    assert.equal(t.proxyFor('https://api.imagekit.io/v1/files/purge'), 'http://proxy.corp:3128');
    await t.close();
  });
});
