import { randomUUID } from "node:crypto";
import { SqlRegistry } from "./sql-registry.js";
import {
  insertMany,
  lastWins,
  type MetricRow,
  metricValue,
  placeholders,
  RUN_COLUMNS,
  type RunRow,
  runInfo,
  upsertTags,
} from "./sql-rows.js";
import type {
  ArtifactRecord,
  Experiment,
  LineageRecord,
  LogLine,
  MetricPoint,
  NewRun,
  NodeRecord,
  RunDetails,
  RunEnd,
  RunSummary,
  TrackingStore,
} from "./types.js";

/**
 * The {@link TrackingStore} over SQL, for SQLite and PostgreSQL alike (schema: migrations.ts); the
 * model registry's half is {@link SqlRegistry}.
 */
export class SqlStore extends SqlRegistry implements TrackingStore {
  get display(): string {
    return this.driver.display;
  }

  async getExperiment(name: string): Promise<Experiment | undefined> {
    const rows = await this.driver.all<{ experiment_id: string; name: string; created_at: number }>(
      "SELECT experiment_id, name, created_at FROM kiln_experiments WHERE name = ?",
      [name],
    );
    const row = rows[0];
    return row && { experimentId: row.experiment_id, name: row.name, createdAt: Number(row.created_at) };
  }

  async getOrCreateExperiment(name: string): Promise<Experiment> {
    const found = await this.getExperiment(name);
    if (found) return found;
    // Racing creators: one insert wins, the others do nothing and read the winner's row.
    await this.driver.run(
      "INSERT INTO kiln_experiments (experiment_id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
      [randomUUID(), name, Date.now()],
    );
    return (await this.getExperiment(name))!;
  }

  async listExperiments(): Promise<Experiment[]> {
    const rows = await this.driver.all<{ experiment_id: string; name: string; created_at: number }>(
      "SELECT experiment_id, name, created_at FROM kiln_experiments ORDER BY name",
    );
    return rows.map((r) => ({
      experimentId: r.experiment_id,
      name: r.name,
      createdAt: Number(r.created_at),
    }));
  }

  createRun(run: NewRun): Promise<string> {
    return this.driver.transaction(async (tx) => {
      let runId = run.runId;
      for (let n = 2; ; n++) {
        const inserted = await tx.run(
          `INSERT INTO kiln_runs (run_id, experiment_id, run_name, status, start_time, user_id, artifact_uri)
           VALUES (?, ?, ?, 'RUNNING', ?, ?, ?) ON CONFLICT (run_id) DO NOTHING`,
          [
            runId,
            run.experimentId,
            run.runName,
            run.startTime,
            run.userId,
            run.artifactUri.replaceAll("{run_id}", runId),
          ],
        );
        if (inserted === 1) break;
        runId = `${run.runId}-${n}`;
      }
      await insertMany(
        tx,
        "INSERT INTO kiln_params (run_id, key, value)",
        3,
        [...lastWins(run.params)].map(([k, v]) => [runId, k, v]),
      );
      await upsertTags(tx, runId, run.tags);
      return runId;
    });
  }

  setTags(runId: string, tags: ReadonlyArray<readonly [string, string]>): Promise<void> {
    return this.driver.transaction((tx) => upsertTags(tx, runId, tags));
  }

  logMetrics(runId: string, points: readonly MetricPoint[]): Promise<void> {
    if (points.length === 0) return Promise.resolve();
    return this.driver.transaction(async (tx) => {
      for (const p of points) {
        const values = [
          runId,
          p.key,
          p.step,
          p.timestamp,
          Number.isNaN(p.value) ? null : p.value,
          Number.isNaN(p.value) ? 1 : 0,
        ];
        await tx.run(
          `INSERT INTO kiln_metrics (run_id, key, step, logged_at, value, is_nan) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (run_id, key, step) DO UPDATE SET logged_at = excluded.logged_at, value = excluded.value, is_nan = excluded.is_nan`,
          values,
        );
        // The latest value is the highest step's, then the latest time's (MLflow's rule).
        await tx.run(
          `INSERT INTO kiln_latest_metrics (run_id, key, step, logged_at, value, is_nan) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (run_id, key) DO UPDATE SET step = excluded.step, logged_at = excluded.logged_at,
             value = excluded.value, is_nan = excluded.is_nan
           WHERE excluded.step > kiln_latest_metrics.step
              OR (excluded.step = kiln_latest_metrics.step AND excluded.logged_at >= kiln_latest_metrics.logged_at)`,
          values,
        );
      }
    });
  }

