import { stringify } from "csv-stringify/sync";
import { ExportFormat } from "../entities";

/** A lead as an export writes it: its fields, its rank among its owner's leads, its signals. */
export interface ExportedLead {
  name: string;
  email: string | null;
  title: string | null;
  company: string | null;
  location: string | null;
  linkedinUrl: string | null;
  source: string | null;
  status: string;
  score: number;
  rank: number;
  createdAt: Date;
  signals: Map<string, number>;
}

/** The CSV's columns before the signals (import's columns first, so a file can go back in with them removed). */
const CSV_LEAD_COLUMNS = ["name", "email", "title", "company", "location", "linkedin_url", "source", "status", "score", "rank", "created_at"] as const;

/** The CSV column of a signal, as importLeads reads it. */
function signalColumn(name: string): string {
  return `signal:${name}`;
}

/**
 * A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`; tab and carriage return too, as
 * OWASP advises) gets a leading `'`, so it is shown as text: a lead's name is someone else's input.
 */
export function neutralizeFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/**
 * CSV records per RFC 4180, each ending in CRLF: fields with a comma, a quote or a line break
 * (CR or LF alone too) are quoted, quotes doubled; null is an empty field; every cell is neutralized.
 */
export function csvRecords(rows: readonly (readonly (string | number | null)[])[]): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null ? "" : neutralizeFormula(String(cell)))));
  return stringify(cells, { record_delimiter: "windows", quoted_match: /[\r\n]/ });
}

/** What a file of one format is made of: its opening, a page of leads (given whether it is the first), its end. */
export interface LeadFileFormat {
  start(): string;
  page(leads: readonly ExportedLead[], first: boolean): string;
  end(): string;
}

/** The writer for `format`; a CSV has one `signal:<name>` column per name of `signalNames` (sorted as given). */
export function leadFileFormat(format: ExportFormat, signalNames: readonly string[]): LeadFileFormat {
  return format === ExportFormat.CSV ? csvFormat(signalNames) : jsonFormat();
}

function csvFormat(signalNames: readonly string[]): LeadFileFormat {
  return {
    start: () => csvRecords([[...CSV_LEAD_COLUMNS, ...signalNames.map(signalColumn)]]),
    page: (leads) =>
      csvRecords(
        leads.map((lead) => [
          lead.name,
          lead.email,
          lead.title,
          lead.company,
          lead.location,
          lead.linkedinUrl,
          lead.source,
          lead.status,
          lead.score,
          lead.rank,
          lead.createdAt.toISOString(),
          ...signalNames.map((name) => lead.signals.get(name) ?? null),
        ]),
      ),
    end: () => "",
  };
}

/** One JSON array, written a page at a time (not a spreadsheet's input: values are as stored). */
function jsonFormat(): LeadFileFormat {
  return {
    start: () => "[",
    page: (leads, first) =>
      leads
        .map((lead, index) => {
          const { signals, ...fields } = lead;
          return (first && index === 0 ? "\n" : ",\n") + JSON.stringify({ ...fields, signals: Object.fromEntries(signals) });
        })
        .join(""),
    end: () => "\n]\n",
  };
}
