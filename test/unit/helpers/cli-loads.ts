// What a run of the built CLI loads: the files it requires and Node's own modules, recorded by a preload.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI } from './paths';
import { tmpDir } from './tmp';

export interface Loaded {
  files: string[];
  builtins: string[];
  /** The run's exit status. */
  status: number;
}

/**
 * Runs `node -r <recorder> dist/cli.js ...args` and returns the files it required, Node's modules it loaded, and
 * its exit status.
 */
export function loaded(args: string[], cwd: string): Loaded {
  const dir = tmpDir('cli-startup');
  const record = path.join(dir, 'record.js');
  const out = path.join(dir, 'loaded.json');
  fs.writeFileSync(
    record,
    `const Module = require('node:module');
const files = [];
const load = Module._load;
Module._load = function (request, parent, isMain) {
  const r = load.apply(this, arguments);
  try { files.push(Module._resolveFilename(request, parent, isMain)); } catch { files.push(request); }
  return r;
};
process.on('exit', () => {
  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13));
  require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify({ files, builtins }));
});
`,
  );
  let status = 0;
  try {
    execFileSync(process.execPath, ['-r', record, CLI, ...args], {
      cwd,
      stdio: 'pipe',
      env: { PATH: process.env.PATH, HOME: dir, CDN_PURGE_STATE_DIR: dir },
    });
  } catch (e) {
    // a non-zero exit (e.g. an invalid URL) still records what was loaded
    if (!fs.existsSync(out)) throw e;
    status = (e as { status?: number }).status ?? -1;
  }
  return { ...(JSON.parse(fs.readFileSync(out, 'utf8')) as Omit<Loaded, 'status'>), status };
}
