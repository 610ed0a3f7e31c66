// The tool's version (package.json's, put in by the bundler; "dev" when the sources run unbundled, as in the unit
// tests) and the User-Agent every request carries, so a provider's logs (and a proxy's) can tell our traffic apart.

declare const __VERSION__: string | undefined;

export const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';

/** "cdn-purge/0.2.0 (node v20.19.0; linux)"; a front end may add its own part ("vscode/1.96.0"). */
export function userAgent(extra?: string): string {
  return `cdn-purge/${VERSION} (node ${process.version}; ${process.platform})${extra ? ` ${extra}` : ''}`;
}
