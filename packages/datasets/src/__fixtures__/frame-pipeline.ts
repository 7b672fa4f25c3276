// A pipeline whose nodes take and return Polars DataFrames and Series: ParallelRunner's workers
// import it by URL in the thread codec tests.
import { threadId } from "node:worker_threads";
import { node, pipeline } from "kiln";
import pl, { type DataFrame, type Series } from "nodejs-polars";

export const framePipeline = () =>
  pipeline([
    node({
      func: (df: DataFrame) => ({
        priced: df.withColumns(pl.col("price").mul(2).alias("double_price")),
        names: df.getColumn("name"),
        thread: threadId,
      }),
      inputs: "frame",
      outputs: { priced: "priced", names: "names", thread: "thread" },
      name: "price_frame",
    }),
    node({
      // Checks in the worker that what arrived are Polars objects, not plain copies.
      func: (df: DataFrame, names: Series) => ({
        rows: df.height,
        frames: [df.head(1), df.tail(1)],
        kinds: `${pl.DataFrame.isDataFrame(df)},${pl.Series.isSeries(names)}`,
      }),
      inputs: ["priced", "names"],
      outputs: { rows: "rows", frames: "frames", kinds: "kinds" },
      name: "inspect_frame",
    }),
    node({
      func: (nested: unknown) => ({ deeper: { still: nested } }),
      inputs: "nested",
      outputs: "nested_back",
      name: "nest_deeper",
    }),
  ]);
