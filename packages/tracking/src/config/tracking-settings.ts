import { isAbsolute, resolve } from "node:path";
import {
  type ConfigDocument,
  closestMatches,
  formatLocation,
  hasProtocol,
  type KilnContext,
  quoteList,
} from "kiln";
import { TrackingError } from "../errors.js";
import { parseStoreUri, type StoreTarget } from "../store/open-store.js";
import { parseTrackingConfig, type TrackingConfig } from "./tracking-config.js";

/** The tracking config with its credentials looked up and its paths resolved. */
export interface TrackingSettings {
  config: TrackingConfig;
  store: StoreTarget;
  /** An absolute folder, or `s3://…`. */
  artifactRoot: string;
  artifactCredentials: Record<string, unknown> | undefined;
  experimentName: string;
  /** Every credential value: scrubbed from whatever tracking stores or prints. */
  secrets: string[];
}

/** Every string in `value` (credentials), however deep. */
export function secretValues(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) secretValues(v, out);
  else if (value !== null && typeof value === "object")
    for (const v of Object.values(value)) secretValues(v, out);
  return out;
}

function credentialsEntry(
  doc: ConfigDocument,
  credentials: Record<string, unknown>,
  path: [string, string],
  name: string,
): Record<string, unknown> {
  const found = credentials[name];
  if (found !== null && typeof found === "object" && !Array.isArray(found))
    return found as Record<string, unknown>;
  const loc = doc.locate(path);
  const names = Object.keys(credentials);
  const near = closestMatches(name, names)[0];
  // Only names are shown, never values.
  throw new TrackingError(
    "KILN_TRACKING_MISSING_CREDENTIALS",
    `${loc ? `${formatLocation(loc)}: ` : ""}${path.join(".")} names credentials "${name}", which are not defined.`,
    {
      hint: `${near ? `Did you mean "${near}"? ` : ""}Define "${name}" in conf/local/credentials.yml${names.length > 0 ? ` (defined: ${quoteList(names)})` : ""}.`,
    },
  );
}

/**
 * Reads the `tracking` config of a project: checks it (file:line for every problem), looks up the
 * credentials it names, and resolves the store and artifact location against `projectRoot`.
 * @throws TrackingError `KILN_TRACKING_BAD_CONFIG`, `KILN_TRACKING_MISSING_CREDENTIALS`, `KILN_TRACKING_BAD_STORE_URI`.
 */
export function resolveTrackingSettings(options: {
  doc: ConfigDocument;
  credentials: Record<string, unknown>;
  projectRoot: string;
  projectName: string;
}): TrackingSettings {
  const { doc, credentials, projectRoot } = options;
  const config = parseTrackingConfig(doc, projectRoot);
  let uri = config.store.uri;
  let where = doc.locate(["store", "uri"]) ? formatLocation(doc.locate(["store", "uri"])!) : "store.uri";
  if (config.store.credentials !== null) {
    const entry = credentialsEntry(doc, credentials, ["store", "credentials"], config.store.credentials);
    if (typeof entry.con !== "string" || entry.con === "") {
      throw new TrackingError(
        "KILN_TRACKING_BAD_STORE_URI",
        `Credentials "${config.store.credentials}" (store.credentials) have no \`con\` connection string.`,
        {
          hint: `e.g. ${config.store.credentials}: { con: "postgresql://user:password@host:5432/database" }`,
        },
      );
    }
    uri = entry.con;
    where = `credentials "${config.store.credentials}"`;
  }
  const store = parseStoreUri(uri, projectRoot, where);
  const location = config.artifacts.location;
  const artifactRoot =
    hasProtocol(location) || isAbsolute(location) ? location : resolve(projectRoot, location);
  const artifactCredentials =
    config.artifacts.credentials === null
      ? undefined
      : credentialsEntry(doc, credentials, ["artifacts", "credentials"], config.artifacts.credentials);
  return {
    config,
    store,
    artifactRoot,
    artifactCredentials,
    experimentName: config.experiment.name ?? options.projectName,
    secrets: [...secretValues(credentials), ...(store.kind === "postgresql" ? store.secrets : [])],
  };
}

/** The tracking settings of a project's context: its `tracking` and `credentials` config, resolved. */
export async function loadTrackingSettings(context: KilnContext): Promise<TrackingSettings> {
  const [doc, credentials] = await Promise.all([
    context.configLoader.load("tracking"),
    context.configLoader.load("credentials"),
  ]);
  return resolveTrackingSettings({
    doc,
    credentials: credentials.value,
    projectRoot: context.project.root,
    projectName: context.project.name,
  });
}
