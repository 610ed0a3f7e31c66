// ImageKit's rules for purge targets, from the "Purge cache API" document (README "ImageKit rules"): URL endpoints
// (ik.imagekit.io/<imagekitId>[/<pattern>] and custom domains), one "*" at the very end, the three conditions a
// wildcard must meet (counted after the imagekitId and URL pattern), and the refused media/catalog/ and s/files/.

import { EndpointIndex } from '../../endpointIndex';
import { describeCount, MAX_ENDPOINTS, MAX_URL_LENGTH, tooManyEndpoints } from '../../limits';
import { problem, hasErrors, type Fix, type Problem } from '../../problems';
import { decodeLoose, encodeExact, parseUrl, urlTooLongMessage, type ParsedUrl } from '../../url';
import type { Checker, ProviderConfig, TargetCheck } from '../types';

export const IMAGEKIT_ID = 'imagekit';
/** Problems the URL endpoints fix. */
const ENDPOINTS = { option: { provider: IMAGEKIT_ID, name: 'endpoints' } };
export const IMAGEKIT_HOST = 'ik.imagekit.io';
/** Wildcards over these paths are refused whatever else holds (the seed's "unconditionally not supported"). */
export const IMAGEKIT_REFUSED_WILDCARDS = ['media/catalog/', 's/files/'] as const;
export const MIN_WILDCARD_LEVELS = 2;
export const MIN_WILDCARD_CHARS = 15;

export interface ImageKitEndpoint {
  /** As configured. */
  raw: string;
  /** host[:port], lower case; the scheme does not matter for matching. */
  hostKey: string;
  /** Encoded path without a trailing slash: '' for a custom domain's root, '/demo', '/demo/pattern'. */
  basePath: string;
  imagekitId?: string;
  /** The URL pattern path after the imagekitId (ik.imagekit.io) or the whole path (custom domain). */
  pattern: string;
}

export function parseImageKitEndpoint(
  raw: string,
): { ok: true; endpoint: ImageKitEndpoint } | { ok: false; problem: Problem } {
  const parsed = parseUrl(raw);
  const bad = (why: string) =>
    ({
      ok: false,
      problem: problem('invalid-endpoint', 'error', `The ImageKit endpoint "${raw.trim()}" ${why}`, ENDPOINTS),
    }) as const;
  if (!parsed.ok) return bad(`is not a URL: ${parsed.problem.message}`);
  const u = parsed.url;
  if (u.rawQuery !== undefined || u.rawFragment !== undefined)
    return bad(
      'must not have a query or fragment: use https://ik.imagekit.io/<imagekitId>[/<pattern>] or https://your.domain[/<pattern>].',
    );
  if (u.rawPath.includes('*')) return bad('must not contain "*": an endpoint is a fixed URL prefix.');
  const segments = encodeExact(u.rawPath)
    .split('/')
    .filter((s) => s !== '');
  const hostKey = hostKeyOf(u);
  if (u.hostname === IMAGEKIT_HOST) {
    if (segments.length === 0) return bad('needs the imagekitId: https://ik.imagekit.io/<imagekitId>.');
    const [imagekitId, ...pattern] = segments;
    return {
      ok: true,
      endpoint: {
        raw: raw.trim(),
        hostKey,
        basePath: `/${segments.join('/')}`,
        imagekitId,
        pattern: pattern.join('/'),
      },
    };
  }
  return {
    ok: true,
    endpoint: {
      raw: raw.trim(),
      hostKey,
      basePath: segments.length ? `/${segments.join('/')}` : '',
      pattern: segments.join('/'),
    },
  };
}

/**
 * The length in the path as written of the endpoint's base path (which is percent-encoded): its segments are the
 * path's first segments, so this is where the path's next segment starts. Offsets of problems are in the input.
 */
