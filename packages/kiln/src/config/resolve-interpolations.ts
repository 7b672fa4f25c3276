import { ConfigError } from "../errors/index.js";
import { didYouMean } from "../utils/index.js";
import {
  type InterpolationPart,
  type InterpolationRef,
  InterpolationSyntaxError,
  parseDefault,
  parseInterpolation,
  parseKeyPath,
} from "./interpolation-syntax.js";
import { type ConfigLocation, formatLocation } from "./location.js";
import type { Located } from "./merge.js";
import {
  clonePlain,
  formatPath,
  getAt,
  isPlainObject,
  type PathSegment,
  pathsLike,
  replaceAt,
} from "./object-path.js";

/** What `${...}` may read while one config key is resolved. */
export interface ResolveContext {
  /** The config key being resolved (`catalog`, `credentials`, …), for messages. */
  key: string;
  /** The merged config; interpolations are replaced in place. */
  located: Located;
  /** The resolved `globals` config; undefined while `globals` itself is resolved. */
  globals: Record<string, unknown> | undefined;
  /** Where messages suggest defining a missing globals key. */
  globalsFile?: string;
  /** Runtime parameters; undefined where `${runtime_params:...}` is not allowed (in globals). */
  runtimeParams: Record<string, unknown> | undefined;
  /** Environment variables for `${env:NAME}`; undefined outside credentials. */
  environment: Readonly<Record<string, string | undefined>> | undefined;
}

const ENV_RESOLVERS = new Set(["env", "oc.env"]);
const RESOLVERS = ["globals", "runtime_params", "env"];
const SEP = "\u0000";
const encode = (path: readonly PathSegment[]) => path.map(String).join(SEP);

