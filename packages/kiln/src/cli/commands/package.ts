import { getDefaultLogger } from "../../logging/index.js";
import { packageProject } from "../../session/index.js";

/** `kiln package`'s options as commander hands them over. */
export interface PackageFlags {
  output?: string;
}

/** `kiln package`: writes the project and conf archives and prints their paths, one per line. */
export async function packageCommand(flags: PackageFlags): Promise<void> {
  const result = await packageProject(flags.output ? { outputDir: flags.output } : {});
  getDefaultLogger().info(
    `Packed ${result.files.length} files; conf/local, credentials* and .env* files left out.`,
  );
  process.stdout.write(`${result.project}\n${result.conf}\n`);
}
