// Renders a component into happy-dom for the component tests, with React's act().
import { act, type ReactElement } from "react";
import { createRoot, type Root } from "react-dom/client";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface Rendered {
  container: HTMLElement;
  rerender(element: ReactElement): Promise<void>;
  unmount(): Promise<void>;
}

export async function render(element: ReactElement): Promise<Rendered> {
  const container = document.createElement("div");
  document.body.append(container);
  let root: Root | undefined;
  await act(async () => {
    root = createRoot(container);
    root.render(element);
  });
  return {
    container,
    rerender: (next) => act(async () => root!.render(next)),
    unmount: async () => {
      await act(async () => root!.unmount());
      container.remove();
    },
  };
}

/** Lets pending promises and effects settle. */
export const settle = () => act(async () => new Promise((resolve) => setTimeout(resolve, 0)));

/** A click as a pointer makes it: down and up at one point (what the canvas listens to). */
export async function pointerClick(target: Element, options: { shiftKey?: boolean } = {}) {
  await act(async () => {
    target.dispatchEvent(
      new PointerEvent("pointerdown", { bubbles: true, clientX: 0, clientY: 0, ...options }),
    );
    target.dispatchEvent(
      new PointerEvent("pointerup", { bubbles: true, clientX: 0, clientY: 0, ...options }),
    );
  });
}
