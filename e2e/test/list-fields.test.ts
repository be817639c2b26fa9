import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { projectRoot, subscriptionTopic } from "@solo/kit";
import { publishedTest, sit } from "../src/assessment-fixtures";
import { publishedCourse, registerWithRole, uploadReady } from "../src/content-fixtures";
import { contractListFields, itemsAt } from "../src/list-fields";
import type { LiveClient } from "../src/live";
import { connect, subscribe } from "../src/live";
import { connectAccount, postMetrics, uniqueHandle } from "../src/social-fixtures";
import type { GraphQLClient, GraphQLResponse, Stack } from "../src/stack";
import { contractOperation, register, registerAdmin, startStack } from "../src/stack";

/**
 * Lists whose cost at 5 and 50 items another test measures, with the contract operation or the
 * field it reads (this file checks that the test still reads it).
 */
const MEASURED_ELSEWHERE: Record<string, { file: string; reads: string }> = {
  "Leaderboard: leaderboard": { file: "e2e/test/assessments-batching.test.ts", reads: 'op("Leaderboard"' },
  "MyAttempts: me.attempts.edges": { file: "e2e/test/assessments-batching.test.ts", reads: 'op("MyAttempts"' },
  "CourseBySlug: course.lessons": { file: "e2e/test/content-batching.test.ts", reads: 'op("CourseBySlug"' },
  "CourseBySlug: course.lessons.media": { file: "e2e/test/content-batching.test.ts", reads: 'op("CourseBySlug"' },
  "CourseCatalog: courses.edges": { file: "e2e/test/content-batching.test.ts", reads: 'op("CourseCatalog"' },
  "Leads: leads.edges": { file: "e2e/test/leads-batching.test.ts", reads: "leads(" },
  "ScheduledPosts: scheduledPosts": { file: "e2e/test/social-batching.test.ts", reads: "scheduledPosts(" },
  "AccountAnalytics: accountAnalytics.topPosts": { file: "e2e/test/social-batching.test.ts", reads: "topPosts {" },
  "AuditLog: auditLog.edges": { file: "e2e/test/admin-and-keys.test.ts", reads: 'op("AuditLog"' },
};

/** Lists whose length the data cannot change: nothing to grow to 50. */
const FIXED_LENGTH: Record<string, string> = {
  "CreateUploadUrl: createUploadUrl.headers": "the headers the presigned PUT is signed with: the same two for every upload, built without SQL",
};

/** Seeds `n` items in each list it names, afresh, and returns who reads them and how. */
interface Scenario {
  lists: string[];
  /** How many items `n` seeded items make in each list: `n` unless a list stops at a default length. */
  length?: (n: number) => number;
  prepare(n: number): Promise<{ reader: GraphQLClient; read: () => Promise<GraphQLResponse> }>;
}

const ok = (response: GraphQLResponse) => {
  assert.equal(response.errors, undefined, JSON.stringify(response.errors));
  return response;
};

