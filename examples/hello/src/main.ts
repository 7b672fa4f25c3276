// Runs the example: `npm start -- --runner sequential|concurrent|parallel`.
import {
  ConcurrentRunner,
  DataCatalog,
  KilnError,
  ParallelRunner,
  type Runner,
  SequentialRunner,
} from "kiln";
import { createPipeline, parameters } from "./pipeline.js";

const flag = process.argv.indexOf("--runner");
const runnerName = flag === -1 ? "sequential" : process.argv[flag + 1];
const source = { module: new URL("./pipeline.ts", import.meta.url).href, export: "createPipeline" };
const runners: Record<string, () => Runner> = {
  sequential: () => new SequentialRunner(),
  concurrent: () => new ConcurrentRunner(),
  parallel: () => new ParallelRunner({ source }),
};
const make = runnerName ? runners[runnerName] : undefined;
if (!make) {
  console.error(`Unknown runner "${runnerName}": use one of ${Object.keys(runners).join(", ")}.`);
  process.exit(2);
}

const pipe = createPipeline();
console.log(pipe.describe());
const catalog = new DataCatalog().addParameters(parameters);
try {
  const outputs = await make().run(pipe, catalog, { command: `npm start -- --runner ${runnerName}` });
  console.log(`\n${outputs.summary}`);
} catch (error) {
  console.error(error instanceof KilnError ? error.toDisplayString() : error);
  process.exit(1);
}
