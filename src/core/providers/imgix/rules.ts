// imgix's rules for purge targets, from "Purging Assets" (README "imgix rules"): the asset's base path without
// parameters (derivatives go with it), percent-encoded, otherwise exact; no wildcards; sub-images need the Source id;
// the Video API exception.

import { MAX_ENDPOINTS, MAX_URL_LENGTH, tooManyEndpoints } from '../../limits';
import { problem, hasErrors, type Problem } from '../../problems';
import { encodeExact, hostNameProblem, parseUrl, urlTooLongMessage } from '../../url';
import type { Checker, ProviderConfig, TargetCheck } from '../types';

export const IMGIX_ID = 'imgix';
/** Problems the Source domains fix. */
const ENDPOINTS = { option: { provider: IMGIX_ID, name: 'endpoints' } };
/** Extensions of assets the Video API serves; purging does not reach them (a warning, not an error). */
export const VIDEO_EXTENSIONS = [
  'mp4',
  'm4v',
  'mov',
  'webm',
  'mkv',
  'avi',
  'wmv',
  'flv',
  'mpg',
  'mpeg',
  '3gp',
  'ogv',
  'm3u8',
  'mpd',
  'ts',
];
const SOURCE_ID = /^[0-9a-f]{24}$/i;

class ImgixChecker implements Checker {
  readonly provider = IMGIX_ID;
  readonly configProblems: Problem[] = [];
  private readonly hosts = new Set<string>();
  private readonly attributes: { sub_image?: boolean; source_id?: string } = {};

  constructor(config: ProviderConfig) {
    const all = config.endpoints ?? [];
    const tooMany = tooManyEndpoints(
      all.length,
      'imgix Source domains',
      'remove domains you no longer serve from.',
      ENDPOINTS,
    );
    if (tooMany) this.configProblems.push(tooMany);
    for (const raw of all.slice(0, MAX_ENDPOINTS)) {
      const p = parseUrl(raw.includes('://') ? raw : `https://${raw}`);
      if (!p.ok || p.url.rawPath !== '/' || p.url.rawQuery !== undefined) {
        this.configProblems.push(
          problem(
            'invalid-endpoint',
            'error',
            `The imgix Source domain "${raw}" must be a bare domain such as https://assets.imgix.net.`,
            ENDPOINTS,
          ),
        );
        continue;
      }
      const badHost = hostNameProblem(p.url.hostname);
      if (badHost) {
        this.configProblems.push(
          problem(
            'invalid-endpoint',
            'error',
            `The imgix Source domain "${raw}" is not a valid host name: ${badHost}.`,
            ENDPOINTS,
          ),
        );
        continue;
      }
      this.hosts.add(p.url.hostname);
    }
    if (config.subImage && !config.sourceId) {
      this.configProblems.push(
        problem(
          'imgix-sub-image-needs-source-id',
          'error',
          'A sub-image purge (sub_image: true) needs the Source id: set the imgix Source id.',
          { option: { provider: IMGIX_ID, name: 'sourceId' } },
        ),
      );
    }
    if (config.sourceId !== undefined && !SOURCE_ID.test(config.sourceId)) {
      this.configProblems.push(
        problem(
          'imgix-invalid-source-id',
          'error',
          `The imgix Source id "${config.sourceId}" is not 24 hexadecimal digits (e.g. 5ebee107e9c05c0001d9c2d3). Copy it from the Source's page in the imgix dashboard.`,
          { option: { provider: IMGIX_ID, name: 'sourceId' } },
        ),
      );
    }
    if (config.sourceId) this.attributes.source_id = config.sourceId;
    if (config.subImage) this.attributes.sub_image = true;
  }

  ownsHost(hostname: string): boolean {
    const h = hostname.toLowerCase();
    return this.hosts.has(h) || h.endsWith('.imgix.net');
  }

