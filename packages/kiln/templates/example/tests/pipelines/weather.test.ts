import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { createLogger, KilnSession } from "kiln";
import {
  makeReadings,
  type Reading,
  reportStations,
  summarizeStations,
} from "../../src/pipelines/weather/nodes.js";
import { inProjectCopy } from "../support/project-copy.js";

describe("the weather nodes", () => {
  test("makeReadings makes one reading per station and day, the same each time", () => {
    const parameters = { stations: ["a", "b"], days: 10, seed: 1 };
    const readings = makeReadings(parameters);
    assert.equal(readings.length, 20);
    assert.deepEqual(makeReadings(parameters), readings);
  });

  test("summarizeStations computes days, mean, min and max per station", () => {
    const readings: Reading[] = [
      { station: "a", day: 0, celsius: 1 },
      { station: "a", day: 1, celsius: 3 },
      { station: "b", day: 0, celsius: 10 },
    ];
    assert.deepEqual(summarizeStations(readings), [
      { station: "a", days: 2, mean: 2, min: 1, max: 3 },
      { station: "b", days: 1, mean: 10, min: 10, max: 10 },
    ]);
  });

  test("reportStations puts the warmest station first", () => {
    const report = reportStations([
      { station: "cold", days: 1, mean: 1, min: 1, max: 1 },
      { station: "warm", days: 1, mean: 9, min: 9, max: 9 },
    ]);
    assert.match(report, /^station.*\nwarm .*\ncold /);
  });
});

describe("the weather pipeline", () => {
  test("runs through KilnSession and writes its report", async () => {
    await inProjectCopy(async (projectPath) => {
      const session = await KilnSession.create({ projectPath, logger: createLogger({ level: "silent" }) });
      await session.run({ pipeline: "weather" });
      const summaries = JSON.parse(
        await readFile(join(projectPath, "data/03_primary/station_summaries.json"), "utf8"),
      );
      assert.equal(summaries.length, 3);
      const report = await readFile(join(projectPath, "data/08_reporting/weather_report.txt"), "utf8");
      for (const station of ["harbour", "hill", "airport"]) assert.match(report, new RegExp(station));
    });
  });
});
