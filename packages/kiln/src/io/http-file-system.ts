import { IoError } from "../errors/index.js";
import type { FileSystem } from "./file-system.js";
import { redactUrl } from "./redact.js";

/** Settings of {@link HttpFileSystem}, from a catalog entry's `fs_args`. */
export interface HttpFileSystemOptions {
  /** `http` or `https`; only reported back as `protocol`. */
  protocol?: "http" | "https";
  /** Sent with every request (`fs_args.headers`). */
  headers?: Record<string, string>;
  /**
   * The entry's credentials: `{ username, password }` (Basic auth), `{ token }` (`Authorization:
   * Bearer`), and/or `{ headers }` merged over `headers`. Never shown in messages.
   */
  credentials?: Record<string, unknown>;
  /** Milliseconds a request may take, body included. Default 30 000. */
  timeout?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Read-only access to `http(s)://` URLs through `fetch`. Writes, removals and listings are errors:
 * HTTP has no portable way to do them.
 */
export class HttpFileSystem implements FileSystem {
  readonly protocol: "http" | "https";
  readonly writable = false;
  readonly #headers: Record<string, string>;
  readonly #timeout: number;
  readonly #authenticated: boolean;

  constructor(options: HttpFileSystemOptions = {}) {
    this.protocol = options.protocol ?? "https";
    this.#headers = withCredentials(options.headers ?? {}, options.credentials);
    this.#authenticated = Object.keys(this.#headers).some((h) => h.toLowerCase() === "authorization");
    this.#timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isFinite(this.#timeout) || this.#timeout <= 0) {
      throw new IoError("KILN_IO_BAD_OPTION", `fs_args.timeout must be a positive number of milliseconds.`, {
        hint: `Got ${String(options.timeout)}; the default is ${DEFAULT_TIMEOUT_MS}.`,
      });
    }
  }

