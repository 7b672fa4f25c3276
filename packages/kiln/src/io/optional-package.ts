import { IoError } from "../errors/index.js";

/**
 * Imports an optional dependency on first use.
 * @throws IoError `KILN_IO_MISSING_PACKAGE` with the install command when it is not installed.
 */
export async function importOptional<T>(name: string, neededFor: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    const { code, message } = (error ?? {}) as NodeJS.ErrnoException;
    // Only the package itself missing; a broken install (one of its own imports missing) is rethrown.
    const missing =
      (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && `${message}`.includes(`'${name}'`);
    if (!missing) throw error;
    throw new IoError(
      "KILN_IO_MISSING_PACKAGE",
      `${neededFor} needs the package "${name}", which is not installed.`,
      {
        hint: `Run: npm install ${name}`,
        cause: error,
      },
    );
  }
}
