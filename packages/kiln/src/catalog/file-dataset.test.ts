import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JSONDataset } from "./datasets/json-dataset.js";
import { TextDataset } from "./datasets/text-dataset.js";
import { YAMLDataset } from "./datasets/yaml-dataset.js";
import { formatVersion, parseVersion } from "./versioning.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kiln-file-dataset-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const V1 = "2026-01-01T00.00.00.000Z";
const V2 = "2026-01-02T00.00.00.000Z";

describe("FileDataset", () => {
  it("KILN_DATASET_NO_FILEPATH: needs a filepath", () => {
    expect(() => new JSONDataset({} as never)).toThrow(
      expect.objectContaining({
        code: "KILN_DATASET_NO_FILEPATH",
        message: "JSONDataset needs a `filepath`.",
        hint: expect.stringContaining("filepath: data/01_raw/"),
      }),
    );
  });

  it("KILN_DATASET_VERSION_CLASH: gives up after maxVersionClashes consecutive versions are taken", async () => {
    expect(JSONDataset.maxVersionClashes).toBe(1000);
    // Fewer than the default 1,000, which would make the test slow (every attempt fsyncs).
    class Impatient extends JSONDataset {
      static override maxVersionClashes = 3;
    }
    const filepath = join(dir, "m.json");
    const start = parseVersion(V1);
    // Real files in the way, as other savers in consecutive milliseconds would leave them.
    for (let i = 0; i < 3; i++) {
      await new JSONDataset({ filepath, version: { save: formatVersion(start + i) } }).save(i);
    }
    const ds = new Impatient({ filepath, version: { save: V1 } });
    await expect(ds.save({ x: 1 })).rejects.toMatchObject({
      code: "KILN_DATASET_VERSION_CLASH",
      message: `Could not find a free version to save ${filepath}.`,
      hint: "3 consecutive versions were taken; check for a runaway process saving this dataset.",
    });
    // One more free millisecond and it saves there.
    await rm(join(filepath, formatVersion(start + 2)), { recursive: true });
    await ds.save({ x: 1 });
    expect(ds.lastSavedVersion).toBe(formatVersion(start + 2));
  });

  it("remembers which version its last load read: the latest, or the pinned one", async () => {
    const filepath = join(dir, "seen.json");
    const start = parseVersion(V1);
    for (let i = 0; i < 2; i++)
      await new JSONDataset({ filepath, version: { save: formatVersion(start + i) } }).save(i);
    const latest = new JSONDataset({ filepath, version: {} });
    expect(latest.lastLoadedVersion).toBeUndefined();
    expect(await latest.load()).toBe(1);
    expect(latest.lastLoadedVersion).toBe(formatVersion(start + 1));
    const pinned = new JSONDataset({ filepath, version: { load: V1 } });
    expect(await pinned.load()).toBe(0);
    expect(pinned.lastLoadedVersion).toBe(V1);
    expect(new JSONDataset({ filepath: join(dir, "plain.json") }).lastLoadedVersion).toBeUndefined();
  });

  it("says so when a versioned dataset's path holds a plain file (it was unversioned before)", async () => {
    const filepath = join(dir, "model.json");
    await new JSONDataset({ filepath }).save({ v: 0 });
    const versioned = new JSONDataset({ filepath, version: { save: V1 } });
    for (const attempt of [() => versioned.load(), () => versioned.save({ v: 1 })]) {
      await expect(attempt()).rejects.toMatchObject({
        code: "KILN_DATASET_VERSIONING_MISMATCH",
        message: `${filepath} is a plain file, but the dataset is versioned: its versions go in ${filepath}/<version>/model.json.`,
        hint: `Set \`versioned: false\` on the entry to keep using the file, or move it away; to keep it as the first version, move it to ${filepath}/${V1}/model.json.`,
      });
    }
    expect(JSON.parse(await readFile(filepath, "utf8"))).toEqual({ v: 0 }); // untouched
  });

  it("says so when an unversioned dataset's path holds saved versions (it was versioned before)", async () => {
    const filepath = join(dir, "notes.txt");
    await new TextDataset({ filepath, version: { save: V1 } }).save("one");
    await new TextDataset({ filepath, version: { save: V2 } }).save("two");
    const plain = new TextDataset({ filepath });
    for (const attempt of [() => plain.load(), () => plain.save("three")]) {
      await expect(attempt()).rejects.toMatchObject({
        code: "KILN_DATASET_VERSIONING_MISMATCH",
        message: `${filepath} is a folder of saved versions (the newest ${V2}), but the dataset is not versioned.`,
        hint: expect.stringContaining("Set `versioned: true` on the entry to keep using the versions"),
      });
    }
  });

  it("KILN_DATASET_VERSION_NOT_FOUND: a pinned version that does not exist lists the newest that do", async () => {
    const filepath = join(dir, "m.json");
    const start = parseVersion(V1);
    for (let i = 0; i < 7; i++)
      await new JSONDataset({ filepath, version: { save: formatVersion(start + i) } }).save(i);
    const missing = "2025-06-01T00.00.00.000Z";
    await expect(new JSONDataset({ filepath, version: { load: missing } }).load()).rejects.toMatchObject({
      code: "KILN_DATASET_VERSION_NOT_FOUND",
      message: `Version ${missing} of ${filepath} does not exist.`,
      hint: `Saved versions, newest first: ${[6, 5, 4, 3, 2].map((i) => formatVersion(start + i)).join(", ")} (and 2 older). Pin one of them (--load-versions name:version), or leave the pin out to load the newest.`,
    });
    expect(await new JSONDataset({ filepath, version: { load: formatVersion(start + 2) } }).load()).toBe(2);
    await expect(
      new JSONDataset({ filepath: join(dir, "never.json"), version: { load: missing } }).load(),
    ).rejects.toMatchObject({
      code: "KILN_DATASET_VERSION_NOT_FOUND",
      hint: "No version has been saved yet: run the node that produces it first.",
    });
  });

  it("previews JSON and YAML documents (an array's first items) and text (its first lines)", async () => {
    const list = new JSONDataset({ filepath: join(dir, "list.json") });
    await list.save([1, 2, 3, 4]);
    expect(await list.preview({ rows: 2 })).toEqual({ kind: "json", data: [1, 2], rowCount: 4 });
    const config = new YAMLDataset({ filepath: join(dir, "config.yml") });
    await config.save({ a: { b: 1 } });
    expect(await config.preview()).toEqual({ kind: "json", data: { a: { b: 1 } } });
    const notes = new TextDataset({ filepath: join(dir, "notes.txt") });
    await notes.save("one\ntwo\nthree\n");
    expect(await notes.preview({ rows: 2 })).toEqual({ kind: "text", data: "one\ntwo", rowCount: 3 });
  });
});
