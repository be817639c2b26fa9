import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { gatewayConfigFromEnv } from "@solo/gateway";
import { readLiveFields } from "@solo/gateway/dist/src/live-fields";
import { loadSubgraph, projectRoot, readSubgraphs, subscriptionTopic } from "@solo/kit";
import type { GraphQLInputType, OperationDefinitionNode } from "graphql";
import { Kind, OperationTypeNode, buildSchema, parse, print, typeFromAST, validate, visit } from "graphql";
import { publishedTest } from "../src/assessment-fixtures";
import { publishedCourse, uploadReady } from "../src/content-fixtures";
import type { Replacement } from "../src/hostile-values";
import { hostileReplacements, replaceAt, requestBody } from "../src/hostile-values";
import type { Received } from "../src/live";
import { connect, subscribe } from "../src/live";
import { connectAccount, devToken, postMetrics, socialMedia, uniqueHandle } from "../src/social-fixtures";
import type { GraphQLResponse, Stack } from "../src/stack";
import { PASSWORD, register, registerAdmin, startStack, tableSnapshot, uniqueEmail } from "../src/stack";

/**
 * Every contract operation the API serves, with each of its values (variables and input fields,
 * recursively) replaced in turn by hostile values of its type: no answer may be an internal error
 * or an HTTP 5xx, every error carries a code, and a refused mutation leaves every subgraph's schema
 * exactly as it was.
 */

interface FuzzedOperation {
  name: string;
  kind: OperationDefinitionNode["operation"];
  text: string;
  variables: { name: string; type: GraphQLInputType; required: boolean; argument: string }[];
}

/** The contract operations that validate against the API schema (the others are not served yet). */
const { maxWsMessageBytes } = gatewayConfigFromEnv();

/** How long a subscribe may take to answer, with an error or its first event, on a loaded machine. */
const ANSWER_BOUND_MS = 30_000;

/**
 * What a refused call may still write, on purpose: a failed login counts against its email (the
 * per-account guessing limit), and nothing else.
 */
const BOOKKEEPING: Record<string, string[]> = { Login: ["users.login_failures"] };

/** The secrets among the values (`field.argument`, then input fields): any character but NUL may be part of one. */
const SECRETS = new Set(["login.password", "register.input.password", "refreshSession.refreshToken"]);

function servedOperations(): FuzzedOperation[] {
  const root = projectRoot();
  const schema = buildSchema(fs.readFileSync(path.join(root, "schema", "api.graphql"), "utf8"));
  const dir = path.join(root, "clients", "operations");
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith(".graphql"))
    .sort()
    .flatMap((file) => parse(fs.readFileSync(path.join(dir, file), "utf8")).definitions)
    .filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)
    .filter((operation) => validate(schema, { kind: Kind.DOCUMENT, definitions: [operation] }).length === 0)
    .map((operation) => ({
      name: operation.name!.value,
      kind: operation.operation,
      text: print(operation),
      variables: (operation.variableDefinitions ?? []).map((definition) => ({
        name: definition.variable.name.value,
        type: typeFromAST(schema, definition.type as never) as GraphQLInputType,
        required: definition.type.kind === Kind.NON_NULL_TYPE && !definition.defaultValue,
        argument: argumentOf(operation, definition.variable.name.value),
      })),
    }));
}

/** `field.argument` that a variable feeds, e.g. `addLesson.courseId`: what a valid value must be. */
function argumentOf(operation: OperationDefinitionNode, variable: string): string {
  let found = "";
  const fields: string[] = [];
  visit(operation, {
    Field: { enter: (node) => void fields.push(node.name.value), leave: () => void fields.pop() },
    Argument(node) {
      if (node.value.kind === Kind.VARIABLE && node.value.name.value === variable) found = `${fields.at(-1)}.${node.name.value}`;
    },
  });
  return found;
}

type Fixtures = Awaited<ReturnType<typeof makeFixtures>>;

