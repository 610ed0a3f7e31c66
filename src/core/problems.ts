// Every problem the core can report has a stable code, a message that says what to do, and a README anchor.
// The codes are a public contract: the CLI prints them, `--json` carries them, diagnostics link them.

export type Severity = 'error' | 'warning' | 'info';

export const PROBLEM_CODES = [
  // any provider
  'invalid-url',
  'not-http',
  'not-under-endpoint',
  'empty-path',
  'url-encoded',
  'scheme-assumed',
  'fragment-dropped',
  'invalid-endpoint',
  'insecure-api-base',
  // limits (README "Limits")
  'url-too-long',
  'too-many-endpoints',
  'too-many-urls',
  // ImageKit wildcards
  'wildcard-not-at-end',
  'wildcard-query',
  'wildcard-too-broad',
  'wildcard-path-unsupported',
  // imgix
  'imgix-no-wildcard',
  'imgix-query-dropped',
  'imgix-video-api',
  'imgix-sub-image-needs-source-id',
  'imgix-invalid-source-id',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** A replacement that fixes a problem: the whole target becomes `replacement`. */
export interface Fix {
  title: string;
  replacement: string;
  /** The fix a user most likely wants (a preferred quick fix in the editor). */
  preferred?: boolean;
}

export interface Problem {
  code: ProblemCode;
  severity: Severity;
  message: string;
  /** Offsets into the input text (trimmed input) that the problem is about, when narrower than the whole URL. */
  start?: number;
  end?: number;
  fixes?: Fix[];
  /**
   * The provider option that fixes it (`endpoints`, or a ProviderOption's name such as `sourceId`). Messages never name
   * a setting or a flag: each front end names this option its own way (README "Where things go").
   */
  option?: { provider: string; name: string };
}

export const DOCS_BASE = 'https://github.com/cdn-purge/cdn-purge/blob/main/README.md';

/** The README section that explains a problem code (the heading is the code itself). */
export function docsUrl(code: ProblemCode): string {
  return `${DOCS_BASE}#${code}`;
}

export function problem(
  code: ProblemCode,
  severity: Severity,
  message: string,
  extra: Partial<Pick<Problem, 'start' | 'end' | 'fixes' | 'option'>> = {},
): Problem {
  return { code, severity, message, ...extra };
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
