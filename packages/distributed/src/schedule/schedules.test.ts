// Schedules (BullMQ job schedulers) against a real redis-server on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../../../../test/support/redis-server.js";
import { Schedules } from "./schedules.js";

let server: RedisServer;
let schedules: Schedules;
beforeAll(async () => {
  server = await startRedis();
  schedules = await Schedules.open({ redis: server.url, queue: "sched" });
});
afterAll(async () => {
  await schedules?.close();
  await server?.stop();
});

describe("Schedules", () => {
  it("adds, lists (by name, with the next run) and removes schedules", async () => {
    const next = await schedules.add({
      name: "nightly",
      pipeline: "train",
      cron: "0  3 * * *",
      tz: "UTC",
      params: "a=1",
      env: "prod",
    });
    expect(next?.getUTCHours()).toBe(3);
    await schedules.add({ name: "hourly", pipeline: "score", every: 3_600_000 });
    const listed = await schedules.list();
    expect(listed.map(({ next: n, ...rest }) => rest)).toEqual([
      { name: "hourly", pipeline: "score", every: 3_600_000 },
      { name: "nightly", pipeline: "train", cron: "0 3 * * *", tz: "UTC", params: "a=1", env: "prod" },
    ]);
    expect(listed.every((s) => s.next instanceof Date)).toBe(true);
    expect(listed[1]!.next!.toISOString()).toMatch(/T03:00:00\.000Z$/);
    await schedules.remove("hourly");
    expect((await schedules.list()).map((s) => s.name)).toEqual(["nightly"]);
  });

  it("refuses a name twice unless told to replace, a bad name, and no or two timings", async () => {
    await schedules.add({ name: "twice", pipeline: "p", every: 60_000 });
    await expect(schedules.add({ name: "twice", pipeline: "p", every: 1000 })).rejects.toMatchObject({
      code: "KILN_DISTRIBUTED_SCHEDULE_EXISTS",
      hint: "Pass --replace to replace it, or remove it first: kiln schedule rm twice.",
    });
    await schedules.add({ name: "twice", pipeline: "q", cron: "*/10 * * * * *" }, { replace: true });
    expect((await schedules.list()).find((s) => s.name === "twice")).toMatchObject({
      pipeline: "q",
      cron: "*/10 * * * * *",
    });
    await expect(schedules.add({ name: "a b", pipeline: "p", every: 1000 })).rejects.toMatchObject({
      code: "KILN_DISTRIBUTED_BAD_SCHEDULE",
    });
    await expect(schedules.add({ name: "none", pipeline: "p" })).rejects.toMatchObject({
      code: "KILN_DISTRIBUTED_BAD_SCHEDULE",
      message: 'Schedule "none" needs one of --cron and --every.',
    });
    await expect(schedules.add({ name: "bad", pipeline: "p", cron: "every day" })).rejects.toMatchObject({
      code: "KILN_DISTRIBUTED_BAD_CRON",
    });
    expect((await schedules.list()).map((s) => s.name)).not.toContain("bad");
  });

  it("names the nearest schedule when asked to remove one that is not there", async () => {
    await schedules.add({ name: "weekly-report", pipeline: "p", cron: "0 8 * * 1" });
    await expect(schedules.remove("weekly-reprt")).rejects.toMatchObject({
      code: "KILN_DISTRIBUTED_UNKNOWN_SCHEDULE",
      message: 'There is no schedule named "weekly-reprt".',
      hint: 'Did you mean "weekly-report"?',
    });
  });
});
