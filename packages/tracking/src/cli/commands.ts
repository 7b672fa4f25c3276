import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { closestMatches, KilnSession, quoteList } from "kiln";
import { DEFAULT_TRACKING_YML } from "../config/default-tracking-yml.js";
import { loadTrackingSettings, type TrackingSettings } from "../config/tracking-settings.js";
import { TrackingError } from "../errors.js";
import { type Filter, parseFilter } from "../search/filter.js";
import { type OrderKey, parseOrderBy, runValue, searchRuns } from "../search/search-runs.js";
import { openStore } from "../store/open-store.js";
import type { RunDetails, RunSummary, TrackingStore } from "../store/types.js";
import { clip, formatDuration, formatNumber, formatSize, formatTime, table } from "./format.js";

export const print = (text: string) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);

function badOption(message: string, hint: string): TrackingError {
  return new TrackingError("KILN_TRACKING_BAD_OPTION", message, { hint });
}

/** A project opened for a tracking command: its settings and, when the store exists, the store. */
export interface Opened {
  session: KilnSession;
  settings: TrackingSettings;
  store: TrackingStore | undefined;
}

async function openProject(env: string | undefined): Promise<Opened> {
  const session = await KilnSession.create(env ? { env } : {});
  try {
    const settings = await loadTrackingSettings(await session.loadContext());
    // Reading must not create an empty SQLite file where none was.
    const missing = settings.store.kind === "sqlite" && !existsSync(settings.store.path);
    return { session, settings, store: missing ? undefined : await openStore(settings.store) };
  } catch (error) {
    await session.close();
    throw error;
  }
}

export async function withProject<T>(
  env: string | undefined,
  body: (opened: Opened) => Promise<T>,
): Promise<T> {
  const opened = await openProject(env);
  try {
    return await body(opened);
  } finally {
    await opened.store?.close();
    await opened.session.close();
  }
}

/** `kiln tracking init`: writes the commented default tracking.yml into conf/<env>/. */
export async function init(flags: { env: string; force?: boolean }): Promise<void> {
  if (!/^[\w][\w.-]*$/.test(flags.env))
    throw badOption(
      `--env ${flags.env} is not a config environment folder name.`,
      "e.g. --env base, --env local, --env prod",
    );
  const session = await KilnSession.create();
  try {
    const conf = resolve(session.project.root, session.settings.confSource ?? "conf");
    const target = join(conf, flags.env, "tracking.yml");
    const shown = relative(session.project.root, target);
    const existing = ["tracking.yml", "tracking.yaml"]
      .map((f) => join(conf, flags.env, f))
      .find((f) => existsSync(f));
    if (existing && !flags.force) {
      throw new TrackingError(
        "KILN_TRACKING_CONFIG_EXISTS",
        `${relative(session.project.root, existing)} exists already.`,
        {
          hint: "Edit it (every key: docs/tracking.md), or pass --force to replace it with the defaults.",
        },
      );
    }
    await mkdir(join(conf, flags.env), { recursive: true });
    await writeFile(target, DEFAULT_TRACKING_YML);
    print(`Wrote ${shown}, every key at its default. Run kiln run, then kiln tracking runs.`);
  } finally {
    await session.close();
  }
}

function parseLimit(text: string | undefined): number {
  const limit = Number(text ?? "20");
  if (!Number.isInteger(limit) || limit < 1)
    throw badOption(`--limit must be a whole number of at least 1, got "${text}".`, "e.g. --limit 50");
  return limit;
}

/** The columns a runs table shows besides the run's own: what the filter and order name, then other metrics. */
function extraColumns(runs: readonly RunSummary[], filter: Filter | undefined, orderBy: readonly OrderKey[]) {
  const named = [
    ...(filter?.clauses.map((c) => c.identifier) ?? []),
    ...orderBy.map((o) => o.identifier),
  ].filter((id) => id.entity === "metrics" || id.entity === "params");
  const columns = new Map<string, (typeof named)[number]>();
  for (const id of named) columns.set(`${id.entity}.${id.key}`, id);
  const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
  for (const key of metrics) {
    if (columns.size >= 6) break;
    if (!columns.has(`metrics.${key}`)) columns.set(`metrics.${key}`, { entity: "metrics", key, pos: 0 });
  }
  return [...columns.entries()];
}

