// Explorer → "Purge from CDN": files map to their URLs through the mapping rules (settings cdnPurge.mappings and
// cdn-purge.json; core/fileTargets.ts). A folder becomes one wildcard over its URL prefix when its provider takes
// wildcards and accepts that one; otherwise its files are listed and purged one by one.

import * as vscode from 'vscode';
import { settingId, VsCodeCommand } from '../host/ids';
import { requireTrust, type PurgeOutcome } from '../host/purgeService';
import { urlsForResources } from '../host/resourceUrls';
import type { Services } from '../host/services';

/** Command.purgeFiles, from the Explorer: (clicked item, selected items). */
export function purgeFiles(s: Services) {
  return async (uri?: vscode.Uri, uris?: vscode.Uri[]): Promise<PurgeOutcome | undefined> => {
    // Before the mappings are read: cdn-purge.json's are used in a trusted workspace only.
    if (!requireTrust()) return undefined;
    const resources = uris?.length
      ? uris
      : uri
        ? [uri]
        : vscode.window.activeTextEditor
          ? [vscode.window.activeTextEditor.document.uri]
          : [];
    if (resources.length === 0) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t('Right-click files or folders in the Explorer to purge them from the CDN.'),
      );
      return undefined;
    }
    let mapped: { urls: string[]; unmapped: string[] };
    try {
      mapped = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('CDN Purge: mapping files to URLs') },
        () => urlsForResources(resources, s),
      );
    } catch (e) {
      void vscode.window
        .showErrorMessage((e as Error).message, vscode.l10n.t('Open Settings'))
        .then((a) => a && vscode.commands.executeCommand(VsCodeCommand.openSettings, settingId('mappings')));
      return undefined;
    }
    if (mapped.unmapped.length) {
      const rule = '{ "glob": "public/images/**", "url": "https://ik.imagekit.io/<id>/images/" }';
      const msg =
        mapped.unmapped.length === 1
          ? vscode.l10n.t(
              'No mapping gives a CDN URL for {0}. Add a rule such as {1} to {2} or cdn-purge.json.',
              mapped.unmapped[0],
              rule,
              settingId('mappings'),
            )
          : vscode.l10n.t(
              'No mapping gives a CDN URL for {0} of the selected items. Add a rule such as {1} to {2} or cdn-purge.json.',
              mapped.unmapped.length,
              rule,
              settingId('mappings'),
            );
      s.log.warn(msg);
      if (mapped.urls.length === 0) {
        void vscode.window
          .showErrorMessage(msg, vscode.l10n.t('Open Settings'))
          .then((a) => a && vscode.commands.executeCommand(VsCodeCommand.openSettings, settingId('mappings')));
        return undefined;
      }
      void vscode.window.showWarningMessage(msg);
    }
    return s.purge.purge(mapped.urls, { source: 'explorer' });
  };
}
