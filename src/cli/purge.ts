import path from 'node:path';
import { runPurge, type PurgeOutcome, type PurgeSummary } from '../core/pipeline';
import { providers } from '../core/providers/registry';
import { doneBy, type ProviderPlugin } from '../core/providers/types';
import type { PurgeResult } from '../core/purge';
import { Transport } from '../core/transport';
import { apiAndKey, nonNegativeNumber, parse, positiveInt, positiveNumber, type Options } from './args';
import { checkJson, problemLine } from './check';
import { apiBaseWords, choices, choiceWords, endpointWords, keyEnvWords, labels, optionLines } from './help';
import { inventoryHelp, inventoryLines } from './inventory';
import { EXIT_FAILED, EXIT_OK, writers, type CliIO } from './io';
import { PLAN_OPTIONS, planInputs, planJson, planOf, printPlan } from './plan';
import { JsonFileQuotaStore, stateDir } from './state';
import { hintFor } from './words';

export const PURGE_OPTIONS: Options = {
  ...PLAN_OPTIONS,
  'api-base': { type: 'string' },
  'dry-run': { type: 'boolean' },
  concurrency: { type: 'string' },
  rate: { type: 'string' },
  timeout: { type: 'string' },
  'connect-timeout': { type: 'string' },
  'ignore-quota': { type: 'boolean' },
};