/** `kiln tracking runs`: the experiment's runs, filtered and ordered as MLflow's search. */
export async function runs(flags: Record<string, string | boolean | undefined>): Promise<void> {
  const limit = parseLimit(flags.limit as string | undefined);
  const filter = typeof flags.filter === "string" ? parseFilter(flags.filter) : undefined;
  const orderBy = typeof flags.orderBy === "string" ? parseOrderBy(flags.orderBy) : [];
  const asked =
    typeof flags.experiment === "string"
      ? flags.experiment
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  await withProject(flags.env as string | undefined, async ({ settings, store }) => {
    const names = asked ?? [settings.experimentName];
    const none = (why: string) => print(flags.json ? "[]" : `No runs recorded yet: ${why}.`);
    if (!store) return none(`${settings.store.display} does not exist (kiln run creates it)`);
    const experiments = await store.listExperiments();
    const known = new Map(experiments.map((e) => [e.name, e]));
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length > 0 && asked) {
      const near = unknown.map((u) => closestMatches(u, known.keys())[0]).filter(Boolean) as string[];
      throw new TrackingError(
        "KILN_TRACKING_UNKNOWN_EXPERIMENT",
        `No experiment ${quoteList(unknown)} in ${store.display}.`,
        {
          hint: `${near.length > 0 ? `Did you mean ${quoteList(near)}? ` : ""}Experiments: ${experiments.length > 0 ? quoteList(experiments.map((e) => e.name)) : "none yet"}.`,
        },
      );
    }
    const ids = names.flatMap((n) => (known.has(n) ? [known.get(n)!.experimentId] : []));
    if (ids.length === 0) return none(`no run in experiment "${names.join(", ")}" yet`);
    const all = await store.runSummaries(ids);
    const found = searchRuns(all, { ...(filter ? { filter } : {}), orderBy, limit });
    if (flags.json) return print(JSON.stringify(found, null, 2));
    if (found.length === 0)
      return print(`No run of ${all.length} matches${filter ? ` --filter ${flags.filter}` : ""}.`);
    const extra = extraColumns(found, filter, orderBy);
    const rows = found.map((r) => [
      r.runId,
      clip(r.runName, 30),
      r.status,
      formatTime(r.startTime),
      formatDuration(r.endTime === null ? null : r.endTime - r.startTime),
      ...extra.map(([, id]) => {
        const v = runValue(r, id);
        return typeof v === "number" ? formatNumber(v) : v === undefined ? "-" : clip(v, 24);
      }),
    ]);
    print(
      table(["run", "name", "status", "started (UTC)", "duration", ...extra.map(([name]) => name)], rows),
    );
    print(`${found.length} of ${all.length} runs (experiment ${names.join(", ")}, ${store.display})`);
  });
}

/**
 * The run `ref` names: its id, or the unique run whose id starts with it.
 * @throws TrackingError `KILN_TRACKING_RUN_NOT_FOUND` (with close ids) or `KILN_TRACKING_AMBIGUOUS_RUN`.
 */
async function resolveRun(
  store: TrackingStore | undefined,
  ref: string,
  display: string,
): Promise<RunDetails> {
  const exact = await store?.getRun(ref);
  if (exact) return exact;
  const candidates = (await store?.findRunIds(ref, 11)) ?? [];
  if (candidates.length === 1) return (await store!.getRun(candidates[0]!))!;
  if (candidates.length > 1) {
    throw new TrackingError(
      "KILN_TRACKING_AMBIGUOUS_RUN",
      `"${ref}" starts ${candidates.length > 10 ? "more than 10" : candidates.length} run ids: ${candidates.slice(0, 10).join(", ")}.`,
      { hint: "Give more of the id (kiln tracking runs lists them)." },
    );
  }
  const near = store ? closestMatches(ref, await store.findRunIds("", 500), 3) : [];
  throw new TrackingError("KILN_TRACKING_RUN_NOT_FOUND", `No run "${ref}" in ${display}.`, {
    hint: `${near.length > 0 ? `Did you mean ${quoteList(near)}? ` : ""}kiln tracking runs lists the runs (--experiment for other experiments).`,
  });
}

function section(title: string, header: string[], rows: string[][]): string {
  return rows.length === 0 ? `\n${title}: none` : `\n${title} (${rows.length})\n${table(header, rows)}`;
}

