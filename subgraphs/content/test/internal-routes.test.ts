import "reflect-metadata";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Client } from "pg";
import type { Identity, RunningSubgraph } from "@solo/kit";
import { IDENTITY_HEADER, callInternal, runSubgraph, signIdentity } from "@solo/kit";
import { createTestDatabase, internalRouteProbe } from "@solo/kit/dist/src/testing";
import { LOOKUP_MAX_IDS, UploadPurpose, contentLookupRoute, verifyAssetRoute } from "../src/internal-api";
import content from "../src/subgraph";

describe("content's internal routes, as declared", () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let service: RunningSubgraph;
  let db: Client;
  const instructor: Identity = { kind: "user", userId: randomUUID(), role: "INSTRUCTOR", sessionId: randomUUID() };
  const stranger: Identity = { kind: "user", userId: randomUUID(), role: "STUDENT", sessionId: randomUUID() };
  let courseId: string;
  const avatarId = randomUUID();

  before(async () => {
    database = await createTestDatabase("content_internal");
    service = await runSubgraph(content, { databaseUrl: database.url });
    db = new Client({ connectionString: database.url });
    await db.connect();
    const headers = { "content-type": "application/json", [IDENTITY_HEADER]: await signIdentity(instructor) };
    const created = await fetch(service.url, {
      method: "POST",
      headers,
      body: JSON.stringify({
        query: `mutation($input: CreateCourseInput!) { createCourse(input: $input) { id } }`,
        variables: { input: { title: "A draft", description: "d", level: "BEGINNER" } },
      }),
    });
    courseId = ((await created.json()) as any).data.createCourse.id;
    // A completed upload, as the upload flow leaves one (the flow itself is the uploads e2e test's).
    await db.query(
      `insert into content.media_assets (id, owner_id, key, purpose, filename, content_type, size_bytes, status, created_at, completed_at)
       values ($1, $2, $3, 'AVATAR', 'me.png', 'image/png', 10, 'READY', now(), now())`,
      [avatarId, instructor.userId, `users/${instructor.userId}/avatar/${avatarId}`],
    );
  });
  after(async () => {
    await db.end();
    await service.close();
    await database.drop();
  });

  /** Raw bodies, as a platform service would send them; refusals change no table. */
  const post = (path: string, body: string) => internalRouteProbe(service.url, db, "content").post(path, body);
  const refusesEach = (path: string, cases: [unknown, RegExp][]) => internalRouteProbe(service.url, db, "content").refusesEach(path, cases);

  it("/internal/assets/verify: a completed upload of that owner and purpose, else 404; 400 for a malformed body", async () => {
    const ask = (body: { assetId: string; ownerId: string; purpose: UploadPurpose }) => callInternal(verifyAssetRoute, service.url, body, { caller: "test" });
    assert.deepEqual(await ask({ assetId: avatarId, ownerId: instructor.userId, purpose: UploadPurpose.AVATAR }), { status: 200, body: { id: avatarId } });
    const notFound = { status: 404, error: "no such completed upload of that owner and purpose" };
    assert.deepEqual(await ask({ assetId: avatarId, ownerId: stranger.userId, purpose: UploadPurpose.AVATAR }), notFound);
    assert.deepEqual(await ask({ assetId: avatarId, ownerId: instructor.userId, purpose: UploadPurpose.COURSE_COVER }), notFound);
    const valid = { assetId: avatarId, ownerId: instructor.userId, purpose: "AVATAR" };
    await refusesEach(verifyAssetRoute.path, [
      [{}, /assetId: Invalid input: expected string, received undefined; ownerId: .*; purpose: /],
      [{ ...valid, assetId: 12 }, /^[^;]*assetId: Invalid input: expected string, received number$/],
      [{ ...valid, ownerId: "someone" }, /ownerId: must be a UUID/],
      [{ ...valid, purpose: "avatar" }, /purpose: Invalid option: expected one of "AVATAR"\|"COURSE_COVER"/],
      [{ ...valid, purpose: ["AVATAR"] }, /purpose: Invalid option/],
      [{ ...valid, assetId: `${avatarId}${"0".repeat(3_000)}` }, /assetId: must be a UUID/],
    ]);
    const huge = await post(verifyAssetRoute.path, JSON.stringify({ ...valid, filler: "x".repeat(5_000) }));
    assert.equal(huge.status, 413, "its 4 KiB body limit holds");
  });

  it("/internal/lookup: what the caller may see, 403 for a key without content:read; 400 for a malformed body", async () => {
    const lookup = (identity: Identity) => callInternal(contentLookupRoute, service.url, { courseIds: [courseId] }, { caller: "test", actingFor: identity });
    const own = await lookup(instructor);
    assert.equal(own.status, 200);
    assert.deepEqual(
      own.body.courses.map(({ id, status, editable, lessonCount }) => ({ id, status, editable, lessonCount })),
      [{ id: courseId, status: "DRAFT", editable: true, lessonCount: 0 }],
    );
    assert.deepEqual(await lookup(stranger), { status: 200, body: { courses: [], lessons: [], cards: [], decks: [] } }, "a draft is not the stranger's to see");
    const keyWithout: Identity = { kind: "apiKey", apiKeyId: randomUUID(), userId: instructor.userId, role: "INSTRUCTOR", scopes: ["users:read"] };
    assert.deepEqual(await lookup(keyWithout), { status: 403, error: 'this API key lacks the scope "content:read"' });

    await refusesEach(contentLookupRoute.path, [
      [{ courseIds: courseId }, /^[^;]*courseIds: Invalid input: expected array, received string$/],
      [{ courseIds: [courseId], lessonIds: [1] }, /lessonIds\[0\]: Invalid input: expected string, received number/],
      [{ deckIds: ["not-a-uuid"] }, /deckIds\[0\]: must be a UUID/],
      [{ cardIds: ["c".repeat(60_000)] }, /cardIds\[0\]: must be a UUID/],
      [{ courseIds: Array.from({ length: LOOKUP_MAX_IDS + 1 }, () => courseId) }, /courseIds: Too big: expected array to have <=500 items/],
    ]);
  });
});