export function purgeHelp(): string {
  const wildcards = (p: ProviderPlugin) => p.wildcards;
  const quota = providers().filter((p) => p.monthlyQuota !== undefined);
  const documented = providers().filter((p) => p.traffic.documentedPurgeRate !== undefined);
  const headers = providers().filter(
    (p) => p.traffic.documentedPurgeRate === undefined && p.traffic.rateHeadersOnEveryResponse,
  );
  return `cdn-purge purge --provider ${choices()} [--endpoint URL]... [--api-base URL] [--json] [--dry-run]
                [--coalesce[=N]] [--from-git [REF]] [--inventory FILE [--max-collateral N]] URL...

Purges URLs. The key comes only from the environment: ${keyEnvWords()}.
  -p, --provider P     ${choiceWords()} (required)
  --endpoint URL       ${endpointWords()}; repeatable
  --config FILE        endpoints and mappings (default: ./cdn-purge.json when it exists)
  --api-base URL       API base (default ${apiBaseWords()}); plain http only for
                       a loopback host, e.g. the emulator (its purges are counted apart from the real account's)
  --dry-run            print the plan and send nothing (no key needed)
  --coalesce[=N]       ${labels(wildcards)}: fewest valid wildcard purges, each saving at least N requests (default 2)
  --from-git [REF]     add the mapped files git says changed (working tree, or since REF)
${inventoryHelp()}
  --concurrency N      most requests in flight at once (default 16; fewer when the API refuses)
  --rate N             purges a second at most (default: ${[
    ...documented.map((p) => `${p.label} ${p.traffic.documentedPurgeRate}, its documented limit`),
    ...headers.map((p) => `${p.label}: what its rate-limit headers say`),
  ].join('; ')}); 0 = no fixed pace, adapt to refusals only
  --timeout S          seconds for each attempt, connect to last byte of the answer (default 30)
  --connect-timeout S  seconds to connect (default 10)
  --ignore-quota       send even when the batch would pass ${quota.map((p) => `${p.label}'s ${p.monthlyQuota} purges a month`).join(' or ') || 'a monthly quota'}
${optionLines().join('\n')}
  --json               print {"results":[{"url","ok","status","httpStatus","requestId","supportId"}]}
  URL...               URLs; "-" reads them from stdin, one a line
One line per request: status, HTTP status, time, URL, ${providers()
    .map((p) => p.requestIdLabel)
    .filter((x, n, a) => a.indexOf(x) === n)
    .join(' or ')}. "??" (unknown) means it was sent and
no answer came: it may have been received (${providers()
    .filter((p) => p.traffic.resendUncertainPurge === 0)
    .map((p) => p.label)
    .join(', ')}: never sent again, and counted against the month).
Exit status: 0 all succeeded, 1 any failed, unknown or invalid, 2 usage error.`;
}

const MARK: Record<PurgeResult['status'], string> = {
  accepted: 'ok  ',
  duplicate: 'dup ',
  failed: 'FAIL',
  error: 'FAIL',
  cancelled: 'STOP',
  unknown: '??  ',
};

/** The hint of a result with the CLI's remedy (which environment variable, which command). */
function withRemedy(p: ProviderPlugin, r: PurgeResult): PurgeResult {
  const hint = hintFor(p, r.hint, r.remedy);
  return hint === r.hint ? r : { ...r, hint };
}

export function resultLine(r: PurgeResult): string {
  const id = r.requestId ? `  id=${r.requestId}` : '';
  const support = r.supportId && !r.ok ? `\n    support id: ${r.supportId} (give it to the provider's support)` : '';
  const why = r.ok
    ? r.status === 'duplicate'
      ? '  (duplicate: purged a few seconds ago)'
      : ''
    : `\n    ${r.message ?? ''}${r.help ? `\n    help: ${r.help}` : ''}${r.hint ? `\n    ${r.hint}` : ''}${support}`;
  return `${MARK[r.status]} ${String(r.httpStatus ?? '---').padEnd(3)} ${String(r.ms).padStart(5)} ms  ${r.url}${id}${why}`;
}

function jsonResult(r: PurgeResult) {
  return {
    url: r.url,
    ok: r.ok,
    status: r.status,
    httpStatus: r.httpStatus ?? null,
    requestId: r.requestId ?? null,
    supportId: r.supportId ?? null,
    kind: r.kind,
    covers: r.covers,
    ms: r.ms,
    attempts: r.attempts,
    ...(r.message ? { message: r.message } : {}),
    ...(r.hint ? { hint: r.hint } : {}),
  };
}

/** "3 accepted, 1 duplicate, 1 unknown (may have been received), 2 failed, 1 cancelled" */
function summaryLine(s: PurgeSummary): string {
  const total = s.requests + s.invalid;
  const parts = [
    `${s.accepted} accepted`,
    s.duplicate ? `${s.duplicate} duplicate` : '',
    s.unknown ? `${s.unknown} unknown (may have been received)` : '',
    `${s.failed + s.invalid} failed`,
    s.cancelled ? `${s.cancelled} cancelled` : '',
  ];
  return `${total} request${total === 1 ? '' : 's'}: ${parts.filter(Boolean).join(', ')}`;
}

export async function purgeCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, PURGE_OPTIONS, true);
  const { out, err } = writers(io);
  if (values.help) {
    out(purgeHelp());
    return EXIT_OK;
  }
  const inputs = await planInputs(values, positionals, io);
  const { provider } = inputs;
  if (values['dry-run']) {
    const plan = planOf(inputs);
    if (values.json) out(JSON.stringify({ dryRun: true, ...planJson(plan) }, null, 2));
    else {
      printPlan(plan, out);
      out('Dry run: nothing was sent.');
    }
    return plan.invalid.length ? EXIT_FAILED : EXIT_OK;
  }
  // Usage errors (the API base, the key) come before anything is printed or sent.
  const { apiBase, key } = apiAndKey(values, io, provider);
  const concurrency = positiveInt(values.concurrency, '--concurrency', 16);
  const timeoutMs = positiveNumber(values.timeout, '--timeout', 30) * 1000;
  const connectTimeoutMs = positiveNumber(values['connect-timeout'], '--connect-timeout', 10) * 1000;
  const ratePerSecond = nonNegativeNumber(values.rate, '--rate');

  const transport = new Transport({ api: { concurrency, timeoutMs, connectTimeoutMs } });
  let outcome: PurgeOutcome;
  try {
    outcome = await runPurge(
      inputs.urls,
      {
        provider: provider.id,
        checker: () => inputs.checker,
        coalesce: inputs.coalesce,
        ...(inputs.inventory ? { inventory: inputs.inventory } : {}),
        apiBase: () => apiBase,
        ratePerSecond: () => ratePerSecond,
        // The monthly quota is counted per account in the state directory; the emulator's purges apart.
        quotaStore: new JsonFileQuotaStore(path.join(stateDir(io.env), 'quota.json')),
        ignoreQuota: values['ignore-quota'] === true,
        transport,
        signal: io.signal,
      },
      {
        invalid: (_p, plan) => {
          if (!values.json) {
            for (const t of plan.invalid) {
              out(`FAIL ---     0 ms  ${t.input}  (invalid, not sent)`);
              for (const x of t.problems) out(problemLine(x));
            }
          }
          return true;
        },
        key: () => key,
        begin: (batch) => {
          // With an inventory: what the plan also purges of the unchanged assets, before anything is sent.
          if (!values.json) for (const line of inventoryLines(batch.plan)) out(line);
        },
        overQuota: (over) => {
          err(
            `${over.message}${provider.wildcards ? ' (--coalesce makes wildcards)' : ''} (--ignore-quota sends anyway)`,
          );
          return false;
        },
        result: (_batch, _record, r) => {
          if (!values.json) out(resultLine(withRemedy(provider, r)));
        },
        log: { warn: (m) => err(`warning: ${m}`) },
      },
    );
  } finally {
    await transport.close();
  }
  const run = outcome.runs[0];
  if (!run || run.stage === 'quota') return EXIT_FAILED;
  const results = outcome.results.map((r) => withRemedy(provider, r));
  if (values.json) {
    out(
      JSON.stringify(
        {
          results: [
            ...results.map(jsonResult),
            ...outcome.invalid.map((t) => ({ ...checkJson(t), status: 'invalid', httpStatus: null, requestId: null })),
          ],
        },
        null,
        2,
      ),
    );
  } else {
    out(summaryLine(run.summary));
    if (doneBy(provider) === 'verify' && run.summary.accepted)
      out(
        `${provider.label} answered 200: the purge was received, not necessarily done. Verify by fetching the asset again.`,
      );
  }
  return run.summary.ok ? EXIT_OK : EXIT_FAILED;
}
