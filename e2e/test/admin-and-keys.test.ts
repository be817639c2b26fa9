import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Stack } from "../src/stack";
import { register, registerAdmin, startStack, tableSnapshot } from "../src/stack";

describe("roles, API keys and the audit log", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it("lets an admin change a role, refuses everyone else, and audits the change", async () => {
    const admin = await registerAdmin(stack);
    const student = await register(stack);
    const denied = await student.client.op("SetUserRole", { userId: admin.user.id, role: "STUDENT" });
    assert.equal(denied.errors?.[0].extensions?.code, "FORBIDDEN");
    const anonymous = await stack.client().op("SetUserRole", { userId: student.user.id, role: "ADMIN" });
    assert.equal(anonymous.errors?.[0].extensions?.code, "UNAUTHENTICATED");

    const changed = await admin.client.op("SetUserRole", { userId: student.user.id, role: "INSTRUCTOR" });
    assert.deepEqual(changed.data.setUserRole, { id: student.user.id, role: "INSTRUCTOR" });
    const missing = await admin.client.op("SetUserRole", { userId: "00000000-0000-4000-8000-000000000000", role: "ADMIN" });
    assert.equal(missing.errors?.[0].extensions?.code, "NOT_FOUND");
    const self = await admin.client.op("SetUserRole", { userId: admin.user.id, role: "STUDENT" });
    assert.equal(self.errors?.[0].extensions?.code, "FORBIDDEN");

    const log = await admin.client.op("AuditLog", { first: 5 });
    const entry = log.data.auditLog.edges[0].node;
    assert.equal(entry.action, "user.role_changed");
    assert.equal(entry.resourceType, "User");
    assert.equal(entry.resourceId, student.user.id);
    assert.deepEqual(entry.actor, { id: admin.user.id, displayName: "Admin" });
    const denyLog = await student.client.op("AuditLog", {});
    assert.equal(denyLog.errors?.[0].extensions?.code, "FORBIDDEN");
  });

  it("pages the user directory by cursor, filtered by role, stable while accounts are added", async () => {
    const admin = await registerAdmin(stack);
    const marketers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const account = await register(stack, { displayName: `Marketer ${i}` });
      await admin.client.op("SetUserRole", { userId: account.user.id, role: "MARKETER" });
      marketers.push(account.user.id);
    }
    const page1 = await admin.client.op("UserDirectory", { first: 2, role: "MARKETER" });
    assert.equal(page1.data.users.totalCount, 5);
    assert.equal(page1.data.users.pageInfo.hasNextPage, true);
    // Rows added between page requests must neither repeat nor push rows off the next page.
    const late = await register(stack, { displayName: "Late marketer" });
    await admin.client.op("SetUserRole", { userId: late.user.id, role: "MARKETER" });
    const seen = page1.data.users.edges.map((edge: any) => edge.node.id);
    let cursor = page1.data.users.pageInfo.endCursor;
    for (;;) {
      const page = await admin.client.op("UserDirectory", { first: 2, after: cursor, role: "MARKETER" });
      seen.push(...page.data.users.edges.map((edge: any) => edge.node.id));
      if (!page.data.users.pageInfo.hasNextPage) break;
      cursor = page.data.users.pageInfo.endCursor;
    }
    assert.deepEqual(seen, [...marketers, late.user.id]);
    const tooMany = await admin.client.op("UserDirectory", { first: 1000 });
    assert.equal(tooMany.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    const badCursor = await admin.client.op("UserDirectory", { first: 2, after: "garbage" });
    assert.equal(badCursor.errors?.[0].extensions?.code, "BAD_USER_INPUT");
  });

  it("resolves audit actors with one batched query, whatever the page size", async () => {
    const admin = await registerAdmin(stack);
    const actors = [];
    for (let i = 0; i < 50; i++) actors.push(await register(stack, { displayName: `Actor ${i}` }));
    const statements = async (first: number) => {
      stack.sql("users").reset();
      const response = await admin.client.op("AuditLog", { first });
      assert.equal(response.errors, undefined);
      assert.equal(response.data.auditLog.edges.length, first);
      assert.ok(response.data.auditLog.edges.every((edge: any) => edge.node.actor?.displayName));
      return stack.sql("users").value;
    };
    const atFive = await statements(5);
    const atFifty = await statements(50);
    assert.equal(atFifty, atFive, `SQL statements at 5 entries: ${atFive}, at 50: ${atFifty}`);
    assert.ok(atFive <= 4, `session check, page, count and one actor batch: got ${atFive}`);
  });

  it("creates an API key whose secret is shown once and stored only as a hash", async () => {
    const owner = await register(stack);
    const created = await owner.client.op("CreateApiKey", { input: { name: "Partner CRM", scopes: ["users:read", "leads:write"] } });
    assert.equal(created.errors, undefined);
    const { secret, apiKey } = created.data.createApiKey;
    assert.match(secret, /^solo_[0-9a-f]{32}_[\w-]{43}$/);
    assert.deepEqual(
      { name: apiKey.name, scopes: apiKey.scopes, lastUsedAt: apiKey.lastUsedAt },
      {
        name: "Partner CRM",
        scopes: ["users:read", "leads:write"],
        lastUsedAt: null,
      },
    );
    const row = await stack.db.query("select * from users.api_keys where id = $1", [apiKey.id]);
    const randomPart = secret.slice("solo_".length + 32 + 1); // base64url: it may itself contain "_"
    assert.equal(randomPart.length, 43);
    assert.ok(!JSON.stringify(row.rows[0]).includes(randomPart), "the secret is not stored");

    const listed = await owner.client.op("MyApiKeys");
    assert.deepEqual(Object.keys(listed.data.me.apiKeys[0]).sort(), ["createdAt", "id", "lastUsedAt", "name", "revokedAt", "scopes"]);
    assert.ok(!JSON.stringify(listed).includes(secret), "listing never shows the secret");

    const audit = await stack.db.query("select action from users.audit_log where resource_id = $1", [apiKey.id]);
    assert.deepEqual(
      audit.rows.map((r) => r.action),
      ["api_key.created"],
    );
  });

  it("authenticates with an API key (header or bearer), enforces scopes and the owner's role, records lastUsedAt", async () => {
    const owner = await register(stack);
    const { secret, apiKey } = (await owner.client.op("CreateApiKey", { input: { name: "reader", scopes: ["users:read"] } })).data.createApiKey;
    const viaHeader = await stack.client({ apiKey: secret }).request("{ me { id email } }");
    assert.deepEqual(viaHeader.data.me, { id: owner.user.id, email: owner.email });
    const viaBearer = await stack.client({ token: secret }).request("{ me { id } }");
    assert.equal(viaBearer.data.me.id, owner.user.id);

    const stored = await stack.db.query("select last_used_at from users.api_keys where id = $1", [apiKey.id]);
    assert.ok(stored.rows[0].last_used_at instanceof Date);

    // users:write is not among its scopes; admin-only fields need the owner to be an admin.
    const write = await stack.client({ apiKey: secret }).request(`mutation { updateProfile(input: { displayName: "x" }) { id } }`);
    assert.equal(write.errors?.[0].extensions?.code, "FORBIDDEN");
    const directory = await stack.client({ apiKey: secret }).op("UserDirectory", { first: 1 });
    assert.equal(directory.errors?.[0].extensions?.code, "FORBIDDEN");
    // Keys cannot mint keys.
    const mint = await stack.client({ apiKey: secret }).op("CreateApiKey", { input: { name: "child", scopes: ["users:read"] } });
    assert.equal(mint.errors?.[0].extensions?.code, "FORBIDDEN");
  });

  it("revokes a key at once, for its owner only", async () => {
    const owner = await register(stack);
    const stranger = await register(stack);
    const { secret, apiKey } = (await owner.client.op("CreateApiKey", { input: { name: "temp", scopes: ["users:read"] } })).data.createApiKey;
    const notYours = await stranger.client.op("RevokeApiKey", { id: apiKey.id });
    assert.equal(notYours.errors?.[0].extensions?.code, "NOT_FOUND");

    const revoked = await owner.client.op("RevokeApiKey", { id: apiKey.id });
    assert.equal(revoked.data.revokeApiKey.id, apiKey.id);
    assert.ok(revoked.data.revokeApiKey.revokedAt);
    const use = await stack.client({ apiKey: secret }).request("{ me { id } }");
    assert.equal(use.status, 401);
    assert.equal(use.errors?.[0].extensions?.code, "UNAUTHENTICATED");

    const before = await tableSnapshot(stack, "users");
    const again = await owner.client.op("RevokeApiKey", { id: apiKey.id });
    assert.equal(again.data.revokeApiKey.revokedAt, revoked.data.revokeApiKey.revokedAt);
    assert.deepEqual(await tableSnapshot(stack, "users"), before, "revoking twice changes nothing");
  });

  it("refuses unknown scopes and blank names without creating anything", async () => {
    const owner = await register(stack);
    const before = await tableSnapshot(stack, "users");
    const unknown = await owner.client.op("CreateApiKey", { input: { name: "x", scopes: ["users:read", "root:all"] } });
    assert.equal(unknown.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    assert.match(unknown.errors![0].message, /root:all/);
    const none = await owner.client.op("CreateApiKey", { input: { name: "x", scopes: [] } });
    assert.equal(none.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    const blank = await owner.client.op("CreateApiKey", { input: { name: "   ", scopes: ["users:read"] } });
    assert.equal(blank.errors?.[0].extensions?.code, "BAD_USER_INPUT");
    assert.deepEqual(await tableSnapshot(stack, "users"), before);
  });
});