  async metricHistory(runId: string, keys?: readonly string[]): Promise<MetricPoint[]> {
    const filter = keys ? ` AND key IN (${placeholders(keys.length)})` : "";
    if (keys && keys.length === 0) return [];
    const rows = await this.driver.all<MetricRow>(
      `SELECT run_id, key, step, logged_at, value, is_nan FROM kiln_metrics WHERE run_id = ?${filter} ORDER BY key, step`,
      [runId, ...(keys ?? [])],
    );
    return rows.map((r) => ({
      key: r.key,
      value: metricValue(r),
      step: Number(r.step),
      timestamp: Number(r.logged_at),
    }));
  }

  logArtifacts(runId: string, artifacts: readonly ArtifactRecord[]): Promise<void> {
    if (artifacts.length === 0) return Promise.resolve();
    return this.driver.transaction((tx) =>
      insertMany(
        tx,
        "INSERT INTO kiln_artifacts (run_id, path, size, dataset, logged_at)",
        5,
        artifacts.map((a) => [runId, a.path, a.size, a.dataset, a.loggedAt]),
        " ON CONFLICT (run_id, path) DO UPDATE SET size = excluded.size, dataset = excluded.dataset, logged_at = excluded.logged_at",
      ),
    );
  }

  endRun(runId: string, end: RunEnd): Promise<void> {
    return this.driver.transaction(async (tx) => {
      await tx.run(
        "UPDATE kiln_runs SET status = ?, end_time = ?, error_code = ?, error_message = ? WHERE run_id = ?",
        [end.status, end.endTime, end.errorCode, end.errorMessage, runId],
      );
      await insertMany(
        tx,
        "INSERT INTO kiln_run_nodes (run_id, node_name, status, start_time, end_time, duration_ms, error_message)",
        7,
        end.nodes.map((n) => [runId, n.name, n.status, n.startTime, n.endTime, n.durationMs, n.error]),
        " ON CONFLICT (run_id, node_name) DO NOTHING",
      );
      await insertMany(
        tx,
        "INSERT INTO kiln_lineage (run_id, node_name, dataset, direction, dataset_type, location, version)",
        7,
        end.lineage.map((l) => [runId, l.node, l.dataset, l.direction, l.datasetType, l.location, l.version]),
        " ON CONFLICT (run_id, node_name, dataset, direction) DO NOTHING",
      );
      await insertMany(
        tx,
        "INSERT INTO kiln_run_logs (run_id, seq, logged_at, level, message)",
        5,
        end.logs.map((l, i) => [runId, i, l.time, l.level, l.message]),
        " ON CONFLICT (run_id, seq) DO NOTHING",
      );
    });
  }

  addRunNodes(
    runId: string,
    part: { nodes: readonly NodeRecord[]; lineage: readonly LineageRecord[] },
  ): Promise<void> {
    return this.driver.transaction(async (tx) => {
      await insertMany(
        tx,
        "INSERT INTO kiln_run_nodes (run_id, node_name, status, start_time, end_time, duration_ms, error_message)",
        7,
        part.nodes.map((n) => [runId, n.name, n.status, n.startTime, n.endTime, n.durationMs, n.error]),
        " ON CONFLICT (run_id, node_name) DO UPDATE SET status = excluded.status, start_time = excluded.start_time," +
          " end_time = excluded.end_time, duration_ms = excluded.duration_ms, error_message = excluded.error_message",
      );
      await insertMany(
        tx,
        "INSERT INTO kiln_lineage (run_id, node_name, dataset, direction, dataset_type, location, version)",
        7,
        part.lineage.map((l) => [
          runId,
          l.node,
          l.dataset,
          l.direction,
          l.datasetType,
          l.location,
          l.version,
        ]),
        " ON CONFLICT (run_id, node_name, dataset, direction) DO UPDATE SET dataset_type = excluded.dataset_type," +
          " location = excluded.location, version = excluded.version",
      );
    });
  }

  async runSummaries(experimentIds: readonly string[]): Promise<RunSummary[]> {
    if (experimentIds.length === 0) return [];
    const ids = placeholders(experimentIds.length);
    const inRuns = `run_id IN (SELECT run_id FROM kiln_runs WHERE experiment_id IN (${ids}))`;
    const [runs, params, tags, metrics] = await Promise.all([
      this.driver.all<RunRow>(
        `SELECT ${RUN_COLUMNS} FROM kiln_runs r JOIN kiln_experiments e ON e.experiment_id = r.experiment_id
         WHERE r.experiment_id IN (${ids}) AND r.lifecycle_stage = 'active'`,
        experimentIds,
      ),
      this.driver.all<{ run_id: string; key: string; value: string }>(
        `SELECT run_id, key, value FROM kiln_params WHERE ${inRuns}`,
        experimentIds,
      ),
      this.driver.all<{ run_id: string; key: string; value: string }>(
        `SELECT run_id, key, value FROM kiln_tags WHERE ${inRuns}`,
        experimentIds,
      ),
      this.driver.all<MetricRow>(
        `SELECT run_id, key, step, logged_at, value, is_nan FROM kiln_latest_metrics WHERE ${inRuns}`,
        experimentIds,
      ),
    ]);
    const byId = new Map<string, RunSummary>();
    for (const row of runs) byId.set(row.run_id, { ...runInfo(row), params: {}, tags: {}, metrics: {} });
    for (const p of params) {
      const run = byId.get(p.run_id);
      if (run) run.params[p.key] = p.value;
    }
    for (const t of tags) {
      const run = byId.get(t.run_id);
      if (run) run.tags[t.key] = t.value;
    }
    for (const m of metrics) {
      const run = byId.get(m.run_id);
      if (run) run.metrics[m.key] = metricValue(m);
    }
    return [...byId.values()];
  }

