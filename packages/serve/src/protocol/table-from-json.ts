import { ScoringRequestError } from "../errors.js";
import type { InputFormat } from "./parse-json-request.js";
import {
  checkUniqueColumns,
  describeJson,
  positionalNames,
  type RawTable,
  tableFromRecords,
  tableFromRows,
} from "./raw-table.js";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function badShape(message: string, hint: string): ScoringRequestError {
  return new ScoringRequestError("KILN_SERVE_BAD_SHAPE", message, { hint });
}

/**
 * The table a JSON request's payload describes, in MLflow's four layouts:
 * - `dataframe_split`: `{"columns": [...], "data": [[...], ...], "index"?: [...]}` (pandas' split
 *   orientation; without `columns` the columns are named "0", "1", …);
 * - `dataframe_records`: `[{"a": 1, "b": 2}, ...]` (a missing key is null), or rows as lists;
 * - `instances`: rows, as objects or (TF serving's row format) as plain values;
 * - `inputs`: columns, `{"a": [...], "b": [...]}` (or one row of scalars), or plain values.
 *
 * Plain values (`[1, 2]` or `[[1, 2], [3, 4]]`) fill the model's single input column, or, when each
 * row has one value per input column, the input columns in the signature's order; without a
 * signature they make columns "0", "1", …
 * @param inputNames the signature's input column names, in order (undefined without a signature).
 * @throws ScoringRequestError `KILN_SERVE_BAD_SHAPE` saying what is wrong where.
 */
export function tableFromJson(format: InputFormat, payload: unknown, inputNames?: string[]): RawTable {
  switch (format) {
    case "dataframe_split":
      return fromSplit(payload);
    case "dataframe_records":
      return fromRecords(payload);
    case "instances":
      return fromInstances(payload, inputNames);
    case "inputs":
      return fromInputs(payload, inputNames);
  }
}

function fromSplit(payload: unknown): RawTable {
  if (!isObject(payload)) {
    throw badShape(
      `dataframe_split must be an object; got ${describeJson(payload)}.`,
      'e.g. {"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2], [3, 4]]}}.',
    );
  }
  const extra = Object.keys(payload).filter((k) => k !== "columns" && k !== "data" && k !== "index");
  if (!("data" in payload) || extra.length > 0) {
    throw badShape(
      `dataframe_split must have "data" and may have "columns" and "index"; it has ${Object.keys(payload)
        .map((k) => `"${k}"`)
        .join(", ")}.`,
      'e.g. {"columns": ["a", "b"], "data": [[1, 2], [3, 4]]}.',
    );
  }
  const { data, columns, index } = payload;
  if (!Array.isArray(data)) {
    throw badShape(
      `dataframe_split.data must be a list of rows; got ${describeJson(data)}.`,
      'e.g. "data": [[1, 2], [3, 4]].',
    );
  }
  let names: string[];
  if (columns === undefined || columns === null) {
    const first = data[0];
    names = positionalNames(Array.isArray(first) ? first.length : data.length > 0 ? 1 : 0);
  } else {
    if (!Array.isArray(columns) || columns.some((c) => typeof c !== "string" && typeof c !== "number")) {
      throw badShape(
        `dataframe_split.columns must be a list of column names; got ${describeJson(columns)}.`,
        'e.g. "columns": ["a", "b"].',
      );
    }
    names = columns.map(String);
  }
  checkUniqueColumns(names, "dataframe_split.columns");
  if (index !== undefined && index !== null && (!Array.isArray(index) || index.length !== data.length)) {
    throw badShape(
      `dataframe_split.index must be a list of one label per row (${data.length}); got ${describeJson(index)}.`,
      'Leave "index" out: the scoring server does not use it.',
    );
  }
  // pandas reads a flat "data" list as one column.
  const rows = names.length === 1 && data.some((row) => !Array.isArray(row)) ? data.map((v) => [v]) : data;
  return tableFromRows(rows, names, "dataframe_split.data");
}

