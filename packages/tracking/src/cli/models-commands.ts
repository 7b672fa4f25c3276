// `kiln models list | show | alias`: the model registry in the project's tracking store.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { closestMatches, hasProtocol, quoteList } from "kiln";
import { ModelError } from "../model/model-error.js";
import { readModelFolder } from "../model/model-folder.js";
import { checkAlias } from "../model/names.js";
import type { ModelVersion, RegisteredModel, TrackingStore } from "../store/types.js";
import { print, withProject } from "./commands.js";
import { clip, formatTime, table } from "./format.js";

/** The registered model `name`, or an error listing the registered ones. */
async function modelNamed(store: TrackingStore | undefined, name: string): Promise<RegisteredModel> {
  const model = await store?.getRegisteredModel(name);
  if (model) return model;
  const names = store ? (await store.listRegisteredModels()).map((m) => m.name) : [];
  const near = closestMatches(name, names)[0];
  throw new ModelError("KILN_MODEL_UNKNOWN_MODEL", `No registered model is named "${name}".`, {
    hint: `${near ? `Did you mean "${near}"? ` : ""}${names.length > 0 ? `Registered models: ${quoteList(names)}.` : "No model is registered yet: a training/inference pair with model.registered_model_name in tracking.yml registers one on each run."}`,
  });
}

/** Version `version` of `model`, or an error listing its versions. */
async function versionOf(
  store: TrackingStore,
  model: RegisteredModel,
  version: number,
): Promise<ModelVersion> {
  const found = await store.getModelVersion(model.name, version);
  if (found) return found;
  const versions = (await store.listModelVersions(model.name)).map((v) => v.version).reverse();
  throw new ModelError("KILN_MODEL_UNKNOWN_VERSION", `Model "${model.name}" has no version ${version}.`, {
    hint: versions.length > 0 ? `Its versions: ${versions.join(", ")}.` : "It has no versions yet.",
  });
}

function parseVersion(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new ModelError("KILN_MODEL_BAD_URI", `${what} "${text}" is not a version number.`, {
      hint: "Versions are whole numbers from 1 (kiln models show NAME lists them).",
    });
  return Number(text);
}

/** `kiln models list`: every registered model with its latest version and aliases. */
export async function list(flags: { env?: string; json?: boolean }): Promise<void> {
  await withProject(flags.env, async ({ store, settings }) => {
    const models = store ? await store.listRegisteredModels() : [];
    if (flags.json) return print(JSON.stringify(models, null, 2));
    if (models.length === 0)
      return print(
        `No registered models in ${settings.store.display} yet: a training/inference pair with model.registered_model_name in tracking.yml registers one on each run.`,
      );
    print(
      table(
        ["model", "latest", "aliases", "updated (UTC)"],
        models.map((m) => [
          m.name,
          m.latestVersion === null ? "-" : String(m.latestVersion),
          Object.entries(m.aliases)
            .map(([a, v]) => `${a}→${v}`)
            .join(", ") || "-",
          formatTime(m.updatedAt),
        ]),
      ),
    );
  });
}

/** The signature of a local model folder as lines, or a note why it is not shown. */
async function signatureLines(source: string): Promise<string[]> {
  if (hasProtocol(source)) return [`\nsignature: in ${source} (kiln models predict downloads it)`];
  if (!existsSync(join(source, "MLmodel"))) return [`\nsignature: ${source} is gone`];
  const folder = await readModelFolder(source);
  const kiln = folder.metadata.flavors.kiln;
  const cols = (specs: Array<{ name?: string; type: string }> | null) =>
    specs ? specs.map((c) => `${c.name ?? "(unnamed)"}: ${c.type}`).join(", ") : "(none)";
  return [
    `\ninput       ${kiln.input_name}: ${cols(folder.signature?.inputs ?? null)}`,
    `output      ${kiln.output_name}: ${cols(folder.signature?.outputs ?? null)}`,
    `params      ${folder.signature?.params?.map((p) => `${p.name}: ${p.type} = ${JSON.stringify(p.default)}`).join(", ") || "(none)"}`,
    `kiln        ${kiln.kiln_version}, node ${kiln.node_version}`,
  ];
}

