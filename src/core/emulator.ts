// "Is this the local emulator?", answered in one place: an API base on loopback is the emulator (plain http is allowed
// only there, and the emulator binds only there). What follows from it: the emulator's own key slot (a real key is
// never sent to it), its own quota counter (its purges never count against a real account), verification against its
// CDN, and what GET /_emulator/info tells.

import type { HttpClient } from './http';
import { isRecord, parseJson } from './json';
import type { ProviderId } from './providers/types';
import { EMULATOR_QUOTA_PREFIX } from './quota';
import { checkApiBase, type ApiBase } from './url';

/** Which stored key a request uses: the real one, or the emulator's test key. */
export type KeySlot = 'real' | 'emulator';

/** True when a checked API base is the local emulator. */
export function isEmulator(api: ApiBase): boolean {
  return api.loopback;
}

/** The emulator's base of an API base as stored (e.g. a history batch's), or undefined for a real API or none. */
export function emulatorBaseOf(apiBase: string | undefined): string | undefined {
  const r = apiBase ? checkApiBase(apiBase) : undefined;
  return r?.ok && isEmulator(r.api) ? r.api.base : undefined;
}

export function keySlotOf(api: ApiBase): KeySlot {
  return isEmulator(api) ? 'emulator' : 'real';
}

/** The quota counter prefix of an API base: the emulator's purges are counted apart. */
export function quotaPrefixOf(api: ApiBase): string {
  return isEmulator(api) ? EMULATOR_QUOTA_PREFIX : '';
}

/** How a history or a message names where purges went: "api.imagekit.io", "emulator 127.0.0.1:8787". */
export function apiTargetLabel(api: ApiBase): string {
  const host = new URL(api.base).host;
  return isEmulator(api) ? `emulator ${host}` : host;
}

/** `default`: the documented test key is accepted (and shown); `custom`: a given key (never shown). */
export type KeyKind = 'default' | 'custom';

/** What GET /_emulator/info tells about one emulated provider (README "Emulator reference" has the rest). */
export interface EmulatedProviderInfo {
  key: KeyKind;
  /** The default test key, only when it is the one accepted. */
  testKey?: string;
  apiBase: string;
  /** "POST /v1/files/purge". */
  purge: string;
  /** "GET /v1/files/purge/{requestId}", where there is a status API. */
  status?: string;
  /** Its settings in a phrase, for the emulator's banner ("status delay 2000 ms, quota 1000 a month"). */
  summary: string;
  [detail: string]: unknown;
}

/**
 * GET /_emulator/info: the emulator, its port, and one entry per emulated provider under the provider's id (e.g.
 * info.imagekit.testKey). The one type of it: the emulator builds it, the extension and the CLI read it.
 */
export interface EmulatorInfo {
  emulator: 'cdn-purge';
  url: string;
  host: string;
  port: number;
  /** The ids of the providers it emulates, in order (an emulator before issue 10 did not send it). */
  providers?: ProviderId[];
  keys: Record<ProviderId, KeyKind>;
  cdn: { assets: string; example: string };
  control: readonly string[];
  latencyMs: number;
  rate: Record<ProviderId, { limit: number; intervalMs: number }>;
  seed: number | null;
  faultsPending: number;
  [provider: string]: unknown;
}

/** One emulated provider's entry of an info document, when it has one. */
export function emulatedProvider(info: EmulatorInfo, id: ProviderId): EmulatedProviderInfo | undefined {
  const v = info[id];
  return isRecord(v) && typeof v.apiBase === 'string' ? (v as EmulatedProviderInfo) : undefined;
}

/** Asks GET /_emulator/info at `base`; undefined when no CDN Purge emulator answers there. */
export async function probeEmulator(client: HttpClient, base: string): Promise<EmulatorInfo | undefined> {
  try {
    const res = await client.send(
      { method: 'GET', url: `${base}/_emulator/info`, headers: { accept: 'application/json' } },
      { lane: 'emulator' },
    );
    if (res.status !== 200) return undefined;
    const info = parseJson(res.body);
    return isRecord(info) && info.emulator === 'cdn-purge' ? (info as EmulatorInfo) : undefined;
  } catch {
    return undefined;
  }
}
