import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createTestDatabase } from "@solo/kit/dist/src/testing";
import { publishedTest, sit } from "@solo/e2e/dist/src/assessment-fixtures";
import { publishedCourse } from "@solo/e2e/dist/src/content-fixtures";
import { startTestObjectStore } from "@solo/e2e/dist/src/object-store";
import type { Service } from "@solo/e2e/dist/src/processes";
import { freePort, startService, startSubgraphProcesses, stopService } from "@solo/e2e/dist/src/processes";
import { GraphQLClient, PASSWORD, VERIFY_EMAIL, mailTo, uniqueEmail } from "@solo/e2e/dist/src/stack";
import { startMailCatcher } from "@solo/tools/dist/src/mail-catcher";
import { benchPlatformEnv } from "./platform-env";

const LESSONS = 12;
export const MATERIALS = 20;
export const LEADERBOARD = 20;

/** A course with lessons and materials, a mock test sat by students: what the benchmarks read. */
async function seed(gatewayUrl: string, adminEmail: string) {
  const anonymous = new GraphQLClient(gatewayUrl);
  const signUp = async (displayName: string, email = uniqueEmail("bench")) => {
    const response = await anonymous.op("Register", { input: { email, password: PASSWORD, displayName } });
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data.register as { accessToken: string; user: { id: string } };
  };
  await signUp("Bench Admin", adminEmail);
  const { token } = await mailTo({ origin: new URL(gatewayUrl).origin }, adminEmail, /Confirm your email/);
  if ((await anonymous.request(VERIFY_EMAIL, { token })).errors) throw new Error("the admin's email was not verified");
  const admin = (await anonymous.op("Login", { email: adminEmail, password: PASSWORD })).data.login as { accessToken: string };
  const teacher = await signUp("Bench Teacher");
  const role = await new GraphQLClient(gatewayUrl, { token: admin.accessToken }).op("SetUserRole", { userId: teacher.user.id, role: "INSTRUCTOR" });
  if (role.errors) throw new Error(JSON.stringify(role.errors));
  const teach = new GraphQLClient(gatewayUrl, { token: teacher.accessToken });
  const course = await publishedCourse(teach, "Bench Constitutional Law", { lessons: LESSONS, tags: ["law", "bench"] });
  for (let i = 1; i <= MATERIALS; i++) {
    const created = await teach.op("CreateReadingMaterial", { input: { title: `Bench digest ${i}`, kind: "GK_DIGEST", topic: "polity", body: `Digest ${i}` } });
    if (created.errors) throw new Error(JSON.stringify(created.errors));
  }
  const test = await publishedTest(teach, [{ correctOption: 0 }, { correctOption: 1 }, { correctOption: 2 }], { title: "Bench mock", courseId: course.id });
  const students = [];
  for (let i = 0; i < LEADERBOARD; i++) {
    const student = await signUp(`Bench Student ${i + 1}`);
    await sit(new GraphQLClient(gatewayUrl, { token: student.accessToken }), test.id, test.questionIds, [0, i % 2, i % 3 === 0 ? 2 : null]);
    students.push(student);
  }
  return { course, test, student: students[0] };
}

/**
 * Every subgraph and our gateway as processes of their own, over a database, object store and
 * mail catcher of the run's own, seeded through the gateway; with `peers`, stock @apollo/gateway
 * and Hive Gateway too, over the same subgraphs. `close()` stops and removes all of it.
 */
export async function startBenchPlatform(options: { peers: boolean; name: string; responseCache?: boolean }) {
  process.env.TEST_DATABASE_URL ??= process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const database = await createTestDatabase(options.name);
  const store = await startTestObjectStore();
  const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-bench-mail-"));
  const mail = await startMailCatcher({ port: 0, mailboxPath: path.join(mailDir, "mailbox.jsonl") });
  const services: Service[] = [];
  const close = async () => {
    for (const service of services.reverse()) await stopService(service, "SIGKILL");
    await mail.close();
    fs.rmSync(mailDir, { recursive: true, force: true });
    await store.close();
    await database.drop();
  };
  try {
    const adminEmail = uniqueEmail("bench-admin");
    const env: NodeJS.ProcessEnv = {
      ...benchPlatformEnv(database.url, store),
      ADMIN_EMAILS: adminEmail,
      SMTP_URL: mail.smtpUrl,
      DEV_MAILBOX_PATH: mail.mailboxPath,
      NODE_ENV: "development",
      EVENT_BUS_NAMESPACE: `bench-${process.pid}`,
    };
    const subgraphs = await startSubgraphProcesses(env);
    services.push(...subgraphs.services);
    // Without its response cache, so that it is measured doing the peers' work; `cached` has it.
    const ours = await startService("gateway", "gateway/dist/src/index.js", await freePort(), { ...subgraphs.env, RESPONSE_CACHE: "false" });
    services.push(ours);
    // With its response cache, and with neither the cache nor in-flight sharing: every request fetched.
    const cached = options.responseCache
      ? {
          on: await startService("gateway, response cache", "gateway/dist/src/index.js", await freePort(), { ...subgraphs.env, RESPONSE_CACHE: "true" }),
          off: await startService("gateway, each request fetched", "gateway/dist/src/index.js", await freePort(), {
            ...subgraphs.env,
            RESPONSE_CACHE: "false",
            SHARE_IN_FLIGHT_QUERIES: "false",
          }),
        }
      : undefined;
    if (cached) services.push(cached.on, cached.off);
    const peers = options.peers
      ? {
          stock: await startService("stock @apollo/gateway", "bench/dist/src/peer-gateway.js", await freePort(), subgraphs.env, ["stock"]),
          hive: await startService("Hive Gateway", "bench/dist/src/peer-gateway.js", await freePort(), subgraphs.env, ["hive"]),
        }
      : undefined;
    if (peers) services.push(peers.stock, peers.hive);
    console.log("seeding: a course of %d lessons, %d reading materials, a mock test sat by %d students", LESSONS, MATERIALS, LEADERBOARD);
    const seeded = await seed(ours.url, adminEmail);
    return { database, store, subgraphs, ours, cached, peers, seeded, close };
  } catch (error) {
    await close();
    throw error;
  }
}
