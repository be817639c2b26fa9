import crypto from "node:crypto";
import { createLogger, eventBusNamespace, jobNames, loadSubgraph, runSubgraph, signIdentity, signServiceToken } from "@solo/kit";
import type { RunningSubgraph } from "@solo/kit";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { Client } from "pg";
import type { RunningRegistry } from "../src/app";
import { startRegistry } from "../src/app";
import { RegistryClient } from "../src/client";
import type { RegistryConfig } from "../src/config";

export interface TestRegistry {
  registry: RunningRegistry;
  /** A client with a platform service token (both scopes), or with `apiKey`. */
  client: (apiKey?: string) => RegistryClient;
  db: Client;
  users?: RunningSubgraph;
  /** Rows per registry table: "nothing was stored" is every count unchanged. */
  counts: () => Promise<Record<string, number>>;
  close: () => Promise<void>;
}

/** A registry on a database of its own, in-process on a free port; with `users`, a real users subgraph verifies its API keys. */
export async function startTestRegistry(options: { users?: boolean; config?: Partial<RegistryConfig> } = {}): Promise<TestRegistry> {
  const database = await createTestDatabase("registry");
  const logger = createLogger("test");
  let users: RunningSubgraph | undefined;
  if (options.users) {
    const descriptor = loadSubgraph("users");
    users = await runSubgraph(descriptor, {
      databaseUrl: database.url,
      logger,
      port: 0,
      jobIntervalsMs: Object.fromEntries(jobNames(descriptor).map((job) => [job, 0])),
    });
  }
  const registry = await startRegistry(
    {
      port: 0,
      host: "127.0.0.1",
      databaseUrl: database.url,
      usersUrl: users?.url,
      redisUrl: process.env.REDIS_URL,
      eventBusNamespace: `test-${crypto.randomUUID()}-${eventBusNamespace()}`,
      minDelaySeconds: 1,
      checkUsageDays: 30,
      ...options.config,
    },
    logger,
  );
  const db = new Client({ connectionString: database.url });
  await db.connect();
  return {
    registry,
    users,
    db,
    client: (apiKey) => new RegistryClient({ url: registry.url, apiKey }),
    counts: async () => {
      const tables = await db.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = 'registry' and table_name <> 'migrations' order by 1",
      );
      const counts: Record<string, number> = {};
      for (const { table_name } of tables.rows) counts[table_name] = (await db.query<{ n: number }>(`select count(*)::int as n from registry."${table_name}"`)).rows[0].n;
      return counts;
    },
    close: async () => {
      await db.end();
      await registry.close();
      await users?.close();
      await database.drop();
    },
  };
}

/** Sends a GraphQL request to the users subgraph as the gateway would, for `identity`. */
async function usersGraphql(users: RunningSubgraph, query: string, variables: Record<string, unknown>, identity: Parameters<typeof signIdentity>[0]) {
  const response = await fetch(users.url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-solo-identity": await signIdentity(identity) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors) throw new Error(`users subgraph: ${JSON.stringify(body.errors)}`);
  return body.data!;
}

/**
 * An ADMIN (registered through the users subgraph's GraphQL; made ADMIN in its table, as ADMIN_EMAILS
 * would after a verified address) and a function that creates API keys as that ADMIN.
 */
export async function adminWithKeys(users: RunningSubgraph, db: Client) {
  const email = `admin.${crypto.randomUUID()}@example.test`;
  const registered = await usersGraphql(
    users,
    "mutation ($input: RegisterInput!) { register(input: $input) { user { id } } }",
    { input: { email, password: "correct horse battery staple", displayName: "Admin" } },
    { kind: "anonymous" },
  );
  const userId = registered.register.user.id as string;
  await db.query("update users.users set role = 'ADMIN' where id = $1", [userId]);
  const admin = { kind: "user" as const, userId, role: "ADMIN" as const, sessionId: crypto.randomUUID() };
  return {
    userId,
    createKey: async (input: { scopes: string[]; variant?: string; trustedDocumentsOnly?: boolean }): Promise<string> => {
      const data = await usersGraphql(
        users,
        "mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }",
        { input: { name: "registry test", ...input } },
        admin,
      );
      return data.createApiKey.secret as string;
    },
  };
}

/** A raw HTTP call to the registry as a platform service: status, error code (or null) and the body (JSON when it is JSON). */
export interface CallAnswer {
  status: number;
  code: string | null;
  body: any;
  headers: globalThis.Headers;
}

export function serviceCaller(registry: RunningRegistry) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<CallAnswer> => {
    const response = await fetch(`${registry.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await signServiceToken("registry-test")}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = response.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : text;
    return { status: response.status, code: (json?.error?.code as string | undefined) ?? null, body: json, headers: response.headers };
  };
}
