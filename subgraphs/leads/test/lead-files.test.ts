import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { ExportFormat } from "../src/entities";
import type { ExportedLead } from "../src/exports/lead-files";
import { csvRecords, leadFileFormat, neutralizeFormula } from "../src/exports/lead-files";

const lead = (fields: Partial<ExportedLead> = {}): ExportedLead => ({
  name: "Ada Lovelace",
  email: "ada@example.test",
  title: null,
  company: "Analytical Engines",
  location: null,
  linkedinUrl: null,
  source: "form",
  status: "NEW",
  score: 80,
  rank: 1,
  createdAt: new Date("2026-01-02T03:04:05.678Z"),
  signals: new Map(),
  ...fields,
});

describe("lead export files", () => {
  it("writes a cell a spreadsheet would run as a formula with a leading quote, and leaves the rest alone", () => {
    assert.equal(neutralizeFormula('=HYPERLINK("http://evil")'), '\'=HYPERLINK("http://evil")');
    assert.equal(neutralizeFormula("+1 555 0100"), "'+1 555 0100");
    assert.equal(neutralizeFormula("-2+3"), "'-2+3");
    assert.equal(neutralizeFormula("@SUM(A1)"), "'@SUM(A1)");
    assert.equal(neutralizeFormula("\tcmd"), "'\tcmd");
    assert.equal(neutralizeFormula("Ada = genius"), "Ada = genius");
    assert.equal(neutralizeFormula("'quoted"), "'quoted");
    assert.equal(neutralizeFormula(""), "");
  });

  it("quotes fields with commas, quotes and line breaks (CR or LF alone too), ends records with CRLF, and leaves null empty", () => {
    assert.equal(
      csvRecords([["plain", "a,b", 'say "hi"', "two\nlines", "cr\ronly", "crlf\r\nend", null, 42]]),
      'plain,"a,b","say ""hi""","two\nlines","cr\ronly","crlf\r\nend",,42\r\n',
    );
    assert.equal(csvRecords([["=1+1", "-5", 0.25]]), "'=1+1,'-5,0.25\r\n");
    assert.equal(csvRecords([["a"], ["b"]]), "a\r\nb\r\n");
  });

  it("makes a CSV with a column per signal that parses back to the same cells", () => {
    const format = leadFileFormat(ExportFormat.CSV, ["grants", "publications"]);
    const leads = [
      lead({ name: 'Smith, "Jo"\nJr', signals: new Map([["publications", 0.5]]) }),
      lead({ name: "=cmd|' /C calc'!A0", email: null, score: 40, rank: 2, signals: new Map([["grants", 1]]) }),
    ];
    const text = format.start() + format.page(leads.slice(0, 1), true) + format.page(leads.slice(1), false) + format.end();
    const rows: string[][] = parse(text, { bom: false });
    assert.deepEqual(rows[0], [
      "name",
      "email",
      "title",
      "company",
      "location",
      "linkedin_url",
      "source",
      "status",
      "score",
      "rank",
      "created_at",
      "signal:grants",
      "signal:publications",
    ]);
    assert.deepEqual(rows.slice(1), [
      ['Smith, "Jo"\nJr', "ada@example.test", "", "Analytical Engines", "", "", "form", "NEW", "80", "1", "2026-01-02T03:04:05.678Z", "", "0.5"],
      ["'=cmd|' /C calc'!A0", "", "", "Analytical Engines", "", "", "form", "NEW", "40", "2", "2026-01-02T03:04:05.678Z", "1", ""],
    ]);
  });

  it("makes JSON one array, page by page, and an empty export an empty array", () => {
    const format = leadFileFormat(ExportFormat.JSON, []);
    const text = format.start() + format.page([lead()], true) + format.page([lead({ name: "=x", signals: new Map([["grants", 0.3]]) })], false) + format.end();
    const parsed = JSON.parse(text);
    assert.equal(parsed.length, 2);
    assert.deepEqual(parsed[1], {
      name: "=x",
      email: "ada@example.test",
      title: null,
      company: "Analytical Engines",
      location: null,
      linkedinUrl: null,
      source: "form",
      status: "NEW",
      score: 80,
      rank: 1,
      createdAt: "2026-01-02T03:04:05.678Z",
      signals: { grants: 0.3 },
    });
    assert.deepEqual(JSON.parse(format.start() + format.end()), []);
  });
});
