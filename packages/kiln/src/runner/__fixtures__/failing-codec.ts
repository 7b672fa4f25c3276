// A thread codec that takes objects with a `codec` field and fails as that field says.
import type { ThreadCodec } from "../thread-codec.js";

const codec: ThreadCodec = {
  name: "fragile",
  test: (value) => typeof (value as { codec?: unknown }).codec === "string",
  encode(value) {
    if ((value as { codec: string }).codec === "encode") throw new Error("cannot encode this");
    return { payload: { ...(value as object) }, transfer: [] };
  },
  decode() {
    throw new Error("cannot decode this");
  },
};
export default codec;
