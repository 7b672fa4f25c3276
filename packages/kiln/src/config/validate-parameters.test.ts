// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about ${...} interpolation in config text.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../errors/index.js";
import { type ConfDir, confDir } from "./__fixtures__/conf-dir.js";
import { validateParameters } from "./validate-parameters.js";

let dir: ConfDir;
beforeEach(async () => {
  dir = await confDir({
    "base/parameters_data_science.yml": [
      "model_options:",
      "  test_size: '0.2'",
      "  random_state: 3",
      "  features:",
      "    - engines",
      "    - 7",
      "  extra_key: true",
      "",
    ].join("\n"),
  });
});
afterEach(() => dir.remove());

const schema = z
  .object({
    test_size: z.number().min(0).max(1),
    random_state: z.number().int(),
    features: z.array(z.string()),
    optimizer: z.enum(["adam", "sgd"]),
  })
  .strict();

function validationError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("validateParameters", () => {
  it("returns the parsed value when the parameters match", async () => {
    await dir.write({
      "local/parameters.yml":
        "model_options:\n  test_size: 0.2\n  random_state: 3\n  features: [a]\n  optimizer: adam\n",
    });
    const doc = await dir.loader().load("parameters");
    const options = validateParameters(doc, schema, { prefix: ["model_options"] });
    expect(options).toEqual({ test_size: 0.2, random_state: 3, features: ["a"], optimizer: "adam" });
  });

  it("lists every problem with its dotted key, expected vs received, and where it was set", async () => {
    const doc = await dir.loader().load("parameters");
    const error = validationError(() => validateParameters(doc, schema, { prefix: ["model_options"] }));
    const file = dir.path("base/parameters_data_science.yml");
    expect(error.code).toBe("KILN_CONFIG_INVALID_PARAMETERS");
    expect(error.message).toContain('Parameters "model_options" do not match the schema (4 problems)');
    expect(error.message).toContain(
      `model_options.test_size: expected number, received string "0.2" (at ${file}:2:14)`,
    );
    expect(error.message).toContain(
      `model_options.features[1]: expected string, received number 7 (at ${file}:6:7)`,
    );
    expect(error.message).toContain(
      `model_options.optimizer: missing (Invalid option: expected one of "adam"|"sgd") (not set; "model_options" is at ${file}:1:1)`,
    );
    expect(error.message).toContain(
      `model_options.extra_key: unexpected key, not in the schema (at ${file}:7:14)`,
    );
    expect(error.location).toEqual({ file, line: 2, column: 14 });
    expect(error.hint).toContain("--params");
  });

  it("reports other checks with zod's message and the value", async () => {
    await dir.write({
      "local/parameters.yml":
        "model_options:\n  test_size: 3\n  random_state: 1\n  features: []\n  optimizer: adamw\n",
    });
    const doc = await dir.loader().load("parameters");
    const error = validationError(() => validateParameters(doc, schema, { prefix: ["model_options"] }));
    const file = dir.path("local/parameters.yml");
    expect(error.message).toMatch(
      new RegExp(`model_options\\.test_size: Too big.*received 3 \\(at ${file}:2:14\\)`),
    );
    expect(error.message).toMatch(
      /model_options\.optimizer: Invalid option: expected one of "adam"\|"sgd", received "adamw"/,
    );
  });

  it("blames --params only for keys it set, not for a file's mapping it adds to", async () => {
    await dir.write({
      "base/parameters_weather.yml": "# Weather\n\nweather:\n  days: 3\n  city: Lisbon\n",
    });
    const weather = z.object({ weather: z.object({ days: z.number(), mode: z.enum(["daily", "hourly"]) }) });
    const file = dir.path("base/parameters_weather.yml");
    const withoutParams = await dir.loader().load("parameters");
    const expected = `weather.mode: missing (Invalid option: expected one of "daily"|"hourly") (not set; "weather" is at ${file}:3:1)`;
    expect(validationError(() => validateParameters(withoutParams, weather)).message).toContain(expected);
    const withParams = await dir.loader({ runtimeParams: { weather: { days: 5 } } }).load("parameters");
    const error = validationError(() => validateParameters(withParams, weather));
    expect(error.message).toContain(expected);
    expect(error.message).not.toContain("--params");
    // A wrong value the runtime params set is theirs; a mapping they create is theirs too.
    const wrong = await dir
      .loader({ runtimeParams: { weather: { days: "many" }, extra: { on: 1 } } })
      .load("parameters");
    const strict = z.object({
      weather: z.object({ days: z.number() }),
      extra: z.object({ on: z.boolean(), level: z.number() }),
    });
    const message = validationError(() => validateParameters(wrong, strict)).message;
    expect(message).toContain(
      'weather.days: expected number, received string "many" (at runtime params (--params))',
    );
    expect(message).toContain(
      'extra.level: missing (expected number) (not set; "extra" is at runtime params (--params))',
    );
  });

  it("says when a key is not set in any parameters file", async () => {
    const doc = await dir.loader().load("parameters");
    const error = validationError(() =>
      validateParameters(doc, z.object({ training: z.object({ epochs: z.number() }) })),
    );
    expect(error.message).toContain("training: missing (expected object) (not set in any parameters file)");
    expect(error.message).toContain("Parameters do not match the schema (1 problem)");
  });

  it("validates the whole document by default", async () => {
    const doc = await dir.loader().load("parameters");
    const parsed = validateParameters(
      doc,
      z.object({ model_options: z.object({ random_state: z.number() }) }),
    );
    expect(parsed.model_options.random_state).toBe(3);
  });
});
