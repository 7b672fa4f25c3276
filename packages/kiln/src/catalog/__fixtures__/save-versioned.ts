// Child process for the version-uniqueness test: saves `count` versions of one dataset, all with
// the same requested save version, as fast as it can, and prints the versions it got.
import { createLogger } from "../../logging/index.js";
import { createCatalog } from "../catalog-from-config.js";
import type { FileDataset } from "../file-dataset.js";

const [filepath, saveVersion, count, label] = process.argv.slice(2) as [string, string, string, string];
const versions: string[] = [];
for (let i = 0; i < Number(count); i++) {
  const catalog = await createCatalog({
    logger: createLogger({ level: "silent" }),
    catalog: { m: { type: "json.JSONDataset", filepath, versioned: true } },
    saveVersion,
  });
  await catalog.save("m", { label, i });
  versions.push((catalog.get("m") as FileDataset<unknown>).lastSavedVersion!);
}
process.stdout.write(JSON.stringify(versions));
