import { ScoringRequestError } from "../errors.js";
import { checkUniqueColumns, type RawTable } from "./raw-table.js";

function badCsv(
  message: string,
  hint = "Send a header row, then one line per row, comma-separated (RFC 4180).",
): ScoringRequestError {
  return new ScoringRequestError("KILN_SERVE_BAD_CSV", message, { hint });
}

/**
 * A `text/csv` body as a table of strings (RFC 4180: commas, `"` quotes with `""` inside, LF or
 * CRLF). The first line names the columns, as `pandas.read_csv` expects; blank lines are skipped;
 * an empty field is null; a row with fewer fields than the header is padded with nulls, one with
 * more is an error. Values are typed later, by the signature.
 * @throws ScoringRequestError `KILN_SERVE_BAD_CSV` with the line number.
 */
export function tableFromCsv(text: string): RawTable {
  const records = splitRecords(text);
  const header = records.shift();
  if (header === undefined) throw badCsv("The CSV body is empty: it needs at least a header row.");
  const columns = header.fields.map((f) => f ?? "");
  if (columns.some((c) => c === "")) {
    throw badCsv(`The CSV header (line ${header.line}) has an empty column name.`);
  }
  checkUniqueColumns(columns, "The CSV header");
  const values: (string | null)[][] = columns.map(() => new Array(records.length).fill(null));
  for (let r = 0; r < records.length; r++) {
    const { fields, line } = records[r]!;
    if (fields.length > columns.length) {
      throw badCsv(
        `CSV line ${line} has ${fields.length} fields but the header names ${columns.length} columns.`,
      );
    }
    for (let c = 0; c < fields.length; c++) values[c]![r] = fields[c] ?? null;
  }
  return { columns, values, rows: records.length, text: true };
}

interface CsvRecord {
  fields: (string | null)[];
  /** 1-based line where the record starts. */
  line: number;
}

function splitRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: (string | null)[] = [];
  let line = 1;
  let start = 1;
  let i = 0;
  const n = text.length;
  const endRecord = () => {
    // A blank line (one empty, unquoted field) is no record.
    if (!(fields.length === 1 && fields[0] === null)) records.push({ fields, line: start });
    fields = [];
  };
  while (i <= n) {
    if (i === n) {
      if (fields.length > 0) endRecord();
      break;
    }
    if (text.charCodeAt(i) === 34 /* " */) {
      const opened = line;
      let value = "";
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q === -1) throw badCsv(`CSV line ${opened} opens a quoted field that is never closed.`);
        value += text.slice(i, q);
        for (let k = i; k < q; k++) if (text.charCodeAt(k) === 10) line++;
        if (text.charCodeAt(q + 1) === 34) {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      const next = text.charCodeAt(i);
      if (i < n && next !== 44 && next !== 10 && next !== 13) {
        throw badCsv(
          `CSV line ${line} has text after a closing quote.`,
          'Inside a quoted field write a quote as "".',
        );
      }
    } else {
      let end = i;
      while (end < n) {
        const ch = text.charCodeAt(end);
        if (ch === 44 || ch === 10 || ch === 13) break;
        end++;
      }
      fields.push(end === i ? null : text.slice(i, end));
      i = end;
    }
    const ch = text.charCodeAt(i);
    if (ch === 44) {
      i++;
      if (i === n) fields.push(null);
    } else if (ch === 13 || ch === 10) {
      i += ch === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      endRecord();
      line++;
      start = line;
    }
  }
  return records;
}
