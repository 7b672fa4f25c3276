import { afterEach, describe, expect, it } from "vitest";
import { parseRunnerParams } from "./runner-params.js";

describe("parseRunnerParams", () => {
  const saved = process.env.KILN_REDIS_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.KILN_REDIS_URL;
    else process.env.KILN_REDIS_URL = saved;
  });

  it("fills defaults; KILN_REDIS_URL gives the Redis", () => {
    delete process.env.KILN_REDIS_URL;
    expect(parseRunnerParams({})).toEqual({
      redis: "redis://127.0.0.1:6379",
      queue: "kiln",
      retries: 0,
      retryDelay: 0,
      groupBy: "none",
      memory: "error",
      memoryLimit: 1048576,
    });
    process.env.KILN_REDIS_URL = "redis://cache:6380/2";
    expect(parseRunnerParams({}).redis).toBe("redis://cache:6380/2");
  });

  it("reads every parameter as the command line gives it", () => {
    expect(
      parseRunnerParams({
        redis: "rediss://u:p@host:6379",
        queue: "train",
        retries: 2,
        retry_delay: 500,
        group_by: "namespace",
        memory: "redis",
        memory_limit: "512kb",
      }),
    ).toEqual({
      redis: "rediss://u:p@host:6379",
      queue: "train",
      retries: 2,
      retryDelay: 500,
      groupBy: "namespace",
      memory: "redis",
      memoryLimit: 524288,
    });
  });

  it("refuses unknown keys (with did-you-mean) and bad values, saying what would do", () => {
    expect(() => parseRunnerParams({ retires: 2 })).toThrow(
      expect.objectContaining({
        code: "KILN_DISTRIBUTED_BAD_PARAM",
        message: 'The distributed runner has no parameter "retires".',
        hint: 'Did you mean "retries"? It takes: redis, queue, retries, retry_delay, group_by, memory, memory_limit.',
      }),
    );
    expect(() => parseRunnerParams({ retries: -1 })).toThrow("retries=-1 is not a whole number of 0 or more");
    expect(() => parseRunnerParams({ group_by: "tags" })).toThrow(
      "group_by=tags is not one of none, namespace",
    );
    expect(() => parseRunnerParams({ memory_limit: "lots" })).toThrow("memory_limit=lots is not a size");
    expect(() => parseRunnerParams({ redis: "127.0.0.1:6379" })).toThrow("is not a Redis URL");
    expect(() => parseRunnerParams({ queue: "a b" })).toThrow("queue=a b is not a queue name");
  });
});