/** `kiln tracking show RUN`: everything recorded about one run. */
export async function show(
  ref: string,
  flags: { env?: string; logs?: boolean; json?: boolean },
): Promise<void> {
  await withProject(flags.env, async ({ settings, store }) => {
    const run = await resolveRun(store, ref, settings.store.display);
    const models = (await store?.loggedModels(run.runId)) ?? [];
    if (flags.json)
      return print(JSON.stringify({ ...(flags.logs ? run : { ...run, logs: undefined }), models }, null, 2));
    const out = [
      `run         ${run.runId}`,
      `name        ${run.runName}`,
      `experiment  ${run.experimentName}`,
      `status      ${run.status}`,
      `started     ${formatTime(run.startTime)} UTC, ${run.endTime === null ? "still running" : `took ${formatDuration(run.endTime - run.startTime)}`}`,
      ...(run.userId ? [`user        ${run.userId}`] : []),
      `artifacts   ${run.artifactUri}`,
      ...(run.errorMessage
        ? [`error       ${run.errorCode ? `${run.errorCode}: ` : ""}${run.errorMessage}`]
        : []),
    ];
    // Lineage in the order the nodes ran (the store sorts it by name); inputs before outputs.
    const started = new Map(run.nodes.map((n, i) => [n.name, i]));
    const nodeOrder = (name: string) => started.get(name) ?? run.nodes.length;
    out.push(
      section(
        "params",
        ["key", "value"],
        Object.entries(run.params).map(([k, v]) => [k, clip(v, 80)]),
      ),
    );
    out.push(
      section(
        "metrics",
        ["key", "value", "steps"],
        Object.entries(run.metrics).map(([k, v]) => [
          k,
          formatNumber(v),
          String(run.metricHistory[k]?.length ?? 1),
        ]),
      ),
    );
    out.push(
      section(
        "tags",
        ["key", "value"],
        Object.entries(run.tags).map(([k, v]) => [k, clip(v, 80)]),
      ),
    );
    out.push(
      section(
        "nodes",
        ["node", "status", "duration", "error"],
        run.nodes.map((n) => [n.name, n.status, formatDuration(n.durationMs), clip(n.error ?? "", 60)]),
      ),
    );
    out.push(
      section(
        "lineage",
        ["node", "", "dataset", "version", "type", "where"],
        [...run.lineage]
          .sort((a, b) => nodeOrder(a.node) - nodeOrder(b.node))
          .map((l) => [
            l.node,
            l.direction === "input" ? "<-" : "->",
            l.dataset,
            l.version ?? "-",
            l.datasetType ?? "-",
            l.location ?? (l.datasetType === "MemoryDataset" ? "(memory)" : "-"),
          ]),
      ),
    );
    out.push(
      section(
        "artifacts",
        ["path", "size", "dataset"],
        run.artifacts.map((a) => [a.path, formatSize(a.size), a.dataset ?? "-"]),
      ),
    );
    if (models.length > 0)
      out.push(
        section(
          "models",
          ["uri", "input", "output"],
          models.map((m) => [`runs:/${m.runId}/${m.artifactPath}`, m.inputName, m.outputName]),
        ),
      );
    if (flags.logs) {
      out.push(`\nlogs (${run.logs.length})`);
      for (const l of run.logs)
        out.push(`${formatTime(l.time).slice(11)} ${l.level.toUpperCase().padEnd(5)} ${l.message}`);
    } else out.push(`\n${run.logs.length} log lines (--logs prints them)`);
    print(out.join("\n"));
  });
}

/** `kiln tracking compare RUN RUN…`: params and metrics side by side, differing rows marked. */
export async function compare(
  refs: string[],
  flags: { env?: string; onlyDiff?: boolean; json?: boolean },
): Promise<void> {
  if (refs.length < 2)
    throw badOption(
      "kiln tracking compare needs two runs or more.",
      "e.g. kiln tracking compare 2026-01-02T03 2026-01-03T04",
    );
  await withProject(flags.env, async ({ settings, store }) => {
    const runs: RunDetails[] = [];
    for (const ref of refs) runs.push(await resolveRun(store, ref, settings.store.display));
    const rowsOf = (pick: (r: RunDetails) => Record<string, string | number>) => {
      const keys = [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();
      return keys.map((key) => {
        const values = runs.map((r) => pick(r)[key]);
        const shown = values.map((v) =>
          v === undefined ? undefined : typeof v === "number" ? formatNumber(v) : v,
        );
        return { key, values, differs: new Set(shown.map((v) => v ?? "\u0000missing")).size > 1 };
      });
    };
    const params = rowsOf((r) => r.params);
    const metrics = rowsOf((r) => r.metrics);
    if (flags.json) {
      const asObject = (rows: typeof params) =>
        Object.fromEntries(
          rows
            .filter((r) => !flags.onlyDiff || r.differs)
            .map((r) => [r.key, r.values.map((v) => v ?? null)]),
        );
      return print(
        JSON.stringify(
          {
            runs: runs.map((r) => r.runId),
            params: asObject(params),
            metrics: asObject(metrics),
            differ: {
              params: params.filter((r) => r.differs).map((r) => r.key),
              metrics: metrics.filter((r) => r.differs).map((r) => r.key),
            },
          },
          null,
          2,
        ),
      );
    }
    const lines = (kind: string, rows: typeof params) =>
      rows
        .filter((r) => !flags.onlyDiff || r.differs)
        .map((r) => [
          r.differs ? "*" : "",
          `${kind}.${r.key}`,
          ...r.values.map((v) =>
            v === undefined ? "-" : typeof v === "number" ? formatNumber(v) : clip(v, 30),
          ),
        ]);
    const rows = [...lines("params", params), ...lines("metrics", metrics)];
    print(table(["", "", ...runs.map((r) => r.runId)], rows));
    const differing = [...params, ...metrics].filter((r) => r.differs).length;
    print(`${differing} of ${params.length + metrics.length} params and metrics differ (marked *).`);
  });
}
