import { describe, expect, it } from "vitest";
import { addLogListener, createLogger, type LogRecord } from "./index.js";

describe("addLogListener", () => {
  it("sees what every logger emits at or above its level, until stopped", () => {
    const heard: LogRecord[] = [];
    const printed: LogRecord[] = [];
    const stop = addLogListener((r) => void heard.push(r));
    const logger = createLogger({ level: "info", sink: (r) => void printed.push(r) });
    logger.debug("below the level");
    logger.info("one", { node: "a" });
    createLogger({ level: "warn", sink: () => {} }).warn("two");
    stop();
    logger.info("after stop");
    expect(heard.map((r) => r.message)).toEqual(["one", "two"]);
    expect(heard[0]).toBe(printed[0]); // the same record the sink got
    expect(printed.map((r) => r.message)).toEqual(["one", "after stop"]);
  });

  it("never lets a throwing listener break logging or the other listeners", () => {
    const heard: string[] = [];
    const stops = [
      addLogListener(() => {
        throw new Error("broken listener");
      }),
      addLogListener((r) => void heard.push(r.message)),
    ];
    const printed: string[] = [];
    createLogger({ sink: (r) => void printed.push(r.message) }).error("still logged");
    for (const stop of stops) stop();
    expect(printed).toEqual(["still logged"]);
    expect(heard).toEqual(["still logged"]);
  });
});
