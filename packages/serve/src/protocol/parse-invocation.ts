import type pl from "nodejs-polars";
import type { ModelSignature } from "../model-types.js";
import { requestFormat } from "./content-type.js";
import { decodeBody } from "./decode-body.js";
import { frameFromTyped, type TypedTable, typedTable } from "./frame-from-table.js";
import { parseJsonRequest } from "./parse-json-request.js";
import { checkParams } from "./request-params.js";
import { tableFromCsv } from "./table-from-csv.js";
import { tableFromJson } from "./table-from-json.js";

/** An `/invocations` request made ready for `LoadedModel.predict`. */
export interface Invocation {
  input: pl.DataFrame;
  /** The params the request set, checked and converted; undefined when it set none. */
  params: Record<string, unknown> | undefined;
}

/**
 * Reads an `/invocations` request as MLflow's scoring server does: the content type picks JSON or
 * CSV, the body becomes a DataFrame checked against (and cast to) the signature's inputs, and JSON
 * `params` are checked against the signature's params. CSV requests carry no params.
 * @throws ScoringRequestError with status 415 (content type) or 400 (everything else).
 */
export function parseInvocation(
  body: Uint8Array,
  contentType: string | undefined,
  signature: ModelSignature | null,
): Invocation {
  const { table, params } = readInvocation(body, contentType, signature);
  return { input: frameFromTyped(table), params };
}

/** An `/invocations` request checked and converted, its table not yet a DataFrame. */
export interface CheckedInvocation {
  table: TypedTable;
  params: Record<string, unknown> | undefined;
}

/**
 * {@link parseInvocation} up to the DataFrame: every check of the request is done (so its errors
 * are its own), and the table can be merged with other requests' before one DataFrame is built.
 * @throws ScoringRequestError as parseInvocation.
 */
export function readInvocation(
  body: Uint8Array,
  contentType: string | undefined,
  signature: ModelSignature | null,
): CheckedInvocation {
  const format = requestFormat(contentType);
  const text = decodeBody(body);
  const inputs = signature?.inputs ?? null;
  if (format === "csv") return { table: typedTable(tableFromCsv(text), inputs), params: undefined };
  const request = parseJsonRequest(text);
  // Params first: they are cheap to check and a bad one should not wait for a large table.
  const params = checkParams(request.params, signature?.params);
  const names = inputs?.every((spec) => spec.name !== undefined)
    ? inputs.map((spec) => spec.name!)
    : undefined;
  const table = tableFromJson(request.format, request.payload, names);
  return { table: typedTable(table, inputs), params };
}