  async getRun(runId: string): Promise<RunDetails | undefined> {
    const rows = await this.driver.all<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM kiln_runs r JOIN kiln_experiments e ON e.experiment_id = r.experiment_id WHERE r.run_id = ?`,
      [runId],
    );
    if (rows.length === 0) return undefined;
    const one = [runId];
    const [params, tags, latest, history, nodes, lineage, artifacts, logs] = await Promise.all([
      this.driver.all<{ key: string; value: string }>(
        "SELECT key, value FROM kiln_params WHERE run_id = ? ORDER BY key",
        one,
      ),
      this.driver.all<{ key: string; value: string }>(
        "SELECT key, value FROM kiln_tags WHERE run_id = ? ORDER BY key",
        one,
      ),
      this.driver.all<MetricRow>(
        "SELECT key, value, is_nan FROM kiln_latest_metrics WHERE run_id = ? ORDER BY key",
        one,
      ),
      this.metricHistory(runId),
      this.driver.all<{
        node_name: string;
        status: string;
        start_time: number;
        end_time: number | null;
        duration_ms: number | null;
        error_message: string | null;
      }>("SELECT * FROM kiln_run_nodes WHERE run_id = ? ORDER BY start_time, node_name", one),
      this.driver.all<{
        node_name: string;
        dataset: string;
        direction: string;
        dataset_type: string | null;
        location: string | null;
        version: string | null;
      }>("SELECT * FROM kiln_lineage WHERE run_id = ? ORDER BY node_name, direction, dataset", one),
      this.driver.all<{ path: string; size: number; dataset: string | null; logged_at: number }>(
        "SELECT path, size, dataset, logged_at FROM kiln_artifacts WHERE run_id = ? ORDER BY path",
        one,
      ),
      this.driver.all<{ logged_at: number; level: string; message: string }>(
        "SELECT logged_at, level, message FROM kiln_run_logs WHERE run_id = ? ORDER BY seq",
        one,
      ),
    ]);
    const metricHistory: Record<string, MetricPoint[]> = {};
    for (const p of history) {
      const points = metricHistory[p.key] ?? [];
      points.push(p);
      metricHistory[p.key] = points;
    }
    return {
      ...runInfo(rows[0]!),
      params: Object.fromEntries(params.map((p) => [p.key, p.value])),
      tags: Object.fromEntries(tags.map((t) => [t.key, t.value])),
      metrics: Object.fromEntries(latest.map((m) => [m.key, metricValue(m)])),
      metricHistory,
      nodes: nodes.map(
        (n): NodeRecord => ({
          name: n.node_name,
          status: n.status as NodeRecord["status"],
          startTime: Number(n.start_time),
          endTime: n.end_time === null ? null : Number(n.end_time),
          durationMs: n.duration_ms === null ? null : Number(n.duration_ms),
          error: n.error_message,
        }),
      ),
      lineage: lineage.map(
        (l): LineageRecord => ({
          node: l.node_name,
          dataset: l.dataset,
          direction: l.direction as LineageRecord["direction"],
          datasetType: l.dataset_type,
          location: l.location,
          version: l.version,
        }),
      ),
      artifacts: artifacts.map((a) => ({
        path: a.path,
        size: Number(a.size),
        dataset: a.dataset,
        loggedAt: Number(a.logged_at),
      })),
      logs: logs.map((l): LogLine => ({ time: Number(l.logged_at), level: l.level, message: l.message })),
    };
  }

  async findRunIds(prefix: string, limit = 10): Promise<string[]> {
    // Prefix match without LIKE, whose wildcards and case rules differ between the two databases.
    const rows = await this.driver.all<{ run_id: string }>(
      "SELECT run_id FROM kiln_runs WHERE substr(run_id, 1, ?) = ? ORDER BY run_id LIMIT ?",
      [prefix.length, prefix, limit],
    );
    return rows.map((r) => r.run_id);
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}
