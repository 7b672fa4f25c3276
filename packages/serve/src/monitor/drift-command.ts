// `kiln monitor drift`: compares what a model is served with the data it was trained on, prints a
// table per feature, saves the report, and optionally starts a re-training run when drift passes a
// threshold.
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, extname, join, relative, resolve } from "node:path";
import { readModelFolder, resolveProjectModel } from "@kiln/tracking";
import { closestMatches, type DataCatalog, KilnError, KilnSession, quoteList } from "kiln";
import type pl from "nodejs-polars";
import { computeDrift, type FeatureDrift, type SkippedFeature } from "./drift-report.js";
import { MonitorError } from "./monitor-error.js";
import { type ReadTable, readTable } from "./read-table.js";

type Polars = typeof pl;

/** Fewer rows than this on a side make PSI's deciles and KS's p-value unreliable. */
const MIN_RELIABLE_ROWS = 100;

/** The flags of `kiln monitor drift`, as commander hands them over. */
export interface DriftFlags {
  modelUri: string;
  current: string;
  reference?: string;
  features?: string;
  bins: string;
  threshold: string;
  report?: string;
  trigger?: string;
  env?: string;
}

/** What `kiln monitor drift` saves (`--report x.json`; a .csv or .parquet report holds `features`). */
export interface DriftReport {
  model: string;
  computed_at: string;
  reference: { source: string; rows: number };
  current: { source: string; rows: number };
  threshold: number;
  max_psi: number | null;
  drifted: string[];
  features: FeatureDrift[];
  skipped: SkippedFeature[];
  triggered: { pipeline: string; exit_code: number } | null;
}

function badOption(message: string, hint: string): MonitorError {
  return new MonitorError("KILN_MONITOR_BAD_OPTION", message, { hint });
}

function parseNumber(flag: string, value: string, min: number, max: number, integer: boolean): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw badOption(
      `${flag} must be ${integer ? "a whole number" : "a number"} from ${min} to ${max}, got "${value}".`,
      flag === "--threshold"
        ? "A PSI: 0.1 flags moderate change, 0.25 (the default) significant drift."
        : "e.g. --bins 10 (the reference's deciles).",
    );
  }
  return n;
}

const fixed = (n: number | null, digits: number) =>
  n === null ? "-" : n < 10 ** -digits && n > 0 ? n.toExponential(1) : n.toFixed(digits);

/** The report as an aligned text table, most drifted first. */
export function formatDriftTable(features: readonly FeatureDrift[], threshold: number): string {
  const rows = [...features]
    .sort((a, b) => b.psi - a.psi)
    .map((f) => [
      f.feature,
      f.kind,
      fixed(f.psi, 3),
      fixed(f.ks_statistic, 3),
      fixed(f.ks_p_value, 3),
      f.psi >= threshold ? `${f.status} *` : f.status,
    ]);
  const header = ["feature", "kind", "psi", "ks", "ks p-value", "status"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** Writes the report: JSON whole, CSV or Parquet as its feature table, or into a catalog dataset. */
async function saveReport(
  p: Polars,
  report: DriftReport,
  target: string,
  cwd: string,
  catalog: () => Promise<DataCatalog | undefined>,
): Promise<string> {
  const ext = extname(target).toLowerCase();
  const column = <K extends keyof FeatureDrift>(key: K) => report.features.map((f) => f[key]);
  const table = () =>
    p.DataFrame([
      p.Series("feature", column("feature"), p.String),
      p.Series("kind", column("kind"), p.String),
      p.Series("psi", column("psi"), p.Float64),
      p.Series("ks_statistic", column("ks_statistic"), p.Float64),
      p.Series("ks_p_value", column("ks_p_value"), p.Float64),
      p.Series("reference_rows", column("reference_rows"), p.Int64),
      p.Series("current_rows", column("current_rows"), p.Int64),
      p.Series("status", column("status"), p.String),
    ]);
  if (ext === "") {
    const c = await catalog();
    if (!c?.has(target))
      throw badOption(
        `--report ${target}: no file extension and no dataset of that name in the catalog.`,
        "Give a .json, .csv or .parquet path, or a catalog dataset that stores a DataFrame.",
      );
    await c.save(target, table());
    return `dataset ${target}`;
  }
  const path = resolve(cwd, target);
  await mkdir(dirname(path), { recursive: true });
  if (ext === ".json") await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
  else if (ext === ".csv") table().writeCSV(path);
  else if (ext === ".parquet") table().writeParquet(path);
  else
    throw badOption(
      `--report ${target}: "${ext}" is not a report format.`,
      "Give a .json, .csv or .parquet path.",
    );
  return relative(process.cwd(), path) || path;
}

/** Refuses, before anything is computed, a `--trigger` outside a project or naming no pipeline of it. */
async function checkTrigger(pipeline: string, session: KilnSession | undefined): Promise<void> {
  if (!session)
    throw badOption(
      `--trigger ${pipeline}: there is no Kiln project here to run it in.`,
      "Run kiln monitor drift inside the project whose pipeline re-trains the model.",
    );
  const names = Object.keys(await session.pipelines());
  if (!names.includes(pipeline)) {
    const near = closestMatches(pipeline, names)[0];
    throw badOption(
      `--trigger ${pipeline}: the project has no such pipeline.`,
      near ? `Did you mean "${near}"?` : `Its pipelines: ${quoteList(names)}.`,
    );
  }
}

/** Runs `kiln run --pipeline NAME` as a child process with this process's stdio; resolves its exit code. */
function runPipeline(pipeline: string, env: string | undefined, cwd: string): Promise<number> {
  const bin = process.argv[1]!;
  const args = [bin, "run", "--pipeline", pipeline, ...(env ? ["--env", env] : [])];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: "inherit" });
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise(code ?? (signal ? 128 : 1)));
  });
}