/** `kiln models show NAME[/VERSION|@ALIAS]`: a model's versions, or one version with its signature. */
export async function show(ref: string, flags: { env?: string; json?: boolean }): Promise<void> {
  const m = /^([^/@]+)(?:\/([^/@]+)|@([^/@]+))?$/.exec(ref);
  if (!m)
    throw new ModelError("KILN_MODEL_BAD_URI", `"${ref}" names no model.`, {
      hint: "Give NAME, NAME/VERSION or NAME@ALIAS (kiln models list shows the names).",
    });
  const [, name, versionText, alias] = m as unknown as [
    string,
    string,
    string | undefined,
    string | undefined,
  ];
  await withProject(flags.env, async ({ store }) => {
    const model = await modelNamed(store, name);
    if (versionText === undefined && alias === undefined) {
      const versions = await store!.listModelVersions(name);
      if (flags.json) return print(JSON.stringify({ ...model, versions }, null, 2));
      print(
        [
          `model       ${model.name}`,
          `created     ${formatTime(model.createdAt)}`,
          `aliases     ${
            Object.entries(model.aliases)
              .map(([a, v]) => `${a} → ${v}`)
              .join(", ") || "-"
          }`,
          ...Object.entries(model.tags).map(([k, v]) => `tag         ${k} = ${v}`),
          "",
          table(
            ["version", "created (UTC)", "run", "status", "aliases", "source"],
            versions.map((v) => [
              String(v.version),
              formatTime(v.createdAt),
              v.runId ?? "-",
              v.status,
              v.aliases.join(", ") || "-",
              clip(v.source, 60),
            ]),
          ),
        ].join("\n"),
      );
      return;
    }
    let version: ModelVersion;
    if (alias !== undefined) {
      const found = await store!.getModelVersionByAlias(name, alias);
      if (!found)
        throw new ModelError("KILN_MODEL_UNKNOWN_ALIAS", `Model "${name}" has no alias "${alias}".`, {
          hint: `Its aliases: ${Object.keys(model.aliases).join(", ") || "none"}.`,
        });
      version = found;
    } else version = await versionOf(store!, model, parseVersion(versionText!, "Version"));
    if (flags.json) return print(JSON.stringify(version, null, 2));
    print(
      [
        `model       ${version.name}`,
        `version     ${version.version}${version.aliases.length > 0 ? ` (${version.aliases.join(", ")})` : ""}`,
        `uri         models:/${version.name}/${version.version}`,
        `created     ${formatTime(version.createdAt)}`,
        `run         ${version.runId ?? "-"}`,
        `status      ${version.status}`,
        `source      ${version.source}`,
        ...Object.entries(version.tags).map(([k, v]) => `tag         ${k} = ${v}`),
        ...(await signatureLines(version.source)),
      ].join("\n"),
    );
  });
}

/** `kiln models alias NAME ALIAS VERSION` (or `--delete`): points an alias at a version, or removes it. */
export async function alias(
  name: string,
  aliasName: string,
  versionText: string | undefined,
  flags: { env?: string; delete?: boolean },
): Promise<void> {
  checkAlias(aliasName, "kiln models alias");
  await withProject(flags.env, async ({ store }) => {
    const model = await modelNamed(store, name);
    if (flags.delete) {
      if (versionText !== undefined)
        throw new ModelError("KILN_MODEL_BAD_URI", "--delete takes no version.", {
          hint: `kiln models alias ${name} ${aliasName} --delete`,
        });
      if (!(await store!.deleteAlias(name, aliasName)))
        throw new ModelError("KILN_MODEL_UNKNOWN_ALIAS", `Model "${name}" has no alias "${aliasName}".`, {
          hint: `Its aliases: ${Object.keys(model.aliases).join(", ") || "none"}.`,
        });
      return print(
        `Removed alias ${aliasName} of ${name} (it pointed at version ${model.aliases[aliasName]}).`,
      );
    }
    if (versionText === undefined)
      throw new ModelError("KILN_MODEL_BAD_URI", `Which version should ${aliasName} point at?`, {
        hint: `kiln models alias ${name} ${aliasName} VERSION (its latest is ${model.latestVersion ?? "none"}), or --delete to remove it.`,
      });
    const version = await versionOf(store!, model, parseVersion(versionText, "Version"));
    await store!.setAlias(name, aliasName, version.version);
    const before = model.aliases[aliasName];
    print(
      `models:/${name}@${aliasName} → version ${version.version}${before !== undefined && before !== version.version ? ` (was ${before})` : ""}.`,
    );
  });
}
