import { getFileSystem, joinPath } from "kiln";
import { TrackingError } from "../errors.js";

/** A file to log: its bytes and where it goes, relative to the run's artifact folder. */
export interface ArtifactFile {
  path: string;
  bytes: Uint8Array;
}

function safeRelative(path: string): string {
  const parts = path.split(/[\\/]+/).filter((p) => p !== "" && p !== ".");
  if (parts.length === 0 || parts.includes("..")) {
    throw new TrackingError("KILN_TRACKING_BAD_ARTIFACT_PATH", `"${path}" cannot be an artifact path.`, {
      hint: "Artifact paths are relative to the run's artifact folder, without .. parts (artifact_path: reports/plots).",
    });
  }
  return parts.join("/");
}

/**
 * The artifact root (a local folder or `s3://bucket/prefix`), written through Kiln's storage seam
 * (`getFileSystem`), laid out as MLflow lays it out: `<root>/<experiment id>/<run id>/artifacts/…`.
 */
export class ArtifactStore {
  constructor(
    /** An absolute folder, or `s3://…`. */
    readonly root: string,
    readonly credentials?: Record<string, unknown>,
  ) {}

  /** Where a run's artifacts go; `{run_id}` stands for the run's id until the store gives it. */
  runUri(experimentId: string, runId = "{run_id}"): string {
    return joinPath(this.root, experimentId, runId, "artifacts");
  }

  /** Writes `files` under the run's artifact folder `runUri`; resolves to their paths, as stored. */
  async put(runUri: string, files: readonly ArtifactFile[]): Promise<string[]> {
    const fs = await getFileSystem(runUri, this.credentials ? { credentials: this.credentials } : {});
    const written: string[] = [];
    for (const file of files) {
      const path = safeRelative(file.path);
      await fs.write(joinPath(runUri, ...path.split("/")), file.bytes);
      written.push(path);
    }
    return written;
  }
}
