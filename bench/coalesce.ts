// The bench row "coalescing with the site inventory" (issue 11 item 8, issue 14): a synthetic deploy like the
// issue's (about 2,000 changed among 8,000 assets in a realistic folder tree, fixed seed), planned per URL, with
// the old coalescing (no inventory: what it also purges) and with the inventory (zero collateral), the
// requests-vs-collateral curve, and the planner checked against an exact brute force on small random cases.
// Only the planner runs here: no network.

import { assetKey } from '../src/core/coalesce';
import { imagekit } from '../src/core/providers/imagekit';
import { planPurge, type Plan } from '../src/core/planner';
import type { Checker } from '../src/core/providers/types';
import { bruteForce } from '../test/unit/helpers/bruteCoalesce';

export interface BenchRow {
  name: string;
  measured: string;
  target: string;
  ok: boolean;
}

const ORIGIN = 'https://ik.imagekit.io/shop';

/** mulberry32: a small seeded PRNG, so the deploy is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticDeploy {
  site: string[];
  changed: string[];
  /** How the changed files came about, for the README. */
  parts: Record<string, number>;
}

/**
 * A shop's image tree, about 8,000 files: products/<category>/<sku>/<view>-<width>.jpg (the bulk), a blog by
 * year/month/post, icons and campaign banners, user avatars in one flat folder, and a Magento-style
 * media/catalog/product/<c>/<c>/ tree. The deploy: whole product folders re-shot, a new category, the front
 * view of other products re-cropped, a year of the blog re-encoded, whole campaigns, two catalog sub-trees
 * regenerated, and scattered single files (icons, avatars, catalog images).
 */
