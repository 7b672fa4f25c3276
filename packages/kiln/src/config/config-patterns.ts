/**
 * The files each built-in config key reads, as Kedro's OmegaConfigLoader has them (plus `logging`,
 * which Kedro 0.18 had): a file named after the key, any file in a folder named after it, and a
 * file named after it at any depth. Globs are relative to an environment folder. Unlike Kedro,
 * whose globals are only `globals.yml`, globals follow the same rule (`globals.yaml`,
 * `globals_paths.yml`, `globals.json`), so no globals file is silently ignored.
 */
export const DEFAULT_CONFIG_PATTERNS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  catalog: ["catalog*", "catalog*/**", "**/catalog*"],
  parameters: ["parameters*", "parameters*/**", "**/parameters*"],
  credentials: ["credentials*", "credentials*/**", "**/credentials*"],
  globals: ["globals*", "globals*/**", "**/globals*"],
  logging: ["logging*", "logging*/**", "**/logging*"],
});
