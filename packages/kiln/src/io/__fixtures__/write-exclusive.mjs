// Waits until the time in argv[4] (ms since the epoch), then calls writeExclusive on files 0..count-1
// in folder argv[2] with the text argv[3], and prints the results as JSON (one boolean per file).
// Two of these race in the concurrency test; run with `node --import tsx`.
import { join } from "node:path";
import { LocalFileSystem } from "../local-file-system.ts";

const [dir, text, startAt, count] = process.argv.slice(2);
const fs = new LocalFileSystem();
while (Date.now() < Number(startAt)) await new Promise((r) => setTimeout(r, 1));
const results = [];
for (let i = 0; i < Number(count); i++) results.push(await fs.writeExclusive(join(dir, `v${i}.txt`), text));
process.stdout.write(JSON.stringify(results));
