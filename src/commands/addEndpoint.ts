// A quick fix's command: adds an endpoint (ImageKit) or Source domain (imgix) to the provider's setting, in the
// workspace's settings (or the user's, without a workspace), when the workspace has no cdn-purge.json to hold it.

import * as vscode from 'vscode';
import { providerById } from '../core/providers/registry';
import { providerSettings, settingId } from '../host/ids';
import type { Services } from '../host/services';
import { readProviderSetting, SECTION, updateSetting } from '../host/settings';

/** InternalCommand.addEndpoint(provider, endpoint): true when the setting was changed. */
export function addEndpoint(_s: Services) {
  return async (provider: string, endpoint: string): Promise<boolean> => {
    const plugin = providerById(provider);
    if (!plugin || typeof endpoint !== 'string') return false;
    const setting = providerSettings(plugin).endpoints;
    const config = vscode.workspace.getConfiguration(SECTION);
    if (readProviderSetting(config, setting).includes(endpoint)) return false;
    const workspace = (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
    const target = workspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    // The list of that one scope, so the user's own endpoints are not copied into the workspace's.
    const inspected = config.inspect<unknown>(setting.key);
    const own = workspace ? inspected?.workspaceValue : inspected?.globalValue;
    const list = Array.isArray(own) ? own.filter((x): x is string => typeof x === 'string') : [];
    await updateSetting(setting.key, [...list, endpoint], target);
    void vscode.window.showInformationMessage(vscode.l10n.t('Added {0} to {1}.', endpoint, settingId(setting.key)));
    return true;
  };
}
