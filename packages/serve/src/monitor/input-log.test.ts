import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, type LogRecord } from "kiln";
import pl from "nodejs-polars";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputLog, SERVED_AT } from "./input-log.js";

let dir: string;
const lines: LogRecord[] = [];
const logger = createLogger({ level: "debug", sink: (r) => lines.push(r) });
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-input-log-"));
  lines.length = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const rows = (n: number, from = 0) =>
  pl.DataFrame({
    x: Array.from({ length: n }, (_, i) => from + i),
    tag: Array.from({ length: n }, () => "a"),
  });
const readAll = async (folder: string) => {
  const files = (await readdir(folder)).sort();
  return { files, frame: pl.concat(files.map((f) => pl.readParquet(join(folder, f)))) };
};

describe("InputLog", () => {
  it("writes waiting rows as a Parquet part once enough wait, and the rest on close, each with its time", async () => {
    const out = join(dir, "served");
    const log = await InputLog.open({ destination: out, flushRows: 5 }, logger);
    const before = Date.now();
    log.record(rows(3));
    log.record(rows(3, 3)); // 6 ≥ 5: a part
    await log.flush();
    log.record(rows(2, 6));
    await log.close();
    const { files, frame } = await readAll(out);
    expect(files).toHaveLength(2);
    expect(files.every((f) => /^inputs-\d{8}T\d{9}Z-\d+-\d{6}-[0-9a-f]{8}\.parquet$/.test(f))).toBe(true);
    expect(frame.getColumn("x").toArray()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const times = frame.getColumn(SERVED_AT).toArray() as unknown as Date[];
    expect(times.every((t) => t.getTime() >= before - 1 && t.getTime() <= Date.now())).toBe(true);
    expect(log.written).toEqual({ rows: 8, parts: 2 });
  });

  it("writes frames whose columns have other types to parts of their own, values unchanged", async () => {
    const out = join(dir, "typed");
    const log = await InputLog.open({ destination: out }, logger);
    log.record(pl.DataFrame({ x: [1, 2] }, { schema: { x: pl.Int64 } }));
    log.record(pl.DataFrame({ x: [2.5] }));
    log.record(pl.DataFrame({ x: ["three"] }));
    await log.close();
    const files = (await readdir(out)).sort();
    const parts = files.map((f) => pl.readParquet(join(out, f)).getColumn("x"));
    expect(parts.map((c) => c.toArray()).sort()).toEqual([[1, 2], [2.5], ["three"]].sort());
    expect(parts.map((c) => String(c.dtype.variant)).sort()).toEqual(["Float64", "Int64", "String"]);
  });

  it("keeps a share of predictions with a sample rate", async () => {
    const log = await InputLog.open({ destination: dir, sampleRate: 0.2, flushRows: 1_000_000 }, logger);
    const one = rows(1);
    for (let i = 0; i < 2000; i++) log.record(one);
    await log.close();
    const kept = log.written.rows;
    // Binomial(2000, 0.2): mean 400, sd ~18; 300–500 fails once in ~10^7 runs.
    expect(kept).toBeGreaterThan(300);
    expect(kept).toBeLessThan(500);
  });

  it("keeps rows it could not write for the next try, and writes them once the destination works", async () => {
    const blocker = join(dir, "blocked");
    await writeFile(blocker, "a file where the folder should be");
    const out = join(blocker, "served");
    const log = await InputLog.open({ destination: out, flushRows: 1_000_000 }, logger);
    log.record(rows(4));
    await log.flush();
    expect(log.written.rows).toBe(0);
    expect(lines.some((l) => l.level === "warn" && l.message.includes("4 rows wait for the next try"))).toBe(
      true,
    );
    await rm(blocker);
    log.record(rows(1, 4));
    await log.close();
    expect((await readAll(out)).frame.getColumn("x").toArray()).toEqual([0, 1, 2, 3, 4]);
  });

  it("drops the oldest rows beyond its buffer limit while it cannot write, and says what was lost on close", async () => {
    const blocker = join(dir, "blocked");
    await writeFile(blocker, "");
    const log = await InputLog.open(
      { destination: join(blocker, "x"), flushRows: 1_000_000, maxBufferedRows: 5 },
      logger,
    );
    for (let i = 0; i < 4; i++) {
      log.record(rows(2, i * 2));
      await log.flush();
    }
    await log.close();
    const messages = lines.map((l) => l.message).join("\n");
    expect(messages).toContain("dropped so far");
    expect(messages).toMatch(/[45] logged input rows could not be written to .* and are lost/);
  });
});
