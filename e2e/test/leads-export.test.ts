import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { parse } from "csv-parse/sync";
import { registerWithRole } from "../src/content-fixtures";
import type { TestObjectStore } from "../src/object-store";
import { startTestObjectStore } from "../src/object-store";
import type { GraphQLClient, Stack } from "../src/stack";
import { startStack, uniqueEmail } from "../src/stack";
import { startStoreProxy } from "../src/store-proxy";

const MAX_ATTEMPTS = 3;
const CSV_HEADER = ["name", "email", "title", "company", "location", "linkedin_url", "source", "status", "score", "rank", "created_at"];
const EXPORT_ERROR = "query ($id: ID!) { leadExport(id: $id) { status error recordCount downloadUrl } }";

describe("exporting leads (a background job writing to object storage)", () => {
  let stack: Stack;
  let store: TestObjectStore;
  let proxy: Awaited<ReturnType<typeof startStoreProxy>>;
  before(async () => {
    // The leads subgraph writes through a proxy the tests can slow down or break; downloads go through it too.
    store = await startTestObjectStore();
    proxy = await startStoreProxy(store.config.endpoint!);
    stack = await startStack({
      subgraphs: { leads: { storage: { ...store.config, endpoint: proxy.url }, settings: { exportMaxAttempts: MAX_ATTEMPTS } } },
    });
  });
  after(async () => {
    await stack?.close();
    await proxy?.close();
    await store?.close();
  });

  const runExports = () => stack.subgraph("leads").runJobNow("make-lead-exports");

  async function marketer(): Promise<GraphQLClient & { userId: string }> {
    const account = await registerWithRole(stack, "MARKETER");
    return Object.assign(account.client, { userId: account.user.id as string });
  }

  async function createLead(client: GraphQLClient, input: Record<string, unknown>) {
    const created = await client.op("CreateLead", { input });
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    return created.data.createLead as { id: string; email: string | null };
  }

  async function requestExport(client: GraphQLClient, format: "CSV" | "JSON", filter: Record<string, unknown> | null = null) {
    const requested = await client.op("ExportLeads", { format, filter });
    assert.equal(requested.errors, undefined, JSON.stringify(requested.errors));
    assert.equal(requested.data.exportLeads.status, "PENDING");
    return requested.data.exportLeads.id as string;
  }

  async function exportState(client: GraphQLClient, id: string) {
    const read = await client.op("LeadExport", { id });
    assert.equal(read.errors, undefined, JSON.stringify(read.errors));
    return read.data.leadExport as { status: string; recordCount: number; downloadUrl: string | null; format: string };
  }

  async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The finished file, through its signed URL, as a browser would download it. */
  async function download(client: GraphQLClient, id: string) {
    await runExports();
    const state = await exportState(client, id);
    assert.equal(state.status, "READY");
    assert.ok(state.downloadUrl);
    const response = await fetch(state.downloadUrl);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-disposition") ?? "", /^attachment/);
    return { state, text: await response.text(), contentType: response.headers.get("content-type") };
  }

  /** The owner's leads as the listing shows them (rank included), with a filter. */
  async function listed(client: GraphQLClient, filter: Record<string, unknown> | null = null) {
    const leads = await client.op("Leads", { filter, first: 100 });
    assert.equal(leads.errors, undefined, JSON.stringify(leads.errors));
    return leads.data.leads.edges.map((edge: { node: any }) => edge.node) as {
      name: string;
      email: string | null;
      title: string | null;
      company: string | null;
      location: string | null;
      source: string | null;
      status: string;
      score: number;
      rank: number;
    }[];
  }

  it("writes a CSV per RFC 4180 that parses back to the leads, formulas neutralized, going PENDING → RUNNING → READY", async () => {
    const client = await marketer();
    const weights = await client.op("SetScoringWeights", { weights: [{ signal: "grants", weight: 1 }] });
    assert.equal(weights.errors, undefined, JSON.stringify(weights.errors));
    const inputs = [
      { name: '=HYPERLINK("http://evil.example","click")', email: uniqueEmail("formula"), company: "+1 555 0100", signals: [{ name: "grants", value: 0.9 }] },
      { name: "-2+3", email: uniqueEmail("minus"), title: "@SUM(A1:A9)", signals: [{ name: "publications", value: 0.25 }] },
      { name: 'Smith, "Jo" Junior', email: uniqueEmail("quotes"), company: "Acme, Inc.", location: "Ghent", source: "form", signals: [{ name: "grants", value: 0.4 }] },
      { name: "Ada Lovelace", email: uniqueEmail("plain"), title: "Countess", linkedinUrl: "https://www.linkedin.com/in/ada" },
    ];
    for (const input of inputs) await createLead(client, input);
    // Line breaks come in through CSV imports (the API takes single lines): stored as an import stores them.
    await stack.db.query(`update leads.leads set name = $2, location = $3 where lower(email) = lower($1)`, [
      inputs[2].email,
      'Smith, "Jo"\nJunior',
      "Line one\r\nLine two",
    ]);

    // Uploads are held: the job claims the export and writes its rows, and waits on the store.
    proxy.holdPuts();
    let id: string;
    let running: Awaited<ReturnType<typeof exportState>>;
    try {
      id = await requestExport(client, "CSV");
      running = await until(
        "the export to be RUNNING",
        () => exportState(client, id),
        (state) => state.status !== "PENDING",
      );
      assert.equal(running.status, "RUNNING");
      assert.equal(running.downloadUrl, null);
      await until(
        "the upload to reach the store",
        async () => proxy.held,
        (held) => held > 0,
      );
      assert.equal((await exportState(client, id)).recordCount, inputs.length, "rows written so far");
    } finally {
      proxy.pass();
    }

    const { state, text, contentType } = await download(client, id);
    assert.equal(state.recordCount, inputs.length);
    assert.match(contentType ?? "", /^text\/csv/);
    assert.ok(text.startsWith(`${[...CSV_HEADER, "signal:grants", "signal:publications"].join(",")}\r\n`), text.slice(0, 200));
    assert.ok(text.endsWith("\r\n"));
    const rows: Record<string, string>[] = parse(text, { columns: true });
    assert.equal(rows.length, inputs.length);

    const byEmail = new Map(rows.map((row) => [row.email, row]));
    const escaped = (value: string | null | undefined) => (value == null ? "" : /^[=+\-@]/.test(value) ? `'${value}` : value);
    for (const lead of await listed(client)) {
      const row = byEmail.get(lead.email!);
      assert.ok(row, `${lead.email} is in the file`);
      const input = inputs.find((candidate) => candidate.email === lead.email)!;
      assert.equal(row.name, escaped(lead.name));
      assert.equal(row.title, escaped(lead.title));
      assert.equal(row.company, escaped(lead.company));
      assert.equal(row.location, escaped(lead.location));
      assert.equal(row.linkedin_url, input.linkedinUrl ?? "");
      assert.equal(row.source, escaped(lead.source));
      assert.equal(row.status, lead.status);
      assert.equal(Number(row.score), lead.score);
      assert.equal(Number(row.rank), lead.rank);
      assert.ok(!Number.isNaN(Date.parse(row.created_at)));
      for (const signal of ["grants", "publications"]) {
        const given = input.signals?.find((candidate) => candidate.name === signal);
        assert.equal(row[`signal:${signal}`], given ? String(given.value) : "");
      }
    }
    // Spelled out, so the comparison above cannot pass by escaping both sides alike.
    assert.equal(byEmail.get(inputs[0].email)!.name, '\'=HYPERLINK("http://evil.example","click")');
    assert.equal(byEmail.get(inputs[0].email)!.company, "'+1 555 0100");
    assert.equal(byEmail.get(inputs[1].email)!.name, "'-2+3");
    assert.equal(byEmail.get(inputs[1].email)!.title, "'@SUM(A1:A9)");
    assert.equal(byEmail.get(inputs[2].email)!.name, 'Smith, "Jo"\nJunior');
    assert.equal(byEmail.get(inputs[2].email)!.location, "Line one\r\nLine two");
    assert.deepEqual(
      rows.map((row) => row.rank),
      rows.map((row) => String(1 + rows.filter((other) => Number(other.score) > Number(row.score)).length)),
    );
  });

  it("writes JSON as one array, and an export holds what the listing with the same filter shows", async () => {
    const client = await marketer();
    await client.op("SetScoringWeights", { weights: [{ signal: "grants", weight: 1 }] });
    const campaign = await client.op("CreateCampaign", { input: { name: "Spring", channel: "email", startsAt: new Date().toISOString() } });
    assert.equal(campaign.errors, undefined, JSON.stringify(campaign.errors));
    const campaignId = campaign.data.createCampaign.id;
    const leads = [
      await createLead(client, { name: "Grace Hopper", email: uniqueEmail("grace"), company: "Navy", signals: [{ name: "grants", value: 0.95 }] }),
      await createLead(client, { name: "Alan Turing", email: uniqueEmail("alan"), company: "Bletchley", campaignId, signals: [{ name: "grants", value: 0.3 }] }),
      await createLead(client, { name: "Katherine Johnson", email: uniqueEmail("katherine"), company: "NASA", campaignId, signals: [{ name: "grants", value: 0.7 }] }),
      await createLead(client, { name: "Edsger Dijkstra", email: uniqueEmail("edsger"), company: "Eindhoven" }),
    ];
    const qualified = await client.op("UpdateLeadStatus", { id: leads[2].id, status: "QUALIFIED" });
    assert.equal(qualified.errors, undefined, JSON.stringify(qualified.errors));

    const filters = [null, { status: "QUALIFIED" }, { minScore: 50 }, { search: "Bletchley" }, { campaignId }, { campaignId, minScore: 50 }, { search: "nobody" }];
    const ids: string[] = [];
    for (const filter of filters) ids.push(await requestExport(client, "JSON", filter));
    for (const [index, filter] of filters.entries()) {
      const { state, text, contentType } = await download(client, ids[index]);
      assert.match(contentType ?? "", /^application\/json/);
      const parsed = JSON.parse(text);
      assert.ok(Array.isArray(parsed), "one array");
      const expected = await listed(client, filter);
      assert.equal(state.recordCount, expected.length, JSON.stringify(filter));
      assert.deepEqual(parsed.map((lead: { email: string }) => lead.email).sort(), expected.map((lead) => lead.email).sort(), JSON.stringify(filter));
      for (const lead of parsed) {
        const listedLead = expected.find((candidate) => candidate.email === lead.email)!;
        assert.equal(lead.score, listedLead.score);
        assert.equal(lead.rank, listedLead.rank);
        assert.equal(lead.status, listedLead.status);
      }
    }
    const everything = JSON.parse((await download(client, ids[0])).text);
    assert.equal(everything.length, 4);
    assert.deepEqual(everything.find((lead: { name: string }) => lead.name === "Grace Hopper").signals, { grants: 0.95 });
  });

  it("streams a large export in pages and parts, counting rows as it goes", async () => {
    const client = await marketer();
    const total = 30_000;
    // About 500 bytes a row: 15 MB, parts of a multipart upload (5 MB each).
    await stack.db.query(
      `insert into leads.leads (id, owner_id, name, email, title, company, status, score, created_at, updated_at, search_vector)
       select gen_random_uuid(), $1, 'Lead ' || n, 'lead' || n || '@bulk.example', repeat('t', 200), repeat('c', 200), 'NEW', n % 101,
              now() - make_interval(secs => n), now(), to_tsvector('simple', 'Lead ' || n)
         from generate_series(1, $2) as n`,
      [client.userId, total],
    );

    proxy.holdPuts();
    let id: string;
    try {
      id = await requestExport(client, "CSV");
      // Two parts in flight and held: the job reads no further until they are through.
      await until(
        "two parts to be held",
        async () => proxy.held,
        (held) => held >= 2,
      );
      const midway = await exportState(client, id);
      assert.equal(midway.status, "RUNNING");
      assert.ok(midway.recordCount > 0 && midway.recordCount < total, `rows written so far: ${midway.recordCount}`);
    } finally {
      proxy.pass();
    }
    const { state, text } = await download(client, id);
    assert.equal(state.recordCount, total);
    const rows: Record<string, string>[] = parse(text, { columns: true });
    assert.equal(rows.length, total);
    assert.equal(new Set(rows.map((row) => row.email)).size, total);
    // Oldest first; rank as the listing counts it (1 + leads scoring higher).
    assert.equal(rows[0].name, `Lead ${total}`);
    const top = rows.find((row) => row.score === "100")!;
    assert.equal(top.rank, "1");
    const ninetyNine = rows.find((row) => row.score === "99")!;
    assert.equal(Number(ninetyNine.rank), 1 + rows.filter((row) => row.score === "100").length);
  });

  it("takes up an export whose process died mid-run once its lease has run out, and not before", async () => {
    const client = await marketer();
    const lead = await createLead(client, { name: "Survivor", email: uniqueEmail("survivor") });
    const ownerId = client.userId;
    const id = randomUUID();
    const staleToken = randomUUID();
    // As a process killed mid-run leaves it: RUNNING, one try counted, rows half written, its claim held.
    await stack.db.query(
      `insert into leads.lead_exports (id, owner_id, format, status, record_count, attempts, claim_token, lease_until, started_at, created_at)
       values ($1, $2, 'CSV', 'RUNNING', 1, 1, $3, now() + interval '1 hour', now() - interval '1 minute', now() - interval '1 minute')`,
      [id, ownerId, staleToken],
    );
    await runExports();
    const held = await stack.db.query(`select status, attempts, claim_token from leads.lead_exports where id = $1`, [id]);
    assert.deepEqual(held.rows[0], { status: "RUNNING", attempts: 1, claim_token: staleToken }, "another process's claim is left alone while it lasts");

    await stack.db.query(`update leads.lead_exports set lease_until = now() - interval '1 second' where id = $1`, [id]);
    const { state, text } = await download(client, id);
    assert.equal(state.recordCount, 1);
    const rows: Record<string, string>[] = parse(text, { columns: true });
    assert.deepEqual(
      rows.map((row) => row.email),
      [lead.email],
    );
    const finished = await stack.db.query(`select status, attempts, claim_token, lease_until, finished_at from leads.lead_exports where id = $1`, [id]);
    assert.equal(finished.rows[0].attempts, 2);
    assert.equal(finished.rows[0].claim_token, null);
    assert.equal(finished.rows[0].lease_until, null);
    assert.ok(finished.rows[0].finished_at);
  });

  it("writes nothing more once its claim lapsed and was taken over", async () => {
    const client = await marketer();
    await createLead(client, { name: "Contested", email: uniqueEmail("contested") });
    proxy.holdPuts();
    let id: string;
    const usurper = randomUUID();
    try {
      id = await requestExport(client, "CSV");
      await until(
        "the upload to reach the store",
        async () => proxy.held,
        (held) => held > 0,
      );
      // The lease ran out while the store was slow, and another replica claimed the export.
      await stack.db.query(`update leads.lead_exports set claim_token = $2, lease_until = now() + interval '1 hour' where id = $1`, [id, usurper]);
    } finally {
      proxy.pass();
    }
    await runExports();
    const row = await stack.db.query(`select status, claim_token, object_key from leads.lead_exports where id = $1`, [id]);
    assert.deepEqual(row.rows[0], { status: "RUNNING", claim_token: usurper, object_key: null });

    // The other replica died too: once its lease runs out, the export is made after all.
    await stack.db.query(`update leads.lead_exports set lease_until = now() - interval '1 second' where id = $1`, [id]);
    assert.equal((await download(client, id)).state.recordCount, 1);
  });

  it("fails an export after its last try, with why, and never leaves it RUNNING", async () => {
    const client = await marketer();
    await createLead(client, { name: "Unlucky", email: uniqueEmail("unlucky") });
    proxy.refuse();
    let id: string;
    try {
      id = await requestExport(client, "CSV");
      for (let run = 1; ; run++) {
        await runExports();
        const state = (await client.request(EXPORT_ERROR, { id })).data.leadExport;
        assert.notEqual(state.status, "RUNNING", `after run ${run}`);
        assert.notEqual(state.status, "READY");
        if (state.status === "FAILED") break;
        assert.equal(state.status, "PENDING");
        assert.equal(state.error, null, "why is told at the end");
        assert.ok(run < MAX_ATTEMPTS + 1, "it gives up after its tries");
      }
    } finally {
      proxy.pass();
    }
    const failed = (await client.request(EXPORT_ERROR, { id })).data.leadExport;
    assert.equal(failed.status, "FAILED");
    assert.match(failed.error, /could not be written/);
    assert.equal(failed.downloadUrl, null);
    const row = await stack.db.query(`select attempts, claim_token, finished_at from leads.lead_exports where id = $1`, [id]);
    assert.equal(row.rows[0].attempts, MAX_ATTEMPTS);
    assert.equal(row.rows[0].claim_token, null);
    assert.ok(row.rows[0].finished_at);
    // The store is back: a FAILED export stays FAILED.
    await runExports();
    assert.equal((await client.request(EXPORT_ERROR, { id })).data.leadExport.status, "FAILED");
  });

  it("fails an export whose last try died with its process", async () => {
    const client = await marketer();
    const id = randomUUID();
    await stack.db.query(
      `insert into leads.lead_exports (id, owner_id, format, status, attempts, claim_token, lease_until, started_at, created_at)
       values ($1, $2, 'JSON', 'RUNNING', $3, gen_random_uuid(), now() - interval '1 second', now() - interval '10 minutes', now() - interval '1 hour')`,
      [id, client.userId, MAX_ATTEMPTS],
    );
    await runExports();
    const state = (await client.request(EXPORT_ERROR, { id })).data.leadExport;
    assert.equal(state.status, "FAILED");
    assert.match(state.error, /stopped before it finished/);
  });

  it("shows an export to its owner only: for another marketer it does not exist", async () => {
    const owner = await marketer();
    const other = await marketer();
    await createLead(owner, { name: "Private", email: uniqueEmail("private") });
    const id = await requestExport(owner, "CSV");
    await runExports();
    assert.equal((await exportState(owner, id)).status, "READY");
    const probed = await other.op("LeadExport", { id });
    assert.equal(probed.errors?.[0]?.extensions?.code, "NOT_FOUND", JSON.stringify(probed));
    assert.equal(probed.data?.leadExport ?? null, null);
  });
});
