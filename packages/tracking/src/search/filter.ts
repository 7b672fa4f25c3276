import { closestMatches } from "kiln";
import { syntaxError, type Token, tokenize } from "./tokens.js";

/** What an identifier's first part names. */
export type Entity = "metrics" | "params" | "tags" | "attributes";

/** `metrics.r2_score`: the entity and the name after the first dot (which may hold more dots). */
export interface Identifier {
  entity: Entity;
  key: string;
  /** 0-based position in the text. */
  pos: number;
}

export type Comparator = "=" | "!=" | ">" | ">=" | "<" | "<=" | "LIKE" | "ILIKE" | "IN" | "NOT IN";

/** One `identifier comparator value` condition. */
export interface Clause {
  identifier: Identifier;
  comparator: Comparator;
  /** A number, a string, or (IN / NOT IN) a list. */
  value: number | string | Array<number | string>;
}

/** Clauses joined by AND (MLflow's filter has no OR). */
export interface Filter {
  clauses: Clause[];
}

const ENTITIES: Record<string, Entity> = {
  metric: "metrics",
  metrics: "metrics",
  param: "params",
  params: "params",
  parameter: "params",
  parameters: "params",
  tag: "tags",
  tags: "tags",
  attribute: "attributes",
  attributes: "attributes",
  attr: "attributes",
  run: "attributes",
};

/** Run attributes a filter or order-by may name, with the names MLflow also accepts. */
export const ATTRIBUTES: Record<string, string> = {
  run_id: "run_id",
  run_name: "run_name",
  "run name": "run_name",
  status: "status",
  start_time: "start_time",
  created: "start_time",
  end_time: "end_time",
  user_id: "user_id",
  experiment: "experiment",
  experiment_name: "experiment",
  artifact_uri: "artifact_uri",
};

/** Attributes holding times (milliseconds since the epoch), compared as numbers. */
export const NUMERIC_ATTRIBUTES = new Set(["start_time", "end_time"]);

const NUMERIC_OPS = new Set<Comparator>(["=", "!=", ">", ">=", "<", "<="]);
const STRING_OPS = new Set<Comparator>(["=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"]);

export const FILTER_HINT =
  "A filter is conditions joined by AND: metrics.r2_score > 0.3 and params.model_options.test_size = 0.2 and " +
  "tags.`kiln.env` = 'prod' and attributes.status = 'FINISHED'. Metrics take = != > >= < <= and numbers; " +
  "params, tags and attributes take = != LIKE ILIKE IN ('a', 'b') and quoted text (params also numbers). " +
  "Quote names with spaces or odd characters in backticks. Full syntax: docs/tracking.md.";

/** A token stream with the helpers the filter and order-by parsers share. */
export class Cursor {
  #i = 0;
  constructor(
    readonly text: string,
    readonly tokens: Token[],
    readonly code: string,
    readonly option: string,
    readonly hint: string,
  ) {}

