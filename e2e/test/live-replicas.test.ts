import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { subgraphUrlVariable } from "@solo/kit";
import { startBackingServices } from "../src/backing-services";
import type { Service } from "../src/processes";
import { freePort, startService, startSubgraphProcess, startSubgraphProcesses, stopService } from "../src/processes";
import { GraphQLClient, PASSWORD, VERIFY_EMAIL, contractOperation, mailTo, uniqueEmail } from "../src/stack";
import { connect, subscribe } from "../src/live";

/**
 * Real processes: users, content, two assessments replicas and two gateways (each gateway routing
 * to its own replica). A change made through one replica reaches subscribers on both gateways,
 * over each event-bus backend; a gateway stopped with SIGTERM closes its sockets with 1001 and the
 * client carries on at the other.
 */
for (const backend of ["postgres", "redis"] as const) {
  describe(`live updates across replicas (${backend})`, { skip: backend === "redis" && !process.env.REDIS_URL && "REDIS_URL is not set" }, () => {
    const services: Service[] = [];
    const cleanups: (() => Promise<void>)[] = [];
    after(async () => {
      for (const service of services.reverse()) await stopService(service, "SIGKILL");
      for (const cleanup of cleanups) await cleanup();
    });

    it("reaches subscribers on both gateways, and survives a gateway stopping", { timeout: 120_000 }, async () => {
      const { database, store, mail } = await startBackingServices(`live_${backend}`, cleanups);
      const [a2, g1, g2] = await Promise.all(Array.from({ length: 3 }, () => freePort()));
      const adminEmail = uniqueEmail("live-admin");
      const base: NodeJS.ProcessEnv = {
        ADMIN_EMAILS: adminEmail,
        DATABASE_URL: database.url,
        REDIS_URL: backend === "redis" ? process.env.REDIS_URL : "",
        S3_ENDPOINT: store.config.endpoint,
        S3_BUCKET: store.config.bucket,
        S3_ACCESS_KEY_ID: store.config.accessKeyId,
        S3_SECRET_ACCESS_KEY: store.config.secretAccessKey,
        RATE_LIMIT_ANONYMOUS: "100000",
        SMTP_URL: mail.smtpUrl,
        DEV_MAILBOX_PATH: mail.mailboxPath,
        NODE_ENV: "development",
      };
      // Every subgraph once, and a second assessments replica; each gateway routes to its own replica.
      const { services: subgraphs, env } = await startSubgraphProcesses(base);
      services.push(...subgraphs);
      const replica2 = await startSubgraphProcess("assessments", a2, env, "assessments-2");
      services.push(replica2);
      const routeAssessments = subgraphUrlVariable("assessments");
      const gateway1 = await startService("gateway-1", "gateway/dist/src/index.js", g1, env);
      const gateway2 = await startService("gateway-2", "gateway/dist/src/index.js", g2, { ...env, [routeAssessments]: replica2.url });
      services.push(gateway1, gateway2);

      // An admin makes an instructor, who publishes a course; a student studies it (all through gateway 1).
      const anonymous = new GraphQLClient(gateway1.url);
      const signUp = async (displayName: string, email = uniqueEmail()) => {
        const response = await anonymous.op("Register", { input: { email, password: PASSWORD, displayName } });
        if (response.errors) throw new Error(JSON.stringify(response.errors));
        return response.data.register as { accessToken: string; user: { id: string; role: string } };
      };
      await signUp("Admin", adminEmail);
      // ADMIN once the address is proven: the token from the mail, as GET /dev/mail shows it.
      const { token } = await mailTo({ origin: new URL(gateway1.url).origin }, adminEmail, /Confirm your email/);
      assert.deepEqual((await anonymous.request(VERIFY_EMAIL, { token })).data, { verifyEmail: true });
      const admin = (await anonymous.op("Login", { email: adminEmail, password: PASSWORD })).data.login as { accessToken: string; user: { role: string } };
      assert.equal(admin.user.role, "ADMIN");
      const teacher = await signUp("Teacher");
      // Each step's errors in full when it fails: a bare null says nothing about which service refused.
      const succeeded = (response: { data?: any; errors?: unknown[] }): any => {
        if (response.errors) throw new Error(JSON.stringify(response.errors));
        return response.data;
      };
      succeeded(await new GraphQLClient(gateway1.url, { token: admin.accessToken }).op("SetUserRole", { userId: teacher.user.id, role: "INSTRUCTOR" }));
      const teach = new GraphQLClient(gateway1.url, { token: teacher.accessToken });
      const course = succeeded(await teach.op("CreateCourse", { input: { title: "Replicated", description: "x", level: "BEGINNER" } })).createCourse;
      await teach.op("AddLesson", { courseId: course.id, input: { title: "One", body: "b", durationMinutes: 5 } });
      await teach.op("PublishCourse", { id: course.id });

      const student = await signUp("Replica Student");
      const viaGateway1 = new GraphQLClient(gateway1.url, { token: student.accessToken });
      const viaGateway2 = new GraphQLClient(gateway2.url, { token: student.accessToken });
      const sessionId = (await viaGateway1.op("StartStudySession", { input: { courseId: course.id } })).data.startStudySession.id;

      const live1 = connect(gateway1.url.replace("http", "ws"), { authorization: `Bearer ${student.accessToken}` });
      const live2 = connect(gateway2.url.replace("http", "ws"), { authorization: `Bearer ${student.accessToken}` });
      const on1 = subscribe(live1, contractOperation("StudySessionUpdated"), { sessionId });
      const on2 = subscribe(live2, contractOperation("StudySessionUpdated"), { sessionId });
      await new Promise((resolve) => setTimeout(resolve, 400));

      // Through replica 1 (gateway 1), then through replica 2 (gateway 2): both gateways hear both.
      await viaGateway1.op("RecordStudyProgress", { sessionId, input: { progressPercent: 10, addFocusSeconds: 0 } });
      await Promise.all([on1.next(1, 1_000), on2.next(1, 1_000)]);
      await viaGateway2.op("RecordStudyProgress", { sessionId, input: { progressPercent: 20, addFocusSeconds: 0 } });
      const [seen1, seen2] = await Promise.all([on1.next(2, 1_000), on2.next(2, 1_000)]);
      for (const seen of [seen1, seen2]) {
        assert.deepEqual(
          seen.map((result) => result.data.studySessionUpdated.progressPercent),
          [10, 20],
        );
        assert.equal(seen[1].data.studySessionUpdated.user.displayName, "Replica Student");
      }

      // Gateway 1 goes away: its socket closes with 1001; the client carries on at gateway 2.
      assert.equal(await stopService(gateway1), 0, gateway1.output());
      assert.equal((await live1.closed).code, 1001);
      const again = connect(gateway2.url.replace("http", "ws"), { authorization: `Bearer ${student.accessToken}` });
      const resumed = subscribe(again, contractOperation("StudySessionUpdated"), { sessionId });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await viaGateway2.op("RecordStudyProgress", { sessionId, input: { progressPercent: 30, addFocusSeconds: 0 } });
      const [after] = await resumed.next(1, 1_000);
      assert.equal(after.data.studySessionUpdated.progressPercent, 30);
      for (const live of [live1, live2, again]) await live.client.dispose();
    });
  });
}
