import { badInput, textProblem } from "@solo/kit";
import { isEmail } from "class-validator";
import { SIGNAL_NAME, checkLinkedinUrl, normalizeEmail } from "../services/lead-input";

/** The lead columns a CSV header may name (any order, any subset but `name`), besides `signal:<name>`. */
const LEAD_COLUMNS = ["name", "email", "title", "company", "location", "linkedin_url", "source"] as const;
type LeadColumn = (typeof LEAD_COLUMNS)[number];

/** As LeadInput limits them (resolvers/types.ts); linkedin_url is checked by checkLinkedinUrl (500). */
const MAX_LENGTH: Record<Exclude<LeadColumn, "linkedin_url">, number> = { name: 200, email: 254, title: 200, company: 200, location: 200, source: 100 };

/** As LeadInput's `signals` (at most 100 per lead). */
const MAX_SIGNAL_COLUMNS = 100;

const SIGNAL_PREFIX = "signal:";
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Where each column of the file is: a lead field or a signal. */
export interface CsvColumns {
  /** How many fields every row has. */
  width: number;
  fields: Partial<Record<LeadColumn, number>>;
  signals: { name: string; index: number }[];
}

/** One good data row, trimmed; a field the row leaves empty is null (an update keeps what was stored). */
export interface LeadRow {
  row: number;
  name: string;
  email: string | null;
  title: string | null;
  company: string | null;
  location: string | null;
  linkedinUrl: string | null;
  source: string | null;
  signals: { name: string; value: number }[];
}

/** The header (row 0), or BAD_USER_INPUT: unknown, duplicate or empty column names, no `name`. */
export function readHeader(record: readonly string[] | undefined): CsvColumns {
  if (!record) throw badInput("The file is empty: its first row must be a header naming the columns (name required)", "assetId");
  const columns: CsvColumns = { width: record.length, fields: {}, signals: [] };
  const seen = new Set<string>();
  record.forEach((cell, index) => {
    const label = cell.trim();
    // Column names are matched without case; a signal's name must already be a signal name.
    const key = label.toLowerCase();
    if (seen.has(key)) throw badInput(`The header names the column "${label.slice(0, 80)}" twice`, "assetId");
    seen.add(key);
    if ((LEAD_COLUMNS as readonly string[]).includes(key)) columns.fields[key as LeadColumn] = index;
    else if (key.startsWith(SIGNAL_PREFIX) && SIGNAL_NAME.test(label.slice(SIGNAL_PREFIX.length)))
      columns.signals.push({ name: label.slice(SIGNAL_PREFIX.length), index });
    else
      throw badInput(
        `The first row must be a header: "${label.slice(0, 80)}" (column ${index + 1}) is not one of ${LEAD_COLUMNS.join(", ")} or signal:<name> (lower-case letters, digits and _, starting with a letter)`,
        "assetId",
      );
  });
  if (columns.fields.name === undefined) throw badInput("The header must have a name column", "assetId");
  if (columns.signals.length > MAX_SIGNAL_COLUMNS) throw badInput(`The header may have at most ${MAX_SIGNAL_COLUMNS} signal columns`, "assetId");
  return columns;
}

// Spreadsheets wrap long cells with line breaks (a quoted cell spanning lines): in a single-line
// field they read as spaces. Other control characters are refused by the kit's text rule.
const cell = (record: readonly string[], index: number | undefined) => (index === undefined ? "" : (record[index] ?? "").replace(/[\t\r\n]+/g, " ").trim());

/** A data row as a lead, or why it is refused (one message; the row is skipped). */
export function readRow(record: readonly string[], row: number, columns: CsvColumns): LeadRow | string {
  if (record.length !== columns.width) return `the row has ${record.length} fields, the header ${columns.width}`;
  const values: Partial<Record<LeadColumn, string>> = {};
  for (const column of LEAD_COLUMNS) {
    const value = cell(record, columns.fields[column]);
    const problem = textProblem(value, column, "single-line");
    if (problem) return problem;
    if (column !== "linkedin_url" && value.length > MAX_LENGTH[column]) return `${column} must be at most ${MAX_LENGTH[column]} characters`;
    values[column] = value;
  }
  if (!values.name) return "name is required";
  const email = normalizeEmail(values.email);
  if (email && !isEmail(email)) return "email must be an email address";
  try {
    checkLinkedinUrl(values.linkedin_url);
  } catch {
    return "linkedin_url must be an https URL of at most 500 characters";
  }
  const signals: LeadRow["signals"] = [];
  for (const { name, index } of columns.signals) {
    const text = cell(record, index);
    // An empty cell gives no value: a stored one of that name is kept.
    if (!text) continue;
    const value = NUMBER.test(text) ? Number(text) : NaN;
    if (!(value >= 0 && value <= 1)) return `signal:${name} must be a number from 0 to 1`;
    signals.push({ name, value });
  }
  return {
    row,
    name: values.name,
    email,
    title: values.title || null,
    company: values.company || null,
    location: values.location || null,
    linkedinUrl: values.linkedin_url || null,
    source: values.source || null,
    signals,
  };
}