async function makeFixtures(stack: Stack) {
  const admin = await registerAdmin(stack);
  const student = await register(stack, { displayName: "Fuzz Student" });
  const course = await publishedCourse(admin.client, "Fuzz course", { lessons: 2 });
  const lessonIds = (await admin.client.op("CourseBySlug", { slug: course.slug })).data.course.lessons.map((lesson: { id: string }) => lesson.id);
  const test = await publishedTest(admin.client, [{ correctOption: 1 }, { correctOption: 2, topic: "logic" }], { courseId: course.id });
  const attempt = (await admin.client.op("StartAttempt", { testId: test.id })).data.startAttempt;
  const deck = (await admin.client.op("CreateFlashcardDeck", { input: { title: "Fuzz deck" } })).data.createFlashcardDeck;
  const card = (await admin.client.op("AddFlashcard", { deckId: deck.id, input: { front: "Front", back: "Back" } })).data.addFlashcard;
  const cover = await uploadReady(admin.client, "COURSE_COVER", "image/png");
  const socialAccount = await connectAccount(admin.client);
  const postMedia = await socialMedia(admin.client);
  const campaign = (await admin.client.op("CreateCampaign", { input: { name: "Fuzz campaign", channel: "email", startsAt: new Date().toISOString() } })).data
    .createCampaign;
  const lead = (await admin.client.op("CreateLead", { input: { name: "Fuzz lead", email: uniqueEmail("lead"), campaignId: campaign.id } })).data.createLead;
  const leadExport = (await admin.client.op("ExportLeads", { format: "CSV" })).data.exportLeads;
  const leadCsv = await uploadReady(admin.client, "LEAD_IMPORT", "text/csv", Buffer.from(`name,email\nFuzz import,${uniqueEmail("import")}\n`));
  const fresh = {
    /** A draft course with a lesson (publishing it is the valid call). */
    draftCourse: async () => {
      const created = (await admin.client.op("CreateCourse", { input: { title: "Draft fuzz course", description: "Draft", level: "BEGINNER" } })).data.createCourse;
      await admin.client.op("AddLesson", { courseId: created.id, input: { title: "Draft lesson", body: "Body", durationMinutes: 5 } });
      return created.id as string;
    },
    /** A draft test with a question. */
    draftTest: async () => {
      const created = (await admin.client.op("CreateMockTest", { input: { title: "Draft fuzz test", durationMinutes: 30, negativeMarking: 0 } })).data.createMockTest;
      await admin.client.op("AddQuestion", {
        testId: created.id,
        input: { prompt: "Draft?", options: ["A", "B"], correctOption: 0, topic: "draft", difficulty: "EASY", marks: 1 },
      });
      return created.id as string;
    },
    /** An attempt in progress on a test of its own (one attempt per test is in progress at a time). */
    attempt: async () => {
      const own = await publishedTest(admin.client, [{ correctOption: 0 }]);
      return (await admin.client.op("StartAttempt", { testId: own.id })).data.startAttempt.id as string;
    },
    session: async () => (await admin.client.op("StartStudySession", { input: { courseId: course.id, lessonId: lessonIds[0] } })).data.startStudySession.id as string,
    apiKey: async () => (await admin.client.op("CreateApiKey", { input: { name: "Fuzz key", scopes: ["content:read"] } })).data.createApiKey.apiKey.id as string,
    refreshToken: async () => (await register(stack)).refreshToken as string,
    /** A connected account of the admin's (disconnecting it is the valid call). */
    socialAccount: async () => (await connectAccount(admin.client)).id,
    /** A post scheduled on the fixture's account (cancelling it is the valid call). */
    scheduledPost: async () => {
      const input = { accountId: socialAccount.id, caption: "To cancel", mediaAssetId: postMedia.id, scheduledFor: new Date(Date.now() + 3_600_000).toISOString() };
      return (await admin.client.op("SchedulePost", { input })).data.schedulePost.id as string;
    },
  };
  return { admin, student, course, lessonIds, test, attempt, deck, card, cover, socialAccount, postMedia, campaign, lead, leadExport, leadCsv, fresh };
}

/** Makes a value once per operation (the calls of one operation share it). */
type Once = <T>(key: string, make: () => Promise<T>) => Promise<T>;

function oncePerOperation(): Once {
  const made = new Map<string, Promise<unknown>>();
  return <T>(key: string, make: () => Promise<T>) => {
    if (!made.has(key)) made.set(key, make());
    return made.get(key) as Promise<T>;
  };
}

/**
 * Valid values of the arguments that need one, by `field.argument`, made for every call (a new
 * email for each registration) except what `once` keeps for the operation: a fixture that the
 * operation's own valid call uses up (publishes, submits, ends, revokes) is made for it alone.
 */