  async read(url: string): Promise<Uint8Array> {
    return this.#request(url, "GET", async (response) => {
      if (!response.ok) throw statusError(url, response, this.#sendsAuth(url));
      return new Uint8Array(await response.arrayBuffer());
    });
  }

  /** HEAD the URL; servers that refuse HEAD (405, 501) get a GET whose body is not read. */
  async exists(url: string): Promise<boolean> {
    const answer = (response: Response): boolean => {
      if (response.ok) return true;
      if (response.status === 404 || response.status === 410) return false;
      throw statusError(url, response, this.#sendsAuth(url));
    };
    const headed = await this.#request(url, "HEAD", async (response) =>
      response.status === 405 || response.status === 501 ? undefined : answer(response),
    );
    if (headed !== undefined) return headed;
    return this.#request(url, "GET", async (response) => {
      await response.body?.cancel();
      return answer(response);
    });
  }

  async write(url: string, _data?: Uint8Array | string): Promise<void> {
    throw readOnly(url, "write");
  }

  async writeExclusive(url: string, _data?: Uint8Array | string): Promise<boolean> {
    throw readOnly(url, "write");
  }

  async remove(url: string): Promise<void> {
    throw readOnly(url, "remove");
  }

  async list(url: string): Promise<string[]> {
    throw unsupported(url, "list");
  }

  async walk(url: string): Promise<string[]> {
    throw unsupported(url, "walk");
  }

  /** True when requests to `url` carry an Authorization header (from credentials, fs_args or `user:password@`). */
  #sendsAuth(url: string): boolean {
    return this.#authenticated || (URL.canParse(url) && new URL(url).username !== "");
  }

  /** One request with headers and the timeout; `use` runs inside the timeout (reading the body). */
  async #request<T>(url: string, method: string, use: (response: Response) => Promise<T>): Promise<T> {
    try {
      const { href, headers } = withBasicAuth(url, this.#headers);
      const response = await fetch(href, { method, headers, signal: AbortSignal.timeout(this.#timeout) });
      return await use(response);
    } catch (error) {
      if (error instanceof IoError) throw error;
      if (error instanceof Error && error.name === "TimeoutError") {
        throw new IoError(
          "KILN_IO_TIMEOUT",
          `${method} ${redactUrl(url)} took longer than ${this.#timeout} ms.`,
          {
            hint: "Raise `fs_args.timeout` (milliseconds) in the catalog entry, or check the server.",
            cause: error,
          },
        );
      }
      throw new IoError("KILN_IO_NETWORK", `${method} ${redactUrl(url)} failed: ${describeCause(error)}.`, {
        hint: "Check the URL, the network and that the server is up.",
        cause: error,
      });
    }
  }
}

/**
 * fetch refuses URLs with `user:password@`; send them as Basic authentication instead, as curl and
 * fsspec do, unless an Authorization header is configured.
 */
function withBasicAuth(url: string, headers: Record<string, string>) {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || (!parsed.username && !parsed.password)) return { href: url, headers };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = "";
  parsed.password = "";
  const hasAuth = Object.keys(headers).some((h) => h.toLowerCase() === "authorization");
  const basic = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  return { href: parsed.href, headers: hasAuth ? headers : { ...headers, Authorization: basic } };
}

const CREDENTIAL_KEYS = ["username", "password", "token", "headers"];
const CREDENTIALS_HINT =
  "HTTP credentials (in credentials.yml, named by the entry's `credentials:`) take `token` (sent as Authorization: Bearer), `username` and `password` (Basic auth), and `headers` (a mapping of header names to strings).";

/**
 * `headers` with the credentials' headers merged over them and their `token` or `username`/
 * `password` as the Authorization header. Errors name keys, never values.
 * @throws IoError `KILN_IO_BAD_OPTION` for credentials of the wrong shape.
 */
function withCredentials(
  headers: Record<string, string>,
  credentials: Record<string, unknown> | undefined,
): Record<string, string> {
  if (credentials === undefined) return { ...headers };
  const bad = (what: string) =>
    new IoError("KILN_IO_BAD_OPTION", `HTTP credentials: ${what}`, { hint: CREDENTIALS_HINT });
  const unknown = Object.keys(credentials).filter((k) => !CREDENTIAL_KEYS.includes(k));
  if (unknown.length > 0)
    throw bad(`unknown ${unknown.length === 1 ? "key" : "keys"} ${unknown.map((k) => `"${k}"`).join(", ")}.`);
  for (const key of ["username", "password", "token"]) {
    const value = credentials[key];
    if (value !== undefined && typeof value !== "string") throw bad(`\`${key}\` must be a string.`);
  }
  const { username, password, token } = credentials as Record<string, string | undefined>;
  if (password !== undefined && username === undefined) throw bad("`password` without `username`.");
  if (token !== undefined && username !== undefined) {
    throw bad("both `token` and `username`: give one, a token (Bearer) or a username and password (Basic).");
  }
  const extra = credentials.headers;
  const ok =
    extra === undefined ||
    (typeof extra === "object" &&
      extra !== null &&
      !Array.isArray(extra) &&
      Object.values(extra).every((v) => typeof v === "string"));
  if (!ok) throw bad("`headers` must map header names to strings.");
  const merged: Record<string, string> = { ...headers, ...(extra as Record<string, string> | undefined) };
  const authorization =
    token !== undefined
      ? `Bearer ${token}`
      : username !== undefined
        ? `Basic ${Buffer.from(`${username}:${password ?? ""}`).toString("base64")}`
        : undefined;
  if (authorization === undefined) return merged;
  for (const name of Object.keys(merged)) if (name.toLowerCase() === "authorization") delete merged[name];
  return { ...merged, Authorization: authorization };
}

function statusError(url: string, response: Response, authenticated: boolean): IoError {
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  if (response.status === 404) {
    return new IoError("KILN_IO_NOT_FOUND", `Not found: ${redactUrl(url)} (HTTP ${status}).`, {
      hint: "Check the URL.",
    });
  }
  const auth = response.status === 401 || response.status === 403;
  return new IoError("KILN_IO_HTTP_STATUS", `${redactUrl(url)} answered HTTP ${status}.`, {
    hint: !auth
      ? "Check the URL and the server."
      : authenticated
        ? "The server refused the credentials sent: check them in credentials.yml (and that they may read this URL)."
        : `The server refused access: give the entry \`credentials:\` naming an entry of credentials.yml. ${CREDENTIALS_HINT}`,
  });
}

// fetch reports network failures as `TypeError: fetch failed` with the real reason as `cause`.
function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function readOnly(url: string, what: string): IoError {
  return new IoError("KILN_IO_READ_ONLY", `Cannot ${what} ${redactUrl(url)}: HTTP(S) is read-only in Kiln.`, {
    hint: "Save to a local path or an s3:// path instead, and read it over HTTP if you need to.",
  });
}

function unsupported(url: string, what: string): IoError {
  return new IoError("KILN_IO_UNSUPPORTED", `Cannot ${what} ${redactUrl(url)}: HTTP has no folder listing.`, {
    hint: "Name each file's URL, or store the folder locally or on S3.",
  });
}
