import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { registerWithRole } from "../src/content-fixtures";
import { connect, subscribe } from "../src/live";
import type { GraphQLClient, GraphQLResponse, Stack } from "../src/stack";
import { contractOperation, register, registerAdmin, startStack, tableSnapshot, uniqueEmail } from "../src/stack";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The answer's data, after checking it has no errors. */
async function ok(response: Promise<GraphQLResponse>): Promise<any> {
  const answer = await response;
  assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
  return answer.data;
}
const codeOf = (response: GraphQLResponse) => response.errors?.[0]?.extensions?.code;

type Marketer = Awaited<ReturnType<typeof registerWithRole>>;
interface LeadSpec {
  name: string;
  email?: string;
  company?: string;
  campaignId?: string;
  signals?: { name: string; value: number }[];
}

async function createLead(client: GraphQLClient, input: LeadSpec): Promise<{ id: string; name: string; score: number; status: string }> {
  return (await ok(client.op("CreateLead", { input }))).createLead;
}
const setWeights = (client: GraphQLClient, weights: Record<string, number>) =>
  ok(client.op("SetScoringWeights", { weights: Object.entries(weights).map(([signal, weight]) => ({ signal, weight })) }));
async function createCampaign(client: GraphQLClient, name = "Spring webinar"): Promise<string> {
  return (await ok(client.op("CreateCampaign", { input: { name, channel: "webinar", startsAt: "2026-12-01T09:00:00.000Z" } }))).createCampaign.id;
}

