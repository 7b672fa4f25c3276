import { join, resolve } from "node:path";
import { checkGroupBy, required } from "../check-options.js";
import { ExportError } from "../errors.js";
import { checkImageName } from "../image-name.js";
import { type ExportOptions, planExport } from "../plan/export-plan.js";
import { yamlText } from "../yaml-text.js";
import { type ValohaiExport, valohaiConfig } from "./valohai-config.js";

/** Options of {@link exportValohai}. */
export interface ExportValohaiOptions extends Omit<ExportOptions, "groupBy"> {
  image: string;
  /** `none` (default) or `namespace`. */
  groupBy?: string;
  /** The conf environment written for the steps (default `valohai`). */
  confEnv?: string;
}

/** The export as text, and where each file goes. */
export interface ValohaiExportResult extends ValohaiExport {
  /** The valohai.yaml text. */
  yaml: string;
  /** `conf/<confEnv>/catalog.yml`, relative to the project. */
  catalogFile: string;
  catalogYaml: string;
  projectRoot: string;
}

/**
 * Exports a pipeline as a `valohai.yaml` and the conf environment its steps run with.
 * Writes nothing (see `writeValohaiExport`).
 * @example const result = await exportValohai({ pipeline: "data_processing", image: "sf:1.0" });
 * @throws ExportError `KILN_EXPORT_BAD_IMAGE`, `KILN_EXPORT_BAD_OPTION`, `KILN_EXPORT_MEMORY_DATASET`, …
 */
export async function exportValohai(options: ExportValohaiOptions): Promise<ValohaiExportResult> {
  const image = required("--image", options.image, "--image registry.example.com/team/project:1.0");
  checkImageName(image);
  const groupBy = checkGroupBy(options.groupBy);
  const confEnv = options.confEnv ?? "valohai";
  if (!/^[\w][\w.-]*$/.test(confEnv) || confEnv === "base") {
    throw new ExportError(
      "KILN_EXPORT_BAD_OPTION",
      `--conf-env "${confEnv}" cannot be the steps' conf environment.`,
      {
        hint: "Name a folder of its own under conf/ (not base), e.g. --conf-env valohai.",
      },
    );
  }
  const plan = await planExport({ ...options, groupBy });
  const made = valohaiConfig(plan, { image, confEnv });
  const catalogFile = join("conf", confEnv, "catalog.yml");
  const yaml = yamlText(
    [
      `Written by kiln export valohai: pipeline "${plan.pipelineName}" of ${plan.projectName}, ${plan.units.length} step${plan.units.length === 1 ? "" : "s"} in ${image}.`,
      `Steps run kiln run --env ${confEnv}; ${catalogFile} points their files at /valohai/inputs and /valohai/outputs.`,
      "Commit both files. Re-export after changing the pipeline or the catalog.",
    ],
    made.config,
  );
  const catalogYaml = yamlText(
    [
      `Written by kiln export valohai for the Valohai steps (kiln run --env ${confEnv}): each local file`,
      "dataset under .valohai-io/<name>/, which a step links to /valohai/inputs/<name> or /valohai/outputs/<name>.",
      "Valohai versions outputs itself, so Kiln's own versioning is off here.",
    ],
    made.catalog,
  );
  return { ...made, yaml, catalogFile, catalogYaml, projectRoot: plan.projectRoot };
}

/** The files of an export, by absolute path: `output` (default `valohai.yaml` in the project) and the catalog. */
export function valohaiFiles(result: ValohaiExportResult, output = "valohai.yaml"): Map<string, string> {
  return new Map([
    [resolve(result.projectRoot, output), result.yaml],
    [join(result.projectRoot, result.catalogFile), result.catalogYaml],
  ]);
}
