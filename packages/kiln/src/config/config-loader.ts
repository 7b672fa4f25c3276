import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../errors/index.js";
import { getDefaultLogger, type Logger } from "../logging/index.js";
import { didYouMean, quoteList } from "../utils/index.js";
import { type ConfigDocument, createConfigDocument } from "./config-document.js";
import { DEFAULT_CONFIG_PATTERNS } from "./config-patterns.js";
import { findConfigFiles } from "./find-config-files.js";
import { type Located, type MergeStrategy, mergeEnvironmentFiles, mergeEnvironments } from "./merge.js";
import { parseConfigFile } from "./parse-config-file.js";
import { resolveInterpolations } from "./resolve-interpolations.js";
import { applyRuntimeParams, normalizeRuntimeParams } from "./runtime-params.js";

/** Options of `ConfigLoader`: Kedro's `OmegaConfigLoader` arguments, in camelCase. */
export interface ConfigLoaderOptions {
  /** The folder holding one folder per environment (`conf`). */
  confSource: string;
  /** The environment every run reads first. Default `"base"`. */
  baseEnv?: string;
  /** The environment read after base when none is asked for; may be missing. Default `"local"`. */
  defaultRunEnv?: string;
  /** The environment read after base (`--env`). Default: `KILN_ENV`, else `defaultRunEnv`. */
  env?: string;
  /** Values of `--params`, nested or dotted; they override `parameters` and feed `${runtime_params:...}`. */
  runtimeParams?: Record<string, unknown>;
  /** Globs per config key, added to or replacing the defaults (e.g. `{ tracking: ["tracking*"] }`). */
  configPatterns?: Record<string, readonly string[]>;
  /** How the run environment combines with base, per key. Default `destructive` (top-level keys replaced). */
  mergeStrategy?: Record<string, MergeStrategy>;
  /** Where debug messages go (which keys an environment overrides). Default: the process logger. */
  logger?: Logger;
  /** Variables for `${env:NAME}` in credentials. Default `process.env`. */
  environment?: Readonly<Record<string, string | undefined>>;
}

const ENV_NAME = /^[\w][\w.-]*$/;

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * Loads configuration from `conf/<env>/` folders the way Kedro's `OmegaConfigLoader` does: files
 * matching a key's patterns are merged within an environment, the run environment overrides base,
 * and `${...}` interpolations are resolved after merging. YAML is parsed with the core schema, so
 * no tag can run code.
 *
 * @example
 * const loader = new ConfigLoader({ confSource: "conf", env: "prod" });
 * const catalog = await loader.load("catalog");
 * catalog.locate(["companies", "filepath"]); // { file: "conf/base/catalog.yml", line: 3, column: 13 }
 */
export class ConfigLoader {
  /** The folder holding one folder per environment. */
  readonly confSource: string;
  /** The environment read first. */
  readonly baseEnv: string;
  /** The environment read after base when none was asked for. */
  readonly defaultRunEnv: string;
  /** The run environment read after base. */
  readonly env: string;
  /** Runtime parameters with dotted keys expanded. */
  readonly runtimeParams: Record<string, unknown>;
  /** Globs per config key: the defaults merged with `configPatterns`. */
  readonly configPatterns: Readonly<Record<string, readonly string[]>>;
  /** Merge strategy per config key; unlisted keys are `destructive`. */
  readonly mergeStrategy: Readonly<Record<string, MergeStrategy>>;
  readonly #logger: Logger;
  readonly #environment: Readonly<Record<string, string | undefined>>;
  #globals: Promise<ConfigDocument> | undefined;

  /** @throws ConfigError `KILN_CONFIG_INVALID_OPTION` for an unknown merge strategy or bad patterns. */
  constructor(options: ConfigLoaderOptions) {
    this.confSource = options.confSource;
    this.baseEnv = options.baseEnv ?? "base";
    this.defaultRunEnv = options.defaultRunEnv ?? "local";
    this.env = options.env || process.env.KILN_ENV || this.defaultRunEnv;
    this.runtimeParams = normalizeRuntimeParams(options.runtimeParams ?? {});
    this.configPatterns = { ...DEFAULT_CONFIG_PATTERNS, ...options.configPatterns };
    this.mergeStrategy = { ...options.mergeStrategy };
    this.#logger = options.logger ?? getDefaultLogger();
    this.#environment = options.environment ?? process.env;
    for (const [key, strategy] of Object.entries(this.mergeStrategy)) {
      if (strategy !== "soft" && strategy !== "destructive")
        throw new ConfigError(
          "KILN_CONFIG_INVALID_OPTION",
          `mergeStrategy for "${key}" is "${String(strategy)}"; expected "soft" or "destructive".`,
          { hint: `Use mergeStrategy: { ${key}: "soft" } to deep-merge, or leave it out for "destructive".` },
        );
    }
    for (const [key, patterns] of Object.entries(this.configPatterns)) {
      if (!Array.isArray(patterns) || patterns.some((p) => typeof p !== "string" || p === ""))
        throw new ConfigError(
          "KILN_CONFIG_INVALID_OPTION",
          `configPatterns for "${key}" must be a list of glob strings.`,
          { hint: `For example configPatterns: { ${key}: ["${key}*", "${key}*/**", "**/${key}*"] }.` },
        );
    }
  }