describe("every list field of the contract operations costs the same SQL at 5 and 50 items", () => {
  let stack: Stack;
  let admin: Awaited<ReturnType<typeof registerAdmin>>;
  let instructor: Awaited<ReturnType<typeof registerWithRole>>;
  let marketer: Awaited<ReturnType<typeof registerWithRole>>;
  const run = `${process.pid}x${Date.now().toString(36)}`;

  before(async () => {
    stack = await startStack();
    admin = await registerAdmin(stack);
    instructor = await registerWithRole(stack, "INSTRUCTOR", "Lister");
    marketer = await registerWithRole(stack, "MARKETER", "Lister");
    // The directory's page of 50 needs 50 accounts.
    for (let i = 0; i < 50; i++) await register(stack, { displayName: `Listed ${i}` });
  });
  const sockets: LiveClient[] = [];
  after(async () => {
    for (const socket of sockets) await socket.client.dispose();
    await stack?.close();
  });

  const scenarios: Record<string, Scenario> = {
    UserDirectory: {
      lists: ["UserDirectory: users.edges"],
      prepare: async (n) => ({ reader: admin.client, read: () => admin.client.op("UserDirectory", { first: n }) }),
    },
    MyApiKeys: {
      lists: ["MyApiKeys: me.apiKeys"],
      prepare: async (n) => {
        const owner = await register(stack);
        for (let i = 0; i < n; i++) ok(await owner.client.op("CreateApiKey", { input: { name: `key ${i}`, scopes: ["users:read"] } }));
        return { reader: owner.client, read: () => owner.client.op("MyApiKeys") };
      },
    },
    MyCourses: {
      lists: ["MyCourses: me.authoredCourses"],
      prepare: async (n) => {
        const author = await registerWithRole(stack, "INSTRUCTOR", "Author");
        for (let i = 0; i < n; i++) {
          const course = ok(await author.client.op("CreateCourse", { input: { title: `Course ${i}`, description: "d", level: "BEGINNER" } })).data.createCourse;
          ok(await author.client.op("AddLesson", { courseId: course.id, input: { title: "L", body: "b", durationMinutes: 5 } }));
        }
        return { reader: author.client, read: () => author.client.op("MyCourses") };
      },
    },
    MockTests: {
      lists: ["MockTests: mockTests.edges"],
      prepare: async (n) => {
        const course = await publishedCourse(instructor.client, `Tests ${n} ${run}`);
        for (let i = 0; i < n; i++) await publishedTest(instructor.client, [{ correctOption: 0 }], { title: `Test ${i}`, courseId: course.id });
        const reader = stack.client();
        return { reader, read: () => reader.op("MockTests", { courseId: course.id, first: n }) };
      },
    },
    ReadingMaterials: {
      lists: ["ReadingMaterials: readingMaterials.edges"],
      prepare: async (n) => {
        const topic = `topic-${n}-${run}`;
        for (let i = 0; i < n; i++) {
          ok(await instructor.client.op("CreateReadingMaterial", { input: { title: `Material ${i}`, kind: "ARTICLE", topic, body: "Read me." } }));
        }
        const reader = stack.client();
        return { reader, read: () => reader.op("ReadingMaterials", { topic, first: n }) };
      },
    },
    SearchContent: {
      lists: ["SearchContent: searchContent"],
      prepare: async (n) => {
        // Lessons, each read with its course (Lesson.course), all matching one made-up word.
        const word = `zq${n}${run.replace(/[^a-z]/g, "")}`;
        const course = ok(await instructor.client.op("CreateCourse", { input: { title: `Search ${n}`, description: "d", level: "BEGINNER" } })).data.createCourse;
        for (let i = 0; i < n; i++) ok(await instructor.client.op("AddLesson", { courseId: course.id, input: { title: `${word} ${i}`, body: "b", durationMinutes: 5 } }));
        ok(await instructor.client.op("PublishCourse", { id: course.id }));
        const reader = stack.client();
        return { reader, read: () => reader.op("SearchContent", { query: word, first: n }) };
      },
    },
    FlashcardDeck: {
      lists: ["FlashcardDeck: flashcardDeck.cards", "DueFlashcards: dueFlashcards"],
      prepare: async (n) => {
        const learner = await register(stack);
        const deck = ok(await learner.client.op("CreateFlashcardDeck", { input: { title: `Deck ${n}` } })).data.createFlashcardDeck;
        for (let i = 0; i < n; i++) ok(await learner.client.op("AddFlashcard", { deckId: deck.id, input: { front: `Q${i}`, back: `A${i}` } }));
        return {
          reader: learner.client,
          read: async () => {
            const [cards, due] = await Promise.all([
              learner.client.op("FlashcardDeck", { id: deck.id }),
              learner.client.op("DueFlashcards", { deckId: deck.id, first: n }),
            ]);
            return { ...cards, data: { ...ok(cards).data, ...ok(due).data } };
          },
        };
      },
    },
    SocialAccounts: {
      lists: ["SocialAccounts: socialAccounts"],
      prepare: async (n) => {
        const owner = await registerWithRole(stack, "MARKETER", "Accounts");
        for (let i = 0; i < n; i++) await connectAccount(owner.client, uniqueHandle(`list${i}`));
        return { reader: owner.client, read: () => owner.client.op("SocialAccounts") };
      },
    },
    RecordPostMetrics: {
      lists: ["RecordPostMetrics: recordPostMetrics"],
      prepare: async (n) => {
        const account = await connectAccount(marketer.client, uniqueHandle(`metrics${n}`));
        const posts = Array.from({ length: n }, (_, i) => postMetrics(`${run}-${n}-${i}`));
        return { reader: marketer.client, read: () => marketer.client.op("RecordPostMetrics", { accountId: account.id, posts }) };
      },
    },
    SetScoringWeights: {
      lists: ["SetScoringWeights: setScoringWeights"],
      prepare: async (n) => {
        const owner = await registerWithRole(stack, "MARKETER", "Weights");
        const weights = Array.from({ length: n }, (_, i) => ({ signal: `signal_${i}`, weight: 1 + i / 100 }));
        return { reader: owner.client, read: () => owner.client.op("SetScoringWeights", { weights }) };
      },
    },
    Lead: {
      lists: ["Lead: lead.signals", "Lead: lead.scoreHistory"],
      prepare: async (n) => {
        const owner = await registerWithRole(stack, "MARKETER", "Scorer");
        const signals = Array.from({ length: n }, (_, i) => ({ name: `signal_${i}`, value: (i + 1) / (n + 1) }));
        const lead = ok(await owner.client.op("CreateLead", { input: { name: `Signalled ${n}`, signals } })).data.createLead;
        const read = () => owner.client.op("Lead", { id: lead.id });
        // Rescoring by one signal, then by another, moves the score each time: one more point of its history.
        for (let round = 0; ok(await read()).data.lead.scoreHistory.length < n; round++) {
          assert.ok(round < 3 * n, "the history stopped growing");
          ok(await owner.client.op("SetScoringWeights", { weights: [{ signal: `signal_${round % 2}`, weight: 1 }] }));
          ok(await owner.client.op("RescoreLeads"));
        }
        return { reader: owner.client, read };
      },
    },
    StartAttempt: {
      lists: ["StartAttempt: startAttempt.test.questions"],
      prepare: async (n) => {
        const test = await publishedTest(
          instructor.client,
          Array.from({ length: n }, () => ({ correctOption: 1 })),
          { title: `Long test ${n}` },
        );
        const taker = await register(stack);
        return { reader: taker.client, read: () => taker.client.op("StartAttempt", { testId: test.id }) };
      },
    },
    SubmitAttempt: {
      lists: ["SubmitAttempt: submitAttempt.breakdown"],
      prepare: async (n) => {
        const test = await publishedTest(
          instructor.client,
          Array.from({ length: n }, (_, i) => ({ correctOption: 1, topic: `topic ${i}` })),
          { title: `Broad test ${n}` },
        );
        const taker = await register(stack);
        const attempt = ok(await taker.client.op("StartAttempt", { testId: test.id })).data.startAttempt;
        return { reader: taker.client, read: () => taker.client.op("SubmitAttempt", { attemptId: attempt.id }) };
      },
    },
    ImportLeads: {
      lists: ["ImportLeads: importLeads.errors"],
      prepare: async (n) => {
        const csv = ["name,email", ...Array.from({ length: n }, (_, i) => `Refused ${i},not-an-address-${i}`)].join("\n");
        const asset = await uploadReady(marketer.client, "LEAD_IMPORT", "text/csv", Buffer.from(csv));
        return { reader: marketer.client, read: () => marketer.client.op("ImportLeads", { assetId: asset.id }) };
      },
    },
    LeaderboardUpdated: {
      lists: ["LeaderboardUpdated: leaderboardUpdated"],
      // The board a subscriber follows is the leaderboard's first page: 10 places by default.
      length: (n) => Math.min(n, 10),
      prepare: async (n) => {
        const test = await publishedTest(instructor.client, [{ correctOption: 1 }], { title: `Board of ${n}` });
        for (let i = 0; i < n; i++) await sit((await register(stack, { displayName: `Sitter ${i}` })).client, test.id, test.questionIds, [i % 2]);
        const live = connect(stack.wsUrl);
        sockets.push(live);
        const board = subscribe(live, contractOperation("LeaderboardUpdated"), { testId: test.id });
        const changed = () => stack.events.publish(subscriptionTopic("leaderboardUpdated", { testId: test.id }), { at: new Date().toISOString() });
        // Events until the subscription (in place once the gateway took it) answers one: it is live.
        for (let tries = 0; !board.results.length && tries < 40; tries++) {
          await changed();
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        await board.next(1, 1_000);
        // What is measured: one event, and the gateway's re-read of the board for this subscriber.
        const read = async () => {
          const seen = board.results.length;
          await changed();
          const results = await board.next(seen + 1, 5_000);
          return { status: 200, headers: new Headers(), ...results[seen] } as GraphQLResponse;
        };
        return { reader: stack.client(), read };
      },
    },
    AccountAnalytics: {
      lists: ["AccountAnalytics: accountAnalytics.daily"],
      prepare: async (n) => {
        const account = await connectAccount(marketer.client, uniqueHandle(`daily${n}`));
        const days = Array.from({ length: n }, (_, i) => postMetrics(`${run}-daily-${n}-${i}`, { publishedAt: new Date(Date.now() - i * 86_400_000).toISOString() }));
        ok(await marketer.client.op("RecordPostMetrics", { accountId: account.id, posts: days }));
        return { reader: marketer.client, read: () => marketer.client.op("AccountAnalytics", { accountId: account.id, days: n }) };
      },
    },
  };

  it("lists every list field in exactly one place: measured here, measured elsewhere, or of a length no data changes", () => {
    const here = Object.values(scenarios).flatMap((scenario) => scenario.lists);
    const declared = [...here, ...Object.keys(MEASURED_ELSEWHERE), ...Object.keys(FIXED_LENGTH)];
    assert.deepEqual([...declared].sort(), contractListFields(), "each contract list field once, in one table");
    for (const [list, { file, reads }] of Object.entries(MEASURED_ELSEWHERE)) {
      assert.ok(fs.readFileSync(path.join(projectRoot(), file), "utf8").includes(reads), `${file} no longer reads ${list}`);
    }
  });

  for (const [name, scenario] of Object.entries(scenarios)) {
    it(`${name}: ${scenario.lists.map((list) => list.split(": ")[1]).join(", ")} at 5 and 50`, { timeout: 300_000 }, async () => {
      const cost = async (n: number) => {
        const { reader, read } = await scenario.prepare(n);
        // Its credentials are checked (and cached) first, as for any client past its first request.
        ok(await reader.request("{ __typename }"));
        let response!: GraphQLResponse;
        const measured = await stack.measure(async () => {
          response = ok(await read());
        });
        for (const list of scenario.lists)
          assert.equal(itemsAt(response.data, list.split(": ")[1]).length, scenario.length?.(n) ?? n, `${list}: ${JSON.stringify(response.data).slice(0, 300)}`);
        return measured;
      };
      const atFive = await cost(5);
      const atFifty = await cost(50);
      console.log(`${name}: at 5 ${JSON.stringify(atFive)}; at 50 ${JSON.stringify(atFifty)}`);
      assert.deepEqual(atFifty, atFive, `at 5: ${JSON.stringify(atFive)}; at 50: ${JSON.stringify(atFifty)}`);
    });
  }
});