function fromRecords(payload: unknown): RawTable {
  if (!Array.isArray(payload)) {
    throw badShape(
      `dataframe_records must be a list of records; got ${describeJson(payload)}.`,
      'e.g. {"dataframe_records": [{"a": 1, "b": 2}, {"a": 3, "b": 4}]}.',
    );
  }
  if (payload.length > 0 && Array.isArray(payload[0])) {
    return tableFromRows(payload, positionalNames(payload[0].length), "dataframe_records");
  }
  if (payload.length > 0 && !isObject(payload[0])) {
    return { columns: ["0"], values: [payload], rows: payload.length };
  }
  return tableFromRecords(payload, "dataframe_records");
}

function fromInstances(payload: unknown, inputNames: string[] | undefined): RawTable {
  if (!Array.isArray(payload)) {
    throw badShape(
      `instances must be a list (one item per row); got ${describeJson(payload)}.`,
      'e.g. {"instances": [{"a": 1, "b": 2}]} or, for a one-column model, {"instances": [1, 2, 3]}.',
    );
  }
  if (payload.length > 0 && isObject(payload[0])) return tableFromRecords(payload, "instances");
  return fromPlainValues(payload, inputNames, "instances");
}

function fromInputs(payload: unknown, inputNames: string[] | undefined): RawTable {
  if (Array.isArray(payload)) {
    if (payload.length > 0 && isObject(payload[0])) {
      throw badShape(
        "inputs holds columns or plain values, not a list of records.",
        'Send rows as {"dataframe_records": [...]} or {"instances": [...]}, or columns as {"inputs": {"a": [1, 2], "b": [3, 4]}}.',
      );
    }
    return fromPlainValues(payload, inputNames, "inputs");
  }
  if (!isObject(payload)) {
    throw badShape(
      `inputs must be an object of columns or a list; got ${describeJson(payload)}.`,
      'e.g. {"inputs": {"a": [1, 2], "b": [3, 4]}}.',
    );
  }
  const columns = Object.keys(payload);
  const lists = columns.filter((c) => Array.isArray(payload[c]));
  if (lists.length === 0) {
    // One row given as scalars: {"a": 1, "b": 2}.
    return { columns, values: columns.map((c) => [payload[c]]), rows: columns.length > 0 ? 1 : 0 };
  }
  if (lists.length !== columns.length) {
    const scalar = columns.find((c) => !Array.isArray(payload[c]))!;
    throw badShape(
      `inputs.${scalar} is a single value but other columns are lists.`,
      "Give every column as a list of one value per row.",
    );
  }
  const rows = (payload[columns[0]!] as unknown[]).length;
  const uneven = columns.find((c) => (payload[c] as unknown[]).length !== rows);
  if (uneven !== undefined) {
    throw badShape(
      `inputs columns differ in length: "${columns[0]}" has ${rows} values, "${uneven}" has ${(payload[uneven] as unknown[]).length}.`,
      "Give every column the same number of values (one per row).",
    );
  }
  return { columns, values: columns.map((c) => payload[c] as unknown[]), rows };
}

/**
 * Plain values (TF serving's tensors): a flat list is one column, a list of lists is rows. They
 * fill the signature's columns by position: one input column takes a flat list; rows must have one
 * value per input column.
 */
function fromPlainValues(items: unknown[], inputNames: string[] | undefined, where: string): RawTable {
  const nested = items.length > 0 && Array.isArray(items[0]);
  if (inputNames === undefined) {
    return nested
      ? tableFromRows(items, positionalNames((items[0] as unknown[]).length), where)
      : { columns: ["0"], values: [items], rows: items.length };
  }
  if (inputNames.length === 1 && !(nested && (items[0] as unknown[]).length === 1)) {
    return { columns: inputNames, values: [items], rows: items.length };
  }
  if (nested || inputNames.length === 1) return tableFromRows(items, inputNames, where);
  throw badShape(
    `${where} is a list of plain values, but the model takes ${inputNames.length} columns (${inputNames.join(", ")}).`,
    `Send one list per row with a value for each column in that order, or named columns: {"dataframe_records": [{"${inputNames[0]}": ...}]}.`,
  );
}
