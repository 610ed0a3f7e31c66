import path from 'node:path';
import { adapterFor } from '../core/adapters';
import { executePlan, spendsQuota, type PurgeResult } from '../core/purge';
import { Quota } from '../core/quota';
import { apiAndKey, nonNegativeNumber, parse, positiveInt, positiveNumber, type Options } from './args';
import { checkJson, problemLine } from './check';
import { EXIT_FAILED, EXIT_OK, writers, type CliIO } from './io';
import { INVENTORY_HELP, inventoryLines } from './inventory';
import { buildPlan, PLAN_OPTIONS, planJson, printPlan } from './plan';
import { JsonFileQuotaStore, stateDir } from './state';

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

export const PURGE_HELP = `cdn-purge purge --provider imagekit|imgix [--endpoint URL]... [--api-base URL] [--json] [--dry-run]
                [--coalesce[=N]] [--from-git [REF]] [--inventory FILE [--max-collateral N]] URL...

Purges URLs. The key comes only from the environment: IMAGEKIT_PRIVATE_KEY or IMGIX_API_KEY.
  -p, --provider P     imagekit or imgix (required)
  --endpoint URL       ImageKit URL endpoint or imgix Source domain; repeatable
  --config FILE        endpoints and mappings (default: ./cdn-purge.json when it exists)
  --api-base URL       API base (default https://api.imagekit.io / https://api.imgix.com); plain http only for
                       a loopback host, e.g. the emulator
  --dry-run            print the plan and send nothing (no key needed)
  --coalesce[=N]       ImageKit: fewest valid wildcard purges, each saving at least N requests (default 2)
  --from-git [REF]     add the mapped files git says changed (working tree, or since REF)
${INVENTORY_HELP}
  --concurrency N      most requests in flight at once (default 16; fewer when the API refuses)
  --rate N             purges a second at most (default: imgix 10, its documented limit; ImageKit: what its
                       X-RateLimit headers say); 0 = no fixed pace, adapt to refusals only
  --timeout S          seconds for each attempt, connect to last byte of the answer (default 30)
  --connect-timeout S  seconds to connect (default 10)
  --ignore-quota       send even when the batch would pass ImageKit's 1000 purges a month
  --source-id ID, --sub-image   imgix sub-image purges
  --json               print {"results":[{"url","ok","status","httpStatus","requestId","supportId"}]}
  URL...               URLs; "-" reads them from stdin, one a line
One line per request: status, HTTP status, time, URL, requestId or purge id. "??" (unknown) means it was sent and
no answer came: it may have been received (ImageKit: never sent again, and counted against the month).
Exit status: 0 all succeeded, 1 any failed, unknown or invalid, 2 usage error.`;

const MARK: Record<PurgeResult['status'], string> = {
  accepted: 'ok  ',
  duplicate: 'dup ',
  failed: 'FAIL',
  error: 'FAIL',
  cancelled: 'STOP',
  unknown: '??  ',
};

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

export async function purgeCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, PURGE_OPTIONS);
  const { out, err } = writers(io);
  if (values.help) {
    out(PURGE_HELP);
    return EXIT_OK;
  }
  const { provider, plan } = await buildPlan(values, positionals, io);
  const adapter = adapterFor(provider);
  if (values['dry-run']) {
    if (values.json) out(JSON.stringify({ dryRun: true, ...planJson(plan) }, null, 2));
    else {
      printPlan(plan, out);
      out('Dry run: nothing was sent.');
    }
    return plan.invalid.length ? EXIT_FAILED : EXIT_OK;
  }
  const { apiBase, key } = apiAndKey(values, io, adapter);
  const concurrency = positiveInt(values.concurrency, '--concurrency', 16);
  const timeoutMs = positiveNumber(values.timeout, '--timeout', 30) * 1000;
  const connectTimeoutMs = positiveNumber(values['connect-timeout'], '--connect-timeout', 10) * 1000;
  const ratePerSecond = nonNegativeNumber(values.rate, '--rate');

  // ImageKit counts purge requests against 1000 a month per account: check the batch first.
  const quota = new Quota(new JsonFileQuotaStore(path.join(stateDir(io.env), 'quota.json')));
  if (provider === 'imagekit' && !values['ignore-quota']) {
    const over = await quota.checkBatch(plan.requests);
    if (over) {
      err(`${over.message} (--ignore-quota sends anyway)`);
      return EXIT_FAILED;
    }
  }

  if (!values.json) for (const line of inventoryLines(plan)) out(line);
  for (const t of plan.invalid) {
    if (!values.json) {
      out(`FAIL ---     0 ms  ${t.input}  (invalid, not sent)`);
      for (const p of t.problems) out(problemLine(p));
    }
  }
  const { HttpClient } = await import('../core/http');
  const client = new HttpClient({ concurrency, timeoutMs, connectTimeoutMs });
  let results: PurgeResult[];
  try {
    results = await executePlan(plan.requests, {
      adapter,
      apiBase,
      key,
      client,
      signal: io.signal,
      ...(ratePerSecond !== undefined ? { ratePerSecond } : {}),
      onResult: (r) => {
        if (!values.json) out(resultLine(r));
      },
    });
  } finally {
    await client.close();
  }
  if (provider === 'imagekit') {
    try {
      // Accepted purges and those that may have been received count; refused ones (4xx, 5xx) and unsent ones do not.
      await quota.recordBatch(plan.requests, results.map(spendsQuota));
    } catch (e) {
      err(`warning: could not record the quota count (${(e as Error).message}).`);
    }
  }
  const failed = results.filter((r) => !r.ok).length + plan.invalid.length;
  if (values.json) {
    out(
      JSON.stringify(
        {
          results: [
            ...results.map((r) => ({
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
            })),
            ...plan.invalid.map((t) => ({ ...checkJson(t), status: 'invalid', httpStatus: null, requestId: null })),
          ],
        },
        null,
        2,
      ),
    );
  } else {
    const count = (s: string) => results.filter((r) => r.status === s).length;
    const unknown = count('unknown');
    const parts = [
      `${count('accepted')} accepted`,
      count('duplicate') ? `${count('duplicate')} duplicate` : '',
      unknown ? `${unknown} unknown (may have been received)` : '',
      `${failed - unknown - count('cancelled')} failed`,
      count('cancelled') ? `${count('cancelled')} cancelled` : '',
    ];
    out(
      `${results.length + plan.invalid.length} request${results.length + plan.invalid.length === 1 ? '' : 's'}: ${parts.filter(Boolean).join(', ')}`,
    );
    if (provider === 'imgix' && count('accepted'))
      out('imgix answered 200: the purge was received, not necessarily done. Verify by fetching the asset again.');
  }
  return failed ? EXIT_FAILED : EXIT_OK;
}
