import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { DatasetError } from "kiln";
import { importPackage } from "../import-package.js";

type ResvgModule = typeof import("@resvg/resvg-js");

let resvg: Promise<ResvgModule> | undefined;

function loadResvg(): Promise<ResvgModule> {
  resvg ??= importPackage<ResvgModule & { default?: ResvgModule }>(
    "@resvg/resvg-js",
    "KILN_PLOT_PACKAGE_MISSING",
    "Rendering charts to PNG",
  ).then(
    (mod) => (mod.Resvg ? mod : (mod.default ?? mod)),
    (error: unknown) => {
      resvg = undefined;
      throw error;
    },
  );
  return resvg;
}

/** The DejaVu fonts shipped by the `dejavu-fonts-ttf` package: text renders the same on every machine. */
const FONT_FILES = [
  "DejaVuSans.ttf",
  "DejaVuSans-Bold.ttf",
  "DejaVuSans-Oblique.ttf",
  "DejaVuSans-BoldOblique.ttf",
  "DejaVuSerif.ttf",
  "DejaVuSerif-Bold.ttf",
  "DejaVuSansMono.ttf",
];

let fontFiles: string[] | undefined;

/** Paths of the bundled fonts (resolved once). */
export function bundledFontFiles(): string[] {
  if (!fontFiles) {
    const root = dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json"));
    fontFiles = FONT_FILES.map((f) => join(root, "ttf", f));
  }
  return fontFiles;
}

/**
 * Rasterises SVG text to PNG bytes with resvg. Vega's generic `sans-serif` (and any font the spec
 * names that is not loaded) is drawn in DejaVu Sans.
 * @throws DatasetError `KILN_PLOT_RENDER` naming `where`.
 */
export async function svgToPng(
  svg: string,
  options: { scale?: number; systemFonts?: boolean; where?: string } = {},
): Promise<Uint8Array> {
  const { Resvg } = await loadResvg();
  const where = options.where ?? "the chart";
  try {
    const png = new Resvg(svg, {
      fitTo: { mode: "zoom", value: options.scale ?? 2 },
      font: {
        fontFiles: bundledFontFiles(),
        loadSystemFonts: options.systemFonts === true,
        defaultFontFamily: "DejaVu Sans",
        sansSerifFamily: "DejaVu Sans",
        serifFamily: "DejaVu Serif",
        monospaceFamily: "DejaVu Sans Mono",
      },
      logLevel: "off",
    })
      .render()
      .asPng();
    return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
  } catch (error) {
    throw new DatasetError(
      "KILN_PLOT_RENDER",
      `Could not render ${where} to PNG: ${(error as Error).message}`,
      {
        cause: error,
        hint: "resvg could not draw the SVG; render it to SVG only (save_args.render: [svg]) and report the spec.",
      },
    );
  }
}
