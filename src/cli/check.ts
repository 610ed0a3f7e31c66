import { docsUrl, type Problem } from '../core/problems';
import type { TargetCheck } from '../core/providers/types';
import { COMMON, loadProjectConfig, parse, providerConfig, readUrls, requireProvider, str } from './args';
import { choices, choiceWords, endpointWords, optionLines } from './help';
import { EXIT_FAILED, EXIT_OK, UsageError, writers, type CliIO } from './io';
import { configLine, optionText } from './words';

export function checkHelp(): string {
  return `cdn-purge check --provider ${choices()} [--endpoint URL]... [--json] URL...

Checks purge URLs against the provider's rules without sending anything.
  -p, --provider P     ${choiceWords()} (required)
  --endpoint URL       ${endpointWords()}; repeatable; added to cdn-purge.json's
  --config FILE        read endpoints from FILE (default: ./cdn-purge.json when it exists)
${optionLines().join('\n')}
  --json               print {"results":[{"url","ok","normalized","problems":[{"code","message"}]}]}
  URL...               URLs to check; "-" reads them from stdin, one a line
Exit status: 0 every URL is valid, 1 any is invalid, 2 usage error.`;
}

export function problemLine(p: Problem): string {
  const fix = optionText(p);
  return `  ${p.severity}: [${p.code}] ${p.message}${fix ? `\n    set: ${fix}` : ''}\n    see ${docsUrl(p.code)}`;
}

export function checkJson(t: TargetCheck) {
  return {
    url: t.input,
    ok: t.ok,
    normalized: t.normalized ?? null,
    kind: t.kind,
    problems: t.problems.map((p) => ({ code: p.code, severity: p.severity, message: p.message })),
  };
}

export async function checkCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, COMMON, true);
  const { out, err } = writers(io);
  if (values.help) {
    out(checkHelp());
    return EXIT_OK;
  }
  const provider = requireProvider(values);
  const project = loadProjectConfig(io, { explicit: str(values.config) }, err);
  const urls = await readUrls(positionals, io);
  if (urls.length === 0) throw new UsageError('No URL given: pass URLs as arguments, or "-" to read them from stdin.');
  const checker = provider.checker(providerConfig(values, provider, project.config));
  for (const p of checker.configProblems) err(configLine(p));
  const results = urls.map((u) => checker.check(u));
  if (values.json) {
    out(JSON.stringify({ results: results.map(checkJson) }, null, 2));
  } else {
    for (const r of results) {
      out(
        `${r.ok ? 'valid  ' : 'INVALID'} ${r.input}${r.ok && r.normalized !== r.input ? `\n  sends ${r.normalized}` : ''}`,
      );
      for (const p of r.problems) out(problemLine(p));
    }
    const bad = results.filter((r) => !r.ok).length;
    out(`${results.length - bad} valid, ${bad} invalid`);
  }
  return results.every((r) => r.ok) ? EXIT_OK : EXIT_FAILED;
}
