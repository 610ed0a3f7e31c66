// `cdn-purge.json` at a repository's root: the providers' endpoints and the path → URL mappings. Read by the
// CLI (`--from-git`) and by the extension (merged under its settings).
//
// {
//   "imagekit": { "endpoints": ["https://ik.imagekit.io/demo"] },
//   "imgix": { "domains": ["https://assets.imgix.net"], "sourceId": "5ebee107e9c05c0001d9c2d3" },
//   "mappings": [{ "glob": "public/images/**", "url": "https://ik.imagekit.io/demo/images/", "provider": "imagekit" }]
// }

import { describeBytes, MAX_CONFIG_BYTES } from './limits';
import type { MappingRule } from './mapping';
import { isRecord, type ProviderConfig, type ProviderId } from './provider';

export const PROJECT_CONFIG_FILE = 'cdn-purge.json';

export interface ProjectConfig {
  imagekit: { endpoints: string[] };
  imgix: { domains: string[]; sourceId?: string; subImage?: boolean };
  mappings: MappingRule[];
}

export function emptyProjectConfig(): ProjectConfig {
  return { imagekit: { endpoints: [] }, imgix: { domains: [] }, mappings: [] };
}

function strings(v: unknown, where: string, errors: string[]): string[] {
  if (v === undefined) return [];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  errors.push(`${where} must be a list of URLs (strings).`);
  return [];
}

export function parseProjectConfig(
  text: string,
  file = PROJECT_CONFIG_FILE,
): { config: ProjectConfig; errors: string[] } {
  const errors: string[] = [];
  const config = emptyProjectConfig();
  // Counted in UTF-16 units first, so a huge string is not walked to count its bytes.
  if (text.length > MAX_CONFIG_BYTES || Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES)
    return { config, errors: [configTooLarge(file)] };
  let json: unknown;
  try {
    // Editors on Windows save UTF-8 with a byte order mark; JSON.parse refuses it, which made the file ignored.
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return { config, errors: [`${file} is not valid JSON (${(e as Error).message}). Fix the syntax.`] };
  }
  if (!isRecord(json))
    return { config, errors: [`${file} must hold a JSON object with "imagekit", "imgix" and "mappings".`] };
  const known = new Set(['$schema', 'imagekit', 'imgix', 'mappings']);
  for (const k of Object.keys(json))
    if (!known.has(k)) errors.push(`${file}: unknown key "${k}" (known: imagekit, imgix, mappings).`);
  if (json.imagekit !== undefined) {
    if (!isRecord(json.imagekit)) errors.push(`${file}: "imagekit" must be an object like {"endpoints": [...]}.`);
    else config.imagekit.endpoints = strings(json.imagekit.endpoints, `${file}: imagekit.endpoints`, errors);
  }
  if (json.imgix !== undefined) {
    if (!isRecord(json.imgix)) errors.push(`${file}: "imgix" must be an object like {"domains": [...]}.`);
    else {
      config.imgix.domains = strings(json.imgix.domains, `${file}: imgix.domains`, errors);
      if (json.imgix.sourceId !== undefined) {
        if (typeof json.imgix.sourceId === 'string') config.imgix.sourceId = json.imgix.sourceId;
        else errors.push(`${file}: imgix.sourceId must be a string.`);
      }
      if (json.imgix.subImage !== undefined) {
        if (typeof json.imgix.subImage === 'boolean') config.imgix.subImage = json.imgix.subImage;
        else errors.push(`${file}: imgix.subImage must be true or false.`);
      }
    }
  }
  if (json.mappings !== undefined) {
    if (!Array.isArray(json.mappings)) errors.push(`${file}: "mappings" must be a list of {"glob", "url"} objects.`);
    else config.mappings = json.mappings.filter(isRecord) as unknown as MappingRule[];
  }
  return { config, errors };
}

export function configTooLarge(file: string): string {
  return `${file} is larger than ${describeBytes(MAX_CONFIG_BYTES)} (limit: cdn-purge.json size), so it was not read. It holds endpoints and mappings only: use ** globs and {a,b} instead of listing files.`;
}

export function providerConfigFrom(project: ProjectConfig, provider: ProviderId): ProviderConfig {
  return provider === 'imagekit'
    ? { endpoints: project.imagekit.endpoints }
    : { endpoints: project.imgix.domains, sourceId: project.imgix.sourceId, subImage: project.imgix.subImage };
}