export function syntheticDeploy(seed = 20_470_841): SyntheticDeploy {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const sample = <T>(xs: readonly T[], k: number): T[] => {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a.slice(0, k);
  };
  const words = ['alpine', 'bold', 'coral', 'dune', 'ember', 'frost', 'grove', 'harbor', 'iris', 'jade', 'kelp'];
  const site: string[] = [];
  const changed = new Set<string>();
  const parts: Record<string, number> = {};
  const change = (part: string, urls: readonly string[]) => {
    let n = 0;
    for (const u of urls) {
      if (changed.has(u)) continue;
      changed.add(u);
      n++;
    }
    parts[part] = (parts[part] ?? 0) + n;
  };

  // products
  const categories = ['shoes', 'bags', 'jackets', 'shirts', 'dresses', 'hats', 'watches', 'belts', 'scarves', 'socks'];
  const views = ['front', 'back', 'side', 'detail-1', 'detail-2'];
  const widths = [400, 800, 1600];
  const skuFiles = new Map<string, string[]>();
  const addSku = (category: string) => {
    const dir = `${ORIGIN}/products/${category}/sku-${int(10000, 99999)}`;
    if (skuFiles.has(dir)) return;
    const files = sample(views, int(3, 5)).flatMap((v) => widths.map((w) => `${dir}/${v}-${w}.jpg`));
    skuFiles.set(dir, files);
    site.push(...files);
  };
  for (const c of categories) for (let i = int(35, 45); i > 0; i--) addSku(c);
  const skus = [...skuFiles.keys()];
  while ([...skuFiles.keys()].filter((d) => d.includes('/season-2025/')).length < 30) addSku('season-2025');
  const seasonSkus = [...skuFiles.keys()].filter((d) => d.includes('/season-2025/'));

  // blog
  const blog = new Map<number, string[]>();
  for (const year of [2022, 2023, 2024]) {
    const files: string[] = [];
    for (let m = 1; m <= 12; m++) {
      for (let p = int(2, 4); p > 0; p--) {
        const dir = `${ORIGIN}/blog/${year}/${String(m).padStart(2, '0')}/${pick(words)}-${pick(words)}-${int(1, 999)}`;
        files.push(`${dir}/cover.jpg`, ...[...Array(int(2, 5))].map((_, i) => `${dir}/image-${i + 1}.jpg`));
      }
    }
    blog.set(year, [...new Set(files)]);
    site.push(...blog.get(year)!);
  }

  // static: icons and campaign banners
  const icons = [
    ...new Set([...Array(260)].map(() => `${ORIGIN}/static/icons/${pick(words)}-${pick(words)}-${int(1, 40)}.svg`)),
  ];
  site.push(...icons);
  const campaigns = [...Array(16)].map((_, i) => `${ORIGIN}/static/banners/campaign-${2020 + (i % 5)}-${i}`);
  const banners = new Map(
    campaigns.map((c) => [c, ['hero', 'sidebar', 'mobile'].flatMap((p) => [`${c}/${p}-1x.jpg`, `${c}/${p}-2x.jpg`])]),
  );
  for (const b of banners.values()) site.push(...b);

  // users/avatars: one flat folder
  const avatars = [...new Set([...Array(1250)].map(() => `${ORIGIN}/users/avatars/u${int(100000, 999999)}.jpg`))];
  site.push(...avatars);

  // media/catalog/product/<c>/<c>/<name>.jpg
  const hex = '0123456789abcdef';
  const catalog = new Map<string, string[]>();
  for (let i = 0; i < 900; i++) {
    const name = [...Array(10)].map(() => pick([...hex])).join('');
    const url = `${ORIGIN}/media/catalog/product/${name[0]}/${name[1]}/${name}.jpg`;
    const top = name[0];
    if (!catalog.has(top)) catalog.set(top, []);
    catalog.get(top)!.push(url);
    site.push(url);
  }

  // the deploy
  const reshot = sample(
    skus.filter((d) => !d.includes('/season-2025/')),
    85,
  );
  change(
    'whole product folders re-shot (85)',
    reshot.flatMap((d) => skuFiles.get(d)!),
  );
  change(
    'a new category (30 products)',
    seasonSkus.flatMap((d) => skuFiles.get(d)!),
  );
  const recropped = sample(
    skus.filter((d) => !reshot.includes(d) && !d.includes('/season-2025/')),
    80,
  );
  change(
    'front view re-cropped (80 products)',
    recropped.flatMap((d) => skuFiles.get(d)!.filter((u) => u.includes('/front-'))),
  );
  change('a year of the blog re-encoded (2023)', blog.get(2023)!);
  change(
    'whole campaigns (4)',
    sample(campaigns, 4).flatMap((c) => banners.get(c)!),
  );
  change(
    'two catalog sub-trees regenerated',
    ['3', 'c'].flatMap((t) => catalog.get(t) ?? []),
  );
  change('scattered icons', sample(icons, 30));
  change('scattered avatars', sample(avatars, 80));
  change(
    'scattered catalog images',
    sample(
      [...catalog.values()].flat().filter((u) => !changed.has(u)),
      60,
    ),
  );
  return { site: [...new Set(site)], changed: [...changed], parts };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeMs(fn: () => void, repeat: number): number {
  const t: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const s = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  return median(t);
}

/** Unchanged assets a plan's wildcards purge, counted directly against the site (each once). */
export function unchangedPurged(plan: Plan, changed: readonly string[], site: readonly string[]): number {
  const c = new Set(changed.map(assetKey));
  const prefixes = plan.requests.filter((r) => r.kind === 'wildcard').map((r) => assetKey(r.url.slice(0, -1)));
  let n = 0;
  for (const u of site) {
    const k = assetKey(u);
    if (!c.has(k) && prefixes.some((p) => k.startsWith(p))) n++;
  }
  return n;
}

function coveredAndValid(plan: Plan, changed: readonly string[], checker: Checker): boolean {
  const exact = new Set(plan.requests.filter((r) => r.kind === 'exact').map((r) => r.url));
  const prefixes = plan.requests.filter((r) => r.kind === 'wildcard').map((r) => r.url.slice(0, -1));
  const covered = changed.every((u) => exact.has(u) || prefixes.some((p) => u.startsWith(p)));
  const valid = plan.requests.every((r) => {
    const t = checker.check(r.url);
    return t.ok && t.normalized === r.url;
  });
  return covered && valid;
}

/** Small random cases (seeded) of a few URLs that share folders and names, for the brute force. */
function smallCases(count: number, seed: number): Array<{ changed: string[]; inventory: string[] }> {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const folders = ['a', 'shoes', 'shoes/red', 'media/catalog', 'holiday-photos-2024', 'x/y'];
  const files = ['red-1.jpg', 'red-2.jpg', 'red-10.jpg', 'blue.png', 'sample.jpg', 'sample.jpg?tr=w-100'];
  const out: Array<{ changed: string[]; inventory: string[] }> = [];
  while (out.length < count) {
    const pool = [
      ...new Set(
        [...Array(1 + Math.floor(rnd() * 12))].map(() =>
          [ORIGIN, pick(folders), ...(rnd() < 0.4 ? [pick(folders)] : []), pick(files)].join('/'),
        ),
      ),
    ];
    const changed = pool.filter(() => rnd() < 0.6);
    if (!changed.length) continue;
    out.push({ changed, inventory: pool.filter((u) => !changed.includes(u) || rnd() < 0.9) });
  }
  return out;
}

export function coalesceBench(log: (line: string) => void = console.log): BenchRow[] {
  const rows: BenchRow[] = [];
  const row = (name: string, ok: boolean, measured: string, target: string) =>
    rows.push({ name, ok, measured, target });
  const checker = imagekit.checker({ endpoints: [ORIGIN] });
  const { site, changed, parts } = syntheticDeploy();

  let perUrl = planPurge(changed, checker);
  const perUrlMs = timeMs(() => (perUrl = planPurge(changed, checker)), 5);
  let old = planPurge(changed, checker, { coalesce: 2 });
  const oldMs = timeMs(() => (old = planPurge(changed, checker, { coalesce: 2 })), 5);
  const oldCollateral = unchangedPurged(old, changed, site);
  let plan = planPurge(changed, checker, { inventory: site });
  const ms = timeMs(() => (plan = planPurge(changed, checker, { inventory: site })), 5);
  const unchanged = plan.inventory!.unchanged;
  let curvePlan = plan;
  const curveMs = timeMs(() => (curvePlan = planPurge(changed, checker, { inventory: site, curveUpTo: unchanged })), 3);
  const curve = curvePlan.inventory!.curve!;
  const purged = unchangedPurged(plan, changed, site);
  const ratio = perUrl.requests.length / plan.requests.length;
  const wildcards = plan.requests.filter((r) => r.kind === 'wildcard').length;

  log('');
  log(
    `coalescing with the inventory: ${changed.length} changed among ${site.length} assets (seeded; ${Object.entries(
      parts,
    )
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')})`,
  );
  log('| plan | requests | wildcards | unchanged assets purged | time |');
  log('| --- | ---: | ---: | ---: | ---: |');
  log(`| per URL | ${perUrl.requests.length} | 0 | 0 | ${perUrlMs.toFixed(0)} ms |`);
  log(
    `| --coalesce (no inventory) | ${old.requests.length} | ${old.requests.filter((r) => r.kind === 'wildcard').length} | ${oldCollateral} | ${oldMs.toFixed(0)} ms |`,
  );
  log(`| --inventory, --max-collateral 0 | ${plan.requests.length} | ${wildcards} | ${purged} | ${ms.toFixed(0)} ms |`);
  const marks = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, unchanged].filter(
    (b, i, a) => b <= unchanged && a.indexOf(b) === i,
  );
  log(
    `requests vs --max-collateral (${curveMs.toFixed(0)} ms for the whole curve, 0..${unchanged}): ${marks.map((b) => `${b}: ${curve[b]}`).join(', ')}`,
  );

  row(
    'coalesce with inventory: unchanged assets purged (2k among 8k)',
    purged === 0 && plan.inventory!.collateral === 0,
    `${purged}  (the plan reports ${plan.inventory!.collateral}; --coalesce without an inventory purges ${oldCollateral})`,
    '<= 0',
  );
  row(
    'coalesce with inventory: every changed URL covered, every request valid',
    coveredAndValid(plan, changed, checker),
    coveredAndValid(plan, changed, checker) ? 'yes' : 'NO',
    'yes',
  );
  row(
    'coalesce with inventory: per-URL requests ÷ coalesced',
    ratio >= 5,
    `${ratio.toFixed(2)}x  (${perUrl.requests.length} → ${plan.requests.length} requests, ${wildcards} wildcards; planned in ${ms.toFixed(0)} ms)`,
    '>= 5x',
  );
  let monotone = curve[0] === plan.requests.length;
  for (let b = 1; b < curve.length; b++) monotone &&= curve[b] <= curve[b - 1];
  row(
    'coalesce with inventory: requests-vs-collateral curve',
    monotone && curve[unchanged] <= old.requests.length,
    `${curve[0]} at 0 … ${curve[unchanged]} at ${unchanged}, non-increasing: ${monotone ? 'yes' : 'NO'}`,
    'monotone',
  );

  // Exactness: the planner against the brute force, on small random cases, at budgets 0..3.
  const cases = smallCases(400, 14);
  let agree = 0;
  let total = 0;
  const small = imagekit.checker({ endpoints: [ORIGIN] });
  for (const c of cases) {
    const brute = bruteForce(c.changed, c.inventory, small, [0, 1, 2, 3]);
    for (let b = 0; b <= 3; b++) {
      total++;
      const p = planPurge(c.changed, small, { inventory: c.inventory, maxCollateral: b });
      if (p.requests.length === brute[b].requests && p.inventory!.collateral === brute[b].collateral) agree++;
    }
  }
  row(
    'coalesce with inventory: = exact minimum on small cases (brute force)',
    agree === total,
    `${agree}/${total} (${cases.length} cases × budgets 0–3)`,
    'all',
  );
  return rows;
}
