import { fetchStatus, REQUEST_ID, waitForCompletion } from '../core/purge';
import { providers } from '../core/providers/registry';
import type { ProviderPlugin, StatusOutcome } from '../core/providers/types';
import { Transport } from '../core/transport';
import { apiAndKey, parse, positiveNumber, requireProvider, type Options } from './args';
import { choices, keyEnvWords, labels } from './help';
import { EXIT_FAILED, EXIT_OK, UsageError, writers, type CliIO } from './io';
import { hintFor } from './words';

export const STATUS_OPTIONS: Options = {
  provider: { type: 'string', short: 'p' },
  'api-base': { type: 'string' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  interval: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const hasStatus = (p: ProviderPlugin) => p.status !== undefined;

export function statusHelp(): string {
  return `cdn-purge status --provider ${choices(hasStatus)} [--api-base URL] [--wait] [--json] REQUEST_ID...

Shows the status of purge requests where the provider has a status API (${labels(hasStatus)}: ${providers()
    .filter(hasStatus)
    .map((p) => `${p.status?.pending} or ${p.status?.completed}`)
    .join('; ')}). Key: ${keyEnvWords(hasStatus)}.
  --wait               poll until every request is done
  --timeout S          give up after S seconds, whatever the server does (default 120)
  --interval S         seconds between polls (default 2)
  --api-base URL       API base (plain http only for a loopback host)
  --json               print {"results":[{"requestId","ok","status","httpStatus"}]}
${labels((p) => !hasStatus(p))} ${providers().filter((p) => !hasStatus(p)).length === 1 ? 'has' : 'have'} no status API: a 200 means received, not done; verify by fetching the asset again.
Exit status: 0 all known (and done, with --wait), 1 otherwise, 2 usage error.`;
}

export async function statusCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, STATUS_OPTIONS);
  const { out } = writers(io);
  if (values.help) {
    out(statusHelp());
    return EXIT_OK;
  }
  const adapter = requireProvider(values);
  if (!adapter.status)
    throw new UsageError(
      `${adapter.label} has no purge status API: a 200 means the purge was received. Verify by fetching the asset again.`,
    );
  if (positionals.length === 0)
    throw new UsageError('No request id given: pass the requestId values that purge printed.');
  const badId = positionals.find((id) => !REQUEST_ID.test(id));
  if (badId) throw new UsageError(`"${badId}" is not a request id (letters, digits, "-" and "_" only).`);
  const { apiBase, key } = apiAndKey(values, io, adapter);
  const timeoutMs = positiveNumber(values.timeout, '--timeout', 120) * 1000;
  const intervalMs = positiveNumber(values.interval, '--interval', 2) * 1000;
  const transport = new Transport({ api: { timeoutMs: Math.min(30_000, timeoutMs) } });
  transport.rememberKey(key);
  const opts = { adapter, apiBase, key, client: await transport.api(), signal: io.signal };
  let results: Array<StatusOutcome & { requestId: string; timedOut?: boolean }>;
  try {
    results = await Promise.all(
      positionals.map(async (requestId) => {
        const s = values.wait
          ? await waitForCompletion(requestId, { ...opts, timeoutMs, intervalMs })
          : await fetchStatus(requestId, opts);
        if (!values.json) {
          const timedOut = 'timedOut' in s && s.timedOut;
          const state = s.ok
            ? `${s.status}${timedOut ? ' (timed out waiting)' : ''}`
            : `FAIL ${s.httpStatus || ''} ${s.message ?? ''}${hintFor(adapter, s.hint, s.remedy) ? ` ${hintFor(adapter, s.hint, s.remedy)}` : ''}${timedOut ? ' (timed out waiting)' : ''}${s.supportId ? ` (support id: ${s.supportId})` : ''}`;
          out(`${requestId}  ${state}`);
        }
        return { requestId, ...s };
      }),
    );
  } finally {
    await transport.close();
  }
  if (values.json) {
    out(
      JSON.stringify(
        {
          results: results.map((r) => ({
            requestId: r.requestId,
            ok: r.ok,
            status: r.status ?? null,
            httpStatus: r.httpStatus || null,
            ...(r.message ? { message: r.message } : {}),
            ...(r.supportId ? { supportId: r.supportId } : {}),
            ...(r.timedOut ? { timedOut: true } : {}),
          })),
        },
        null,
        2,
      ),
    );
  }
  const good = results.every((r) => r.ok && (!values.wait || r.status === adapter.status?.completed));
  return good ? EXIT_OK : EXIT_FAILED;
}
