import assert from "node:assert/strict";
import crypto from "node:crypto";
import { after, before, describe, it } from "node:test";
import { registerWithRole, uploadReady } from "../src/content-fixtures";
import { connect, subscribe } from "../src/live";
import type { GraphQLClient, GraphQLResponse, Stack } from "../src/stack";
import { startStack, tableSnapshot } from "../src/stack";

type Account = Awaited<ReturnType<typeof registerWithRole>>;

const LEAD_IMPORT_PROGRESS = `subscription ($assetId: ID!) { leadImportProgress(assetId: $assetId) { rowsProcessed imported finishedAt } }`;

/**
 * Issue 12, points 3, 7 and 8: importLeads reads a CSV upload from the object store as a stream
 * (through the stack's content subgraph and object store) and upserts it in batches.
 */
describe("leads: CSV import", () => {
  let stack: Stack;
  let marketer: Account;
  let other: Account;

  before(async () => {
    stack = await startStack();
    marketer = await registerWithRole(stack, "MARKETER", "Importing Marketer");
    other = await registerWithRole(stack, "MARKETER", "Other Marketer");
  });
  after(() => stack?.close());

  const csvUpload = async (client: GraphQLClient, csv: string | Buffer) => (await uploadReady(client, "LEAD_IMPORT", "text/csv", Buffer.from(csv))).id;

  async function importCsv(client: GraphQLClient, csv: string | Buffer) {
    const response = await client.op("ImportLeads", { assetId: await csvUpload(client, csv) });
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    return response.data.importLeads as { imported: number; updated: number; skipped: number; errors: { row: number; message: string }[] };
  }

  const leadByEmail = async (owner: Account, email: string) =>
    (await stack.db.query(`select * from leads.leads where owner_id = $1 and lower(email) = lower($2)`, [owner.user.id, email])).rows[0];
  const signalsOf = async (leadId: string) =>
    Object.fromEntries((await stack.db.query(`select name, value from leads.lead_signals where lead_id = $1`, [leadId])).rows.map((row) => [row.name, row.value]));

  it("reads a BOM, CRLF line ends, quoted fields with commas, quotes and line breaks; scores and indexes what it imports", async () => {
    const weights = await marketer.client.op("SetScoringWeights", { weights: [{ signal: "grants", weight: 1 }] });
    assert.equal(weights.errors, undefined, JSON.stringify(weights.errors));
    const csv =
      "\uFEFFName,email,company,title,location,signal:grants\r\n" +
      '"Lovelace, Ada",ada@quoted.test,"Analytical ""Engines"" Ltd","Countess\r\nof Lovelace",London,0.5\r\n' +
      "Grace Hopper,grace@quoted.test,Navy,,,1\r\n" +
      '"No Email Person",,"Plain Co","Chief\nSearcher",Paris,\r\n';
    const result = await importCsv(marketer.client, csv);
    assert.deepEqual(result, { imported: 3, updated: 0, skipped: 0, errors: [] });

    const ada = await leadByEmail(marketer, "ada@quoted.test");
    assert.equal(ada.name, "Lovelace, Ada");
    assert.equal(ada.company, 'Analytical "Engines" Ltd');
    assert.equal(ada.title, "Countess of Lovelace", "a line break inside a quoted cell reads as a space");
    assert.equal(ada.location, "London");
    assert.equal(ada.status, "NEW");
    assert.equal(ada.score, 50);
    assert.deepEqual(await signalsOf(ada.id), { grants: 0.5 });
    assert.equal((await leadByEmail(marketer, "grace@quoted.test")).score, 100);
    const history = await stack.db.query(`select score from leads.score_changes where lead_id = $1`, [ada.id]);
    assert.deepEqual(history.rows, [{ score: 50 }]);

    // The search column holds what the ORM writes for a lead created through the API.
    const created = await marketer.client.op("CreateLead", { input: { name: "No Email Person", company: "Plain Co", title: "Chief Searcher", location: "Paris" } });
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const vectors = await stack.db.query(`select search_vector::text as v from leads.leads where owner_id = $1 and name = 'No Email Person' order by created_at`, [
      marketer.user.id,
    ]);
    assert.equal(vectors.rows.length, 2);
    assert.equal(vectors.rows[0].v, vectors.rows[1].v);
    const found = await marketer.client.op("Leads", { filter: { search: "Engines" } });
    assert.deepEqual(
      found.data.leads.edges.map((edge: { node: { name: string } }) => edge.node.name),
      ["Lovelace, Ada"],
    );
  });

  it("imports the good rows of a file with bad ones, and reports each bad one by its data row", async () => {
    const rows = [
      "name,email,linkedin_url,company,signal:grants",
      "Good One,good1@rows.test,https://www.linkedin.com/in/one,Acme,0.2",
      ",noname@rows.test,,,",
      "Bad Email,not-an-email,,,",
      "Too High,high@rows.test,,,1.5",
      "Not A Number,nan@rows.test,,,lots",
      `${"N".repeat(201)},long@rows.test,,,`,
      "Bell,bell@rows.test,,Ac\u0007me,",
      "Plain Link,link@rows.test,http://www.linkedin.com/in/plain,,",
      "Short Row,short@rows.test",
      "Good Two,good2@rows.test,,,1",
    ];
    const result = await importCsv(marketer.client, rows.join("\n") + "\n");
    assert.equal(result.imported, 2);
    assert.equal(result.updated, 0);
    assert.equal(result.skipped, 8);
    assert.deepEqual(result.errors, [
      { row: 2, message: "name is required" },
      { row: 3, message: "email must be an email address" },
      { row: 4, message: "signal:grants must be a number from 0 to 1" },
      { row: 5, message: "signal:grants must be a number from 0 to 1" },
      { row: 6, message: "name must be at most 200 characters" },
      { row: 7, message: "company must not contain control or bidirectional formatting characters" },
      { row: 8, message: "linkedin_url must be an https URL of at most 500 characters" },
      { row: 9, message: "the row has 2 fields, the header 5" },
    ]);
    assert.ok(await leadByEmail(marketer, "good1@rows.test"));
    assert.ok(await leadByEmail(marketer, "good2@rows.test"));
    assert.equal(await leadByEmail(marketer, "noname@rows.test"), undefined);
    assert.equal(await leadByEmail(marketer, "high@rows.test"), undefined);
  });

  it("updates a lead with the same email (any case): given fields and signals replace, the rest stay", async () => {
    const first = await importCsv(marketer.client, "name,email,company,signal:grants,signal:talks\nMary Major,mary@upsert.test,First Co,0.2,0.9\nAnon,,,,\n");
    assert.deepEqual(first, { imported: 2, updated: 0, skipped: 0, errors: [] });
    const before = await leadByEmail(marketer, "mary@upsert.test");
    await marketer.client.op("UpdateLeadStatus", { id: before.id, status: "CONTACTED" });

    const second = await importCsv(marketer.client, "email,name,company,title,signal:grants\nMARY@Upsert.test,Mary Major-Minor,,Professor,0.8\n,Anon,,,\n");
    assert.deepEqual(second, { imported: 1, updated: 1, skipped: 0, errors: [] });
    const after = await leadByEmail(marketer, "mary@upsert.test");
    assert.equal(after.id, before.id);
    assert.equal(after.name, "Mary Major-Minor");
    assert.equal(after.email, "MARY@Upsert.test");
    assert.equal(after.company, "First Co", "an empty cell keeps the stored value");
    assert.equal(after.title, "Professor");
    assert.equal(after.status, "CONTACTED", "an import does not move a lead through the pipeline");
    assert.deepEqual(await signalsOf(after.id), { grants: 0.8, talks: 0.9 });
    assert.equal(after.score, 80);
    const anons = await stack.db.query(`select count(*)::int as n from leads.leads where owner_id = $1 and name = 'Anon'`, [marketer.user.id]);
    assert.equal(anons.rows[0].n, 2, "rows without email always insert");
    const found = await marketer.client.op("Leads", { filter: { search: "Professor" } });
    assert.deepEqual(
      found.data.leads.edges.map((edge: { node: { name: string } }) => edge.node.name),
      ["Mary Major-Minor"],
      "the search column follows the update",
    );
  });

  it("keeps the last row of an email repeated within a file, and reports each earlier one", async () => {
    const csv = ["name,email", "Dup First,dup@file.test", "Other,other@file.test", "Dup Second,DUP@file.test", "Bad,dup@file", "Dup Third,Dup@File.test"].join("\r\n");
    const result = await importCsv(marketer.client, csv);
    assert.deepEqual(result, {
      imported: 2,
      updated: 0,
      skipped: 3,
      errors: [
        { row: 1, message: "replaced by row 5 with the same email" },
        { row: 3, message: "replaced by row 5 with the same email" },
        { row: 4, message: "email must be an email address" },
      ],
    });
    const dup = await leadByEmail(marketer, "dup@file.test");
    assert.equal(dup.name, "Dup Third");
    assert.equal(dup.email, "Dup@File.test");
  });

  describe("refuses a file it cannot import, whole, and changes nothing", () => {
    const SCHEMAS = ["leads", "content"];

    async function expectRefused(send: () => Promise<GraphQLResponse>, code: string, message: RegExp) {
      const before = await tableSnapshot(stack, SCHEMAS);
      const response = await send();
      assert.equal(response.errors?.[0]?.extensions?.code, code, JSON.stringify(response));
      assert.match(response.errors[0].message, message);
      assert.equal(response.data?.importLeads ?? null, null);
      assert.deepEqual(await tableSnapshot(stack, SCHEMAS), before, "the database is unchanged");
    }
    const importOf = (client: GraphQLClient, assetId: string) => () => client.op("ImportLeads", { assetId });

    // Good rows first: a bad byte at the end must stop the rows before it too.
    const goodRows = Array.from({ length: 50 }, (_, i) => `Early ${i},early${i}@refused.test`).join("\n");
    const cases: [string, Buffer, RegExp][] = [
      [
        "not UTF-8 (Latin-1), late in the file",
        Buffer.concat([Buffer.from(`name,email\n${goodRows}\n`), Buffer.from("Jos\xe9,jose@refused.test\n", "latin1")]),
        /not UTF-8/,
      ],
      ["no header", Buffer.from("Ada Lovelace,ada@refused.test\nGrace,grace@refused.test\n"), /first row must be a header: "Ada Lovelace"/],
      ["an unknown column", Buffer.from("name,email,phone\nAda,ada@refused.test,123\n"), /"phone" \(column 3\)/],
      ["a bad signal column name", Buffer.from("name,signal:Grants\nAda,1\n"), /"signal:Grants"/],
      ["a column twice", Buffer.from("name,email,Email\nAda,a@refused.test,b@refused.test\n"), /names the column "Email" twice/],
      ["no name column", Buffer.from("email\nada@refused.test\n"), /must have a name column/],
      ["only blank lines", Buffer.from("\r\n\r\n"), /file is empty/],
      ["an unclosed quote", Buffer.from(`name,email\n${goodRows}\n"Ada,ada@refused.test\n`), /not valid CSV/],
    ];
    for (const [name, bytes, message] of cases) {
      it(name, async () => {
        const assetId = await csvUpload(marketer.client, bytes);
        await expectRefused(importOf(marketer.client, assetId), "BAD_USER_INPUT", message);
      });
    }

    it("someone else's upload, an upload of another purpose, an unknown or malformed id", async () => {
      const upload = /assetId must name a completed LEAD_IMPORT upload of yours/;
      const theirs = await csvUpload(other.client, "name\nTheirs\n");
      await expectRefused(importOf(marketer.client, theirs), "BAD_USER_INPUT", upload);
      const media = (await uploadReady(marketer.client, "SOCIAL_MEDIA", "image/png", Buffer.from("name\nNot a CSV upload\n"))).id;
      await expectRefused(importOf(marketer.client, media), "BAD_USER_INPUT", upload);
      await expectRefused(importOf(marketer.client, crypto.randomUUID()), "BAD_USER_INPUT", upload);
      await expectRefused(importOf(marketer.client, "not-an-id"), "BAD_USER_INPUT", upload);
    });
  });

  it("imports 50,000 rows in flat memory, publishing its progress live", { timeout: 120_000 }, async () => {
    const importer = await registerWithRole(stack, "MARKETER", "Bulk Importer");
    const ROWS = 50_000;
    const lines = ["name,email,title,company,location,linkedin_url,source,signal:grants,signal:talks"];
    for (let i = 1; i <= ROWS; i++) {
      lines.push(
        `"Lead ${i}, Bulk",bulk${i}@bulk.test,Head of Research ${i % 50},Company ${i % 997},City ${i % 31},https://www.linkedin.com/in/bulk${i},bulk,${(i % 11) / 10},0.5`,
      );
    }
    const csv = Buffer.from(lines.join("\r\n") + "\r\n");
    lines.length = 0;
    const assetId = await csvUpload(importer.client, csv);

    // A client watches before it starts the import, to draw the bar from the first row: the
    // subscription waits (live-empty:wait), neither refused nor answered, until the import begins.
    const live = connect(stack.wsUrl, { authorization: `Bearer ${importer.accessToken}` });
    const progress = subscribe(live, LEAD_IMPORT_PROGRESS, { assetId });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(progress.results.length, 0, `nothing yet, and no refusal: ${JSON.stringify(progress.results)}`);

    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    const started = Date.now();
    const importing = importer.client.op("ImportLeads", { assetId });

    const response = await importing;
    const seconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const growthMb = (rssPeak - rssBefore) / 1024 / 1024;
    console.log(`50,000-row import (${(csv.length / 1024 / 1024).toFixed(1)} MB): ${seconds.toFixed(1)} s, peak RSS growth ${growthMb.toFixed(1)} MB`);

    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    assert.deepEqual(response.data.importLeads, { imported: ROWS, updated: 0, skipped: 0, errors: [] });
    assert.ok(csv.length > 5 * 1024 * 1024, "the file is several MB");
    assert.ok(growthMb < 100, `RSS grew ${growthMb.toFixed(1)} MB during the import`);
    const count = await stack.db.query(`select count(*)::int as n, count(*) filter (where score > 0)::int as scored from leads.leads where owner_id = $1`, [
      importer.user.id,
    ]);
    assert.deepEqual(count.rows[0], { n: ROWS, scored: 0 }, "no weights: every score is 0");
    const row = await stack.db.query(`select rows_processed, imported, updated, skipped, finished_at from leads.lead_imports where asset_id = $1`, [assetId]);
    assert.equal(row.rows.length, 1);
    assert.deepEqual(
      { ...row.rows[0], finished_at: row.rows[0].finished_at !== null },
      { rows_processed: ROWS, imported: ROWS, updated: 0, skipped: 0, finished_at: true },
    );

    // The last event (the import finished) arrives shortly after the answer.
    const deadline = Date.now() + 5_000;
    while (!progress.results.some((result) => result.data?.leadImportProgress.finishedAt) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    progress.stop();
    await live.client.dispose();
    const seen = progress.results.map((result) => {
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      return result.data.leadImportProgress.rowsProcessed as number;
    });
    assert.ok(seen.length >= 2, `progress events: ${JSON.stringify(seen)}`);
    assert.ok(
      seen.every((value, i) => i === 0 || value >= seen[i - 1]),
      `rowsProcessed never goes back: ${JSON.stringify(seen)}`,
    );
    assert.ok(seen[0] < ROWS, `seen while it ran: ${JSON.stringify(seen)}`);
    assert.equal(seen.at(-1), ROWS);
  });
});
