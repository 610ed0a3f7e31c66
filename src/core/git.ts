// The files git says changed: in the working tree (staged, unstaged and untracked) or since a ref. Deleted files
// count too: a file removed from the origin is exactly what a purge should reach. Paths are relative to the
// repository root, with "/" separators.

import { execFile } from 'node:child_process';

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
    throw new Error(`${cwd} is not inside a git repository: --from-git needs one (run it from your repository).`);
  }
}

/** Changed paths, sorted and de-duplicated. Without `ref`: against HEAD (or everything, in a repository with no commit yet). */
export async function changedFiles(root: string, ref?: string): Promise<string[]> {
  if (ref !== undefined && (ref.startsWith('-') || ref.trim() === '')) throw new Error(`"${ref}" is not a git ref.`);
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
      throw new Error(`git does not know the ref "${ref}". Fetch it first (CI checkouts are often shallow: fetch-depth 0), or name a branch, tag or commit.`);
    }
  }
  const diff = base ? await git(root, ['diff', '--name-only', '--no-renames', '-z', base, '--']) : await git(root, ['ls-files', '-z', '--cached']);
  const untracked = await git(root, ['ls-files', '-z', '--others', '--exclude-standard']);
  const all = new Set([...diff.split('\0'), ...untracked.split('\0')].filter((p) => p !== ''));
  return [...all].sort();
}
