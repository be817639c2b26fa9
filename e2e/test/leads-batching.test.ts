import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { registerWithRole } from "../src/content-fixtures";
import type { Stack } from "../src/stack";
import { register, startStack, uniqueEmail } from "../src/stack";

/** A page of leads with every field that reaches further: owner and convertedUser (users), rank, signals, history. */
const LEADS_IN_FULL = `query ($first: Int) {
  leads(first: $first, orderBy: { field: SCORE, direction: DESC }) {
    totalCount
    edges { node { id name score rank owner { displayName } signals { name value } scoreHistory { score at } convertedUser { id displayName } } }
  }
}`;

/**
 * A page of leads costs the same SQL statements and subgraph fetches at 5 leads as at 25: each
 * field that reaches further is one batch per request (DataLoader in leads, one entity fetch to users).
 */
describe("leads batching: cost does not grow with the page", () => {
  let stack: Stack;
  let marketer: Awaited<ReturnType<typeof registerWithRole>>;
  /** Lead index (by score, best first) → the account its signup converted it to. */
  const converted = new Map<number, string>();
  /** The marketer's campaigns, oldest first. */
  const campaignIds: string[] = [];

  before(async () => {
    stack = await startStack();
    marketer = await registerWithRole(stack, "MARKETER", "Batch Marketer");
    const op = async (name: string, variables: Record<string, unknown>) => {
      const response = await marketer.client.op(name, variables);
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      return response.data;
    };
    const campaignId = (await op("CreateCampaign", { input: { name: "Batch", channel: "email", startsAt: "2026-12-01T00:00:00Z" } })).createCampaign.id;
    campaignIds.push(campaignId);
    // Four more, each with one lead of its own: five campaigns, newest first in `campaigns`.
    for (let i = 1; i <= 4; i++) {
      const id = (await op("CreateCampaign", { input: { name: `Batch ${i}`, channel: "webinar", startsAt: "2026-12-01T00:00:00Z" } })).createCampaign.id;
      await op("CreateLead", { input: { name: `Campaign lead ${i}`, email: uniqueEmail("campaign"), campaignId: id } });
      campaignIds.push(id);
    }
    for (let i = 0; i < 25; i++) {
      // Converted leads among the first 5 and the last 20, so both pages resolve accounts.
      const account = [0, 2, 10, 20].includes(i) ? await register(stack, { displayName: `Convert ${i}` }) : null;
      const email = account?.email ?? uniqueEmail("batch");
      await op("CreateLead", {
        input: {
          name: `Lead ${i}`,
          email,
          // Falling scores, with ties (i and i + 1 share a value when i is even).
          signals: [
            { name: "a", value: 1 - Math.floor(i / 2) / 20 },
            { name: "b", value: (i % 3) / 2 },
          ],
        },
      });
      if (account) {
        await op("RecordSignup", { input: { campaignId, email } });
        converted.set(i, account.user.id);
      }
    }
    // Two rescores: every lead has a history of three scores.
    await op("SetScoringWeights", { weights: [{ signal: "a", weight: 1 }] });
    await op("RescoreLeads", {});
    // 50a + 50b, never 100a here: every score changes again.
    await op("SetScoringWeights", {
      weights: [
        { signal: "a", weight: 1 },
        { signal: "b", weight: 1 },
      ],
    });
    await op("RescoreLeads", {});
    await stack.settle();
  });
  after(() => stack.close());

  it("Leads with owner, rank, signals, scoreHistory and convertedUser: 5 and 25 leads cost the same", async () => {
    const page = (first: number) =>
      stack.measure(async () => {
        const response = await marketer.client.request(LEADS_IN_FULL, { first });
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        const nodes = response.data.leads.edges.map((edge: any) => edge.node);
        assert.equal(nodes.length, first);
        assert.equal(response.data.leads.totalCount, 29);
        for (const node of nodes) {
          const index = Number(node.name.split(" ")[1]);
          assert.deepEqual(node.owner, { displayName: "Batch Marketer" });
          assert.equal(node.signals.length, 2);
          assert.equal(node.scoreHistory.length, 3, `${node.name}: ${JSON.stringify(node.scoreHistory)}`);
          assert.equal(node.scoreHistory.at(-1).score, node.score);
          assert.equal(node.rank, 1 + nodes.filter((other: any) => other.score > node.score).length, "ranks among the first leads are the whole ranking's");
          const account = converted.get(index);
          assert.deepEqual(node.convertedUser, account ? { id: account, displayName: `Convert ${index}` } : null);
        }
        assert.ok(nodes.some((node: any) => node.convertedUser));
      });
    const atFive = await page(5);
    const atTwentyFive = await page(25);
    console.log(`Leads in full cost at 5: ${JSON.stringify(atFive)}; at 25: ${JSON.stringify(atTwentyFive)}`);
    assert.deepEqual(atTwentyFive, atFive);
    // The query planner fetches entities per path, in parallel: one batch of owners, one of converted accounts.
    assert.deepEqual(atFive.fetches, { leads: 1, users: 2 }, "the leads, then a batch of owners and a batch of converted accounts");
  });

  it("Campaigns with their funnels: a page of 1 and of 5 cost the same, newest first, the marketer's own", async () => {
    const query = `query ($first: Int, $after: String) {
      campaigns(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name funnel { leads converted signups conversionRate } } } }
    }`;
    const page = (first: number) =>
      stack.measure(async () => {
        const response = await marketer.client.request(query, { first });
        assert.equal(response.errors, undefined, JSON.stringify(response.errors));
        assert.equal(response.data.campaigns.totalCount, 5);
        const nodes = response.data.campaigns.edges.map((edge: any) => edge.node);
        assert.deepEqual(
          nodes.map((node: any) => node.id),
          [...campaignIds].reverse().slice(0, first),
          "newest first",
        );
        for (const node of nodes) {
          assert.deepEqual(
            node.funnel,
            node.name === "Batch" ? { leads: 4, converted: 4, signups: 4, conversionRate: 100 } : { leads: 1, converted: 0, signups: 0, conversionRate: 0 },
          );
        }
      });
    const atOne = await page(1);
    const atFive = await page(5);
    assert.deepEqual(atFive, atOne);
    // The next page starts after the cursor; another marketer sees none of these; a student is refused.
    const first = await marketer.client.request(query, { first: 2 });
    const rest = await marketer.client.request(query, { first: 5, after: first.data.campaigns.pageInfo.endCursor });
    assert.deepEqual(
      [...first.data.campaigns.edges, ...rest.data.campaigns.edges].map((edge: any) => edge.node.id),
      [...campaignIds].reverse(),
    );
    assert.equal(rest.data.campaigns.pageInfo.hasNextPage, false);
    const other = await registerWithRole(stack, "MARKETER", "Other Marketer");
    assert.equal((await other.client.request(query, {})).data.campaigns.totalCount, 0);
    const student = await register(stack);
    assert.equal((await student.client.request(query, {})).errors?.[0].extensions?.code, "FORBIDDEN");
    assert.equal((await marketer.client.request(query, { first: 101 })).errors?.[0].extensions?.code, "BAD_USER_INPUT");
  });
});
