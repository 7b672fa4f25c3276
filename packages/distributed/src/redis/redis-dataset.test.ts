// RedisDataset against a real redis-server on 127.0.0.1.
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RedisServer, startRedis } from "../../../../test/support/redis-server.js";
import { connectRedis } from "./connection.js";
import { RedisDataset, whyNotStorable } from "./redis-dataset.js";

let server: RedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await startRedis();
  redis = await connectRedis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

describe("RedisDataset", () => {
  it("keeps plain data, typed arrays, Maps and Dates; forgets it on release", async () => {
    const ds = new RedisDataset(redis, "kiln:t:data:run:x", "x", 1024 * 1024);
    const value = { a: [1, 2], when: new Date(5), m: new Map([["k", new Float64Array([0.5])]]) };
    expect(await ds.exists()).toBe(false);
    await ds.save(value);
    expect(await ds.exists()).toBe(true);
    expect(await ds.load()).toEqual(value);
    expect(await redis.ttl("kiln:t:data:run:x")).toBeGreaterThan(3600);
    await ds.release();
    await expect(ds.load()).rejects.toMatchObject({
      code: "KILN_DISTRIBUTED_NO_VALUE",
      message: 'Dataset "x" has no value in Redis (kiln:t:data:run:x).',
    });
  });

  it("refuses values over its limit, and values that would not arrive as they left", async () => {
    const ds = new RedisDataset(redis, "kiln:t:data:run:y", "y", 1000);
    await expect(ds.save("z".repeat(2000))).rejects.toMatchObject({
      code: "KILN_DISTRIBUTED_VALUE_TOO_LARGE",
      message: 'Dataset "y" is 2.0 KiB, more than the 1000 B a Redis-kept dataset may take.',
    });
    class Model {}
    await expect(ds.save({ model: new Model() })).rejects.toMatchObject({
      code: "KILN_DISTRIBUTED_NOT_STORABLE",
      message:
        'Dataset "y" cannot be kept in Redis: the value.model is an instance of Model, which would arrive as a plain object.',
    });
    expect(whyNotStorable([1, () => 2])).toBe("the value[1] is a function");
    expect(whyNotStorable({ rows: [{ a: 1 }], height: () => 1 })).toBe(
      "the value is an object with methods (height, …), which would arrive without them",
    );
    expect(await ds.exists()).toBe(false);
  });
});

describe("connectRedis", () => {
  it("says which Redis it could not reach, password hidden", async () => {
    await expect(connectRedis("redis://kiln:secret@127.0.0.1:1", { timeoutMs: 2000 })).rejects.toMatchObject({
      code: "KILN_DISTRIBUTED_REDIS_UNREACHABLE",
      message: expect.stringMatching(
        /^Could not reach Redis at redis:\/\/kiln:\*\*\*@127\.0\.0\.1:1 \(ECONNREFUSED\)\.$/,
      ),
    });
  });
});