function rawPrefixLength(rawPath: string, basePath: string): number {
  const segments = basePath === '' ? 0 : basePath.split('/').length - 1;
  let at = 0;
  for (let i = 0; i < segments; i++) {
    const next = rawPath.indexOf('/', at + 1);
    if (next === -1) return rawPath.length;
    at = next;
  }
  return at;
}

function hostKeyOf(u: ParsedUrl): string {
  return u.port ? `${u.hostname}:${u.port}` : u.hostname;
}

/** The verdict of the wildcard rules on the path counted (after the imagekitId and URL pattern, before `*`). */
export interface WildcardVerdict {
  levels: number;
  chars: number;
  isFilePath: boolean;
  broadEnough: boolean;
  /** The refused prefix this wildcard would cover, if any. */
  refused?: string;
}

const FILE_NAME = /^.+\.([A-Za-z0-9]{1,10})$/;

/**
 * Applies the seed's three conditions to the counted path (encoded, without leading slash, `*` removed):
 * at least two levels of nesting, or at least 15 characters, or a complete file path with an extension; and
 * whether it covers all of a refused path (only the counted path can: with a URL pattern in front, a path inside
 * media/catalog/ or s/files/ is one level and short, so too broad already).
 */
export function judgeWildcard(counted: string): WildcardVerdict {
  const decoded = decodeLoose(counted);
  const segments = decoded.split('/').filter((s) => s !== '');
  const dir = decoded.replace(/\/+$/, '');
  const chars = [...dir].length;
  const last = decoded.endsWith('/') ? '' : (segments[segments.length - 1] ?? '');
  const ext = FILE_NAME.exec(last)?.[1];
  const isFilePath = ext !== undefined && /[A-Za-z]/.test(ext);
  const levels = segments.length;
  const broadEnough = levels >= MIN_WILDCARD_LEVELS || chars >= MIN_WILDCARD_CHARS || isFilePath;
  const lower = decoded.toLowerCase();
  const refused = IMAGEKIT_REFUSED_WILDCARDS.find((r) => lower !== '' && r.startsWith(lower));
  return { levels, chars, isFilePath, broadEnough, refused };
}

class ImageKitChecker implements Checker {
  readonly provider = IMAGEKIT_ID;
  readonly configProblems: Problem[] = [];
  private readonly endpoints: ImageKitEndpoint[] = [];
  /** By host, then the longest base path: a lookup does not grow with the number of endpoints. */
  private readonly index = new EndpointIndex<ImageKitEndpoint>();
  private readonly ids = new Set<string>();
  private readonly hosts = new Set<string>([IMAGEKIT_HOST]);

  constructor(config: ProviderConfig) {
    const all = config.endpoints ?? [];
    const tooMany = tooManyEndpoints(
      all.length,
      'ImageKit endpoints',
      'remove endpoints you no longer serve from.',
      ENDPOINTS,
    );
    if (tooMany) this.configProblems.push(tooMany);
    for (const raw of all.slice(0, MAX_ENDPOINTS)) {
      const r = parseImageKitEndpoint(raw);
      if (!r.ok) {
        this.configProblems.push(r.problem);
        continue;
      }
      this.endpoints.push(r.endpoint);
      this.index.add(r.endpoint);
      if (r.endpoint.imagekitId) this.ids.add(r.endpoint.imagekitId);
      this.hosts.add(r.endpoint.hostKey.replace(/:\d+$/, ''));
    }
  }

  /** Map lookups the endpoint index has made (for tests of its cost). */
  get indexProbes(): number {
    return this.index.probes;
  }

  ownsHost(hostname: string): boolean {
    return this.hosts.has(hostname.toLowerCase());
  }