  get peek(): Token {
    return this.tokens[this.#i]!;
  }

  /** True when every token was read (a method, so TypeScript does not narrow across reads). */
  atEnd(): boolean {
    return this.tokens[this.#i]!.kind === "end";
  }

  next(): Token {
    const t = this.tokens[this.#i]!;
    if (t.kind !== "end") this.#i++;
    return t;
  }

  /** The next token when it is the word `word` (any case), consumed. */
  keyword(word: string): Token | undefined {
    const t = this.peek;
    return t.kind === "word" && t.text.toUpperCase() === word ? this.next() : undefined;
  }

  fail(at: Token, what: string, hint = this.hint): never {
    const found =
      at.kind === "end" ? "the end of the text" : `"${at.quote ?? ""}${at.text}${at.quote ?? ""}"`;
    throw syntaxError(this.code, this.option, this.text, at.pos, `${what}, found ${found}`, hint);
  }

  /** `entity.name`, with MLflow's entity names and any dotted, quoted or backticked name. */
  identifier(): Identifier {
    const head = this.next();
    if (head.kind !== "word")
      this.fail(
        head,
        "expected an identifier like metrics.r2_score, params.alpha, tags.name or attributes.status",
      );
    const entity = ENTITIES[head.text.toLowerCase()];
    if (!entity) {
      const near = closestMatches(head.text, Object.keys(ENTITIES))[0];
      this.fail(
        head,
        `expected metrics., params., tags. or attributes. before a name${near ? ` (did you mean "${ENTITIES[near]}"?)` : ""}`,
      );
    }
    if (this.peek.kind !== "dot") this.fail(this.peek, `expected "." and a name after "${head.text}"`);
    this.next();
    let key = this.#namePart(head);
    // Dotted names: params.model_options.test_size is the parameter "model_options.test_size".
    while (this.peek.kind === "dot") {
      this.next();
      key += `.${this.#namePart(head)}`;
    }
    if (entity === "attributes") {
      const canonical = ATTRIBUTES[key.toLowerCase()];
      if (!canonical) {
        const near = closestMatches(key, Object.keys(ATTRIBUTES))[0];
        this.fail(
          head,
          `"${key}" is not a run attribute${near ? ` (did you mean "${near}"?)` : ""}; they are ${[...new Set(Object.values(ATTRIBUTES))].join(", ")}`,
        );
      }
      key = canonical;
    }
    return { entity, key, pos: head.pos };
  }

  #namePart(head: Token): string {
    const t = this.next();
    if (
      t.kind === "word" ||
      t.kind === "number" ||
      t.kind === "quoted" ||
      (t.kind === "string" && t.quote === '"')
    )
      return t.text;
    return this.fail(t, `expected a name after "${head.text}."`);
  }
}

function value(cursor: Cursor): number | string {
  const t = cursor.next();
  if (t.kind === "number") return Number(t.text);
  if (t.kind === "string") return t.text;
  return cursor.fail(t, "expected a number or a quoted string ('text')");
}

function comparator(cursor: Cursor): Comparator {
  const t = cursor.peek;
  if (t.kind === "op") return cursor.next().text as Comparator;
  for (const word of ["LIKE", "ILIKE", "IN"] as const) if (cursor.keyword(word)) return word;
  if (cursor.keyword("NOT")) {
    if (cursor.keyword("IN")) return "NOT IN";
    cursor.fail(cursor.peek, "expected IN after NOT");
  }
  return cursor.fail(t, "expected a comparator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN)");
}

function clause(cursor: Cursor): Clause {
  const identifier = cursor.identifier();
  const opToken = cursor.peek;
  const op = comparator(cursor);
  const kind =
    identifier.entity === "metrics" ||
    (identifier.entity === "attributes" && NUMERIC_ATTRIBUTES.has(identifier.key))
      ? "numeric"
      : identifier.entity === "attributes" || identifier.entity === "tags"
        ? "text"
        : "param";
  const what = `${identifier.entity}.${identifier.key}`;
  const allowed =
    kind === "numeric"
      ? NUMERIC_OPS
      : kind === "text"
        ? STRING_OPS
        : new Set([...NUMERIC_OPS, ...STRING_OPS]);
  if (!allowed.has(op))
    cursor.fail(opToken, `${what} cannot be compared with ${op}; it takes ${[...allowed].join(", ")}`);
  if (op === "IN" || op === "NOT IN") {
    const open = cursor.next();
    if (open.kind !== "lparen") cursor.fail(open, `expected "(" and a list after ${op}`);
    const list: Array<number | string> = [];
    for (;;) {
      const at = cursor.peek;
      const v = value(cursor);
      if (typeof v !== "string") cursor.fail(at, `${op} takes quoted strings ('a', 'b')`);
      list.push(v);
      const sep = cursor.next();
      if (sep.kind === "rparen") break;
      if (sep.kind !== "comma") cursor.fail(sep, `expected "," or ")" in the ${op} list`);
    }
    return { identifier, comparator: op, value: list };
  }
  const at = cursor.peek;
  const v = value(cursor);
  if (kind === "numeric" && typeof v !== "number")
    cursor.fail(at, `${what} is a number: compare it with a number (${what} ${op} 0.5)`);
  if (kind === "text" && typeof v !== "string")
    cursor.fail(at, `${what} is text: quote the value (${what} ${op} '${at.text}')`);
  if ((op === "LIKE" || op === "ILIKE") && typeof v !== "string")
    cursor.fail(at, `${op} takes a quoted pattern ('%text%')`);
  if (kind === "param" && typeof v === "string" && !STRING_OPS.has(op))
    cursor.fail(at, `${op} compares ${what} as a number: give a number, not text`);
  return { identifier, comparator: op, value: v };
}

/**
 * Parses MLflow's run filter syntax (`metrics.r2_score > 0.3 and params.alpha = '0.1'`); Kiln also
 * lets params compare with numbers (`params.test_size = 0.2` matches "0.2" and "0.20").
 * @throws TrackingError `KILN_TRACKING_BAD_FILTER` naming the position of the bad token, with a caret under it.
 */
export function parseFilter(text: string): Filter {
  const code = "KILN_TRACKING_BAD_FILTER";
  const cursor = new Cursor(
    text,
    tokenize(text, code, "--filter", FILTER_HINT),
    code,
    "--filter",
    FILTER_HINT,
  );
  const clauses: Clause[] = [];
  if (cursor.atEnd()) return { clauses };
  for (;;) {
    clauses.push(clause(cursor));
    if (cursor.atEnd()) return { clauses };
    const joiner = cursor.peek;
    if (joiner.kind === "word" && joiner.text.toUpperCase() === "OR")
      cursor.fail(joiner, "OR is not supported (nor in MLflow's filter): run two searches");
    if (!cursor.keyword("AND")) cursor.fail(joiner, "expected AND between conditions");
  }
}