describe("leads through the gateway", () => {
  let stack: Stack;
  let admin: Awaited<ReturnType<typeof registerAdmin>>;
  before(async () => {
    stack = await startStack();
    admin = await registerAdmin(stack);
  });
  after(() => stack.close());

  it("creates a lead scored by its owner's weights, its owner named, for marketers and admins only", async () => {
    const mara = await registerWithRole(stack, "MARKETER", "Mara");
    const weights = await ok(
      mara.client.op("SetScoringWeights", {
        weights: [
          { signal: "publications", weight: 3 },
          { signal: "grants", weight: 1 },
        ],
      }),
    );
    assert.deepEqual(weights.setScoringWeights, [
      { signal: "publications", weight: 3 },
      { signal: "grants", weight: 1 },
    ]);
    const email = uniqueEmail("ada");
    const created = await ok(
      mara.client.op("CreateLead", {
        input: {
          name: "  Ada Lovelace ",
          email,
          title: "Countess",
          company: "Analytical Engines",
          location: "London",
          source: "form",
          // 100 × (3 × 0.5 + 1 × 1) ÷ 4 = 62.5 → 63; seniority is weighed by nobody.
          signals: [
            { name: "publications", value: 0.5 },
            { name: "grants", value: 1 },
            { name: "seniority", value: 1 },
          ],
        },
      }),
    );
    const { id, ...rest } = created.createLead;
    assert.ok(id);
    assert.deepEqual(rest, { name: "Ada Lovelace", company: "Analytical Engines", email, score: 63, status: "NEW", owner: { id: mara.user.id } });

    const byAdmin = await ok(admin.client.op("CreateLead", { input: { name: "Admin's own" } }));
    assert.deepEqual([byAdmin.createLead.score, byAdmin.createLead.owner], [0, { id: admin.user.id }], "no weights: 0");
    const student = await register(stack);
    assert.equal(codeOf(await student.client.op("CreateLead", { input: { name: "Nope" } })), "FORBIDDEN");
    assert.equal(codeOf(await stack.client().op("CreateLead", { input: { name: "Nope" } })), "UNAUTHENTICATED");
  });

  describe("Leads: filters, orders, pages and ranks", () => {
    let lister: Marketer;
    let campaignId: string;
    /** By name's initial: the score (weight 1 on s, so score = 100 × s), company, campaign and status. */
    const SPECS: [name: string, score: number, inZyxwv?: boolean, inCampaign?: boolean][] = [
      ["Alba Ames", 90],
      ["Bruno Berg", 90],
      ["Chen Cole", 80, true],
      ["Dara Diaz", 70, false, true],
      ["Eli Ekwu", 70],
      ["Fay Fox", 70],
      ["Gus Gray", 50, false, true],
      ["Hana Holt", 40, true],
      ["Ivo Ince", 40],
      ["Jo Jung", 10],
      ["Kai Kim", 0],
      ["Lia Lund", 0, false, true],
    ];
    /** 1 + leads scoring higher: ties share a rank. */
    const RANK: Record<number, number> = { 90: 1, 80: 3, 70: 4, 50: 7, 40: 8, 10: 10, 0: 11 };
    const leads = new Map<string, { id: string; score: number }>();

    before(async () => {
      lister = await registerWithRole(stack, "MARKETER", "Lister");
      await setWeights(lister.client, { s: 1 });
      campaignId = await createCampaign(lister.client);
      for (const [name, score, inZyxwv, inCampaign] of SPECS) {
        const lead = await createLead(lister.client, {
          name,
          email: uniqueEmail(name.split(" ")[0].toLowerCase()),
          company: inZyxwv ? "Zyxwv Institute" : "Acme University",
          ...(inCampaign ? { campaignId } : {}),
          ...(score ? { signals: [{ name: "s", value: score / 100 }] } : {}),
        });
        assert.equal(lead.score, score);
        leads.set(name, lead);
      }
      for (const [name, status] of [
        ["Eli Ekwu", "QUALIFIED"],
        ["Hana Holt", "QUALIFIED"],
        ["Jo Jung", "LOST"],
      ])
        await ok(lister.client.op("UpdateLeadStatus", { id: leads.get(name)!.id, status }));
    });

    /** Every page of a listing, `first` at a time: the nodes in order, checking each page's totals. */
    async function allPages(client: GraphQLClient, variables: Record<string, unknown>, first: number) {
      const nodes: any[] = [];
      let after: string | null = null;
      let totalCount = -1;
      for (let pages = 0; pages < 100; pages++) {
        const data = await ok(client.op("Leads", { ...variables, first, after }));
        const connection = data.leads;
        if (totalCount === -1) totalCount = connection.totalCount;
        assert.equal(connection.totalCount, totalCount, "the same total on every page");
        assert.ok(connection.edges.length <= first);
        nodes.push(...connection.edges.map((edge: any) => edge.node));
        if (connection.edges.length) assert.equal(connection.pageInfo.endCursor, connection.edges.at(-1).cursor);
        if (!connection.pageInfo.hasNextPage) return { nodes, totalCount };
        after = connection.pageInfo.endCursor;
      }
      throw new Error("more than 100 pages");
    }

    it("orders by score, creation and name, both ways, in pages without repeats or gaps, ranks ties together and names the owner", async () => {
      const rows = (await stack.db.query("select id, name, score, created_at from leads.leads where owner_id = $1", [lister.user.id])).rows as {
        id: string;
        name: string;
        score: number;
        created_at: Date;
      }[];
      assert.equal(rows.length, SPECS.length);
      const keyOf: Record<string, (row: (typeof rows)[number]) => number | string> = {
        SCORE: (row) => row.score,
        CREATED_AT: (row) => row.created_at.getTime(),
        NAME: (row) => row.name,
      };
      for (const field of ["SCORE", "CREATED_AT", "NAME"])
        for (const direction of ["ASC", "DESC"]) {
          const sign = direction === "ASC" ? 1 : -1;
          // The value, then the id (as Postgres compares uuids: by their hex digits).
          const expected = [...rows].sort((a, b) => {
            const [x, y] = [keyOf[field](a), keyOf[field](b)];
            return sign * (x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
          });
          const { nodes, totalCount } = await allPages(lister.client, { orderBy: { field, direction } }, 5);
          assert.equal(totalCount, SPECS.length);
          assert.deepEqual(
            nodes.map((node) => node.name),
            expected.map((row) => row.name),
            `${field} ${direction}`,
          );
          for (const node of nodes) {
            assert.equal(node.rank, RANK[node.score], `${node.name}'s rank`);
            assert.deepEqual(node.owner, { displayName: "Lister" });
          }
        }
      const byDefault = await ok(lister.client.op("Leads", {}));
      assert.equal(byDefault.leads.edges[0].node.name, "Lia Lund", "newest first by default");
      const [chen] = (await allPages(lister.client, { filter: { search: "Chen" } }, 5)).nodes;
      assert.deepEqual(
        { ...chen, id: undefined, email: undefined },
        {
          id: undefined,
          email: undefined,
          name: "Chen Cole",
          title: null,
          company: "Zyxwv Institute",
          location: null,
          score: 80,
          rank: 3,
          status: "NEW",
          source: null,
          owner: { displayName: "Lister" },
        },
      );
    });

    it("filters by status, minimum score, search words and campaign, alone and together", async () => {
      const names = async (filter: Record<string, unknown>) => {
        const { nodes, totalCount } = await allPages(lister.client, { filter, orderBy: { field: "NAME", direction: "ASC" } }, 2);
        assert.equal(totalCount, nodes.length);
        return nodes.map((node) => node.name);
      };
      assert.deepEqual(await names({ status: "QUALIFIED" }), ["Eli Ekwu", "Hana Holt"]);
      assert.deepEqual(await names({ minScore: 70 }), ["Alba Ames", "Bruno Berg", "Chen Cole", "Dara Diaz", "Eli Ekwu", "Fay Fox"]);
      assert.deepEqual(await names({ search: "zyxwv" }), ["Chen Cole", "Hana Holt"]);
      assert.deepEqual(await names({ search: "Zyxwv Institute" }), ["Chen Cole", "Hana Holt"]);
      assert.deepEqual(await names({ campaignId }), ["Dara Diaz", "Gus Gray", "Lia Lund"]);
      assert.deepEqual(await names({ campaignId, minScore: 40 }), ["Dara Diaz", "Gus Gray"]);
      assert.deepEqual(await names({ status: "QUALIFIED", search: "zyxwv", minScore: 41 }), []);
      assert.deepEqual(await names({ status: "LOST" }), ["Jo Jung"]);
      // Ranks stay among all the owner's leads, whatever the filter.
      const filtered = await ok(lister.client.op("Leads", { filter: { minScore: 40, status: "QUALIFIED" }, orderBy: { field: "SCORE", direction: "DESC" } }));
      assert.deepEqual(
        filtered.leads.edges.map((edge: any) => [edge.node.name, edge.node.rank]),
        [
          ["Eli Ekwu", 4],
          ["Hana Holt", 8],
        ],
      );
    });

    it("shows a marketer their own leads only, and refuses bad pages", async () => {
      const other = await registerWithRole(stack, "MARKETER", "Other");
      const theirs = await ok(other.client.op("Leads", {}));
      assert.deepEqual([theirs.leads.totalCount, theirs.leads.edges], [0, []]);
      assert.equal(codeOf(await lister.client.op("Leads", { first: 101 })), "BAD_USER_INPUT");
      assert.equal(codeOf(await lister.client.op("Leads", { first: -1 })), "BAD_USER_INPUT");
      assert.equal(codeOf(await lister.client.op("Leads", { after: "garbage" })), "BAD_USER_INPUT");
      const byScore = await ok(lister.client.op("Leads", { first: 1, orderBy: { field: "SCORE", direction: "DESC" } }));
      const wrongOrder = await lister.client.op("Leads", { first: 1, after: byScore.leads.pageInfo.endCursor, orderBy: { field: "NAME", direction: "ASC" } });
      assert.equal(codeOf(wrongOrder), "BAD_USER_INPUT", "a score cursor is no cursor for names");
      assert.equal(codeOf(await (await register(stack)).client.op("Leads", {})), "FORBIDDEN");
    });
  });

  it("keeps a lead's signals and every score it had, and links the account a signup converts it to", async () => {
    const mara = await registerWithRole(stack, "MARKETER", "Mara");
    const sam = await register(stack, { displayName: "Sam Signup" });
    await setWeights(mara.client, { publications: 1, grants: 1 });
    // Stored as given; matched without case.
    const lead = await createLead(mara.client, {
      name: "Sam",
      email: sam.email.toUpperCase(),
      signals: [
        { name: "publications", value: 0.4 },
        { name: "grants", value: 0.2 },
      ],
    });
    const read = async () => (await ok(mara.client.op("Lead", { id: lead.id }))).lead;
    const first = await read();
    assert.deepEqual(
      { ...first, scoreHistory: first.scoreHistory.map((entry: any) => entry.score) },
      {
        id: lead.id,
        name: "Sam",
        score: 30,
        status: "NEW",
        signals: [
          { name: "grants", value: 0.2 },
          { name: "publications", value: 0.4 },
        ],
        scoreHistory: [30],
        convertedUser: null,
      },
    );

    await setWeights(mara.client, { publications: 3, grants: 1 });
    assert.deepEqual((await ok(mara.client.op("RescoreLeads"))).rescoreLeads, { scored: 1 });
    const rescored = await read();
    assert.equal(rescored.score, 35); // 100 × (1.2 + 0.2) ÷ 4
    assert.deepEqual(
      rescored.scoreHistory.map((entry: any) => entry.score),
      [30, 35],
    );
    assert.ok(Date.parse(rescored.scoreHistory[1].at) >= Date.parse(rescored.scoreHistory[0].at));
    await ok(mara.client.op("RescoreLeads"));
    await ok(mara.client.op("UpdateLeadStatus", { id: lead.id, status: "CONTACTED" }));
    assert.equal((await read()).scoreHistory.length, 2, "a rescore that changes nothing, or a status change, adds no history");

    // Another marketer's lead with the same email is not theirs to convert.
    const other = await registerWithRole(stack, "MARKETER", "Other");
    const othersLead = await createLead(other.client, { name: "Sam elsewhere", email: sam.email });
    const campaignId = await createCampaign(mara.client);
    const signup = await ok(mara.client.op("RecordSignup", { input: { campaignId, email: sam.email, name: "Sam" } }));
    assert.deepEqual({ ...signup.recordSignup, id: undefined }, { id: undefined, email: sam.email, lead: { id: lead.id, status: "CONVERTED" } });
    const converted = await read();
    assert.equal(converted.status, "CONVERTED");
    assert.deepEqual(converted.convertedUser, { id: sam.user.id, displayName: "Sam Signup" }, "resolved by users");
    assert.equal((await ok(other.client.op("Lead", { id: othersLead.id }))).lead.status, "NEW");

    // An email without an account converts its lead, unlinked; one without a lead is a signup only.
    const noAccountEmail = uniqueEmail("no-account");
    const noAccount = await createLead(mara.client, { name: "No account", email: noAccountEmail });
    const unlinked = await ok(mara.client.op("RecordSignup", { input: { campaignId, email: noAccountEmail.toUpperCase() } }));
    assert.deepEqual(unlinked.recordSignup.lead, { id: noAccount.id, status: "CONVERTED" });
    assert.equal((await ok(mara.client.op("Lead", { id: noAccount.id }))).lead.convertedUser, null);
    const stranger = await ok(mara.client.op("RecordSignup", { input: { campaignId, email: uniqueEmail("stranger") } }));
    assert.equal(stranger.recordSignup.lead, null);
  });

  it("moves a lead along the pipeline: its owner and admins only", async () => {
    const mara = await registerWithRole(stack, "MARKETER", "Mara");
    const other = await registerWithRole(stack, "MARKETER", "Other");
    const lead = await createLead(mara.client, { name: "Pipeline lead" });
    const sent = Date.now();
    const updated = (await ok(mara.client.op("UpdateLeadStatus", { id: lead.id, status: "QUALIFIED" }))).updateLeadStatus;
    assert.deepEqual([updated.id, updated.status], [lead.id, "QUALIFIED"]);
    assert.ok(Date.parse(updated.updatedAt) >= sent - 1_000);

    for (const [client, op, variables] of [
      [other.client, "UpdateLeadStatus", { id: lead.id, status: "LOST" }],
      [other.client, "Lead", { id: lead.id }],
      [mara.client, "Lead", { id: "not-a-uuid" }],
      [mara.client, "Lead", { id: "00000000-0000-4000-8000-000000000000" }],
    ] as const) {
      const refused = await client.op(op, variables);
      assert.equal(codeOf(refused), "NOT_FOUND", `${op} ${JSON.stringify(variables)}: ${JSON.stringify(refused)}`);
    }
    assert.equal((await ok(mara.client.op("Lead", { id: lead.id }))).lead.status, "QUALIFIED", "another's update changed nothing");
    const byAdmin = await ok(admin.client.op("UpdateLeadStatus", { id: lead.id, status: "CONTACTED" }));
    assert.equal(byAdmin.updateLeadStatus.status, "CONTACTED");
    assert.equal((await ok(admin.client.op("Lead", { id: lead.id }))).lead.name, "Pipeline lead");
  });

  it("rescores every lead with new weights: scores and ranks change, ties share a rank, history is kept", async () => {
    const mara = await registerWithRole(stack, "MARKETER", "Mara");
    const specs = { X: { a: 1, b: 0 }, Y: { a: 0, b: 1 }, Z: { a: 0.5, b: 0.5 } };
    const ids: Record<string, string> = {};
    for (const [name, signals] of Object.entries(specs)) {
      ids[name] = (await createLead(mara.client, { name, signals: Object.entries(signals).map(([signal, value]) => ({ name: signal, value })) })).id;
    }
    const standings = async () => {
      const data = await ok(mara.client.op("Leads", { orderBy: { field: "NAME", direction: "ASC" } }));
      return Object.fromEntries(data.leads.edges.map((edge: any) => [edge.node.name, [edge.node.score, edge.node.rank]]));
    };
    assert.deepEqual(await standings(), { X: [0, 1], Y: [0, 1], Z: [0, 1] }, "no weights: all 0, all first");

    await setWeights(mara.client, { a: 3, b: 1 });
    assert.deepEqual((await ok(mara.client.op("RescoreLeads"))).rescoreLeads, { scored: 3 });
    assert.deepEqual(await standings(), { X: [75, 1], Y: [25, 3], Z: [50, 2] });

    // Weights are replaced, not merged: a is weighed 1 now, b 3.
    const replaced = await ok(
      mara.client.op("SetScoringWeights", {
        weights: [
          { signal: "b", weight: 3 },
          { signal: "a", weight: 1 },
        ],
      }),
    );
    assert.deepEqual(replaced.setScoringWeights, [
      { signal: "b", weight: 3 },
      { signal: "a", weight: 1 },
    ]);
    assert.deepEqual(await standings(), { X: [75, 1], Y: [25, 3], Z: [50, 2] }, "new weights apply on rescore");
    await ok(mara.client.op("RescoreLeads"));
    assert.deepEqual(await standings(), { X: [25, 3], Y: [75, 1], Z: [50, 2] });

    await setWeights(mara.client, { a: 1, b: 1 });
    await ok(mara.client.op("RescoreLeads"));
    assert.deepEqual(await standings(), { X: [50, 1], Y: [50, 1], Z: [50, 1] });

    const history = async (name: string) => (await ok(mara.client.op("Lead", { id: ids[name] }))).lead.scoreHistory.map((entry: any) => entry.score);
    assert.deepEqual(await history("X"), [0, 75, 25, 50]);
    assert.deepEqual(await history("Y"), [0, 25, 75, 50]);
    assert.deepEqual(await history("Z"), [0, 50], "Z's score changed once");
  });

  it("counts a campaign's funnel and conversion rate; the campaign is its owner's and admins' only", async () => {
    const mara = await registerWithRole(stack, "MARKETER", "Mara");
    const campaignId = await createCampaign(mara.client, "Funnel campaign");
    const emails: string[] = [];
    for (const status of ["NEW", "CONTACTED", "QUALIFIED", "LOST", "TO_CONVERT", "TO_CONVERT"]) {
      const email = uniqueEmail("funnel");
      const lead = await createLead(mara.client, { name: `Funnel ${status}`, email, campaignId });
      if (status === "TO_CONVERT") emails.push(email);
      else if (status !== "NEW") await ok(mara.client.op("UpdateLeadStatus", { id: lead.id, status }));
    }
    await createLead(mara.client, { name: "Not in the campaign" });
    for (const email of [...emails, uniqueEmail("no-lead")]) await ok(mara.client.op("RecordSignup", { input: { campaignId, email } }));

    const funnel = await ok(mara.client.op("CampaignFunnel", { id: campaignId }));
    assert.deepEqual(funnel.campaign, {
      id: campaignId,
      name: "Funnel campaign",
      // Each stage counts the leads at it or beyond; LOST ones count as leads only.
      funnel: { leads: 6, contacted: 4, qualified: 3, converted: 2, signups: 3, conversionRate: 33.33 },
    });
    const other = await registerWithRole(stack, "MARKETER", "Other");
    assert.equal(codeOf(await other.client.op("CampaignFunnel", { id: campaignId })), "NOT_FOUND");
    assert.equal(codeOf(await other.client.op("RecordSignup", { input: { campaignId, email: emails[0] } })), "NOT_FOUND");
    assert.deepEqual((await ok(admin.client.op("CampaignFunnel", { id: campaignId }))).campaign.funnel.leads, 6);

    const empty = await createCampaign(mara.client, "Empty");
    assert.deepEqual((await ok(mara.client.op("CampaignFunnel", { id: empty }))).campaign.funnel, {
      leads: 0,
      contacted: 0,
      qualified: 0,
      converted: 0,
      signups: 0,
      conversionRate: 0,
    });
  });

  it("lets an API key with leads:write create leads and record signups, and nothing else; leads:read reads", async () => {
    const kim = await registerWithRole(stack, "MARKETER", "Kim");
    const keyWith = async (owner: { client: GraphQLClient }, scopes: string[]) => {
      const created = await ok(owner.client.op("CreateApiKey", { input: { name: `leads ${scopes.join(" ")}`, scopes } }));
      return stack.client({ apiKey: created.createApiKey.secret });
    };
    const writer = await keyWith(kim, ["leads:write"]);
    const email = uniqueEmail("partner");
    const created = await ok(writer.op("CreateLead", { input: { name: "From the CRM", email, source: "partner" } }));
    assert.deepEqual(created.createLead.owner, { id: kim.user.id }, "the key's owner owns the lead");
    const campaignId = await createCampaign(kim.client);
    const signup = await ok(writer.op("RecordSignup", { input: { campaignId, email } }));
    assert.deepEqual(signup.recordSignup.lead, { id: created.createLead.id, status: "CONVERTED" });

    await stack.settle();
    const before = await tableSnapshot(stack, "leads");
    const both = await keyWith(kim, ["leads:read", "leads:write"]);
    const refusals: [GraphQLClient, string, Record<string, unknown>][] = [
      ...[writer, both].flatMap((key): [GraphQLClient, string, Record<string, unknown>][] => [
        [key, "UpdateLeadStatus", { id: created.createLead.id, status: "LOST" }],
        [key, "SetScoringWeights", { weights: [{ signal: "a", weight: 1 }] }],
        [key, "RescoreLeads", {}],
        [key, "CreateCampaign", { input: { name: "By a key", channel: "email", startsAt: "2026-12-01T09:00:00.000Z" } }],
        [key, "ExportLeads", { format: "CSV" }],
        [key, "ImportLeads", { assetId: "00000000-0000-4000-8000-000000000000" }],
      ]),
      [writer, "Leads", {}],
      [writer, "Lead", { id: created.createLead.id }],
      [writer, "CampaignFunnel", { id: campaignId }],
    ];
    for (const [key, op, variables] of refusals) {
      const refused = await key.op(op, variables);
      assert.equal(codeOf(refused), "FORBIDDEN", `${op} with ${key === writer ? "leads:write" : "leads:read and leads:write"}: ${JSON.stringify(refused)}`);
    }
    const reader = await keyWith(kim, ["leads:read"]);
    assert.equal(codeOf(await reader.op("CreateLead", { input: { name: "Reader" } })), "FORBIDDEN");
    assert.equal(codeOf(await reader.op("RecordSignup", { input: { campaignId, email: uniqueEmail("reader") } })), "FORBIDDEN");
    assert.deepEqual(await tableSnapshot(stack, "leads"), before, "the refused calls changed nothing");

    assert.equal((await ok(reader.op("Leads", {}))).leads.totalCount, 1);
    assert.equal((await ok(reader.op("Lead", { id: created.createLead.id }))).lead.status, "CONVERTED");
    assert.equal((await ok(reader.op("CampaignFunnel", { id: campaignId }))).campaign.funnel.converted, 1);

    // A key is as much as its owner: a student's leads:write key creates nothing, and a key of
    // Kim's records no signup on another's campaign.
    const student = await register(stack);
    assert.equal(codeOf(await (await keyWith(student, ["leads:write"])).op("CreateLead", { input: { name: "Student's" } })), "FORBIDDEN");
    const other = await registerWithRole(stack, "MARKETER", "Other");
    const othersCampaign = await createCampaign(other.client);
    assert.equal(codeOf(await writer.op("RecordSignup", { input: { campaignId: othersCampaign, email } })), "NOT_FOUND");
  });

  it("delivers the owner's status and score changes live, with the lead's fields, within a second; nothing to another marketer", async () => {
    const owner = await registerWithRole(stack, "MARKETER", "Live Owner");
    const other = await registerWithRole(stack, "MARKETER", "Live Other");
    // Both subscribe before they have a lead: nothing of theirs yet is no refusal.
    const live = connect(stack.wsUrl, { authorization: `Bearer ${owner.accessToken}` });
    const stream = subscribe(live, contractOperation("LeadPipelineUpdated"));
    const theirLive = connect(stack.wsUrl, { authorization: `Bearer ${other.accessToken}` });
    const theirs = subscribe(theirLive, contractOperation("LeadPipelineUpdated"));
    const student = await register(stack);
    const studentLive = connect(stack.wsUrl, { authorization: `Bearer ${student.accessToken}` });
    const refused = subscribe(studentLive, contractOperation("LeadPipelineUpdated"));
    await refused.ended;
    assert.equal(refused.results[0]?.errors?.[0]?.extensions?.code, "FORBIDDEN", JSON.stringify(refused.results));
    await pause(300);
    assert.deepEqual([stream.results, theirs.results], [[], []]);

    const timed = async <T>(count: number, change: () => Promise<T>) => {
      const sent = Date.now();
      await change();
      const events = await stream.next(count, 1_000);
      assert.ok(Date.now() - sent < 1_000, `delivered after ${Date.now() - sent} ms`);
      const event = events[count - 1];
      assert.equal(event.errors, undefined, JSON.stringify(event.errors));
      return event.data.leadPipelineUpdated;
    };
    let lead = { id: "" };
    const createdEvent = await timed(1, async () => (lead = await createLead(owner.client, { name: "Live lead", signals: [{ name: "engagement", value: 0.8 }] })));
    assert.deepEqual({ ...createdEvent, at: undefined }, { leadId: lead.id, status: "NEW", score: 0, at: undefined, lead: { name: "Live lead", company: null } });

    const statusEvent = await timed(2, () => ok(owner.client.op("UpdateLeadStatus", { id: lead.id, status: "QUALIFIED" })));
    assert.deepEqual({ ...statusEvent, at: undefined }, { leadId: lead.id, status: "QUALIFIED", score: 0, at: undefined, lead: { name: "Live lead", company: null } });

    await setWeights(owner.client, { engagement: 1 });
    const scoreEvent = await timed(3, () => ok(owner.client.op("RescoreLeads")));
    assert.deepEqual({ ...scoreEvent, at: undefined }, { leadId: lead.id, status: "QUALIFIED", score: 80, at: undefined, lead: { name: "Live lead", company: null } });
    assert.ok(Date.parse(scoreEvent.at) >= Date.parse(statusEvent.at));

    await pause(300);
    assert.deepEqual(theirs.results, [], "another marketer hears nothing of the owner's leads");
    await createLead(other.client, { name: "Theirs", company: "Elsewhere" });
    const [theirEvent] = await theirs.next(1, 1_000);
    assert.deepEqual(theirEvent.data.leadPipelineUpdated.lead, { name: "Theirs", company: "Elsewhere" });
    await pause(300);
    assert.equal(stream.results.length, 3, "nor the owner of theirs");

    stream.stop();
    theirs.stop();
    for (const client of [live, theirLive, studentLive]) await client.client.dispose();
  });

  it("refuses bad weights, signals, duplicate emails and campaigns not yours with a code, changing nothing", async () => {
    const mara = await registerWithRole(stack, "MARKETER", "Mara");
    const other = await registerWithRole(stack, "MARKETER", "Other");
    await setWeights(mara.client, { publications: 1 });
    const email = uniqueEmail("taken");
    const lead = await createLead(mara.client, { name: "Taken", email });
    const othersCampaign = await createCampaign(other.client);
    const weights = (entries: [string, number][]) => ({ weights: entries.map(([signal, weight]) => ({ signal, weight })) });
    const signals = (entries: [string, number][]) => ({ input: { name: "Bad signals", signals: entries.map(([name, value]) => ({ name, value })) } });
    const cases: [label: string, op: string, variables: Record<string, unknown>, code: string][] = [
      [
        "weights summing to 0",
        "SetScoringWeights",
        weights([
          ["publications", 0],
          ["grants", 0],
        ]),
        "BAD_USER_INPUT",
      ],
      [
        "a negative weight",
        "SetScoringWeights",
        weights([
          ["publications", 2],
          ["grants", -1],
        ]),
        "BAD_USER_INPUT",
      ],
      ["a weight over 1,000,000", "SetScoringWeights", weights([["publications", 1_000_001]]), "BAD_USER_INPUT"],
      ["no weights", "SetScoringWeights", weights([]), "BAD_USER_INPUT"],
      ["a bad weight name", "SetScoringWeights", weights([["Publications", 1]]), "BAD_USER_INPUT"],
      [
        "a signal weighed twice",
        "SetScoringWeights",
        weights([
          ["grants", 1],
          ["grants", 2],
        ]),
        "BAD_USER_INPUT",
      ],
      ["a signal above 1", "CreateLead", signals([["publications", 1.01]]), "BAD_USER_INPUT"],
      ["a signal below 0", "CreateLead", signals([["publications", -0.01]]), "BAD_USER_INPUT"],
      ["a bad signal name", "CreateLead", signals([["bad-name", 0.5]]), "BAD_USER_INPUT"],
      ["a signal name starting with a digit", "CreateLead", signals([["1st", 0.5]]), "BAD_USER_INPUT"],
      [
        "a signal given twice",
        "CreateLead",
        signals([
          ["grants", 0.5],
          ["grants", 0.6],
        ]),
        "BAD_USER_INPUT",
      ],
      ["a duplicate email", "CreateLead", { input: { name: "Again", email } }, "CONFLICT"],
      ["a duplicate email in another case", "CreateLead", { input: { name: "Again", email: email.toUpperCase() } }, "CONFLICT"],
      ["a campaign not yours", "CreateLead", { input: { name: "Misfiled", campaignId: othersCampaign } }, "BAD_USER_INPUT"],
      ["a campaign that is no id", "CreateLead", { input: { name: "Misfiled", campaignId: "nope" } }, "BAD_USER_INPUT"],
      ["a signup on a campaign not yours", "RecordSignup", { input: { campaignId: othersCampaign, email } }, "NOT_FOUND"],
      ["a status update of another's lead", "UpdateLeadStatus", { id: lead.id, status: "LOST" }, "NOT_FOUND"],
      ["a filter by a campaign that is no id", "Leads", { filter: { campaignId: "nope" } }, "BAD_USER_INPUT"],
      [
        "a campaign ending before it starts",
        "CreateCampaign",
        { input: { name: "Backwards", channel: "email", startsAt: "2026-12-02T00:00:00Z", endsAt: "2026-12-01T00:00:00Z" } },
        "BAD_USER_INPUT",
      ],
    ];
    for (const [label, op, variables, code] of cases) {
      const client = label.includes("another's lead") ? other.client : mara.client;
      await stack.settle();
      const before = await tableSnapshot(stack, "leads");
      const response = await client.op(op, variables);
      assert.equal(codeOf(response), code, `${label}: ${JSON.stringify(response)}`);
      assert.ok(!response.data || Object.values(response.data).every((value) => value === null), `${label}: no data`);
      await stack.settle();
      assert.deepEqual(await tableSnapshot(stack, "leads"), before, `${label}: the leads schema is unchanged`);
    }
    assert.deepEqual((await ok(mara.client.op("Lead", { id: lead.id }))).lead.status, "NEW");
  });
});
