// Model URIs, as MLflow writes them: `runs:/RUN/model` (a model a run logged), `models:/NAME/3`,
// `models:/NAME@champion`, `models:/NAME/latest` (registered versions), or a folder. Resolving one
// gives a local model folder: models under `s3://` are downloaded to the model cache first.
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { closestMatches, getFileSystem, hasProtocol, joinPath, quoteList } from "kiln";
import type { TrackingStore } from "../store/types.js";
import { modelCacheDir } from "./model-code.js";
import { ModelError } from "./model-error.js";

/** A model URI, parsed. */
export type ModelUri =
  | { kind: "path"; path: string }
  | { kind: "run"; runId: string; artifactPath: string }
  | { kind: "version"; name: string; version: number }
  | { kind: "alias"; name: string; alias: string }
  | { kind: "latest"; name: string };

const FORMS =
  "runs:/RUN_ID/model, models:/NAME/VERSION, models:/NAME@ALIAS, models:/NAME/latest, or a model folder";

function badUri(uri: string, why: string, hint = `Write it as ${FORMS}.`): ModelError {
  return new ModelError("KILN_MODEL_BAD_URI", `Model URI "${uri}": ${why}.`, { hint });
}

/**
 * Parses a model URI. Anything without a scheme (or `file:`) is a folder path.
 * @throws ModelError `KILN_MODEL_BAD_URI`.
 */
export function parseModelUri(uri: string): ModelUri {
  if (uri.trim() === "") throw badUri(uri, "it is empty");
  if (uri.startsWith("runs:")) {
    const m = /^runs:\/+([^/]+)\/(.+?)\/*$/.exec(uri);
    if (!m)
      throw badUri(
        uri,
        "a runs: URI names a run and the model's path in it",
        `e.g. runs:/${uri.replace(/^runs:\/*/, "").split("/")[0] || "RUN_ID"}/model`,
      );
    return { kind: "run", runId: m[1]!, artifactPath: m[2]! };
  }
  if (uri.startsWith("models:")) {
    const rest = uri.replace(/^models:\/+/, "");
    const at = /^([^/@]+)@([^/@]+)$/.exec(rest);
    if (at) return { kind: "alias", name: at[1]!, alias: at[2]! };
    const slash = /^([^/@]+)\/([^/@]+)$/.exec(rest);
    if (!slash) throw badUri(uri, "a models: URI names a model and a version, an alias or latest");
    const [, name, which] = slash as unknown as [string, string, string];
    if (which.toLowerCase() === "latest") return { kind: "latest", name };
    if (/^\d+$/.test(which) && Number(which) > 0) return { kind: "version", name, version: Number(which) };
    throw badUri(
      uri,
      `"${which}" is not a version number`,
      `Versions are numbers from 1 (models:/${name}/1), "latest", or an alias after @ (models:/${name}@${which}).`,
    );
  }
  // A folder: local, `file:`, or in a store (`s3://bucket/…/model`).
  return { kind: "path", path: uri.startsWith("file:") ? fileURLToPath(uri) : uri };
}

/** A model folder on local disk, and where it came from. */
export interface ResolvedModel {
  /** As given. */
  uri: string;
  /** The local model folder. */
  path: string;
  /** Where the model lives (a run's artifact folder + `/model`, `s3://…`, or the path). */
  source: string;
  runId?: string;
  name?: string;
  version?: number;
}

/** What resolving a URI needs: a store for runs:/ and models:/ URIs, and how to reach remote artifacts. */
export interface ResolveModelOptions {
  /** Opened on demand, only for runs:/ and models:/ URIs. */
  openStore?: () => Promise<{ store: TrackingStore; artifactCredentials?: Record<string, unknown> }>;
  /** Relative paths are resolved against it (default: the working directory). */
  cwd?: string;
  /** Default: {@link modelCacheDir}. */
  cacheDir?: string;
}

async function versionOf(
  store: TrackingStore,
  parsed: Exclude<ModelUri, { kind: "path" | "run" }>,
  uri: string,
) {
  const model = await store.getRegisteredModel(parsed.name);
  if (!model) {
    const names = (await store.listRegisteredModels()).map((m) => m.name);
    const near = closestMatches(parsed.name, names)[0];
    throw new ModelError(
      "KILN_MODEL_UNKNOWN_MODEL",
      `Model URI "${uri}": no registered model is named "${parsed.name}".`,
      {
        hint: `${near ? `Did you mean "${near}"? ` : ""}${names.length > 0 ? `Registered models: ${quoteList(names)} (kiln models list).` : "No model is registered yet: a training/inference pair with model.registered_model_name in tracking.yml registers one on each run."}`,
      },
    );
  }
  if (parsed.kind === "alias") {
    const found = await store.getModelVersionByAlias(parsed.name, parsed.alias);
    if (!found) {
      const aliases = Object.entries(model.aliases).map(([a, v]) => `${a} → ${v}`);
      throw new ModelError(
        "KILN_MODEL_UNKNOWN_ALIAS",
        `Model URI "${uri}": model "${parsed.name}" has no alias "${parsed.alias}".`,
        {
          hint: `${aliases.length > 0 ? `Its aliases: ${aliases.join(", ")}. ` : "It has no aliases. "}Set one with kiln models alias ${parsed.name} ${parsed.alias} VERSION.`,
        },
      );
    }
    return found;
  }
  const number = parsed.kind === "latest" ? model.latestVersion : parsed.version;
  const found = number === null ? undefined : await store.getModelVersion(parsed.name, number);
  if (!found) {
    const versions = (await store.listModelVersions(parsed.name)).map((v) => v.version).reverse();
    throw new ModelError(
      "KILN_MODEL_UNKNOWN_VERSION",
      `Model URI "${uri}": model "${parsed.name}" has no version ${number ?? "yet"}.`,
      {
        hint:
          versions.length > 0
            ? `Its versions: ${versions.join(", ")} (kiln models show ${parsed.name}).`
            : "Run the training pair to register one.",
      },
    );
  }
  return found;
}

