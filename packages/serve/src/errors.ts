import { KilnError, type KilnErrorOptions } from "kiln";

/**
 * Serving could not start or was given bad options (CLI flags, server options). Codes are
 * `KILN_SERVE_*`, listed in docs/errors.md.
 */
export class ServeError extends KilnError {}

/** MLflow's error codes that the scoring server answers with (the JSON body's `error_code`). */
export type MlflowErrorCode =
  | "BAD_REQUEST"
  | "ENDPOINT_NOT_FOUND"
  | "REQUEST_LIMIT_EXCEEDED"
  | "TEMPORARILY_UNAVAILABLE"
  | "DEADLINE_EXCEEDED"
  | "INTERNAL_ERROR";

/** Options of a {@link ScoringRequestError}: the HTTP answer besides the Kiln code and message. */
export interface ScoringRequestErrorOptions extends KilnErrorOptions {
  /** The HTTP status (default 400). */
  status?: number;
  /** MLflow's `error_code` (default `BAD_REQUEST`). */
  errorCode?: MlflowErrorCode;
}

/**
 * One scoring request was wrong (its body, content type, columns or params) or could not be
 * answered. The server renders it as MLflow does: `{"error_code": …, "message": …}` with `status`.
 */
export class ScoringRequestError extends ServeError {
  readonly status: number;
  readonly errorCode: MlflowErrorCode;

  constructor(code: string, message: string, options: ScoringRequestErrorOptions = {}) {
    super(code, message, options);
    this.status = options.status ?? 400;
    this.errorCode = options.errorCode ?? "BAD_REQUEST";
  }

  /** The message a client reads: what is wrong, then how to fix it. */
  clientMessage(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}
