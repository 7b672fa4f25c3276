import { DatasetError } from "kiln";
import { importPackage } from "../import-package.js";
import { svgToPng } from "./svg-to-png.js";

/** The formats a Vega-Lite spec renders to. */
export const RENDER_FORMATS = ["svg", "png"] as const;
/** `svg` (text) or `png` (bytes). */
export type RenderFormat = (typeof RENDER_FORMATS)[number];

/** Options for {@link renderVegaLite}. */
export interface RenderOptions {
  /** PNG pixels per SVG pixel (default 2, for sharp text on high-density screens). */
  scale?: number;
  /** Also load the machine's fonts, for scripts DejaVu lacks (CJK…); off by default so PNGs are the same everywhere. */
  systemFonts?: boolean;
  /** Names the spec in error messages (a file path); default "the Vega-Lite spec". */
  where?: string;
}

type Vega = typeof import("vega");
type VegaLite = typeof import("vega-lite");
type VegaSpec = import("vega").Spec;

const NEEDED_FOR = "Rendering Vega-Lite charts";
let vega: Promise<Vega> | undefined;
let vegaLite: Promise<VegaLite> | undefined;

function loadVega(): Promise<Vega> {
  vega ??= importPackage<Vega>("vega", "KILN_PLOT_PACKAGE_MISSING", NEEDED_FOR).catch((error: unknown) => {
    vega = undefined;
    throw error;
  });
  return vega;
}

function loadVegaLite(): Promise<VegaLite> {
  vegaLite ??= importPackage<VegaLite>("vega-lite", "KILN_PLOT_PACKAGE_MISSING", NEEDED_FOR).catch(
    (error: unknown) => {
      vegaLite = undefined;
      throw error;
    },
  );
  return vegaLite;
}

/** True when `$schema` says the spec is full Vega rather than Vega-Lite. */
function isVegaSpec(spec: object): boolean {
  const schema = (spec as { $schema?: unknown }).$schema;
  return typeof schema === "string" && /\/schema\/vega\/v\d/.test(schema);
}

/** Vega and Vega-Lite report through a logger object; this one keeps what they say, errors apart. */
function collectingLogger(warnings: string[], errors: string[] = warnings) {
  let level = 2; // warn
  const keep =
    (into: string[]) =>
    (...args: unknown[]) => {
      into.push(args.map((a) => (a instanceof Error ? a.message : String(a))).join(" "));
    };
  return {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return this;
    },
    error: keep(errors),
    warn: keep(warnings),
    info: () => undefined,
    debug: () => undefined,
  };
}

/** A loader that refuses every URL: a spec saved by a pipeline must carry its data, so renders are reproducible. */
function inlineOnlyLoader(refused: string[]) {
  const refuse = async (uri: unknown) => {
    refused.push(String(uri));
    throw new Error(`external data "${String(uri)}" is not loaded`);
  };
  return { load: refuse, sanitize: refuse, http: refuse, file: refuse };
}

function badSpec(where: string, reason: string, cause?: unknown, warnings: string[] = []): DatasetError {
  return new DatasetError("KILN_PLOT_BAD_SPEC", `${where} is not a valid Vega-Lite spec: ${reason}`, {
    cause,
    hint:
      (warnings.length > 0 ? `Vega-Lite also warned: ${warnings.join("; ")}. ` : "") +
      "Check the spec against https://vega.github.io/vega-lite/docs/ (mark, encoding, field types); data goes inline in data.values.",
  });
}

/**
 * Checks that `spec` is a JSON object and compiles it to a Vega spec (a spec whose `$schema` is
 * Vega's passes through as it is).
 * @throws DatasetError `KILN_PLOT_BAD_SPEC` naming `where`.
 */
