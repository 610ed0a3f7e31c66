// What an emulated provider API is (the interfaces its plugin implements); the registry of them is apis.ts.

import type { EmulatedProviderInfo } from '../core/emulator';
import type { ProviderId } from '../core/providers/types';
import type { Cdn } from './cdn';
import type { AuthState, EmuRequest, Reply } from './http';
import type { KeySetting, ResolvedOptions } from './options';
import type { RateLimit } from './rate';

export interface EmulatedApi {
  /** The provider id (the core plugin's), also the name of its log entries and its fault `match.provider`. */
  readonly id: ProviderId;
  /** The key it accepts. */
  readonly key: KeySetting;
  /** The media type of its JSON answers (injected faults use it). */
  readonly contentType: string;
  /** A body that starts like one of its answers and is cut off (the `malformed` fault). */
  readonly malformedBody: string;
  /** Its rate-limit buckets (one window each), by name. */
  readonly buckets: Readonly<Record<string, RateLimit>>;
  /** True when the request path belongs to this API. */
  owns(path: string): boolean;
  auth(req: EmuRequest): AuthState;
  /** The bucket a request of this API counts against. */
  bucket(req: EmuRequest): string;
  /** The answer when the rate limiter refuses a request (its headers are the limiter's). */
  rateLimited(headers: Record<string, string>): Reply;
  handle(req: EmuRequest, auth: AuthState): Reply;
  /** An error in this provider's own shape. */
  error(status: number, message: string, headers?: Record<string, string>): Reply;
  /** Puts a support id on an answer where the provider puts one (ImageKit: a header; imgix: each error's `id`). */
  withSupportId(reply: Reply, id: string): Reply;
  /** Its entry in GET /_emulator/info (apiBase is the emulator's URL). */
  info(apiBase: string): EmulatedProviderInfo;
  /** Its limit, for GET /_emulator/info's `rate`. */
  rateInfo(): { limit: number; intervalMs: number };
  /** Forgets purges, counters and duplicates (POST /_emulator/reset). */
  reset(): void;
}

/** Makes a provider's emulated API for one emulator instance. */
export interface EmulatedProvider {
  readonly id: ProviderId;
  create(options: ResolvedOptions, cdn: Cdn): EmulatedApi;
}
