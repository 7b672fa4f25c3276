import { KilnError } from "../errors/index.js";

/** A command-line value was malformed; the CLI exits with code 2. */
export class UsageError extends KilnError {}

/** `a,b, c` → `["a", "b", "c"]` (repeated flags are concatenated by the caller). */
export function commaList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

/** Joins the values of a flag given several times (`--runner-params a=1 --runner-params b=2`). */
export function joined(value: string, previous?: string): string {
  return previous === undefined ? value : `${previous},${value}`;
}

/** `k=v,k2=v2` → `{ k: "v", k2: v2 }`, numbers and booleans typed. */
export function keyValues(value: string, flag: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      throw new UsageError(
        "KILN_CLI_BAD_VALUE",
        `${flag} expects key=value pairs separated by commas, got "${pair}".`,
        {
          hint: `e.g. ${flag} max_workers=4`,
        },
      );
    }
    const raw = pair.slice(eq + 1);
    out[pair.slice(0, eq)] =
      raw === "true"
        ? true
        : raw === "false"
          ? false
          : raw !== "" && !Number.isNaN(Number(raw))
            ? Number(raw)
            : raw;
  }
  return out;
}

/** `name:version,name2:version2` → `{ name: version, … }` (Kedro's `--load-versions`). */
export function loadVersions(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const colon = pair.indexOf(":");
    if (colon <= 0 || colon === pair.length - 1) {
      throw new UsageError(
        "KILN_CLI_BAD_VALUE",
        `--load-versions expects dataset:version pairs separated by commas, got "${pair}".`,
        {
          hint: "e.g. --load-versions regressor:2026-11-23T12.51.11.123Z",
        },
      );
    }
    out[pair.slice(0, colon)] = pair.slice(colon + 1);
  }
  return out;
}

/** Global flags that take a value: `kiln --log-format json run` has `run` as its command. */
const GLOBAL_FLAGS_WITH_VALUE = new Set(["--log-format"]);

/**
 * The command word of `kiln [global options] COMMAND …`: the first argument that is neither a
 * global flag nor a global flag's value (undefined when there is none, as in `kiln --help`).
 */
export function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("-")) return arg;
    if (arg === "--") return args[i + 1];
    if (GLOBAL_FLAGS_WITH_VALUE.has(arg)) i++;
  }
  return undefined;
}
