/** Typed reads of the extension's settings (names and defaults in setting-defaults.ts, checked against package.json). */
import * as vscode from 'vscode';
import { CLIENT_SETTINGS, SECTION, fullName, type ClientSetting, type SettingValue } from './setting-defaults.js';

export { fullName };

export function setting<K extends ClientSetting>(key: K, scope?: vscode.ConfigurationScope): SettingValue<K> {
  return vscode.workspace.getConfiguration(SECTION, scope).get<SettingValue<K>>(key, CLIENT_SETTINGS[key]);
}

/** A restricted setting's value: in an untrusted workspace only the user's own value or the default counts. */
export function trustedSetting<K extends ClientSetting>(key: K, scope?: vscode.ConfigurationScope): SettingValue<K> {
  if (vscode.workspace.isTrusted) return setting(key, scope);
  const i = vscode.workspace.getConfiguration(SECTION, scope).inspect<SettingValue<K>>(key);
  return i?.globalValue ?? i?.defaultValue ?? CLIENT_SETTINGS[key];
}

export function updateUserSetting<K extends ClientSetting>(key: K, value: SettingValue<K>): Thenable<void> {
  return vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}
