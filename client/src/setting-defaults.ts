/**
 * Every `dockerfileSlim.*` setting the extension itself reads, with its default: the one place client code gets
 * setting names and defaults from (settings.ts reads them through VS Code). No VS Code API here, so
 * test/unit/contributions.test.ts can hold these against package.json. The language server reads `enable`,
 * `rules` and `build.context` on its own (server/src/lsp/settings.ts).
 */
export const SECTION = 'dockerfileSlim';

export const CLIENT_SETTINGS = {
  'optimize.preview': true as boolean,
  'build.context': '' as string,
  'build.contextSizes': true as boolean,
  'build.tag': '' as string,
  'build.args': {} as Record<string, string>,
  'build.target': '' as string,
  'build.network': '' as string,
  'build.extraArgs': [] as string[],
  'layers.enabled': true as boolean,
  'layers.showEmptyLayers': false as boolean,
  'layers.image': {} as Record<string, string>,
  'packages.estimates': true as boolean,
  'packages.fetch': true as boolean,
  'packages.mirrors': {} as Record<string, string>,
  dockerPath: 'docker' as string,
  'docker.timeoutMs': 30_000 as number,
};

export type ClientSetting = keyof typeof CLIENT_SETTINGS;
export type SettingValue<K extends ClientSetting> = (typeof CLIENT_SETTINGS)[K];

/** The full name, as `affectsConfiguration` and package.json spell it. */
export function fullName(key: ClientSetting | 'packages' | 'build'): string {
  return `${SECTION}.${key}`;
}