/** `kiln monitor drift`. Returns the report (the CLI prints and saves it on the way). */
export async function driftCommand(
  flags: DriftFlags,
  out: (text: string) => void = (t) => process.stdout.write(t),
): Promise<DriftReport> {
  const bins = parseNumber("--bins", flags.bins, 2, 100, true);
  const threshold = parseNumber("--threshold", flags.threshold, 0, 100, false);
  const cwd = process.cwd();
  const p = (await import("nodejs-polars")).default;

  // The project (for catalog datasets and the report's default place), opened only when needed.
  let session: Promise<KilnSession | undefined> | undefined;
  const project = () =>
    (session ??= KilnSession.create(flags.env ? { env: flags.env } : {}).catch((error: unknown) => {
      if (error instanceof KilnError && error.code === "KILN_PROJECT_NOT_FOUND") return undefined;
      throw error;
    }));
  let catalog: Promise<DataCatalog | undefined> | undefined;
  const openCatalog = () =>
    (catalog ??= project().then(async (s) => (s ? (await s.loadContext()).createCatalog() : undefined)));

  try {
    if (flags.trigger !== undefined) await checkTrigger(flags.trigger, await project());
    const resolved = await resolveProjectModel(flags.modelUri, flags.env ? { env: flags.env } : {});
    const folder = await readModelFolder(resolved.path);
    const flavor = folder.metadata.flavors.kiln;
    let reference: ReadTable;
    if (flags.reference !== undefined) {
      reference = await readTable(p, flags.reference, { flag: "--reference", cwd, openCatalog });
    } else if (flavor.reference_data) {
      const path = join(resolved.path, flavor.reference_data);
      reference = { frame: p.readParquet(path), source: `${flags.modelUri} (${flavor.reference_data})` };
    } else {
      throw new MonitorError(
        "KILN_MONITOR_NO_REFERENCE",
        `${flags.modelUri} keeps no reference data to compare with.`,
        {
          hint: "Give the data it was trained on with --reference (a file, a folder or a catalog dataset). Models packaged by this Kiln keep a sample of their training input unless pipelineML's referenceRows is 0.",
        },
      );
    }
    const current = await readTable(p, flags.current, { flag: "--current", cwd, openCatalog });
    const features = flags.features
      ? flags.features
          .split(",")
          .map((f) => f.trim())
          .filter(Boolean)
      : (folder.signature?.inputs?.map((c) => c.name).filter((n): n is string => typeof n === "string") ??
        undefined);
    const drift = computeDrift(reference.frame, current.frame, { bins, ...(features ? { features } : {}) });
    if (drift.features.length === 0) {
      throw new MonitorError("KILN_MONITOR_NO_FEATURES", "No feature could be compared.", {
        hint: `${drift.skipped.map((s) => `"${s.feature}": ${s.reason}`).join("; ") || "The two tables share no column."} Check --current (and --features).`,
      });
    }
    const drifted = drift.features.filter((f) => f.psi >= threshold).map((f) => f.feature);
    const report: DriftReport = {
      model: flags.modelUri,
      computed_at: new Date().toISOString(),
      reference: { source: reference.source, rows: reference.frame.height },
      current: { source: current.source, rows: current.frame.height },
      threshold,
      max_psi: Math.max(...drift.features.map((f) => f.psi)),
      drifted,
      features: drift.features,
      skipped: drift.skipped,
      triggered: null,
    };

    out(
      `Drift of ${flags.modelUri}: ${current.source} (${current.frame.height} rows) against ${reference.source} (${reference.frame.height} rows)\n\n`,
    );
    out(`${formatDriftTable(drift.features, threshold)}\n\n`);
    for (const s of drift.skipped) out(`Skipped "${s.feature}": ${s.reason}.\n`);
    const fewest = Math.min(reference.frame.height, current.frame.height);
    if (fewest < MIN_RELIABLE_ROWS)
      out(
        `Note: ${fewest === reference.frame.height ? "the reference" : "the current data"} has only ${fewest} rows; below ${MIN_RELIABLE_ROWS} per side, PSI and KS mostly measure noise.\n`,
      );
    out(
      drifted.length > 0
        ? `${drifted.length} of ${drift.features.length} features drifted (PSI ≥ ${threshold}, marked *): ${drifted.join(", ")}.\n`
        : `No feature reached PSI ${threshold} (max ${report.max_psi!.toFixed(3)}).\n`,
    );

    if (flags.trigger !== undefined) {
      if (drifted.length > 0) {
        out(`Starting kiln run --pipeline ${flags.trigger} (drift ≥ ${threshold}).\n`);
        const s = await project();
        const code = await runPipeline(flags.trigger, flags.env, s?.project.root ?? cwd);
        report.triggered = { pipeline: flags.trigger, exit_code: code };
      } else out(`Not starting ${flags.trigger}: no drift at ${threshold}.\n`);
    }

    const s = await project();
    const target =
      flags.report ??
      (s
        ? join(
            s.project.root,
            "data/08_reporting/drift",
            `drift-${report.computed_at.replace(/[:.]/g, "-")}.json`,
          )
        : undefined);
    if (target !== undefined) out(`Report: ${await saveReport(p, report, target, cwd, openCatalog)}\n`);

    if (report.triggered && report.triggered.exit_code !== 0) {
      throw new MonitorError(
        "KILN_MONITOR_TRIGGER_FAILED",
        `The triggered run of pipeline ${flags.trigger} failed (exit code ${report.triggered.exit_code}).`,
        {
          hint: "Its output is above; the drift report is saved with triggered.exit_code.",
        },
      );
    }
    return report;
  } finally {
    const s = await session?.catch(() => undefined);
    await s?.close();
  }
}
