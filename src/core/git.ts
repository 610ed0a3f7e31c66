// The files git says changed: in the working tree (staged, unstaged and untracked) or since a ref. Deleted files
// count too: a file removed from the origin is exactly what a purge should reach. Paths are relative to the
// repository root, with "/" separators.

import { execFile } from 'node:child_process';
import { looksLikeUrl } from './url';

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        const why = (stderr || err.message).trim().split('\n')[0];
        reject(new Error(`git ${args[0]} failed: ${why}`));
      } else resolve(stdout);
    });
  });
}

export async function repoRoot(cwd: string): Promise<string> {
  try {
    return (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    throw new Error(`${cwd} is not inside a git repository: run it from your repository.`);
  }
}

const REVISION_SUFFIX = /(?:[~^]\d*)+$/;

/**
 * Why `ref` cannot be the git ref to compare with, or undefined when it can be one: a ref name by the
 * rules of `git check-ref-format` (one level allowed), optionally followed by ~N or ^N (HEAD~3, main^), and never
 * an option (a leading "-") or something written like a URL (`ik.imagekit.io/demo/a.jpg` is a valid ref name, and
 * was taken for one).
 */
export function gitRefProblem(ref: string): string | undefined {
  if (ref.trim() === '') return 'it is empty';
  if (ref.startsWith('-')) return 'it starts with "-", like an option';
  if (looksLikeUrl(ref)) return 'it looks like a URL';
  if (ref.length > 1024) return 'it is longer than 1,024 characters';
  const name = ref.replace(REVISION_SUFFIX, '');
  if (name === '') return 'it has no name before ~ or ^';
  if (name === '@') return undefined; // git's shorthand for HEAD
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return 'it contains a space, a control character or one of ~ ^ : ? * [ \\';
  if (name.includes('..')) return 'it contains ".."';
  if (name.includes('@{')) return 'it contains "@{"';
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//'))
    return 'it starts or ends with "/", or has "//"';
  if (name.endsWith('.')) return 'it ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return 'a part of it starts with "."';
    if (part.endsWith('.lock')) return 'a part of it ends with ".lock"';
  }
  return undefined;
}

/** A ref as messages show it: at most 80 characters. */
export function shownRef(ref: string): string {
  return ref.length > 80 ? `${ref.slice(0, 77)}...` : ref;
}

/** Changed paths, sorted and de-duplicated. Without `ref`: against HEAD (or everything, in a repository with no commit yet). */
export async function changedFiles(root: string, ref?: string): Promise<string[]> {
  const why = ref === undefined ? undefined : gitRefProblem(ref);
  if (ref !== undefined && why !== undefined)
    throw new Error(`"${shownRef(ref)}" is not a git ref: ${why}. Give a branch, tag or commit.`);
  let base = ref;
  if (base === undefined) {
    try {
      await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD']);
      base = 'HEAD';
    } catch {
      base = undefined;
    }
  } else {
    try {
      await git(root, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
    } catch {
      throw new Error(
        `git does not know the ref "${ref}". Fetch it first (CI checkouts are often shallow: fetch-depth 0), or name a branch, tag or commit.`,
      );
    }
  }
  const diff = base
    ? await git(root, ['diff', '--name-only', '--no-renames', '-z', base, '--'])
    : await git(root, ['ls-files', '-z', '--cached']);
  const untracked = await git(root, ['ls-files', '-z', '--others', '--exclude-standard']);
  const all = new Set([...diff.split('\0'), ...untracked.split('\0')].filter((p) => p !== ''));
  return [...all].sort();
}

/**
 * The files of the working tree git knows of (tracked, and untracked ones not ignored), sorted: the inventory the
 * mappings cover, for coalescing with --from-git. Paths are relative to the repository root.
 */
export async function workingTreeFiles(root: string): Promise<string[]> {
  const out = await git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  return [...new Set(out.split('\0').filter((p) => p !== ''))].sort();
}
