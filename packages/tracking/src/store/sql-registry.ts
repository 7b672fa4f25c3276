// The model registry's SQL, for SQLite and PostgreSQL alike (tables: migration 2 in migrations.ts).
import type { SqlDriver, SqlExecutor } from "./sql-driver.js";
import { insertMany, lastWins, type MetricRow, metricValue } from "./sql-rows.js";
import type {
  LoggedModel,
  ModelRegistryStore,
  ModelVersion,
  ModelVersionStatus,
  NewModelVersion,
  PromotionResult,
  PromotionRule,
  RegisteredModel,
} from "./types.js";

interface VersionRow {
  name: string;
  version: number;
  created_at: number;
  updated_at: number;
  run_id: string | null;
  source: string;
  status: string;
  status_message: string | null;
  user_id: string | null;
  description: string | null;
  model_uuid: string | null;
}

const VERSION_COLUMNS =
  "name, version, created_at, updated_at, run_id, source, status, status_message, user_id, description, model_uuid";

function versionOf(row: VersionRow, tags: Record<string, string>, aliases: string[]): ModelVersion {
  return {
    name: row.name,
    version: Number(row.version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    runId: row.run_id,
    source: row.source,
    status: row.status as ModelVersionStatus,
    statusMessage: row.status_message,
    userId: row.user_id,
    description: row.description,
    modelUuid: row.model_uuid,
    tags,
    aliases,
  };
}

/** Versions of `name` (all, or the one `where` picks), with their tags and aliases. */
async function versions(
  db: SqlExecutor,
  name: string,
  where = "",
  params: readonly unknown[] = [],
): Promise<ModelVersion[]> {
  const rows = await db.all<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM kiln_model_versions WHERE name = ?${where} ORDER BY version DESC`,
    [name, ...params],
  );
  if (rows.length === 0) return [];
  const [tags, aliases] = await Promise.all([
    db.all<{ version: number; key: string; value: string }>(
      "SELECT version, key, value FROM kiln_model_version_tags WHERE name = ? ORDER BY key",
      [name],
    ),
    db.all<{ version: number; alias: string }>(
      "SELECT version, alias FROM kiln_model_aliases WHERE name = ? ORDER BY alias",
      [name],
    ),
  ]);
  return rows.map((row) => {
    const v = Number(row.version);
    return versionOf(
      row,
      Object.fromEntries(tags.filter((t) => Number(t.version) === v).map((t) => [t.key, t.value])),
      aliases.filter((a) => Number(a.version) === v).map((a) => a.alias),
    );
  });
}

async function models(db: SqlExecutor, name?: string): Promise<RegisteredModel[]> {
  const where = name === undefined ? "" : " WHERE name = ?";
  const args = name === undefined ? [] : [name];
  const [rows, tags, aliases, latest] = await Promise.all([
    db.all<{ name: string; created_at: number; updated_at: number; description: string | null }>(
      `SELECT name, created_at, updated_at, description FROM kiln_registered_models${where} ORDER BY name`,
      args,
    ),
    db.all<{ name: string; key: string; value: string }>(
      `SELECT name, key, value FROM kiln_registered_model_tags${where} ORDER BY key`,
      args,
    ),
    db.all<{ name: string; alias: string; version: number }>(
      `SELECT name, alias, version FROM kiln_model_aliases${where} ORDER BY alias`,
      args,
    ),
    db.all<{ name: string; latest: number | null }>(
      `SELECT name, MAX(version) AS latest FROM kiln_model_versions${where} GROUP BY name`,
      args,
    ),
  ]);
  return rows.map((r) => ({
    name: r.name,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    description: r.description,
    tags: Object.fromEntries(tags.filter((t) => t.name === r.name).map((t) => [t.key, t.value])),
    aliases: Object.fromEntries(
      aliases.filter((a) => a.name === r.name).map((a) => [a.alias, Number(a.version)]),
    ),
    latestVersion: ((l) => (l?.latest == null ? null : Number(l.latest)))(
      latest.find((l) => l.name === r.name),
    ),
  }));
}

/** The latest value of `metric` in the run behind `version`; undefined when there is none. */
async function versionMetric(
  db: SqlExecutor,
  name: string,
  version: number,
  metric: string,
): Promise<number | undefined> {
  const rows = await db.all<MetricRow>(
    `SELECT m.value, m.is_nan FROM kiln_latest_metrics m
     JOIN kiln_model_versions v ON v.run_id = m.run_id
     WHERE v.name = ? AND v.version = ? AND m.key = ?`,
    [name, version, metric],
  );
  return rows[0] ? metricValue(rows[0]) : undefined;
}

/** Upserts tags of one row: `table` keyed by `keys` (values given first) and `key`. */
function upsert(
  tx: SqlExecutor,
  table: string,
  keyColumns: readonly string[],
  keyValues: readonly unknown[],
  tags: ReadonlyArray<readonly [string, string]>,
): Promise<void> {
  const columns = [...keyColumns, "key", "value"];
  return insertMany(
    tx,
    `INSERT INTO ${table} (${columns.join(", ")})`,
    columns.length,
    [...lastWins(tags)].map(([k, v]) => [...keyValues, k, v]),
    ` ON CONFLICT (${[...keyColumns, "key"].join(", ")}) DO UPDATE SET value = excluded.value`,
  );
}

/** The registry's half of the SQL store. */
export class SqlRegistry implements ModelRegistryStore {
  constructor(readonly driver: SqlDriver) {}

  logModel(model: LoggedModel): Promise<void> {
    return this.driver.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO kiln_logged_models (run_id, artifact_path, model_uuid, source, input_name, output_name, logged_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, artifact_path) DO UPDATE SET model_uuid = excluded.model_uuid, source = excluded.source,
           input_name = excluded.input_name, output_name = excluded.output_name, logged_at = excluded.logged_at`,
        [
          model.runId,
          model.artifactPath,
          model.modelUuid,
          model.source,
          model.inputName,
          model.outputName,
          model.loggedAt,
        ],
      );
    });
  }

  async loggedModels(runId: string): Promise<LoggedModel[]> {
    const rows = await this.driver.all<{
      run_id: string;
      artifact_path: string;
      model_uuid: string;
      source: string;
      input_name: string;
      output_name: string;
      logged_at: number;
    }>("SELECT * FROM kiln_logged_models WHERE run_id = ? ORDER BY artifact_path", [runId]);
    return rows.map((r) => ({
      runId: r.run_id,
      artifactPath: r.artifact_path,
      modelUuid: r.model_uuid,
      source: r.source,
      inputName: r.input_name,
      outputName: r.output_name,
      loggedAt: Number(r.logged_at),
    }));
  }

  registerModelVersion(v: NewModelVersion): Promise<ModelVersion> {
    return this.driver.transaction(async (tx) => {
      const now = Date.now();
      await tx.run(
        "INSERT INTO kiln_registered_models (name, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
        [v.name, now, now],
      );
      // Another process may take the next number between our read and our insert (PostgreSQL's
      // READ COMMITTED): the insert then does nothing, and we read again.
      let version = 0;
      for (;;) {
        const rows = await tx.all<{ top: number | null }>(
          "SELECT MAX(version) AS top FROM kiln_model_versions WHERE name = ?",
          [v.name],
        );
        version = Number(rows[0]?.top ?? 0) + 1;
        const inserted = await tx.run(
          `INSERT INTO kiln_model_versions (${VERSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, 'READY', NULL, ?, ?, ?)
           ON CONFLICT (name, version) DO NOTHING`,
          [v.name, version, now, now, v.runId, v.source, v.userId, v.description ?? null, v.modelUuid],
        );
        if (inserted === 1) break;
      }
      await tx.run("UPDATE kiln_registered_models SET updated_at = ? WHERE name = ?", [now, v.name]);
      if (v.tags?.length)
        await upsert(tx, "kiln_model_version_tags", ["name", "version"], [v.name, version], v.tags);
      return (await versions(tx, v.name, " AND version = ?", [version]))[0]!;
    });
  }

  listRegisteredModels(): Promise<RegisteredModel[]> {
    return models(this.driver);
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel | undefined> {
    return (await models(this.driver, name))[0];
  }

  listModelVersions(name: string): Promise<ModelVersion[]> {
    return versions(this.driver, name);
  }

  async getModelVersion(name: string, version: number): Promise<ModelVersion | undefined> {
    return (await versions(this.driver, name, " AND version = ?", [version]))[0];
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined> {
    const rows = await this.driver.all<{ version: number }>(
      "SELECT version FROM kiln_model_aliases WHERE name = ? AND alias = ?",
      [name, alias],
    );
    return rows[0] ? this.getModelVersion(name, Number(rows[0].version)) : undefined;
  }

  setAlias(name: string, alias: string, version: number): Promise<void> {
    return this.driver.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO kiln_model_aliases (name, alias, version) VALUES (?, ?, ?)
         ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version`,
        [name, alias, version],
      );
      await tx.run("UPDATE kiln_registered_models SET updated_at = ? WHERE name = ?", [Date.now(), name]);
    });
  }

  deleteAlias(name: string, alias: string): Promise<boolean> {
    return this.driver.transaction(
      async (tx) =>
        (await tx.run("DELETE FROM kiln_model_aliases WHERE name = ? AND alias = ?", [name, alias])) > 0,
    );
  }

  promoteAlias(name: string, alias: string, version: number, rule: PromotionRule): Promise<PromotionResult> {
    return this.driver.transaction(async (tx): Promise<PromotionResult> => {
      const held = await tx.all<{ version: number }>(
        "SELECT version FROM kiln_model_aliases WHERE name = ? AND alias = ?",
        [name, alias],
      );
      const previous = held[0] ? Number(held[0].version) : null;
      const move = async (reason: string): Promise<PromotionResult> => {
        await tx.run(
          `INSERT INTO kiln_model_aliases (name, alias, version) VALUES (?, ?, ?)
           ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version`,
          [name, alias, version],
        );
        return { moved: true, previous, reason };
      };
      if (previous === null) return move(`"${alias}" pointed at no version yet`);
      if (previous === version) return { moved: false, previous, reason: `"${alias}" is already on it` };
      if (rule.metric === null)
        return {
          moved: false,
          previous,
          reason: `"${alias}" stays on version ${previous} (no promote.metric: it moves only by hand)`,
        };
      const mine = await versionMetric(tx, name, version, rule.metric);
      if (mine === undefined || Number.isNaN(mine))
        return { moved: false, previous, reason: `this run has no value for metric ${rule.metric}` };
      const theirs = await versionMetric(tx, name, previous, rule.metric);
      if (theirs === undefined || Number.isNaN(theirs))
        return move(`version ${previous}'s run has no value for metric ${rule.metric}`);
      const better = rule.greaterIsBetter ? mine > theirs : mine < theirs;
      const text = `${rule.metric} ${mine} ${better ? "beats" : "does not beat"} version ${previous}'s ${theirs}`;
      return better ? move(text) : { moved: false, previous, reason: text };
    });
  }

  setRegisteredModelTags(name: string, tags: ReadonlyArray<readonly [string, string]>): Promise<void> {
    return this.driver.transaction((tx) => upsert(tx, "kiln_registered_model_tags", ["name"], [name], tags));
  }

  setModelVersionTags(
    name: string,
    version: number,
    tags: ReadonlyArray<readonly [string, string]>,
  ): Promise<void> {
    return this.driver.transaction((tx) =>
      upsert(tx, "kiln_model_version_tags", ["name", "version"], [name, version], tags),
    );
  }
}