  check(rawInput: string): TargetCheck {
    const input = rawInput.trim();
    const parsed = parseUrl(rawInput);
    if (!parsed.ok) return { provider: IMGIX_ID, input, ok: false, kind: 'exact', problems: [parsed.problem] };
    const u = parsed.url;
    const problems: Problem[] = [...this.configProblems];
    const path = u.rawPath;
    const encoded = encodeExact(path);
    const normalized = u.origin + encoded;
    if (u.assumedScheme) {
      problems.push(
        problem('scheme-assumed', 'info', `The URL has no scheme, so https:// was assumed: ${normalized}.`, {
          fixes: [{ title: 'Write the URL with https://', replacement: normalized }],
        }),
      );
    }
    if (normalized.length > MAX_URL_LENGTH) {
      // Percent-encoding made it longer than a URL may be (each non-ASCII character takes 6 to 12).
      return {
        provider: IMGIX_ID,
        input,
        ok: false,
        kind: 'exact',
        problems: [problem('url-too-long', 'error', urlTooLongMessage(normalized.length))],
      };
    }
    const badHost = hostNameProblem(u.hostname);
    if (badHost) {
      // With no domains configured any host is taken for a custom domain, so it must at least be a host name.
      problems.push(
        problem(
          'invalid-url',
          'error',
          `"${u.hostname}" is not a valid imgix host name: ${badHost}. Check the URL for typos.`,
        ),
      );
    } else if (this.hosts.size > 0 && !this.hosts.has(u.hostname)) {
      problems.push(
        problem(
          'not-under-endpoint',
          'error',
          `${u.hostname} is not one of the configured imgix Source domains (${[...this.hosts].join(', ')}). Add it to the imgix Source domains, or fix the URL.`,
          ENDPOINTS,
        ),
      );
    }
    const star = path.indexOf('*');
    if (star >= 0) {
      const at = u.pathStart + star;
      problems.push(
        problem(
          'imgix-no-wildcard',
          'error',
          'imgix has no wildcard purge: every asset is purged by its exact path. Purge each asset URL, or, if the file name really contains "*", write it as %2A.',
          {
            start: at,
            end: at + 1,
            fixes: [
              {
                title: 'The "*" is part of the file name: encode it as %2A',
                replacement: u.origin + encoded.replace(/\*/g, '%2A'),
              },
            ],
          },
        ),
      );
    }
    if (path === '/') {
      problems.push(
        problem(
          'empty-path',
          'error',
          'The URL has no asset path. Give the path of the image on the Source, e.g. https://assets.imgix.net/dogs.png.',
        ),
      );
    }
    if (u.rawQuery !== undefined || u.rawFragment !== undefined) {
      const at = u.pathStart + path.length;
      problems.push(
        problem(
          'imgix-query-dropped',
          'info',
          'imgix purges the base path without parameters, and that purges every derivative (…?w=400 and the rest) with it; the parameters were dropped.',
          {
            start: at,
            end: u.input.length,
            fixes: [{ title: 'Purge the base path (drop the parameters)', replacement: normalized, preferred: true }],
          },
        ),
      );
    }
    if (encoded !== path) {
      problems.push(
        problem(
          'url-encoded',
          'info',
          'imgix purges the exact path, percent-encoded: unsafe characters were encoded (a space becomes %20; "+" stays "+" and is a different path).',
          {
            fixes: [{ title: 'Use the percent-encoded URL', replacement: normalized, preferred: true }],
          },
        ),
      );
    }
    const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
    if (ext && VIDEO_EXTENSIONS.includes(ext)) {
      problems.push(
        problem(
          'imgix-video-api',
          'warning',
          `If this .${ext} is served by imgix's Video API, purging will not remove it: remove it from the Origin (gone within 72 hours, sooner with the Management API's refresh), or ask support@imgix.com for a DMCA takedown.`,
        ),
      );
    }
    const attributes = Object.keys(this.attributes).length ? { ...this.attributes } : undefined;
    return {
      provider: IMGIX_ID,
      input,
      ok: !hasErrors(problems),
      normalized,
      kind: 'exact',
      problems,
      account: u.hostname,
      attributes,
    };
  }
}

/** The checker of imgix purge targets for a configuration. */
export function imgixChecker(config: ProviderConfig): Checker {
  return new ImgixChecker(config);
}
