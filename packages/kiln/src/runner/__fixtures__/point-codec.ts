// A thread codec for the fixtures' Point class: ParallelRunner tests pass Points between threads.
import type { ThreadCodec } from "../thread-codec.js";
import { Point } from "./pipelines.js";

/** The buffers this thread's encode made (the tests check the transferred ones are detached). */
export const encodedBuffers: ArrayBuffer[] = [];

const codec: ThreadCodec = {
  name: "point",
  test: (value) => value instanceof Point,
  encode(value) {
    const { x, y } = value as Point;
    const xy = new Float64Array([x, y]);
    encodedBuffers.push(xy.buffer);
    return { payload: xy, transfer: [xy.buffer] };
  },
  decode(payload) {
    const xy = payload as Float64Array;
    return new Point(xy[0]!, xy[1]!);
  },
};
export default codec;
