/**
 * A model's result as the body MLflow's scoring server answers with: `{"predictions": …}` where a
 * DataFrame becomes a list of records (one object per row), a Series, an array or a typed array a
 * plain list, and a single value a list of one. Other objects are sent as they are, as MLflow does.
 *
 * JSON has no NaN or infinity: those become null. Bytes become base64 text, BigInts numbers (text
 * when they do not fit a double exactly), dates ISO 8601 text.
 */
export function encodePredictions(result: unknown): string {
  const predictions = jsonable(result);
  try {
    return `{"predictions":${JSON.stringify(predictions)}}`;
  } catch {
    // BigInt (UInt64 columns) throws in the fast path; the replacer handles it and bytes.
    return `{"predictions":${JSON.stringify(predictions, replacer)}}`;
  }
}

/**
 * A result that holds one prediction per input row (a DataFrame, a Series, an array, a typed
 * array) as the list `{"predictions": …}` would hold, so it can be cut per request; undefined for
 * anything else (a single value, another object). `encodePredictions` of a slice of it gives what
 * it gives for the same rows of the result.
 */
export function predictionRows(result: unknown): unknown[] | undefined {
  if (result === null || typeof result !== "object" || result instanceof Date) return undefined;
  const tag = (result as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  const perRow =
    Array.isArray(result) ||
    (ArrayBuffer.isView(result) && !(result instanceof DataView)) ||
    (tag === "DataFrame" && typeof (result as { toRecords?: unknown }).toRecords === "function") ||
    (typeof tag === "function" && (tag as () => unknown).call(result) === "Series");
  return perRow ? (jsonable(result) as unknown[]) : undefined;
}

function jsonable(result: unknown): unknown {
  if (result === null || result === undefined) return [null];
  if (Array.isArray(result))
    return needsReplacer(result[0]) ? JSON.parse(JSON.stringify(result, replacer)) : result;
  if (ArrayBuffer.isView(result) && !(result instanceof DataView))
    return Array.from(result as unknown as ArrayLike<unknown>, plain);
  if (typeof result !== "object") return [plain(result)];
  if (result instanceof Date) return [result];
  const tag = (result as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  // nodejs-polars: a DataFrame's tag is a getter, a Series' a method.
  if (tag === "DataFrame" && typeof (result as { toRecords?: unknown }).toRecords === "function") {
    const records = (result as { toRecords(): Record<string, unknown>[] }).toRecords();
    const first = records[0];
    return first !== undefined && Object.values(first).some(needsReplacer)
      ? JSON.parse(JSON.stringify(records, replacer))
      : records;
  }
  if (typeof tag === "function" && (tag as () => unknown).call(result) === "Series") {
    return jsonable((result as { toArray(): unknown[] }).toArray());
  }
  return result;
}

const needsReplacer = (value: unknown) => typeof value === "bigint" || ArrayBuffer.isView(value);

/** One scalar as JSON takes it. */
function plain(value: unknown): unknown {
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value;
}

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  if (typeof original === "bigint") return plain(original);
  if (original instanceof Uint8Array)
    return Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString("base64");
  if (ArrayBuffer.isView(original) && !(original instanceof DataView))
    return Array.from(original as unknown as ArrayLike<unknown>, plain);
  return value;
}
