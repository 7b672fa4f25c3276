import {
  DatasetError,
  type DatasetPreview,
  FILE_DATASET_KEYS,
  FileDataset,
  type FileDatasetConfig,
} from "kiln";
import {
  compileVegaLite,
  RENDER_FORMATS,
  type RenderFormat,
  specToSvg,
  vegaToSvg,
} from "./render-vega-lite.js";
import { svgToPng } from "./svg-to-png.js";

/** A Vega-Lite spec as loaded from JSON. Annotate specs with vega-lite's `TopLevelSpec` for checking. */
export type VegaLiteSpec = Record<string, unknown>;

/** What `preview()` gives for a plot: the spec, and its SVG rendering. */
export interface PlotPreviewData {
  spec: VegaLiteSpec;
  svg: string;
}

function badArg(filepath: string, message: string, hint: string): DatasetError {
  return new DatasetError("KILN_PLOT_BAD_ARG", `${filepath}: ${message}`, { hint });
}

/** `dir/chart.json` → `dir/chart.svg`: the same path with the extension swapped (or added). */
export function siblingPath(path: string, extension: string): string {
  const slash = path.lastIndexOf("/");
  const dot = path.lastIndexOf(".");
  return `${dot > slash + 1 ? path.slice(0, dot) : path}.${extension}`;
}

/**
 * A Vega-Lite chart: a node returns a spec (a plain object, data inline in `data.values`), saved as
 * JSON; loading gives the spec back. `save_args.render: [svg, png]` (any subset, default none) also
 * writes the chart rendered server-side next to the spec (`chart.json` → `chart.svg`, `chart.png`;
 * when versioned, inside the same version folder). `save_args.scale` sets PNG pixels per SVG pixel
 * (default 2), `save_args.system_fonts: true` adds the machine's fonts to the bundled DejaVu ones,
 * `save_args.indent` the JSON indent (default 2). The spec is compiled on every save, so a bad spec
 * fails the node that made it.
 */
export class VegaLiteDataset extends FileDataset<VegaLiteSpec, object> {
  static readonly configKeys = FILE_DATASET_KEYS;
  static readonly loadArgs = [] as const;
  static readonly saveArgs = ["render", "scale", "system_fonts", "indent"] as const;
  static readonly kedroOnlyArgs = ["fs_open_args_load", "fs_open_args_save"] as const;

  readonly render: readonly RenderFormat[];
  readonly #scale: number;
  readonly #systemFonts: boolean;

  constructor(config: FileDatasetConfig) {
    super(config);
    const { render = [], scale = 2, system_fonts = false } = this.saveArgs;
    const formats = typeof render === "string" ? [render] : render;
    if (!Array.isArray(formats) || formats.some((f) => !RENDER_FORMATS.includes(f as RenderFormat))) {
      throw badArg(
        this.filepath,
        `save_args.render must list formats from ${RENDER_FORMATS.join(", ")}, got ${JSON.stringify(render)}.`,
        "e.g. render: [svg, png]",
      );
    }
    if (typeof scale !== "number" || !(scale > 0) || scale > 20) {
      throw badArg(
        this.filepath,
        `save_args.scale must be a number above 0 and at most 20, got ${JSON.stringify(scale)}.`,
        "e.g. scale: 2 for a PNG twice the SVG's size.",
      );
    }
    if (typeof system_fonts !== "boolean") {
      throw badArg(
        this.filepath,
        `save_args.system_fonts must be true or false, got ${JSON.stringify(system_fonts)}.`,
        "Leave it out to use only the bundled DejaVu fonts.",
      );
    }
    const clash = formats.find((f) => siblingPath(this.filepath, f) === this.filepath);
    if (clash) {
      throw badArg(
        this.filepath,
        `the spec itself would be overwritten by its ${clash.toUpperCase()} rendering.`,
        `Name the spec file .json (e.g. ${siblingPath(this.filepath, "json")}) and keep save_args.render: [${clash}].`,
      );
    }
    this.render = [...new Set(formats as RenderFormat[])];
    this.#scale = scale;
    this.#systemFonts = system_fonts;
  }

  protected decode(bytes: Uint8Array): VegaLiteSpec {
    let spec: unknown;
    try {
      spec = JSON.parse(new TextDecoder().decode(bytes));
    } catch (error) {
      throw new DatasetError(
        "KILN_PLOT_BAD_SPEC",
        `Could not read ${this.filepath} as a Vega-Lite spec: ${(error as Error).message}`,
        {
          cause: error,
          hint: "The file is not valid JSON (truncated or edited by hand?); run the node that saves it again.",
        },
      );
    }
    if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
      throw new DatasetError(
        "KILN_PLOT_BAD_SPEC",
        `${this.filepath} holds ${Array.isArray(spec) ? "an array" : String(spec)}, not a Vega-Lite spec object.`,
        {
          hint: "A Vega-Lite spec is a JSON object with mark, encoding and data.",
        },
      );
    }
    return spec as VegaLiteSpec;
  }

  protected encode(spec: object): string {
    const indent = this.saveArgs.indent ?? 2;
    return `${JSON.stringify(spec, null, typeof indent === "number" && indent > 0 ? indent : undefined)}\n`;
  }

  /** Checks and renders the spec first, so a bad spec writes nothing; then the spec, then its renderings. */
  override async save(spec: object): Promise<void> {
    const compiled = await compileVegaLite(spec, this.filepath);
    const files: Array<[RenderFormat, string | Uint8Array]> = [];
    if (this.render.length > 0) {
      const svg = await vegaToSvg(compiled, this.filepath);
      for (const format of this.render) {
        files.push([
          format,
          format === "svg"
            ? svg
            : await svgToPng(svg, {
                scale: this.#scale,
                systemFonts: this.#systemFonts,
                where: this.filepath,
              }),
        ]);
      }
    }
    await super.save(spec);
    if (files.length === 0) return;
    const fs = await this.fileSystem();
    const base = this.version ? this.versionPath(this.lastSavedVersion!) : this.filepath;
    for (const [format, data] of files) await fs.write(siblingPath(base, format), data);
  }

  /** The spec and its SVG: the one saved beside it when there is one, else rendered now. */
  async preview(): Promise<DatasetPreview> {
    const path = await this.resolveLoadPath();
    const fs = await this.fileSystem();
    const spec = this.decode(await fs.read(path));
    const stored = siblingPath(path, "svg");
    const svg =
      this.render.includes("svg") && (await fs.exists(stored))
        ? new TextDecoder().decode(await fs.read(stored))
        : await specToSvg(spec, this.filepath);
    const data: PlotPreviewData = { spec, svg };
    return { kind: "plot", data };
  }
}
