// The peers of the purge rows: the loops users write around the official SDKs and fetch, each run as its own
// process by bench.ts (as our CLI is), so wall time and peak memory are measured the same way for every client.
//
//   node -r out/bench/guard.js out/bench/clients.js <client> <apiBase> <urls-file>
//
// Prints one JSON line: how many purges the client itself saw succeed and fail. Nothing here paces or retries
// beyond what each SDK does by default: that is the point of the comparison.

/* eslint-disable @typescript-eslint/no-require-imports */
import fs from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';

export const KEY = 'private_emulator_test_key_imagekit';
export const IX_KEY = 'emulator_test_key_imgix';

export const PEERS = {
  'imagekit-nodejs-plimit8': '@imagekit/nodejs 7.11, p-limit(8)',
  'imagekit-nodejs-defaults': '@imagekit/nodejs 7.11, defaults (timeout, retries), all at once',
  'imagekit6-plimit8': 'imagekit 6.0, p-limit(8)',
  'fetch-imagekit-plimit8': 'fetch, p-limit(8)',
  'imgix-mjs-loop': 'imgix-management-js 1.3, sequential loop',
  'fetch-imgix-plimit8': 'fetch, p-limit(8)',
} as const;
export type PeerId = keyof typeof PEERS;

type Purge = (url: string) => Promise<unknown>;

function imagekitNode(apiBase: string): Purge {
  const { default: ImageKit } = require('@imagekit/nodejs');
  const sdk = new ImageKit({ privateKey: KEY, baseURL: apiBase });
  return (url) => sdk.cache.invalidation.create({ url });
}

function imagekit6(apiBase: string): Purge {
  // imagekit 6 has no base-URL option: its axios gets an interceptor that sends api.imagekit.io to the emulator.
  const axios = require(require.resolve('axios', { paths: [path.dirname(require.resolve('imagekit'))] }));
  axios.interceptors.request.use((c: { url?: string }) => ({
    ...c,
    url: c.url?.replace('https://api.imagekit.io', apiBase),
  }));
  const ImageKit = require('imagekit');
  const sdk = new ImageKit({ publicKey: 'public_bench', privateKey: KEY, urlEndpoint: 'https://ik.imagekit.io/demo' });
  return (url) => sdk.purgeCache(url);
}

function imgixMjs(apiBase: string): Purge {
  // imgix-management-js has no base-URL option either: its fetch wrapper is pointed at the emulator.
  const wrapper = require('imgix-management-js/src/fetch-wrapper');
  const real = wrapper.fetch;
  wrapper.fetch = (url: string, init: unknown) => real(url.replace('https://api.imgix.com', apiBase), init);
  const ImgixAPI = require('imgix-management-js');
  const api = new ImgixAPI({ apiKey: IX_KEY });
  return (url) => api.request('purge', { method: 'POST', body: { data: { attributes: { url }, type: 'purges' } } });
}

function fetchPurge(apiBase: string, imagekitApi: boolean): Purge {
  return async (url) => {
    const res = await fetch(imagekitApi ? `${apiBase}/v1/files/purge` : `${apiBase}/api/v1/purge`, {
      method: 'POST',
      headers: imagekitApi
        ? { authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`, 'content-type': 'application/json' }
        : { authorization: `Bearer ${IX_KEY}`, 'content-type': 'application/vnd.api+json' },
      body: JSON.stringify(imagekitApi ? { url } : { data: { type: 'purges', attributes: { url } } }),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(String(res.status));
  };
}

async function run(peer: PeerId, apiBase: string, urls: string[]): Promise<{ ok: number; failed: number }> {
  let ok = 0;
  let failed = 0;
  const one = (p: Purge) => (u: string) =>
    p(u).then(
      () => void ok++,
      () => void failed++,
    );
  const limited = async (p: Purge, n: number) => {
    const limit = pLimit(n);
    await Promise.all(urls.map((u) => limit(() => one(p)(u))));
  };
  switch (peer) {
    case 'imagekit-nodejs-plimit8':
      await limited(imagekitNode(apiBase), 8);
      break;
    case 'imagekit-nodejs-defaults':
      await Promise.all(urls.map(one(imagekitNode(apiBase))));
      break;
    case 'imagekit6-plimit8':
      await limited(imagekit6(apiBase), 8);
      break;
    case 'fetch-imagekit-plimit8':
      await limited(fetchPurge(apiBase, true), 8);
      break;
    case 'imgix-mjs-loop': {
      const p = one(imgixMjs(apiBase));
      for (const u of urls) await p(u);
      break;
    }
    case 'fetch-imgix-plimit8':
      await limited(fetchPurge(apiBase, false), 8);
      break;
  }
  return { ok, failed };
}

if (require.main === module) {
  const [peer, apiBase, file] = process.argv.slice(2);
  if (!(peer in PEERS) || !apiBase || !file) {
    process.stderr.write(`usage: clients.js <${Object.keys(PEERS).join('|')}> <apiBase> <urls-file>\n`);
    process.exit(2);
  }
  const urls = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  run(peer as PeerId, apiBase, urls).then(
    (r) => {
      process.stdout.write(JSON.stringify(r) + '\n');
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`${String(e)}\n`);
      process.exit(1);
    },
  );
}
