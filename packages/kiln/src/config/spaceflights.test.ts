// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about ${...} interpolation in config text.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type ConfDir, confDir } from "./__fixtures__/conf-dir.js";
import { maskSecrets } from "./mask-secrets.js";
import { parseRuntimeParams } from "./runtime-params.js";
import { validateParameters } from "./validate-parameters.js";

// The conf/ of Kedro's spaceflights starter, as a Kiln project would have it.
const CATALOG = `# Here you can define all your datasets by using simple YAML syntax.
_excel: &excel
  type: pandas.ExcelDataset
  load_args:
    engine: openpyxl

companies:
  type: pandas.CSVDataset
  filepath: \${globals:paths.raw}/companies.csv

reviews:
  type: pandas.CSVDataset
  filepath: \${globals:paths.raw}/reviews.csv

shuttles:
  <<: *excel
  filepath: \${globals:paths.raw}/shuttles.xlsx

preprocessed_companies:
  type: pandas.ParquetDataset
  filepath: data/02_intermediate/preprocessed_companies.parquet

model_input_table:
  type: pandas.ParquetDataset
  filepath: data/03_primary/model_input_table.parquet

regressor:
  type: pickle.PickleDataset
  filepath: data/06_models/regressor.pickle
  versioned: true
`;

const DATA_SCIENCE = `model_options:
  test_size: 0.2
  random_state: 3
  features:
    - engines
    - passenger_capacity
    - crew
    - d_check_complete
    - moon_clearance_complete
    - iata_approved
    - company_rating
    - review_scores_rating
`;

let dir: ConfDir;
beforeEach(async () => {
  dir = await confDir({
    "base/catalog.yml": CATALOG,
    "base/globals.yml": "paths:\n  raw: data/01_raw\n",
    "base/parameters.yml": "",
    "base/parameters_data_science.yml": DATA_SCIENCE,
    "base/parameters_data_processing.yml": "# no parameters for data processing yet\n",
    "local/credentials.yml":
      "dev_s3:\n  client_kwargs:\n    aws_access_key_id: AKIA-LOCAL\n    aws_secret_access_key: ${env:AWS_SECRET_ACCESS_KEY}\n",
    "local/.gitkeep": "",
    "base/logging.yml": "version: 1\nroot:\n  level: INFO\n",
  });
});
afterEach(() => dir.remove());

describe("a Kedro spaceflights conf/", () => {
  it("loads catalog, parameters, credentials and logging", async () => {
    const loader = dir.loader({ environment: { AWS_SECRET_ACCESS_KEY: "s3cr3t" } });
    const catalog = await loader.load("catalog");
    expect(Object.keys(catalog.value)).toEqual([
      "_excel",
      "companies",
      "reviews",
      "shuttles",
      "preprocessed_companies",
      "model_input_table",
      "regressor",
    ]);
    expect(catalog.value.shuttles).toEqual({
      type: "pandas.ExcelDataset",
      load_args: { engine: "openpyxl" },
      filepath: "data/01_raw/shuttles.xlsx",
    });
    expect(catalog.value.companies).toEqual({
      type: "pandas.CSVDataset",
      filepath: "data/01_raw/companies.csv",
    });
    expect(catalog.locate(["regressor", "versioned"])).toEqual({
      file: dir.path("base/catalog.yml"),
      line: 30,
      column: 14,
    });
    expect(catalog.locate(["shuttles", "load_args", "engine"])).toEqual({
      file: dir.path("base/catalog.yml"),
      line: 5,
      column: 13,
    });

    const parameters = await loader.load("parameters");
    expect(parameters.value).toEqual({
      model_options: {
        test_size: 0.2,
        random_state: 3,
        features: expect.arrayContaining(["engines", "review_scores_rating"]),
      },
    });
    expect(parameters.files).toEqual([
      dir.path("base/parameters.yml"),
      dir.path("base/parameters_data_processing.yml"),
      dir.path("base/parameters_data_science.yml"),
    ]);

    const credentials = await loader.load("credentials");
    expect(maskSecrets(credentials.value)).toEqual({
      dev_s3: { client_kwargs: { aws_access_key_id: "***", aws_secret_access_key: "***" } },
    });
    expect((await loader.load("logging")).value).toEqual({ version: 1, root: { level: "INFO" } });
  });

  it("validates model options with a schema, overridden by --params", async () => {
    const loader = dir.loader({ runtimeParams: parseRuntimeParams("model_options.test_size=0.3") });
    const parameters = await loader.load("parameters");
    const options = validateParameters(
      parameters,
      z.object({
        test_size: z.number(),
        random_state: z.number().int(),
        features: z.array(z.string()).min(1),
      }),
      { prefix: ["model_options"] },
    );
    expect(options.test_size).toBe(0.3);
    expect(options.features).toHaveLength(8);
  });
});
