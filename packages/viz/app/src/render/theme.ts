// Colours of the two themes: CSS variables for the page, inline values for exported SVG and PNG.
export type ThemeName = "light" | "dark";

export interface Palette {
  background: string;
  panel: string;
  border: string;
  text: string;
  muted: string;
  accent: string;
  taskFill: string;
  taskStroke: string;
  dataFill: string;
  dataStroke: string;
  paramFill: string;
  paramStroke: string;
  namespaceFill: string;
  namespaceStroke: string;
  edge: string;
  bandA: string;
  bandB: string;
  highlight: string;
  success: string;
  failed: string;
  skipped: string;
}

export const THEMES: Record<ThemeName, Palette> = {
  light: {
    background: "#f7f8fa",
    panel: "#ffffff",
    border: "#d8dce3",
    text: "#1d2430",
    muted: "#5f6b7a",
    accent: "#2f6fdf",
    taskFill: "#ffffff",
    taskStroke: "#4b5563",
    dataFill: "#e8f0fe",
    dataStroke: "#5b8def",
    paramFill: "#fff4e0",
    paramStroke: "#d08c1d",
    namespaceFill: "#eef0ff",
    namespaceStroke: "#6b5bd6",
    edge: "#8a94a6",
    bandA: "#eef1f5",
    bandB: "#f7f8fa",
    highlight: "#f5b800",
    success: "#1e9e5a",
    failed: "#d93a3a",
    skipped: "#9aa3af",
  },
  dark: {
    background: "#0f141b",
    panel: "#171d26",
    border: "#2c3542",
    text: "#e3e8ef",
    muted: "#95a1b2",
    accent: "#6ea1ff",
    taskFill: "#1e2632",
    taskStroke: "#9aa6b8",
    dataFill: "#17294a",
    dataStroke: "#5b8def",
    paramFill: "#3a2c12",
    paramStroke: "#e0a440",
    namespaceFill: "#231f45",
    namespaceStroke: "#9c8cff",
    edge: "#5d6879",
    bandA: "#141a22",
    bandB: "#0f141b",
    highlight: "#ffcc33",
    success: "#3ccf7f",
    failed: "#ff6b6b",
    skipped: "#6b7585",
  },
};

/** Sets the page's CSS variables (`--kv-task-fill`, ...) for a theme. */
export function applyTheme(name: ThemeName, root: HTMLElement = document.documentElement): void {
  for (const [key, value] of Object.entries(THEMES[name])) {
    root.style.setProperty(`--kv-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, value);
  }
  root.dataset.theme = name;
}
