import { DatasetError } from "kiln";

/** The nodejs-polars module (its default export). */
export type Polars = typeof import("nodejs-polars").default;

let loaded: Promise<Polars> | undefined;

/**
 * nodejs-polars, imported on first use: its native library takes a while to load, and projects that
 * read no tables should not pay for it on every `kiln` command.
 * @throws DatasetError `KILN_TABLE_ENGINE_MISSING` when its native binary is not installed.
 */
export function loadPolars(): Promise<Polars> {
  loaded ??= import("nodejs-polars").then(
    (mod) => (mod.default ?? mod) as Polars,
    (error: unknown) => {
      loaded = undefined;
      throw new DatasetError(
        "KILN_TABLE_ENGINE_MISSING",
        `The table engine nodejs-polars could not be loaded: ${(error as Error).message}`,
        {
          cause: error,
          hint:
            "Install it with its native binary: npm install nodejs-polars@0.25.2 nodejs-polars-linux-x64-gnu@0.25.2 " +
            "(npm skips the binary on Node 20 unless it is listed explicitly).",
        },
      );
    },
  );
  return loaded;
}
