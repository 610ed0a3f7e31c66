// Checking a key when it is entered, without spending quota or purging anything (README "Key check"): the provider's
// `keyCheck` capability gives one read-only authenticated request and how to read its answer; this sends it and turns
// a connection that failed into "cannot tell" (the key is then kept: a proxy or a captive portal is no reason to
// throw a key away). The key never appears in what this returns: every server text is redacted first.

import type { HttpClient } from './http';
import { netWhy, type NetProblem } from './netErrors';
import type { KeyCheckAnswer, ProviderPlugin, Remedy } from './providers/types';
import { redact } from './redact';

/** How long a key check may take, in all: it runs while the user waits for the key to be stored. */
export const KEY_CHECK_TIMEOUT_MS = 10_000;

export interface KeyCheckResult extends KeyCheckAnswer {
  /** The request, in words (the provider's `describe`). */
  request: string;
  /** For `unknown` after a connection error: what fixes it, for the front end to word. */
  remedy?: Remedy;
  /** What a `works` does not prove (the provider's caveat). */
  caveat?: string;
}

/**
 * Checks `key` against `apiBase` with the provider's key check. Undefined when the provider has none. Never throws:
 * a failure to connect (or a request that cannot be built) is `unknown` with the reason.
 */
export async function checkKey(
  p: Pick<ProviderPlugin, 'id' | 'label' | 'keyCheck'>,
  apiBase: string,
  key: string,
  client: Pick<HttpClient, 'send'>,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<KeyCheckResult | undefined> {
  const kc = p.keyCheck;
  if (!kc) return undefined;
  const base = { request: kc.describe, ...(kc.caveat ? { caveat: kc.caveat } : {}) };
  const keys = [key];
  let spec;
  try {
    spec = kc.request(apiBase, key);
  } catch (e) {
    return {
      ...base,
      verdict: 'rejected',
      httpStatus: 0,
      reason: redact(e instanceof Error ? e.message : String(e), keys),
    };
  }
  try {
    const res = await client.send(spec, {
      lane: `${p.id} ${apiBase} key-check`,
      signal: options.signal,
      deadline: Date.now() + (options.timeoutMs ?? KEY_CHECK_TIMEOUT_MS),
    });
    const answer = kc.parse(res.status, res.body, res.headers, keys);
    return {
      ...base,
      ...answer,
      reason: redact(answer.reason, keys),
      ...(answer.message ? { message: redact(answer.message, keys) } : {}),
    };
  } catch (e) {
    const net = (e as { net?: NetProblem }).net;
    const why = net ? netWhy(net) : e instanceof Error ? e.message : String(e);
    return {
      ...base,
      verdict: 'unknown',
      httpStatus: 0,
      reason: redact(`could not reach ${safeHost(apiBase)}: ${why}`, keys),
      ...(net?.remedy ? { remedy: net.remedy } : {}),
    };
  }
}

function safeHost(apiBase: string): string {
  try {
    return new URL(apiBase).host;
  } catch {
    return apiBase;
  }
}
