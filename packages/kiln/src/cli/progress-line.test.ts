import { describe, expect, it } from "vitest";
import { CLEAR_LINE, ProgressLine } from "./progress-line.js";

function screen(columns?: number) {
  const writes: string[] = [];
  return { writes, out: { write: (text: string) => writes.push(text), columns } };
}

describe("ProgressLine", () => {
  it("draws nothing until the run starts, then done/total, elapsed and the running nodes", () => {
    const { writes, out } = screen();
    const line = new ProgressLine(out, 10_000);
    line.draw();
    line.clear();
    expect(writes).toEqual([]);
    line.update({ event: "pipeline_started", total: 3 });
    expect(writes).toEqual([`${CLEAR_LINE}[0/3 nodes] 0.0 s`]);
    line.update({ event: "node_started", node: "a" });
    line.update({ event: "node_started", node: "b" });
    expect(writes.at(-1)?.startsWith(CLEAR_LINE)).toBe(true);
    expect(writes.at(-1)?.slice(CLEAR_LINE.length)).toMatch(/^\[0\/3 nodes\] \d+\.\d s · running: a, b$/);
    line.update({ event: "node_completed", node: "a", durationMs: 1, completed: 1, total: 3 });
    expect(line.text()).toMatch(/^\[1\/3 nodes\] \d+\.\d s · running: b$/);
    line.update({ event: "node_failed", node: "b", durationMs: 1 });
    expect(line.text()).toMatch(/^\[1\/3 nodes\] \d+\.\d s$/);
    line.stop();
    expect(writes.at(-1)).toBe(CLEAR_LINE);
    expect(line.text()).toBeUndefined();
  });

  it("erases itself only when it is on screen", () => {
    const { writes, out } = screen();
    const line = new ProgressLine(out, 10_000);
    line.update({ event: "pipeline_started", total: 1 });
    line.clear();
    line.clear();
    expect(writes.filter((w) => w === CLEAR_LINE)).toHaveLength(1);
    line.stop();
    expect(writes.filter((w) => w === CLEAR_LINE)).toHaveLength(1);
  });

  it("is cut to the terminal's width so it never wraps", () => {
    const { out } = screen(30);
    const line = new ProgressLine(out, 10_000);
    line.update({ event: "pipeline_started", total: 12 });
    line.update({ event: "node_started", node: "a_node_with_a_very_long_name" });
    expect(line.text()).toHaveLength(29);
    expect(line.text()).toMatch(/^\[0\/12 nodes\] \d+\.\d s · running…$/);
    line.stop();
  });

  it("ticks on its own while the run goes on, and not after stop()", async () => {
    const { writes, out } = screen();
    const line = new ProgressLine(out, 5);
    line.update({ event: "pipeline_started", total: 1 });
    const frames = () => writes.filter((w) => w.startsWith(`${CLEAR_LINE}[`)).length;
    while (frames() < 3) await new Promise((resolve) => setTimeout(resolve, 5)); // hangs if it never ticks
    line.stop();
    const after = writes.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(writes).toHaveLength(after);
  });
});