async function runSource(store: TrackingStore, parsed: Extract<ModelUri, { kind: "run" }>, uri: string) {
  let run = await store.getRun(parsed.runId);
  if (!run) {
    const ids = await store.findRunIds(parsed.runId, 2);
    if (ids.length === 1) run = await store.getRun(ids[0]!);
  }
  if (!run) {
    throw new ModelError(
      "KILN_MODEL_RUN_NOT_FOUND",
      `Model URI "${uri}": no tracked run has the id "${parsed.runId}".`,
      {
        hint: "List runs with kiln tracking runs; a model's runs:/ URI is printed when its training run packages it.",
      },
    );
  }
  return { runId: run.runId, source: joinPath(run.artifactUri, ...parsed.artifactPath.split("/")) };
}

/** A remote model folder copied into the cache (once per source: later loads reuse it). */
async function download(
  source: string,
  cacheDir: string,
  credentials: Record<string, unknown> | undefined,
): Promise<string> {
  const folder = join(cacheDir, "downloads", createHash("sha256").update(source).digest("hex").slice(0, 24));
  if (existsSync(join(folder, "MLmodel"))) return folder;
  const fs = await getFileSystem(source, credentials ? { credentials } : {});
  const files = await fs.walk(source);
  if (files.length === 0) {
    throw new ModelError("KILN_MODEL_NOT_FOUND", `No model is stored at ${source}.`, {
      hint: "The run's artifacts may have been deleted, or the artifact store's credentials (artifacts.credentials in tracking.yml) do not reach them.",
    });
  }
  const temp = `${folder}.${randomUUID()}`;
  for (const file of files) {
    const relativePath = file.slice(source.replace(/\/+$/, "").length).replace(/^\/+/, "");
    await mkdir(dirname(join(temp, relativePath)), { recursive: true });
    await writeFile(join(temp, relativePath), await fs.read(file));
  }
  await mkdir(dirname(folder), { recursive: true });
  await rename(temp, folder).catch(async (error: NodeJS.ErrnoException) => {
    await rm(temp, { recursive: true, force: true });
    if (!existsSync(join(folder, "MLmodel"))) throw error;
  });
  return folder;
}

/**
 * A model URI as a local folder holding an `MLmodel` file (downloading an `s3://` model to the cache).
 * @throws ModelError `KILN_MODEL_BAD_URI`, `KILN_MODEL_UNKNOWN_MODEL` / `_VERSION` / `_ALIAS`,
 * `KILN_MODEL_RUN_NOT_FOUND`, `KILN_MODEL_NOT_FOUND` (nothing there), `KILN_MODEL_NO_STORE`.
 */
export async function resolveModelUri(
  uri: string,
  options: ResolveModelOptions = {},
): Promise<ResolvedModel> {
  const parsed = parseModelUri(uri);
  let source: string;
  let extra: Partial<ResolvedModel> = {};
  let credentials: Record<string, unknown> | undefined;
  if (parsed.kind === "path") {
    source =
      hasProtocol(parsed.path) || isAbsolute(parsed.path)
        ? parsed.path
        : resolve(options.cwd ?? process.cwd(), parsed.path);
  } else {
    if (!options.openStore) {
      throw new ModelError(
        "KILN_MODEL_NO_STORE",
        `Model URI "${uri}" needs a tracking store to look it up, and none was given.`,
        {
          hint: "Run the command inside the project whose tracking.yml names the store, or give the model folder's path.",
        },
      );
    }
    const opened = await options.openStore();
    credentials = opened.artifactCredentials;
    if (parsed.kind === "run") {
      const run = await runSource(opened.store, parsed, uri);
      source = run.source;
      extra = { runId: run.runId };
    } else {
      const version = await versionOf(opened.store, parsed, uri);
      source = version.source;
      extra = {
        name: version.name,
        version: version.version,
        ...(version.runId ? { runId: version.runId } : {}),
      };
    }
  }
  const path = hasProtocol(source)
    ? await download(source, options.cacheDir ?? modelCacheDir(), credentials)
    : source;
  if (!existsSync(join(path, "MLmodel"))) {
    throw new ModelError(
      "KILN_MODEL_NOT_FOUND",
      `Model URI "${uri}": ${path} ${existsSync(path) ? "is no model folder (it has no MLmodel file)" : "does not exist"}.`,
      {
        hint:
          parsed.kind === "path"
            ? `Give a folder that a training run packaged (it holds MLmodel, code/, artifacts/), or a URI: ${FORMS}.`
            : "The run's artifacts were moved or deleted since it was logged.",
      },
    );
  }
  return { uri, path, source, ...extra };
}
