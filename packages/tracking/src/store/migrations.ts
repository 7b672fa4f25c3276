import { TrackingError } from "../errors.js";
import type { SqlDriver, SqlExecutor } from "./sql-driver.js";

/**
 * One step of the store's schema. Steps are applied in order, each once, inside one transaction
 * with the row that records it in `kiln_schema_migrations`; several processes opening a new store
 * at once apply each step exactly once. Statements must work on SQLite and PostgreSQL alike.
 */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

const RUN_FK = "REFERENCES kiln_runs (run_id) ON DELETE CASCADE";

/**
 * The schema, oldest step first. A later step (the model registry's tables, new columns) is a new
 * entry at the end; never edit an applied one. docs/tracking.md describes the tables.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "experiments, runs, params, tags, metrics, nodes, lineage, artifacts, logs",
    statements: [
      `CREATE TABLE kiln_experiments (
        experiment_id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        lifecycle_stage TEXT NOT NULL DEFAULT 'active'
      )`,
      `CREATE TABLE kiln_runs (
        run_id TEXT PRIMARY KEY,
        experiment_id TEXT NOT NULL REFERENCES kiln_experiments (experiment_id),
        run_name TEXT NOT NULL,
        status TEXT NOT NULL,
        start_time BIGINT NOT NULL,
        end_time BIGINT,
        user_id TEXT,
        artifact_uri TEXT NOT NULL,
        error_code TEXT,
        error_message TEXT,
        lifecycle_stage TEXT NOT NULL DEFAULT 'active'
      )`,
      "CREATE INDEX kiln_runs_by_experiment ON kiln_runs (experiment_id, start_time)",
      `CREATE TABLE kiln_params (
        run_id TEXT NOT NULL ${RUN_FK},
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      )`,
      `CREATE TABLE kiln_tags (
        run_id TEXT NOT NULL ${RUN_FK},
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      )`,
      `CREATE TABLE kiln_metrics (
        run_id TEXT NOT NULL ${RUN_FK},
        key TEXT NOT NULL,
        step BIGINT NOT NULL,
        logged_at BIGINT NOT NULL,
        value DOUBLE PRECISION,
        is_nan SMALLINT NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, key, step)
      )`,
      `CREATE TABLE kiln_latest_metrics (
        run_id TEXT NOT NULL ${RUN_FK},
        key TEXT NOT NULL,
        step BIGINT NOT NULL,
        logged_at BIGINT NOT NULL,
        value DOUBLE PRECISION,
        is_nan SMALLINT NOT NULL DEFAULT 0,
        PRIMARY KEY (run_id, key)
      )`,
      `CREATE TABLE kiln_run_nodes (
        run_id TEXT NOT NULL ${RUN_FK},
        node_name TEXT NOT NULL,
        status TEXT NOT NULL,
        start_time BIGINT NOT NULL,
        end_time BIGINT,
        duration_ms DOUBLE PRECISION,
        error_message TEXT,
        PRIMARY KEY (run_id, node_name)
      )`,
      `CREATE TABLE kiln_lineage (
        run_id TEXT NOT NULL ${RUN_FK},
        node_name TEXT NOT NULL,
        dataset TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('input', 'output')),
        dataset_type TEXT,
        location TEXT,
        version TEXT,
        PRIMARY KEY (run_id, node_name, dataset, direction)
      )`,
      // "Which runs read or wrote this version of this dataset?"
      "CREATE INDEX kiln_lineage_by_dataset ON kiln_lineage (dataset, version)",
      `CREATE TABLE kiln_artifacts (
        run_id TEXT NOT NULL ${RUN_FK},
        path TEXT NOT NULL,
        size BIGINT NOT NULL,
        dataset TEXT,
        logged_at BIGINT NOT NULL,
        PRIMARY KEY (run_id, path)
      )`,
      `CREATE TABLE kiln_run_logs (
        run_id TEXT NOT NULL ${RUN_FK},
        seq INTEGER NOT NULL,
        logged_at BIGINT NOT NULL,
        level TEXT NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      )`,
    ],
  },
  {
    version: 2,
    name: "model registry: registered models, versions, aliases, tags; models logged by runs",
    statements: [
      `CREATE TABLE kiln_registered_models (
        name TEXT PRIMARY KEY,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        description TEXT
      )`,
      `CREATE TABLE kiln_model_versions (
        name TEXT NOT NULL REFERENCES kiln_registered_models (name) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        run_id TEXT REFERENCES kiln_runs (run_id) ON DELETE SET NULL,
        source TEXT NOT NULL,
        status TEXT NOT NULL,
        status_message TEXT,
        user_id TEXT,
        description TEXT,
        model_uuid TEXT,
        PRIMARY KEY (name, version)
      )`,
      "CREATE INDEX kiln_model_versions_by_run ON kiln_model_versions (run_id)",
      `CREATE TABLE kiln_model_aliases (
        name TEXT NOT NULL,
        alias TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (name, alias),
        FOREIGN KEY (name, version) REFERENCES kiln_model_versions (name, version) ON DELETE CASCADE
      )`,
      `CREATE TABLE kiln_registered_model_tags (
        name TEXT NOT NULL REFERENCES kiln_registered_models (name) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (name, key)
      )`,
      `CREATE TABLE kiln_model_version_tags (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (name, version, key),
        FOREIGN KEY (name, version) REFERENCES kiln_model_versions (name, version) ON DELETE CASCADE
      )`,
      `CREATE TABLE kiln_logged_models (
        run_id TEXT NOT NULL ${RUN_FK},
        artifact_path TEXT NOT NULL,
        model_uuid TEXT NOT NULL,
        source TEXT NOT NULL,
        input_name TEXT NOT NULL,
        output_name TEXT NOT NULL,
        logged_at BIGINT NOT NULL,
        PRIMARY KEY (run_id, artifact_path)
      )`,
    ],
  },
];

/** The newest schema version this package writes. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

// Any constant: it names the lock PostgreSQL's migrating processes queue on.
const PG_MIGRATION_LOCK = 7_346_221;

async function appliedVersion(db: SqlExecutor): Promise<number> {
  const rows = await db.all<{ v: number | null }>("SELECT MAX(version) AS v FROM kiln_schema_migrations");
  return Number(rows[0]?.v ?? 0);
}

function tooNew(display: string, found: number, migrations: readonly Migration[]): TrackingError {
  const newest = migrations.at(-1)?.version ?? 0;
  return new TrackingError(
    "KILN_TRACKING_SCHEMA_TOO_NEW",
    `The tracking store ${display} has schema version ${found}; this @kiln/tracking knows up to ${newest}.`,
    {
      hint: "A newer @kiln/tracking wrote it: upgrade @kiln/tracking in this project (npm install @kiln/tracking@latest).",
    },
  );
}

/**
 * Brings the store's schema up to date. A store already current costs one read; otherwise the
 * missing steps run in one transaction (PostgreSQL: under an advisory lock; SQLite: under the
 * write lock `BEGIN IMMEDIATE` takes), so racing processes apply each step once.
 * @throws TrackingError `KILN_TRACKING_SCHEMA_TOO_NEW` for a store a newer version wrote.
 */
export async function migrate(
  driver: SqlDriver,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number> {
  const newest = migrations.at(-1)?.version ?? 0;
  const current = await appliedVersion(driver).catch(() => -1); // -1: no migrations table yet
  if (current > newest) throw tooNew(driver.display, current, migrations);
  if (current === newest) return current;
  return driver.transaction(async (tx) => {
    if (driver.dialect === "postgresql") await tx.all("SELECT pg_advisory_xact_lock(?)", [PG_MIGRATION_LOCK]);
    await tx.run(
      "CREATE TABLE IF NOT EXISTS kiln_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    );
    const applied = await appliedVersion(tx); // again: another process may have migrated meanwhile
    if (applied > newest) throw tooNew(driver.display, applied, migrations);
    for (const m of migrations) {
      if (m.version <= applied) continue;
      for (const statement of m.statements) await tx.run(statement);
      await tx.run("INSERT INTO kiln_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
        m.version,
        m.name,
        Date.now(),
      ]);
    }
    return newest;
  });
}