  /** The config keys this loader can load: the built-in ones and those from `configPatterns`. */
  get keys(): string[] {
    return Object.keys(this.configPatterns);
  }

  /**
   * Loads, merges and resolves the config for `key`. No matching file gives an empty document.
   *
   * @throws ConfigError for an unknown key, a missing base or requested environment folder, and
   *   every file problem (syntax, unsafe tag, duplicate key, interpolation), naming file:line:column.
   */
  async load(key: string): Promise<ConfigDocument> {
    if (key === "globals") return this.#loadGlobals();
    const globals = await this.#loadGlobals();
    return this.#load(key, globals.value);
  }

  #loadGlobals(): Promise<ConfigDocument> {
    this.#globals ??= this.#load("globals", undefined);
    return this.#globals;
  }

  async #load(key: string, globals: Record<string, unknown> | undefined): Promise<ConfigDocument> {
    const patterns = this.configPatterns[key];
    if (!patterns) {
      const near = didYouMean(key, this.keys);
      throw new ConfigError(
        "KILN_CONFIG_UNKNOWN_KEY",
        `No config patterns for "${key}"; this loader knows ${quoteList(this.keys)}.`,
        {
          hint:
            near ??
            `Register it: new ConfigLoader({ configPatterns: { ${key}: ["${key}*", "${key}*/**", "**/${key}*"] } }).`,
        },
      );
    }
    const envDirs = await this.#environmentFolders();
    const files: string[] = [];
    const perEnv: Located[] = [];
    for (const dir of envDirs) {
      const relative = await findConfigFiles(dir, patterns);
      const paths = relative.map((r) => join(dir, r));
      files.push(...paths);
      const parsed = await Promise.all(paths.map(parseConfigFile));
      perEnv.push(mergeEnvironmentFiles(parsed, key === "parameters"));
    }
    let merged = perEnv[0]!;
    if (perEnv[1]) {
      const overridden = Object.keys(perEnv[1].value).filter((k) => Object.hasOwn(merged.value, k));
      if (overridden.length > 0)
        this.#logger.debug(
          `Config from ${envDirs[1]} overrides ${key} keys: ${overridden.sort().join(", ")}`,
        );
      merged = mergeEnvironments(merged, perEnv[1], this.mergeStrategy[key] ?? "destructive");
    }
    if (files.length === 0) this.#logger.debug(`No ${key} config files in ${envDirs.join(" or ")}.`);
    if (key === "parameters") applyRuntimeParams(merged, this.runtimeParams);
    resolveInterpolations({
      key,
      located: merged,
      globals,
      globalsFile: join(this.confSource, this.baseEnv, "globals.yml"),
      runtimeParams: key === "globals" ? undefined : this.runtimeParams,
      environment: key === "credentials" ? this.#environment : undefined,
    });
    return createConfigDocument(key, merged.value, merged.locations, files);
  }

  /** The base folder and, when it exists or was asked for, the run environment's folder. */
  async #environmentFolders(): Promise<string[]> {
    const base = join(this.confSource, this.baseEnv);
    if (!(await isDirectory(base))) {
      const sourceExists = await isDirectory(this.confSource);
      throw new ConfigError(
        "KILN_CONFIG_BASE_NOT_FOUND",
        sourceExists
          ? `The base configuration folder ${base} does not exist.`
          : `The configuration folder ${this.confSource} does not exist (looked for ${base}).`,
        {
          hint: sourceExists
            ? `Create ${base} for the configuration every environment shares (catalog.yml, parameters.yml).`
            : "Run from the project folder, or point confSource (--conf-source) at the folder that holds base/ and local/.",
        },
      );
    }
    if (this.env === this.baseEnv) return [base];
    if (!ENV_NAME.test(this.env)) {
      throw new ConfigError(
        "KILN_CONFIG_INVALID_ENV",
        `The environment "${this.env}" is not a folder name under ${this.confSource}.`,
        {
          hint: "Name an environment folder directly under the configuration folder: --env prod reads conf/prod.",
        },
      );
    }
    const envDir = join(this.confSource, this.env);
    if (await isDirectory(envDir)) return [base, envDir];
    if (this.env === this.defaultRunEnv) return [base];
    const existing = (await readdir(this.confSource, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && !e.name.startsWith("."))
      .map((e) => e.name)
      .sort();
    const near = didYouMean(this.env, existing);
    throw new ConfigError(
      "KILN_CONFIG_ENV_NOT_FOUND",
      `The environment "${this.env}" has no folder ${envDir}; environments here: ${quoteList(existing)}.`,
      { hint: near ?? `Create ${envDir}, or choose an existing environment with --env (or KILN_ENV).` },
    );
  }
}
