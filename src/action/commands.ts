// GitHub Actions' workflow commands and environment files, written by hand from GitHub's documentation ("Workflow
// commands for GitHub Actions"): what this action needs of @actions/core is these few lines, so it carries no
// dependency. Escaping as the runner unescapes it: in a command's message, % CR LF become %25 %0D %0A; in a
// property (file=, line=, title=), also : and , become %3A and %2C. Outputs go to the $GITHUB_OUTPUT file with a
// random heredoc delimiter (a value can hold any line), the job summary is Markdown appended to $GITHUB_STEP_SUMMARY.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::name key=value,key=value::message`, properties in the order given, undefined ones left out. */
export function command(
  name: string,
  properties: Record<string, string | number | undefined>,
  message: string,
): string {
  const props = Object.entries(properties)
    .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/** An annotation: `::error file=…,line=…,title=…::message` (or warning, notice). */
export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  file?: string;
  line?: number;
  col?: number;
  title?: string;
}

export function annotation(a: Annotation): string {
  return command(a.level, { file: a.file, line: a.line, col: a.col, title: a.title }, a.message);
}

/** Appends `name<<DELIM\nvalue\nDELIM` to the $GITHUB_OUTPUT file, with a delimiter that is not in the value. */
export function writeOutput(file: string, name: string, value: string): void {
  let delimiter: string;
  do delimiter = `ghadelimiter_${randomBytes(12).toString('hex')}`;
  while (value.includes(delimiter));
  fs.appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

/** Escapes text for a Markdown table cell (pipes, line breaks, HTML and Markdown's own characters). */
export function cell(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/[\r\n]+/g, ' ')
    .replace(/([\\`*_[\]#~])/g, '\\$1');
}