  private resolve(u: ParsedUrl, path: string): ImageKitEndpoint | undefined {
    const hostKey = hostKeyOf(u);
    // The longest base path wins, so a URL pattern endpoint wins over the account's default endpoint.
    const configured = this.index.find(hostKey, path);
    if (configured) return configured;
    if (u.hostname !== IMAGEKIT_HOST || u.port) return undefined;
    // Every ImageKit account has its default endpoint https://ik.imagekit.io/<imagekitId>.
    const id = path.split('/')[1];
    if (!id || (this.ids.size > 0 && !this.ids.has(id))) return undefined;
    return { raw: `https://${IMAGEKIT_HOST}/${id}`, hostKey, basePath: `/${id}`, imagekitId: id, pattern: '' };
  }

  check(rawInput: string): TargetCheck {
    const parsed = parseUrl(rawInput);
    const input = rawInput.trim();
    if (!parsed.ok) {
      return {
        provider: IMAGEKIT_ID,
        input,
        ok: false,
        kind: input.includes('*') ? 'wildcard' : 'exact',
        problems: [parsed.problem],
      };
    }
    const u = parsed.url;
    const problems: Problem[] = [];
    const path = u.rawPath;
    const query = u.rawQuery === '' ? undefined : u.rawQuery;
    const star = path.indexOf('*');
    const kind = star >= 0 || (query ?? '').includes('*') ? 'wildcard' : 'exact';
    const encodedPath = encodeExact(path);
    const withoutFragment = u.origin + encodedPath + (query !== undefined ? `?${encodeExact(query)}` : '');
    if (withoutFragment.length > MAX_URL_LENGTH) {
      // Percent-encoding made it longer than a URL may be (each non-ASCII character takes 6 to 12).
      return {
        provider: IMAGEKIT_ID,
        input,
        ok: false,
        kind,
        problems: [problem('url-too-long', 'error', urlTooLongMessage(withoutFragment.length))],
      };
    }

    if (u.assumedScheme) {
      problems.push(
        problem('scheme-assumed', 'info', `The URL has no scheme, so https:// was assumed: ${withoutFragment}.`, {
          fixes: [{ title: 'Write the URL with https://', replacement: withoutFragment }],
        }),
      );
    }
    if (u.rawFragment !== undefined) {
      problems.push(
        problem(
          'fragment-dropped',
          'info',
          'The #fragment is never sent to the CDN, so it is not part of the purge URL; it was dropped.',
        ),
      );
    }
    if (kind === 'wildcard' && query !== undefined) {
      const at = u.pathStart + path.length;
      problems.push(
        problem(
          'wildcard-query',
          'error',
          'A wildcard purge cannot have a query string: "*" must be the last character of the URL. Drop the query; the wildcard already covers every transformation of the files it matches.',
          {
            start: at,
            end: at + 1 + (u.rawQuery ?? '').length,
            fixes: this.fixes([
              { title: 'Drop the query string', replacement: u.origin + encodedPath, preferred: true },
            ]),
          },
        ),
      );
    }
    if (star >= 0 && star !== path.length - 1) {
      const at = u.pathStart + star;
      problems.push(
        problem(
          'wildcard-not-at-end',
          'error',
          'ImageKit accepts one "*" only, at the very end of the URL (/folder/*/sample.jpg is not supported). Cut the URL after the first "*", or remove the "*" to purge one file.',
          {
            start: at,
            end: at + 1,
            fixes: this.fixes([
              {
                title: 'Purge everything up to the first "*"',
                replacement: u.origin + encodeExact(path.slice(0, star + 1)),
                preferred: true,
              },
              {
                title: 'Remove the "*" (purge one exact URL)',
                replacement: u.origin + encodeExact(path.replace(/\*/g, '')),
              },
            ]),
          },
        ),
      );
    }
    const matchPath = star === path.length - 1 ? encodedPath.slice(0, -1) : encodedPath.replace(/\*/g, '');
    const endpoint = this.resolve(u, matchPath);
    if (!endpoint) {
      problems.push(
        problem('not-under-endpoint', 'error', this.notUnderMessage(u), {
          // Adding an endpoint fixes it, except for an ik.imagekit.io URL without an imagekitId.
          ...(this.endpoints.length === 0 && u.hostname === IMAGEKIT_HOST ? {} : ENDPOINTS),
        }),
      );
      return { provider: IMAGEKIT_ID, input, ok: false, normalized: withoutFragment, kind, problems };
    }
    const base = `${u.origin}${endpoint.basePath}`;
    const counted = matchPath.slice(endpoint.basePath.length).replace(/^\//, '');
    if (kind === 'exact' && counted === '') {
      problems.push(
        problem(
          'empty-path',
          'error',
          `The URL is the endpoint ${base} itself, not a file. Add the file path, or end it with a wildcard over a narrower folder.`,
        ),
      );
    }
    if (kind === 'wildcard' && !hasErrors(problems)) {
      const v = judgeWildcard(counted);
      const star0 = u.pathStart + star;
      // Both wildcard rules judge the path counted after the imagekitId and URL pattern: that is what is underlined.
      const countedStart = u.pathStart + rawPrefixLength(path.slice(0, star), endpoint.basePath);
      if (!v.broadEnough) {
        problems.push(
          problem(
            'wildcard-too-broad',
            'error',
            `This wildcard is too broad for ImageKit. The path before "*", counted after the imagekitId and URL pattern, is "${decodeLoose(counted)}": ${v.levels} level${v.levels === 1 ? '' : 's'}, ${v.chars} character${v.chars === 1 ? '' : 's'}, no file extension. It needs at least ${MIN_WILDCARD_LEVELS} levels (images/upload*), or at least ${MIN_WILDCARD_CHARS} characters, or a complete file name (sample.jpg*). Narrow it, or purge the exact URLs.`,
            { start: countedStart, end: star0 + 1 },
          ),
        );
      } else if (v.refused) {
        problems.push(
          problem(
            'wildcard-path-unsupported',
            'error',
            `ImageKit never accepts a wildcard that covers ${v.refused}* (media/catalog/* and s/files/* are refused). Purge exact URLs or a narrower wildcard below it (e.g. ${v.refused}product/…*), or ask support@imagekit.io.`,
            { start: countedStart, end: star0 + 1 },
          ),
        );
      }
    }
    if (encodedPath !== path || (query !== undefined && encodeExact(query) !== query)) {
      problems.push(
        problem(
          'url-encoded',
          'info',
          'Unsafe characters were percent-encoded (a space becomes %20); that encoded URL is what gets purged.',
          {
            fixes: [{ title: 'Use the percent-encoded URL', replacement: withoutFragment, preferred: true }],
          },
        ),
      );
    }
    return {
      provider: IMAGEKIT_ID,
      input,
      ok: !hasErrors(problems),
      normalized: withoutFragment,
      kind,
      problems,
      base,
      account: endpoint.imagekitId ?? endpoint.hostKey,
    };
  }

  /** Keeps only the fixes whose result is itself a valid target. */
  private fixes(candidates: Fix[]): Fix[] {
    return candidates.filter((f) => this.check(f.replacement).ok);
  }

  private notUnderMessage(u: ParsedUrl): string {
    if (this.endpoints.length === 0) {
      return u.hostname === IMAGEKIT_HOST
        ? 'The URL has no imagekitId: it must look like https://ik.imagekit.io/<imagekitId>/path/file.jpg.'
        : `${u.hostname} is not an ImageKit URL endpoint. Add it to the ImageKit URL endpoints.`;
    }
    const shown = this.endpoints.slice(0, 5).map((e) => e.raw);
    const list =
      this.endpoints.length > shown.length
        ? `${shown.join(', ')} and ${describeCount(this.endpoints.length - shown.length)} more`
        : shown.join(', ');
    return `The URL is not under a configured ImageKit endpoint (${list}). Add its endpoint to the ImageKit URL endpoints, or fix the URL.`;
  }
}

/** The checker of ImageKit purge targets for a configuration. */
export function imagekitChecker(config: ProviderConfig): Checker {
  return new ImageKitChecker(config);
}
