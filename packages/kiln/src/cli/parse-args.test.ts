import { describe, expect, it } from "vitest";
import { commandWord } from "./parse-args.js";

describe("commandWord", () => {
  it("skips global flags and the value of --log-format", () => {
    expect(commandWord(["run", "--nodes", "a"])).toBe("run");
    expect(commandWord(["-v", "tracking", "runs"])).toBe("tracking");
    expect(commandWord(["--quiet", "--log-format", "json", "audit"])).toBe("audit");
    expect(commandWord(["--log-format=json", "audit"])).toBe("audit");
    expect(commandWord(["--", "audit"])).toBe("audit");
  });

  it("is undefined when only flags are given", () => {
    expect(commandWord([])).toBeUndefined();
    expect(commandWord(["--help"])).toBeUndefined();
    expect(commandWord(["-v", "--log-format", "json"])).toBeUndefined();
  });
});