function stringify(value: unknown): string {
  if (typeof value === "string") return value;
  if (isPlainObject(value) || Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}

/** Resolves every `${...}` of one merged config, in place; see `resolveInterpolations`. */
class Resolution {
  readonly #done = new Set<string>();
  readonly #doneSubtrees = new Set<string>();
  readonly #inProgress: PathSegment[][] = [];
  readonly #failed = new Map<string, ConfigError>();

  constructor(private readonly ctx: ResolveContext) {}

  get #root(): Record<string, unknown> {
    return this.ctx.located.value;
  }

  #isDone(path: readonly PathSegment[]): boolean {
    if (this.#done.has(encode(path))) return true;
    for (let i = 1; i <= path.length; i++) if (this.#doneSubtrees.has(encode(path.slice(0, i)))) return true;
    return false;
  }

  #where(path: readonly PathSegment[]): ConfigLocation {
    for (let i = path.length; i > 0; i--) {
      const found = this.ctx.located.locations.get(path.slice(0, i));
      if (found) return found;
    }
    return { file: `(${this.ctx.key} config)`, line: 1, column: 1 };
  }

  fail(code: string, path: readonly PathSegment[], what: string, hint: string): ConfigError {
    const location = this.#where(path);
    return new ConfigError(
      code,
      `${formatLocation(location)}: ${what} (in ${this.ctx.key} "${formatPath(path)}").`,
      { hint, location },
    );
  }

  /** Resolves every string under `path` (the whole config by default). */
  subtree(path: PathSegment[], errors?: ConfigError[]): void {
    const { found, value } = getAt(this.#root, path);
    if (!found || this.#isDone(path)) return;
    const attempt = (fn: () => unknown): void => {
      if (!errors) {
        fn();
        return;
      }
      try {
        fn();
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        if (!errors.some((e) => e.message === error.message)) errors.push(error);
      }
    };
    if (typeof value === "string") attempt(() => this.node(path));
    else if (Array.isArray(value))
      for (let i = 0; i < value.length; i++) attempt(() => this.subtree([...path, i], errors));
    else if (isPlainObject(value))
      for (const key of Object.keys(value)) attempt(() => this.subtree([...path, key], errors));
  }

  /** Resolves the string at `path` and returns its value. */
  node(path: PathSegment[]): unknown {
    const raw = getAt(this.#root, path).value;
    if (typeof raw !== "string" || this.#isDone(path)) return raw;
    const key = encode(path);
    const failed = this.#failed.get(key);
    if (failed) throw failed;
    const cycleStart = this.#inProgress.findIndex((p) => encode(p) === key);
    if (cycleStart >= 0) {
      const chain = [...this.#inProgress.slice(cycleStart), path].map((p) => formatPath(p)).join(" -> ");
      throw this.fail(
        "KILN_CONFIG_INTERPOLATION_CYCLE",
        this.#inProgress[cycleStart]!,
        `interpolations refer to each other in a loop: ${chain}`,
        "Break the loop: give one of these keys a plain value.",
      );
    }
    this.#inProgress.push(path);
    let result: unknown;
    try {
      const parts = this.#parse(raw, path);
      result = parts ? this.#evaluate(parts, path) : raw;
    } catch (error) {
      // Everything that depends on a broken value fails with the same error, reported once.
      if (error instanceof ConfigError) this.#failed.set(key, error);
      throw error;
    } finally {
      this.#inProgress.pop();
    }
    replaceAt(this.#root, path, result);
    this.#done.add(key);
    if (typeof result === "object" && result !== null) this.#doneSubtrees.add(key);
    return result;
  }

  #parse(text: string, path: PathSegment[]): InterpolationPart[] | undefined {
    try {
      return parseInterpolation(text);
    } catch (error) {
      if (!(error instanceof InterpolationSyntaxError)) throw error;
      throw this.fail("KILN_CONFIG_BAD_INTERPOLATION", path, error.message, this.#syntaxHint());
    }
  }

  #syntaxHint(): string {
    return `Write \`\${a.b}\`, \`\${globals:a.b, default}\`, \`\${runtime_params:a.b, default}\` (or \`\${env:NAME, default}\` in credentials); escape a literal as \`\\\${...}\`.`;
  }

  #evaluate(parts: InterpolationPart[], path: PathSegment[]): unknown {
    const only = parts[0];
    if (parts.length === 1 && only?.kind === "ref") return this.#ref(only, path, true);
    return parts
      .map((part) => (part.kind === "text" ? part.text : stringify(this.#ref(part, path, false))))
      .join("");
  }

  #default(ref: InterpolationRef, path: PathSegment[]): unknown {
    const raw = ref.defaultRaw!;
    const parts = raw.includes("${") ? this.#parse(raw, path) : undefined;
    return parts ? this.#evaluate(parts, path) : parseDefault(raw);
  }

  #ref(ref: InterpolationRef, path: PathSegment[], whole: boolean): unknown {
    if (ref.resolver === undefined) return this.#local(ref, path, whole);
    if (ENV_RESOLVERS.has(ref.resolver)) return this.#env(ref, path);
    if (ref.resolver === "globals" || ref.resolver === "runtime_params") {
      const source = ref.resolver === "globals" ? this.ctx.globals : this.ctx.runtimeParams;
      if (!source)
        throw this.fail(
          "KILN_CONFIG_RESOLVER_NOT_ALLOWED",
          path,
          `"${ref.label}" cannot be used in the globals config: globals are read before ${ref.resolver === "globals" ? "they exist" : "runtime parameters apply"}`,
          `Write the value itself in globals, or refer to another globals key with \${key}.`,
        );
      const parsed = parseKeyPath(ref.key);
      if (!parsed || parsed.up > 0)
        throw this.fail(
          "KILN_CONFIG_BAD_INTERPOLATION",
          path,
          `"${ref.label}" has an invalid key "${ref.key}"`,
          this.#syntaxHint(),
        );
      const got = getAt(source, parsed.path);
      if (got.found) return clonePlain(got.value);
      if (ref.defaultRaw !== undefined) return this.#default(ref, path);
      const near = didYouMean(formatPath(parsed.path), pathsLike(parsed.path, source));
      const file =
        ref.resolver === "globals"
          ? (this.ctx.globalsFile ?? "globals.yml")
          : "the runtime parameters (--params)";
      throw this.fail(
        "KILN_CONFIG_MISSING_REFERENCE",
        path,
        `"${ref.label}" refers to ${ref.resolver} key "${formatPath(parsed.path)}", which is not set`,
        [near, `Set it in ${file}, or give a default: \${${ref.resolver}:${ref.key}, value}.`]
          .filter(Boolean)
          .join(" "),
      );
    }
    const near = didYouMean(ref.resolver, RESOLVERS);
    throw this.fail(
      "KILN_CONFIG_UNKNOWN_RESOLVER",
      path,
      `"${ref.label}" uses the unknown resolver "${ref.resolver}:"`,
      `${near ? `${near} ` : ""}Kiln resolves globals:, runtime_params: and (in credentials) env:.`,
    );
  }

  #env(ref: InterpolationRef, path: PathSegment[]): unknown {
    const env = this.ctx.environment;
    if (!env)
      throw this.fail(
        "KILN_CONFIG_RESOLVER_NOT_ALLOWED",
        path,
        `"${ref.label}" reads an environment variable, which only credentials may do: values elsewhere are logged, shown by \`kiln config show\` and stored with runs`,
        `Move the value to conf/local/credentials.yml and refer to it by name (credentials: <name>), or use \${globals:...} / \${runtime_params:...}.`,
      );
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(ref.key))
      throw this.fail(
        "KILN_CONFIG_BAD_INTERPOLATION",
        path,
        `"${ref.label}" names an invalid environment variable "${ref.key}"`,
        this.#syntaxHint(),
      );
    const value = env[ref.key];
    if (value !== undefined) return value;
    if (ref.defaultRaw !== undefined) {
      const fallback = this.#default(ref, path);
      // Like OmegaConf's oc.env: a variable's value is text, and so is its default.
      return fallback === null ? null : stringify(fallback);
    }
    const near = didYouMean(ref.key, Object.keys(env));
    throw this.fail(
      "KILN_CONFIG_ENV_VAR_NOT_SET",
      path,
      `"${ref.label}" reads the environment variable ${ref.key}, which is not set`,
      `${near ? `${near} ` : ""}Set ${ref.key} in the environment, or give a default: \${env:${ref.key}, value}.`,
    );
  }

  #local(ref: InterpolationRef, path: PathSegment[], whole: boolean): unknown {
    const parsed = parseKeyPath(ref.key);
    if (!parsed || parsed.up > path.length)
      throw this.fail(
        "KILN_CONFIG_BAD_INTERPOLATION",
        path,
        `"${ref.label}" has an invalid key "${ref.key}"`,
        this.#syntaxHint(),
      );
    const base = parsed.up === 0 ? [] : path.slice(0, path.length - parsed.up);
    const target = [...base, ...parsed.path];
    for (let i = 1; i <= target.length; i++) {
      const prefix = target.slice(0, i);
      const got = getAt(this.#root, prefix);
      if (!got.found) {
        const self = formatPath(path);
        const near = didYouMean(
          formatPath(target),
          pathsLike(target, this.#root).filter((p) => p !== self),
        );
        throw this.fail(
          "KILN_CONFIG_MISSING_REFERENCE",
          path,
          `"${ref.label}" refers to "${formatPath(target)}", which is not set in the ${this.ctx.key} config`,
          [
            near,
            `Set "${formatPath(target)}" in a ${this.ctx.key} file, or use \${globals:...} for values shared across configs.`,
          ]
            .filter(Boolean)
            .join(" "),
        );
      }
      if (typeof got.value === "string") this.node(prefix);
    }
    this.subtree(target);
    const value = clonePlain(getAt(this.#root, target).value);
    if (whole && typeof value === "object" && value !== null) {
      // Keys under the copy point at where they were written; the copy itself at the `${...}`.
      const here = this.#where(path);
      this.ctx.located.locations.copy(this.ctx.located.locations, target, path);
      this.ctx.located.locations.set(path, here, true);
    }
    return value;
  }
}

/**
 * Resolves OmegaConf-style interpolations of one merged config, in place: `${a.b}` (same config;
 * a whole-string reference keeps the value's type), `${globals:a.b, default}`,
 * `${runtime_params:a.b, default}` and, only in credentials, `${env:NAME, default}`.
 *
 * @throws ConfigError naming file:line:column for every missing reference, unknown or disallowed
 *   resolver, unset variable, syntax error and cycle (several are reported together).
 */
export function resolveInterpolations(ctx: ResolveContext): void {
  const errors: ConfigError[] = [];
  new Resolution(ctx).subtree([], errors);
  if (errors.length === 0) return;
  if (errors.length === 1) throw errors[0]!;
  const first = errors[0]!;
  const hints = [...new Set(errors.map((e) => e.hint).filter(Boolean))];
  throw new ConfigError(
    first.code,
    `${errors.length} problems resolving the ${ctx.key} config:\n${errors.map((e) => `  - ${e.message}`).join("\n")}`,
    { hint: hints.join("\n  "), ...(first.location ? { location: first.location } : {}) },
  );
}
