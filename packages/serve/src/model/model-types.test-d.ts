// The contract's types (model-types.ts, which the serving code uses) are the shapes @kiln/tracking's
// packaging writes: a change on one side that the other does not follow fails here.
import type * as written from "@kiln/tracking";
import { expectTypeOf, test } from "vitest";
import type * as read from "../model-types.js";

test("the MLmodel file, signature and input example read as packaging writes them", () => {
  expectTypeOf<read.SignatureType>().toEqualTypeOf<written.SignatureType>();
  expectTypeOf<read.ColumnSpec>().toEqualTypeOf<written.ColumnSpec>();
  expectTypeOf<read.ParamSpec>().toEqualTypeOf<written.ParamSpec>();
  expectTypeOf<read.ModelSignature>().toEqualTypeOf<written.ModelSignature>();
  expectTypeOf<read.KilnFlavor>().toEqualTypeOf<written.KilnFlavor>();
  expectTypeOf<read.MLmodelFile>().toEqualTypeOf<written.MLmodelFile>();
  expectTypeOf<read.SplitFrame>().toEqualTypeOf<written.SplitFrame>();
});