export async function compileVegaLite(spec: unknown, where = "the Vega-Lite spec"): Promise<VegaSpec> {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw badSpec(where, `expected an object, got ${Array.isArray(spec) ? "an array" : String(spec)}.`);
  }
  // A JSON copy: what is saved is what is drawn, and Vega tags the data rows it ingests, which
  // must not leak into the node's own object.
  let copy: object;
  try {
    copy = JSON.parse(JSON.stringify(spec)) as object;
  } catch (error) {
    throw badSpec(where, `it cannot be stored as JSON (${(error as Error).message}).`, error);
  }
  if (isVegaSpec(copy)) return copy as VegaSpec;
  const vl = await loadVegaLite();
  const warnings: string[] = [];
  try {
    return vl.compile(copy as never, { logger: collectingLogger(warnings) as never }).spec;
  } catch (error) {
    throw badSpec(where, (error as Error).message, error, warnings);
  }
}

/**
 * Renders a compiled Vega spec to SVG text with a headless view (no canvas, no browser).
 * @throws DatasetError `KILN_PLOT_BAD_SPEC`, `KILN_PLOT_RENDER` naming `where`.
 */
export async function vegaToSvg(spec: VegaSpec, where: string): Promise<string> {
  const vg = await loadVega();
  let runtime: ReturnType<Vega["parse"]>;
  try {
    runtime = vg.parse(spec);
  } catch (error) {
    throw badSpec(where, (error as Error).message, error);
  }
  const warnings: string[] = [];
  const errors: string[] = [];
  const refused: string[] = [];
  const view = new vg.View(runtime, {
    renderer: "none",
    logger: collectingLogger(warnings, errors) as never,
    loader: inlineOnlyLoader(refused) as never,
  });
  const failed = (reason: string, cause?: unknown) =>
    new DatasetError("KILN_PLOT_RENDER", `Could not render ${where} to SVG: ${reason}`, {
      cause,
      hint:
        (warnings.length > 0 ? `Vega also warned: ${warnings.join("; ")}. ` : "") +
        "Check the spec's expressions and transforms against the data's fields.",
    });
  try {
    const svg = await view.toSVG();
    if (refused.length > 0) {
      throw badSpec(
        where,
        `it loads data from ${refused.map((u) => `"${u}"`).join(", ")}; Kiln renders only specs whose data is inline.`,
      );
    }
    // Vega logs a failing expression or transform and draws the chart without its data.
    if (errors.length > 0) throw failed(errors.join("; "));
    return svg;
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    throw failed((error as Error).message, error);
  } finally {
    view.finalize();
  }
}

/** Compiles and renders a spec to SVG text. @throws DatasetError `KILN_PLOT_BAD_SPEC`, `KILN_PLOT_RENDER` */
export async function specToSvg(spec: unknown, where = "the Vega-Lite spec"): Promise<string> {
  return vegaToSvg(await compileVegaLite(spec, where), where);
}

/**
 * Renders a Vega-Lite spec (data inline) server-side: SVG text, or PNG bytes rasterised from that
 * SVG with the bundled DejaVu fonts. Vega and resvg are imported on first use.
 * @throws DatasetError `KILN_PLOT_BAD_SPEC` for an invalid spec, `KILN_PLOT_RENDER` when drawing fails.
 * @example
 * const png = await renderVegaLite({ data: { values: rows }, mark: "rect", encoding }, "png");
 * return png; // saved by an images.ImageDataset entry
 */
export function renderVegaLite(spec: object, format: "svg", options?: RenderOptions): Promise<string>;
export function renderVegaLite(spec: object, format: "png", options?: RenderOptions): Promise<Uint8Array>;
export function renderVegaLite(
  spec: object,
  format: RenderFormat,
  options?: RenderOptions,
): Promise<string | Uint8Array>;
export async function renderVegaLite(
  spec: object,
  format: RenderFormat,
  options: RenderOptions = {},
): Promise<string | Uint8Array> {
  if (!RENDER_FORMATS.includes(format)) {
    throw new DatasetError("KILN_PLOT_BAD_ARG", `renderVegaLite cannot render "${String(format)}".`, {
      hint: `Use one of: ${RENDER_FORMATS.join(", ")}.`,
    });
  }
  const where = options.where ?? "the Vega-Lite spec";
  const svg = await specToSvg(spec, where);
  return format === "svg" ? svg : svgToPng(svg, { ...options, where });
}
