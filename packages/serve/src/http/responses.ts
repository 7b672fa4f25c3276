import type { ServerResponse } from "node:http";
import { KilnError } from "kiln";
import { type MlflowErrorCode, ScoringRequestError } from "../errors.js";

/** Sends a whole answer with its length; `close` asks the client to open a new connection next time. */
export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  options: { close?: boolean; head?: boolean } = {},
): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const headers: Record<string, string | number> = {
    "content-type": contentType,
    "content-length": Buffer.byteLength(body),
  };
  if (options.close) headers.connection = "close";
  res.writeHead(status, headers);
  res.end(options.head ? undefined : body);
}

/**
 * An error as MLflow's scoring server renders it: JSON `{"error_code", "message"}` with the status
 * (a 415 is plain text, as MLflow's). The Kiln code goes in the `x-kiln-error-code` header, so the
 * body stays exactly MLflow's.
 */
export function sendError(
  res: ServerResponse,
  error: ScoringRequestError,
  options: { close?: boolean } = {},
): void {
  if (res.headersSent) return;
  // Set on the response (not only written), so the request's log line can name the code.
  res.setHeader("x-kiln-error-code", error.code);
  if (error.status === 415) {
    send(res, 415, "text/plain; charset=utf-8", error.clientMessage(), options);
    return;
  }
  const body = JSON.stringify({ error_code: error.errorCode, message: error.clientMessage() });
  send(res, error.status, "application/json", body, options);
}

/** A ScoringRequestError for anything thrown while answering; unexpected errors become a 500. */
export function asScoringError(error: unknown): ScoringRequestError {
  if (error instanceof ScoringRequestError) return error;
  return serverError("INTERNAL_ERROR", 500, "KILN_SERVE_INTERNAL", `The server failed: ${describe(error)}`);
}

/** A failure of the model's own code: MLflow answers it with 400 BAD_REQUEST; so does Kiln. */
export function predictFailed(error: unknown): ScoringRequestError {
  if (error instanceof ScoringRequestError) return error;
  return new ScoringRequestError(
    "KILN_SERVE_PREDICT_FAILED",
    `The model failed on this input: ${describe(error)}`,
    {
      hint: "Check that the input is what the model was trained on; the server's log has the stack.",
      cause: error,
    },
  );
}

export function serverError(
  errorCode: MlflowErrorCode,
  status: number,
  code: string,
  message: string,
  hint?: string,
): ScoringRequestError {
  return new ScoringRequestError(code, message, { status, errorCode, ...(hint ? { hint } : {}) });
}

function describe(error: unknown): string {
  if (error instanceof KilnError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
