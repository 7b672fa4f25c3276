import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { VizError } from "../errors.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json; charset=utf-8",
};

/** The content type for a file name. */
export const contentType = (file: string) => TYPES[extname(file)] ?? "application/octet-stream";

let packageRoot: string | undefined;

/** This package's folder (the one whose package.json is `@kiln/viz`), from sources or from dist. */
export function vizPackageRoot(): string {
  if (packageRoot) return packageRoot;
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "@kiln/viz") {
      packageRoot = dir;
      return dir;
    }
  }
  throw new Error("@kiln/viz: cannot find its own package.json");
}

/**
 * The prebuilt web app (`dist/app`, made by `npm run build`).
 * @throws VizError `KILN_VIZ_APP_MISSING` when it was not built or not installed.
 */
export function appFolder(): string {
  const folder = join(vizPackageRoot(), "dist", "app");
  if (!existsSync(join(folder, "index.html"))) {
    throw new VizError("KILN_VIZ_APP_MISSING", `The viz web app is missing from ${folder}.`, {
      hint: "Reinstall @kiln/viz (npm install @kiln/viz); in Kiln's own repository run npm run build.",
    });
  }
  return folder;
}

/**
 * A file of the app for a URL path, or the page itself for any other path (a link with view state
 * reopens the page). Never a file outside the app folder.
 */
export async function readAppFile(folder: string, pathname: string): Promise<{ file: string; body: Buffer }> {
  const wanted = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, "");
  const file = join(folder, wanted);
  if (wanted && file.startsWith(folder + sep) && !wanted.split(/[/\\]/).includes("..")) {
    try {
      return { file, body: await readFile(file) };
    } catch {
      // not a file of the app: the page
    }
  }
  const index = join(folder, "index.html");
  return { file: index, body: await readFile(index) };
}