const validArguments: Record<string, (fixtures: Fixtures, once: Once) => unknown> = {
  "register.input": () => ({ email: uniqueEmail("fuzz"), password: PASSWORD, displayName: "Fuzz Person", timezone: "Asia/Kolkata" }),
  "login.email": (f) => f.student.email,
  "login.password": () => PASSWORD,
  "refreshSession.refreshToken": (f, once) => once("refreshToken", f.fresh.refreshToken),
  "updateProfile.input": () => ({ displayName: "Fuzz Admin", timezone: "Europe/London" }),
  "setUserRole.userId": (f) => f.student.user.id,
  "setUserRole.role": () => "STUDENT",
  "createApiKey.input": () => ({ name: "Fuzz partner", scopes: ["content:read"] }),
  "revokeApiKey.id": (f, once) => once("apiKey", f.fresh.apiKey),
  "createCourse.input": () => ({ title: "Fuzzed course", description: "About fuzzing", level: "BEGINNER", tags: ["fuzz"] }),
  "addLesson.courseId": (f, once) => once("draftCourse", f.fresh.draftCourse),
  "addLesson.input": () => ({ title: "Fuzzed lesson", body: "Lesson body\nwith two lines", durationMinutes: 10 }),
  "publishCourse.id": (f, once) => once("draftCourse", f.fresh.draftCourse),
  "course.slug": (f) => f.course.slug,
  "searchContent.query": () => "fuzz course",
  "createReadingMaterial.input": () => ({ title: "Fuzzed reading", kind: "ARTICLE", topic: "Polity", body: "Text\n\nof it" }),
  "createFlashcardDeck.input": () => ({ title: "Fuzzed deck", description: "Cards" }),
  "addFlashcard.deckId": (f) => f.deck.id,
  "addFlashcard.input": () => ({ front: "Res judicata", back: "A matter\nalready judged" }),
  "flashcardDeck.id": (f) => f.deck.id,
  "createUploadUrl.input": () => ({ filename: "cover.png", contentType: "image/png", sizeBytes: 1024, purpose: "COURSE_COVER" }),
  "completeUpload.assetId": (f) => f.cover.id,
  "mediaAsset.id": (f) => f.cover.id,
  "createMockTest.input": (f) => ({ title: "Fuzzed test", courseId: f.course.id, durationMinutes: 60, negativeMarking: 0.25, candidates: 1000 }),
  "addQuestion.testId": (f, once) => once("draftTest", f.fresh.draftTest),
  "addQuestion.input": () => ({ prompt: "Which?", options: ["A", "B", "C"], correctOption: 1, topic: "legal", difficulty: "MEDIUM", marks: 1 }),
  "publishMockTest.id": (f, once) => once("draftTest", f.fresh.draftTest),
  "startAttempt.testId": (f) => f.test.id,
  "answerQuestion.attemptId": (f) => f.attempt.id,
  "answerQuestion.questionId": (f) => f.test.questionIds[0],
  "answerQuestion.choice": () => 1,
  "submitAttempt.attemptId": (f, once) => once("attempt", f.fresh.attempt),
  "attempt.id": (f) => f.attempt.id,
  "rankPrediction.testId": (f) => f.test.id,
  "leaderboard.testId": (f) => f.test.id,
  "startStudySession.input": (f) => ({ courseId: f.course.id, lessonId: f.lessonIds[1] }),
  "recordStudyProgress.sessionId": (f, once) => once("session", f.fresh.session),
  "recordStudyProgress.input": () => ({ progressPercent: 40, addFocusSeconds: 0 }),
  "endStudySession.sessionId": (f, once) => once("session", f.fresh.session),
  "completeLesson.lessonId": (f) => f.lessonIds[0],
  "reviewFlashcard.cardId": (f) => f.card.id,
  "reviewFlashcard.grade": () => 4,
  "dueFlashcards.deckId": (f) => f.deck.id,
  "studySessionUpdated.sessionId": (f, once) => once("session", f.fresh.session),
  "leaderboardUpdated.testId": (f) => f.test.id,
  "connectSocialAccount.input": () => {
    const handle = uniqueHandle("fuzz");
    return { platform: "INSTAGRAM", handle, accessToken: devToken(handle) };
  },
  "disconnectSocialAccount.id": (f, once) => once("socialAccount", f.fresh.socialAccount),
  "recordPostMetrics.accountId": (f) => f.socialAccount.id,
  "recordPostMetrics.posts": () => [postMetrics("fuzz-post", { caption: "Fuzzed\npost" })],
  "schedulePost.input": (f) => ({
    accountId: f.socialAccount.id,
    caption: "Fuzzed post\n#fuzz",
    hashtags: ["law"],
    mediaAssetId: f.postMedia.id,
    scheduledFor: new Date(Date.now() + 3_600_000).toISOString(),
    promotesCourseId: f.course.id,
  }),
  "cancelScheduledPost.id": (f, once) => once("scheduledPost", f.fresh.scheduledPost),
  "scheduledPosts.accountId": (f) => f.socialAccount.id,
  "accountAnalytics.accountId": (f) => f.socialAccount.id,
  "engagementUpdated.accountId": (f) => f.socialAccount.id,
  "createLead.input": (f) => ({
    name: "Fuzzed lead",
    email: uniqueEmail("lead"),
    title: "Dean",
    company: "Fuzz University",
    location: "Pune",
    linkedinUrl: "https://www.linkedin.com/in/fuzzed-lead",
    source: "fuzz",
    campaignId: f.campaign.id,
    signals: [{ name: "publications", value: 0.5 }],
  }),
  "importLeads.assetId": (f) => f.leadCsv.id,
  "lead.id": (f) => f.lead.id,
  "updateLeadStatus.id": (f) => f.lead.id,
  "updateLeadStatus.status": () => "CONTACTED",
  "setScoringWeights.weights": () => [
    { signal: "publications", weight: 2 },
    { signal: "grants", weight: 1 },
  ],
  "exportLeads.format": () => "CSV",
  "leadExport.id": (f) => f.leadExport.id,
  "createCampaign.input": () => ({
    name: "Fuzzed campaign",
    channel: "webinar",
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 86_400_000).toISOString(),
  }),
  "recordSignup.input": (f) => ({ campaignId: f.campaign.id, email: uniqueEmail("signup"), name: "Fuzzed signup" }),
  "campaign.id": (f) => f.campaign.id,
};

