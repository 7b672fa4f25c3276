// Writes 20 MB files of all "A" then all "B" to argv[2] with LocalFileSystem.write, forever, printing
// "start <n>" before and "done <n>" after each write. The atomicity test SIGKILLs it mid-write.
// Run with `node --import tsx` so the TypeScript source is imported directly.
import { LocalFileSystem } from "../local-file-system.ts";

const SIZE = 20 * 1024 * 1024;
const contents = [Buffer.alloc(SIZE, "A"), Buffer.alloc(SIZE, "B")];
const fs = new LocalFileSystem();
const target = process.argv[2];

for (let n = 0; ; n++) {
  process.stdout.write(`start ${n}\n`);
  await fs.write(target, contents[n % 2]);
  process.stdout.write(`done ${n}\n`);
}
