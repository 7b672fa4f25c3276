import { DatasetError } from "kiln";

/**
 * Imports one of this package's heavier dependencies on first use, so that `kiln` commands that
 * touch no plot or image do not pay for loading it.
 * @throws DatasetError `code` with the install command when the package (or its native binary) is missing.
 */
export async function importPackage<T>(name: string, code: string, neededFor: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    const { code: errno } = (error ?? {}) as NodeJS.ErrnoException;
    if (errno !== "ERR_MODULE_NOT_FOUND" && errno !== "MODULE_NOT_FOUND") throw error;
    throw new DatasetError(
      code,
      `${neededFor} needs the package "${name}", which could not be loaded: ${(error as Error).message}`,
      {
        cause: error,
        hint: `Reinstall @kiln/datasets with its dependencies (npm install @kiln/datasets), or npm install ${name}.`,
      },
    );
  }
}