async function validVariables(operation: FuzzedOperation, fixtures: Fixtures, once: Once): Promise<Record<string, unknown>> {
  const variables: Record<string, unknown> = {};
  for (const variable of operation.variables) {
    const make = validArguments[variable.argument];
    if (make) variables[variable.name] = await make(fixtures, once);
    else assert.ok(!variable.required, `${operation.name}: add a valid value for ${variable.argument} to validArguments`);
  }
  return variables;
}

/** What the supergraph says of each subscription field (which topics are keyed by their subscriber). */
const liveFields = readLiveFields(fs.readFileSync(path.join(projectRoot(), "schema", "supergraph.graphql"), "utf8"));

/** The database schema of every subgraph in rover.yaml. */
const SCHEMAS = readSubgraphs().map((entry) => loadSubgraph(entry.name).schema);
const fingerprint = (stack: Stack) => tableSnapshot(stack, SCHEMAS);

const describeValue = (replacement: Replacement) => `${replacement.path.join(".")} = ${replacement.label}`;

/** What a replacement replaces, as SECRETS names it: `field.argument`, then the input fields on the way. */
const valueName = (operation: FuzzedOperation, replacement: Replacement) => {
  const [variable, ...fields] = replacement.path;
  return [operation.variables.find((candidate) => candidate.name === variable)?.argument, ...fields].join(".");
};

/** What is wrong with one answer (empty when nothing is). */
function problems(response: { status: number; errors?: GraphQLResponse["errors"] }, replacement: Replacement, secret = false): string[] {
  const found: string[] = [];
  const mustRefuse = replacement.refused === "always" || (replacement.refused === "unless secret" && !secret);
  if (mustRefuse && !response.errors?.some((error) => error.extensions?.code === "BAD_USER_INPUT")) {
    found.push(`accepted (or refused otherwise: ${JSON.stringify(response.errors?.map((error) => error.extensions?.code))})`);
  }
  if (response.status >= 500) found.push(`HTTP ${response.status}`);
  for (const error of response.errors ?? []) {
    const code = error.extensions?.code;
    if (!code) found.push(`an error without a code: ${error.message}`);
    else if (code === "INTERNAL_SERVER_ERROR") found.push(`INTERNAL_SERVER_ERROR: ${error.message}`);
  }
  return found;
}

/** Runs `work` on every item, `width` at a time. */
async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

