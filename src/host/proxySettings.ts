// VS Code's proxy settings for the extension's HTTP clients. undici connects with net/tls directly, so VS Code's
// own proxy support (which patches Node's http and https modules) does not reach it: the extension reads
// http.proxy, http.noProxy and http.proxyStrictSSL itself and gives them to the transport, and applies a change
// without a reload. Left empty, HTTPS_PROXY / HTTP_PROXY / NO_PROXY of VS Code's environment decide (README
// "Proxies"). Loopback (the emulator) is always reached directly.

import * as vscode from 'vscode';
import { ProxyConfigError } from '../core/proxy';
import { Transport, type ProxyConfig, type TransportOptions } from '../core/transport';
import { userAgent } from '../core/version';
import type { PurgeLog } from './log';

/** The VS Code settings read, under `http.`. */
export const PROXY_SETTING_KEYS = ['proxy', 'noProxy', 'proxyStrictSSL'] as const;
type ProxySettingKey = (typeof PROXY_SETTING_KEYS)[number];

/**
 * The transport's proxy configuration from VS Code's settings (`get` reads one key under `http.`). An empty
 * http.proxy or http.noProxy (their defaults) leaves the environment in charge; only `false` turns strict SSL off.
 */
export function proxyConfigFrom(get: (key: ProxySettingKey) => unknown): ProxyConfig {
  const proxy = get('proxy');
  const noProxy = get('noProxy');
  const hosts = Array.isArray(noProxy)
    ? noProxy.filter((h): h is string => typeof h === 'string' && h.trim() !== '')
    : [];
  return {
    ...(typeof proxy === 'string' && proxy.trim() !== '' ? { proxy: proxy.trim() } : {}),
    ...(hosts.length ? { noProxy: hosts } : {}),
    ...(get('proxyStrictSSL') === false ? { strictSSL: false } : {}),
  };
}

function vscodeProxyConfig(): ProxyConfig {
  const http = vscode.workspace.getConfiguration('http');
  return proxyConfigFrom((key) => http.get(key));
}

function warnBadSetting(log: PurgeLog, e: ProxyConfigError): void {
  log.error(e.message);
  void vscode.window.showWarningMessage(
    vscode.l10n.t(
      'CDN Purge: {0} Fix http.proxy in the settings; until then purges use the environment’s proxy variables.',
      e.message,
    ),
  );
}

/** The extension's transport, with VS Code's proxy settings; a broken setting is shown and left out. */
export function createTransport(log: PurgeLog): Transport {
  const base: TransportOptions = { onEvent: (e) => log.http(e), userAgent: userAgent(`vscode/${vscode.version}`) };
  let transport: Transport;
  try {
    transport = new Transport({ ...base, proxy: vscodeProxyConfig() });
  } catch (e) {
    if (!(e instanceof ProxyConfigError)) throw e;
    warnBadSetting(log, e);
    transport = new Transport(base);
  }
  for (const secret of transport.keys.list()) log.rememberKey(secret);
  return transport;
}

/** Applies changes of http.proxy, http.noProxy and http.proxyStrictSSL to the transport as they are made. */
export function watchProxySettings(transport: Transport, log: PurgeLog): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((change) => {
    if (!PROXY_SETTING_KEYS.some((k) => change.affectsConfiguration(`http.${k}`))) return;
    try {
      transport.reconfigure(vscodeProxyConfig());
      for (const secret of transport.keys.list()) log.rememberKey(secret);
      log.info(`network settings changed: ${transport.describeNetwork()}`);
    } catch (e) {
      if (e instanceof ProxyConfigError) warnBadSetting(log, e);
      else throw e;
    }
  });
}
