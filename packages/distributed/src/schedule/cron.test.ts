import { describe, expect, it } from "vitest";
import { checkCron, parseEvery } from "./cron.js";

describe("checkCron", () => {
  const from = new Date("2030-01-01T10:00:00Z");

  it("takes five fields, or six with seconds first, and gives the next time", () => {
    expect(checkCron("0 3 * * *", { tz: "UTC", from }).toISOString()).toBe("2030-01-02T03:00:00.000Z");
    expect(checkCron("*/5 * * * * *", { tz: "UTC", from }).toISOString()).toBe("2030-01-01T10:00:05.000Z");
    expect(checkCron("0 3 * * *", { tz: "Europe/Paris", from }).toISOString()).toBe(
      "2030-01-02T02:00:00.000Z",
    );
  });

  it("says what is wrong with a bad expression or zone", () => {
    expect(() => checkCron("0 3 * *")).toThrow(
      expect.objectContaining({
        code: "KILN_DISTRIBUTED_BAD_CRON",
        message: '--cron "0 3 * *" is not a cron expression: it has 4 fields, not 5 or 6.',
      }),
    );
    expect(() => checkCron("0 25 * * *")).toThrow("got value 25 expected range 0-23");
    expect(() => checkCron("0 3 * * *", { tz: "Mars/Olympus" })).toThrow(
      expect.objectContaining({ code: "KILN_DISTRIBUTED_BAD_CRON" }),
    );
  });
});

describe("parseEvery", () => {
  it("reads an interval with a unit", () => {
    expect([
      parseEvery("30s"),
      parseEvery("15m"),
      parseEvery("2h"),
      parseEvery("1d"),
      parseEvery("1500"),
    ]).toEqual([30_000, 900_000, 7_200_000, 86_400_000, 1500]);
    expect(() => parseEvery("soon")).toThrow("--every soon is not an interval of at least a second");
    expect(() => parseEvery("10ms")).toThrow(expect.objectContaining({ code: "KILN_DISTRIBUTED_BAD_CRON" }));
  });
});