describe("fuzz: hostile values in every served contract operation", () => {
  let stack: Stack;
  let fixtures: Fixtures;
  const operations = servedOperations();
  const totals = { calls: 0, refusedMutations: 0, started: 0, answers: new Map<string, number>() };
  const tally = (response: GraphQLResponse) => {
    const answer = response.errors?.length ? String(response.errors[0].extensions?.code) : "ok";
    totals.calls += 1;
    totals.answers.set(answer, (totals.answers.get(answer) ?? 0) + 1);
  };

  before(async () => {
    // Hostile logins fail by the dozen for one email: the per-account limit is not under test here.
    stack = await startStack({ subgraphs: { users: { settings: { loginMaxFailures: 1_000_000 } } } });
    fixtures = await makeFixtures(stack);
    totals.started = Date.now();
  });
  after(async () => {
    const answers = [...totals.answers].map(([answer, count]) => `${answer} ${count}`).join(", ");
    console.log(`fuzz: ${totals.calls} calls in ${Date.now() - totals.started} ms (${answers}; ${totals.refusedMutations} refused mutations fingerprinted)`);
    await stack.close();
  });

  it("finds the served operations in the contract", () => {
    // 43 of them take variables today; far fewer means the contract or the schema failed to load.
    assert.ok(operations.filter((operation) => operation.variables.length).length >= 40, `only ${operations.length} operations`);
  });

  it("finds every secret it spares in the contract", () => {
    const names = new Set(
      operations.flatMap((operation) =>
        operation.variables.flatMap((variable) =>
          [...hostileReplacements(variable.type, undefined, [variable.name])].map((replacement) => valueName(operation, replacement)),
        ),
      ),
    );
    assert.deepEqual(
      [...SECRETS].filter((secret) => !names.has(secret)),
      [],
    );
  });

  for (const operation of operations.filter((candidate) => candidate.variables.length && candidate.kind !== OperationTypeNode.SUBSCRIPTION)) {
    const writes = operation.kind === OperationTypeNode.MUTATION;
    it(`${operation.name}: no internal error, every error coded${writes ? ", nothing written when refused" : ""}`, async () => {
      const once = oncePerOperation();
      const base = await validVariables(operation, fixtures, once);
      const replacements = operation.variables.flatMap((variable) => [...hostileReplacements(variable.type, base[variable.name], [variable.name])]);
      const failures: string[] = [];
      const send = async (replacement: Replacement) => {
        // Valid values made anew for each call (a new email for each registration), one replaced.
        const variables = replaceAt(await validVariables(operation, fixtures, once), replacement.path, replacement.value);
        const response = await fixtures.admin.client.raw(requestBody(operation.text, variables, operation.name));
        tally(response);
        for (const problem of problems(response, replacement, SECRETS.has(valueName(operation, replacement)))) failures.push(`${describeValue(replacement)}: ${problem}`);
        return response;
      };
      if (!writes) {
        // Reads change nothing that a fingerprint would see: a few at a time.
        await inParallel(replacements, 4, async (replacement) => void (await send(replacement)));
      } else {
        // Mail and audit events a call queued go out after its commit: delivered before each
        // fingerprint, so a success's outbox is not counted against the refusal that follows it.
        const settled = async () => {
          await stack.settle();
          return fingerprint(stack);
        };
        let before = await settled();
        for (const replacement of replacements) {
          const response = await send(replacement);
          const refused = Boolean(response.errors?.length) && (!response.data || Object.values(response.data).every((value) => value === null));
          const afterwards = await settled();
          if (refused) {
            totals.refusedMutations += 1;
            const changed = Object.keys({ ...before, ...afterwards }).filter(
              (table) => before[table] !== afterwards[table] && !BOOKKEEPING[operation.name]?.includes(table),
            );
            if (changed.length) failures.push(`${describeValue(replacement)}: refused (${response.errors![0].extensions?.code}) but ${changed.join(", ")} changed`);
          }
          before = afterwards;
        }
      }
      // Each hostile call was one value away from this one, which must succeed: the hostile
      // values reached as deep as valid ones do.
      const valid = await fixtures.admin.client.raw(requestBody(operation.text, await validVariables(operation, fixtures, once), operation.name));
      assert.equal(valid.errors, undefined, `${operation.name} with valid values: ${JSON.stringify(valid.errors)}`);
      assert.deepEqual(failures, [], `${operation.name}:\n${failures.join("\n")}`);
    });
  }

  it("subscriptions: every subscribe ends in a coded error or is accepted and delivers, valid values are accepted, and the socket stays open", async () => {
    const live = connect(stack.wsUrl, { authorization: `Bearer ${fixtures.admin.accessToken}` });
    const failures: string[] = [];
    for (const operation of operations.filter((candidate) => candidate.kind === OperationTypeNode.SUBSCRIPTION)) {
      const base = await validVariables(operation, fixtures, oncePerOperation());
      const all = operation.variables.flatMap((variable) => [...hostileReplacements(variable.type, base[variable.name], [variable.name])]);
      const variablesOf = (replacement: Replacement) => JSON.parse(requestBody("", replaceAt(base, replacement.path, replacement.value), "")).variables;
      // A message over MAX_WS_MESSAGE_BYTES is not read at all: its socket closes with 1009, so
      // those values are tried on sockets of their own.
      const oversized = (replacement: Replacement) =>
        Buffer.byteLength(
          JSON.stringify({ id: "00000000-0000-0000-0000-000000000000", type: "subscribe", payload: { query: operation.text, variables: variablesOf(replacement) } }),
        ) > maxWsMessageBytes;
      for (const replacement of all.filter(oversized)) {
        totals.calls += 1;
        const own = connect(stack.wsUrl, { authorization: `Bearer ${fixtures.admin.accessToken}` });
        subscribe(own, operation.text, variablesOf(replacement));
        const closed = await Promise.race([own.closed, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5_000))]);
        if (closed?.code !== 1009) failures.push(`${operation.name} ${describeValue(replacement)}: expected close 1009, got ${JSON.stringify(closed)}`);
        await own.client.dispose();
      }
      const replacements = all.filter((replacement) => !oversized(replacement));
      const valid = subscribe(live, operation.text, base);
      await firstAnswers(operation, [{ variables: base, stream: valid }]);
      assert.deepEqual(
        valid.results.flatMap((result) => result.errors ?? []),
        [],
        `${operation.name} with valid values`,
      );
      assert.ok(valid.results[0]?.data, `${operation.name} with valid values: no event within ${ANSWER_BOUND_MS / 1000} s`);
      // In groups, so that at most 20 subscriptions are open on the socket at once. graphql-ws
      // writes the JSON itself, so 1e999 arrives as null.
      for (let start = 0; start < replacements.length; start += 20) {
        const streams = replacements.slice(start, start + 20).map((replacement) => {
          const variables = variablesOf(replacement);
          return { replacement, variables, stream: subscribe(live, operation.text, variables) };
        });
        await firstAnswers(operation, streams);
        for (const { replacement, stream } of streams) {
          totals.calls += 1;
          totals.answers.set("subscription", (totals.answers.get("subscription") ?? 0) + 1);
          stream.stop();
          if (!stream.results.length) {
            failures.push(`${operation.name} ${describeValue(replacement)}: neither an error nor an event within ${ANSWER_BOUND_MS / 1000} s`);
            continue;
          }
          const errors = stream.results.flatMap((result) => result.errors ?? []);
          for (const problem of problems({ status: 200, errors }, replacement)) failures.push(`${operation.name} ${describeValue(replacement)}: ${problem}`);
        }
      }
      valid.stop();
    }
    const closed = await Promise.race([live.closed, new Promise((resolve) => setTimeout(() => resolve(undefined), 100))]);
    assert.equal(closed, undefined, `the socket closed: ${JSON.stringify(closed)}`);
    await live.client.dispose();
    assert.deepEqual(failures, [], failures.join("\n"));
  });

  /**
   * Waits until every stream has its first answer: an error (refused at once, or later), or a
   * `next`. An accepted subscription hears nothing until its topic has an event, so meanwhile one
   * is published on the topic of each stream still waiting, as assessments does on a change;
   * topics that nothing we do can change (a course that does not exist) get theirs too.
   */
  async function firstAnswers(operation: FuzzedOperation, streams: { variables: Record<string, unknown>; stream: Received }[]) {
    const field = (parse(operation.text).definitions[0] as OperationDefinitionNode).selectionSet.selections.map((selection) =>
      selection.kind === Kind.FIELD ? selection.name.value : "",
    )[0];
    // A topic of the subscriber's own (live-topic:owner) is keyed by their account: the admin's here.
    const owner = liveFields.get(field)?.topicKey === "owner" ? { owner: fixtures.admin.user.id } : {};
    const topicOf = (variables: Record<string, unknown>) =>
      subscriptionTopic(field, { ...Object.fromEntries(operation.variables.map((variable) => [variable.argument.split(".")[1], variables[variable.name]])), ...owner });
    const deadline = Date.now() + ANSWER_BOUND_MS;
    for (;;) {
      const waiting = streams.filter(({ stream }) => !stream.results.length);
      if (!waiting.length || Date.now() > deadline) return;
      for (const topic of new Set(waiting.map(({ variables }) => topicOf(variables)))) {
        await stack.events.publish(topic, { at: new Date().toISOString() });
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
});
