// Runs first (index.ts puts this file before every other): the extension activates by itself, from one of its own
// activation events, with no test having asked for it. The extension host's log says which event activated it;
// `api` (extension.activate() from a test) or an `onCommand:` one would mean a test did.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CdnPurgeApi } from '../../src/extension';
import { extension, openAt, testRun, waitFor } from './harness';
import { checkManifest } from './shared-checks';

/** The extension host's log files (beside the extension's own log folder). */
function extensionHostLogs(logUri: string): string[] {
  const dir = path.dirname(logUri);
  return fs
    .readdirSync(dir)
    .filter((f) => /exthost\.log$/i.test(f))
    .map((f) => path.join(dir, f));
}

describe('Activation (the first test of the run)', () => {
  it('activates by itself from its activation events (no "*"), before any test touched it', async () => {
    assert.equal(testRun.started, 1, 'this is the first test to run: no earlier test can have activated it');
    const ext = extension<CdnPurgeApi>();
    checkManifest(ext);
    const events: string[] = ext.packageJSON.activationEvents;
    // The window opened a copy of sample/, which has a cdn-purge.json (workspaceContains) and HTML/Markdown files.
    // Opening a file is what a user does; it never calls the extension's API or commands.
    if (!ext.isActive) await openAt('index.html');
    await waitFor('the extension to be active', () => ext.isActive, { timeoutMs: 60000 });
    assert.ok(ext.exports && typeof ext.exports === 'object', 'activate() returns the API object');

    const logs = extensionHostLogs(ext.exports.context.logUri.fsPath);
    assert.ok(logs.length > 0, `an extension host log beside ${ext.exports.context.logUri.fsPath}`);
    const line = await waitFor('the activation line in the extension host log', () =>
      logs
        .map((f) => fs.readFileSync(f, 'utf8'))
        .join('\n')
        .split('\n')
        .find((l) => l.includes('_doActivateExtension cdn-purge.cdn-purge,')),
    );
    const reason = /activationEvent: '([^']*)'/.exec(line)?.[1];
    assert.ok(reason, `the log line names the event: ${line}`);
    assert.ok(events.includes(reason), `activated by "${reason}", one of its activation events (${events.join(', ')})`);
    assert.notEqual(reason, 'api', 'not by a test calling activate()');
    assert.ok(!reason.startsWith('onCommand:'), 'not by a test running a command');
  });
});
