// The generated assets: a small SVG image whose bytes depend only on the URL and the origin version, so a purge
// that lets a new version through changes the bytes and the ETag. The picture shows the path and the version in
// large type, which is what makes a demo readable.

import { createHash } from 'node:crypto';
import { decodeLoose } from '../core/url';

export interface RenderedAsset {
  body: Buffer;
  etag: string;
  contentType: string;
}

function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

function clip(s: string, max: number): string {
  return s.length > max ? `...${s.slice(-(max - 3))}` : s;
}

export function renderAsset(url: string, version: number): RenderedAsset {
  const digest = createHash('sha256').update(`${url}\n${version}`).digest('hex');
  const hue = (parseInt(digest.slice(0, 4), 16) % 12) * 30;
  const u = new URL(url);
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="180" viewBox="0 0 320 180">' +
    `<rect width="320" height="180" fill="hsl(${hue},70%,45%)"/>` +
    `<text x="16" y="36" font-family="sans-serif" font-size="14" fill="#fff">${escapeXml(clip(u.host, 40))}</text>` +
    `<text x="16" y="60" font-family="sans-serif" font-size="14" fill="#fff">${escapeXml(clip(decodeLoose(u.pathname + u.search), 40))}</text>` +
    `<text x="16" y="140" font-family="sans-serif" font-size="48" font-weight="bold" fill="#fff">v${version}</text>` +
    '</svg>\n';
  return { body: Buffer.from(svg, 'utf8'), etag: `"${digest.slice(0, 32)}"`, contentType: 'image/svg+xml' };
}
