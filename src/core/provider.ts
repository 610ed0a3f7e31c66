// Compatibility only: the provider types moved to ./providers/types.ts, the helpers to ./providers/wire.ts and the
// list of providers to ./providers/registry.ts. Kept for importers in src/host and src/commands until they import
// from there; nothing in src/core, src/cli or src/emulator uses this file. Delete it when nothing imports it.
export type {
  Checker,
  HttpRequestSpec,
  ProviderConfig,
  ProviderId,
  ProviderPlugin,
  ProviderPlugin as ProviderAdapter,
  PurgeAnswer as PurgeOutcome,
  PurgeStatus,
  RateLimitHint,
  ResponseHeaders,
  StatusOutcome,
  TargetCheck,
  TrafficRules,
} from './providers/types';
export { isProviderId } from './providers/registry';
export { isRecord, parseJson } from './json';
