import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { ConstDirectiveNode, FieldDefinitionNode, TypeNode } from "graphql";
import { Kind, parse } from "graphql";
import { API_KEY_SCOPES, SCOPE_TAG_PREFIX, projectRoot } from "@solo/kit";
import { publishedTest, sit } from "../src/assessment-fixtures";
import { publishedCourse, uploadReady } from "../src/content-fixtures";
import { connectAccount, socialMedia } from "../src/social-fixtures";
import type { GraphQLClient, GraphQLResponse, Stack } from "../src/stack";
import { PASSWORD, register, registerAdmin, startStack, uniqueEmail } from "../src/stack";

/*
 * Every private field (a field of a non-root type tagged `scope:*` in the composed supergraph) is
 * checked on every path that reaches its type: each field of any type, Query and Mutation included,
 * that returns that type (directly or as a union member). Subscription fields are left out: the
 * gateway answers them by running the subscriber's selection through the lookup query named in
 * their `live:` tag, which is one of the Query paths checked here.
 */

const supergraph = parse(fs.readFileSync(path.join(projectRoot(), "schema", "supergraph.graphql"), "utf8"));
const ROOTS = new Set(["Query", "Mutation", "Subscription"]);

const tagsOf = (directives: readonly ConstDirectiveNode[] | undefined) =>
  (directives ?? [])
    .filter((directive) => directive.name.value === "tag")
    .map((directive) => directive.arguments?.find((arg) => arg.name.value === "name")?.value)
    .flatMap((value) => (value?.kind === Kind.STRING ? [value.value] : []));
/** Public data (`access:public-data`) is every key's to read: its scope tag only adds, it guards nothing. */
const publicData = (field: FieldDefinitionNode) => tagsOf(field.directives).some((tag) => tag.startsWith("access:public-data"));
const scopesOf = (field: FieldDefinitionNode) =>
  tagsOf(field.directives).flatMap((tag) => (tag.startsWith(SCOPE_TAG_PREFIX) ? [tag.slice(SCOPE_TAG_PREFIX.length)] : []));
const inaccessible = (field: FieldDefinitionNode) => (field.directives ?? []).some((directive) => directive.name.value === "inaccessible");
const namedType = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type));

const objectTypes = new Map<string, readonly FieldDefinitionNode[]>();
const unions = new Map<string, string[]>();
const compositeTypes = new Set<string>();
for (const definition of supergraph.definitions) {
  if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.INTERFACE_TYPE_DEFINITION) {
    compositeTypes.add(definition.name.value);
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION) {
      objectTypes.set(
        definition.name.value,
        (definition.fields ?? []).filter((field) => !inaccessible(field)),
      );
    }
  }
  if (definition.kind === Kind.UNION_TYPE_DEFINITION) {
    compositeTypes.add(definition.name.value);
    unions.set(
      definition.name.value,
      (definition.types ?? []).map((type) => type.name.value),
    );
  }
}

interface PrivateField {
  name: string;
  scopes: string[];
  composite: boolean;
}

/** Type → its private fields, as the supergraph's tags say. */
const privateFields = new Map<string, PrivateField[]>();
for (const [type, fields] of objectTypes) {
  if (ROOTS.has(type)) continue;
  const tagged = fields
    .filter((field) => scopesOf(field).length && !publicData(field))
    .map((field) => ({ name: field.name.value, scopes: scopesOf(field), composite: compositeTypes.has(namedType(field.type)) }));
  if (tagged.length) privateFields.set(type, tagged);
}

interface PathToPrivateType {
  parent: string;
  field: string;
  /** The type with private fields: the field's type, or a member of its union type. */
  type: string;
  throughUnion: boolean;
  /** The path field's own scopes, when it is itself a private field. */
  fieldScopes: string[];
}

const paths: PathToPrivateType[] = [];
for (const [parent, fields] of objectTypes) {
  if (parent === "Subscription") continue;
  for (const field of fields) {
    const returned = namedType(field.type);
    for (const type of unions.get(returned) ?? [returned]) {
      if (!privateFields.has(type)) continue;
      const fieldScopes = ROOTS.has(parent) ? [] : scopesOf(field);
      paths.push({ parent, field: field.name.value, type, throughUnion: unions.has(returned), fieldScopes });
    }
  }
}

/** What the tests made: one admin who owns all of it, so every private value is visible to their keys. */
interface Fixture {
  courseTitle: string;
  slug: string;
  courseId: string;
  testId: string;
  attemptId: string;
  sessionId: string;
  deckId: string;
  avatarId: string;
  studentId: string;
  studentEmail: string;
  studentRefreshToken: string;
  socialAccountId: string;
  /** A lead of the admin's, converted by the student's signup (so its convertedUser is the student). */
  leadId: string;
}

interface Reach {
  /** Scopes a key needs to get this far (its owner being the fixture's admin). */
  scopes: string[];
  /** Selections from the operation's root down to the parent object (for a root field: the call itself). */
  steps: (fixture: Fixture) => string[];
  mutation?: true;
}

/** A type that API keys cannot reach at all: every root field returning it (`Type.field`), called. */
interface Refused {
  refusedToKeys: (fixture: Fixture) => Record<string, string>;
}

/**
 * How to reach the parent of each path with the fixture's data: `Type.field` for root fields, the
 * type's name for others (whose path field is then selected on it). A path whose parent is missing
 * here fails, so a new one is never skipped.
 */
const REACH: Record<string, Reach | Refused> = {
  "Query.me": { scopes: [], steps: () => ["me"] },
  "Query.course": { scopes: [], steps: (f) => [`course(slug: "${f.slug}")`] },
  "Query.searchContent": { scopes: [], steps: (f) => [`searchContent(query: "${f.courseTitle}")`] },
  "Mutation.setUserRole": { scopes: ["users:write"], steps: (f) => [`setUserRole(userId: "${f.studentId}", role: STUDENT)`], mutation: true },
  "Mutation.updateProfile": { scopes: ["users:write"], steps: () => ["updateProfile(input: {})"], mutation: true },
  "Mutation.createCourse": {
    scopes: ["content:write"],
    steps: () => [`createCourse(input: { title: "Draft by a key", description: "Made through a path test", level: BEGINNER })`],
    mutation: true,
  },
  "Mutation.publishCourse": { scopes: ["content:write"], steps: (f) => [`publishCourse(id: "${f.courseId}")`], mutation: true },
  User: { scopes: [], steps: () => ["me"] },
  UserEdge: { scopes: ["users:read"], steps: () => ["users(first: 1)", "edges"] },
  AuditLogEntry: { scopes: ["users:read"], steps: () => ["auditLog(first: 1)", "edges", "node"] },
  Course: { scopes: [], steps: (f) => [`course(slug: "${f.slug}")`] },
  CourseEdge: { scopes: [], steps: () => ["courses(first: 1)", "edges"] },
  Lesson: { scopes: [], steps: (f) => [`course(slug: "${f.slug}")`, "lessons"] },
  CourseProgress: { scopes: ["assessments:read"], steps: (f) => [`course(slug: "${f.slug}")`, "myProgress"] },
  MockTest: { scopes: [], steps: (f) => [`mockTest(id: "${f.testId}")`] },
  Attempt: { scopes: ["assessments:read"], steps: (f) => [`attempt(id: "${f.attemptId}")`] },
  StudySession: { scopes: ["assessments:read"], steps: (f) => [`studySession(sessionId: "${f.sessionId}")`] },
  LeaderboardEntry: { scopes: [], steps: (f) => [`leaderboard(testId: "${f.testId}", first: 1)`] },
  MediaAsset: { scopes: ["content:read"], steps: (f) => [`mediaAsset(id: "${f.avatarId}")`] },
  ReadingMaterial: { scopes: [], steps: () => ["readingMaterials(first: 1)", "edges", "node"] },
  FlashcardDeck: { scopes: [], steps: (f) => [`flashcardDeck(id: "${f.deckId}")`] },
  SocialAccount: { scopes: ["social:read"], steps: () => ["socialAccounts"] },
  ScheduledPost: { scopes: ["social:read"], steps: (f) => [`scheduledPosts(accountId: "${f.socialAccountId}")`] },
  Lead: { scopes: ["leads:read"], steps: (f) => [`lead(id: "${f.leadId}")`] },
  // Only from register, login and refreshSession, which refuse every API key.
  AuthPayload: {
    refusedToKeys: (f) => ({
      "Mutation.register": `register(input: { email: "${uniqueEmail("key")}", password: "${PASSWORD}", displayName: "Key" })`,
      "Mutation.login": `login(email: "${f.studentEmail}", password: "${PASSWORD}")`,
      "Mutation.refreshSession": `refreshSession(refreshToken: "${f.studentRefreshToken}")`,
    }),
  },
};

/**
 * What a key needs for a type with private fields to resolve at all when another subgraph points
 * at it: nothing (a published course is public data, which any key reads).
 */
const ENTITY_SCOPES: Record<string, string[]> = { User: [], Course: [] };

/** A scope no path here needs: a key must hold at least one. */
const UNRELATED_SCOPE = "assessments:write";

const reachKey = (p: PathToPrivateType) => (ROOTS.has(p.parent) ? `${p.parent}.${p.field}` : p.parent);
const stepName = (step: string) => step.split("(")[0].trim();
const withoutIndices = (errorPath: readonly (string | number)[] | undefined) => (errorPath ?? []).filter((part) => typeof part === "string");

/** Every object at the end of `keys`, lists flattened; null where the answer stops early. */
function objectsAt(data: unknown, keys: string[]): unknown[] {
  let level: unknown[] = [data];
  for (const key of keys) {
    level = level.flatMap((value) => {
      if (value === null || value === undefined) return [null];
      const next = (value as Record<string, unknown>)[key];
      return Array.isArray(next) ? next : [next ?? null];
    });
  }
  return level;
}

describe("API-key scopes on every path to a private field", () => {
  let stack: Stack;
  let fixture: Fixture;
  const keys = new Map<string, GraphQLClient>();
  let owner: Awaited<ReturnType<typeof registerAdmin>>;

  async function keyWith(scopes: string[]): Promise<GraphQLClient> {
    const wanted = [...new Set(scopes.length ? scopes : [UNRELATED_SCOPE])].sort();
    const name = wanted.join(",");
    if (!keys.has(name)) {
      const created = await owner.client.op("CreateApiKey", { input: { name: `path test ${keys.size + 1}`, scopes: wanted } });
      assert.equal(created.errors, undefined, JSON.stringify(created.errors));
      keys.set(name, stack.client({ apiKey: created.data.createApiKey.secret }));
    }
    return keys.get(name)!;
  }

  async function giveAvatar(client: GraphQLClient) {
    const avatar = await uploadReady(client, "AVATAR", "image/png");
    const updated = await client.op("UpdateProfile", { input: { avatarAssetId: avatar.id } });
    assert.equal(updated.errors, undefined, JSON.stringify(updated.errors));
    return avatar.id;
  }

  before(async () => {
    stack = await startStack();
    // The first account, so that `users(first: 1)` is theirs; every account a path reaches has an
    // avatar, so every private value is non-null.
    owner = await registerAdmin(stack);
    const student = await register(stack, { displayName: "Student" });
    await giveAvatar(student.client);
    const avatarId = await giveAvatar(owner.client);
    const courseTitle = "Tortious liability";
    const course = await publishedCourse(owner.client, courseTitle);
    const material = await owner.client.op("CreateReadingMaterial", {
      input: { title: "Negligence notes", kind: "ARTICLE", topic: "torts", body: "Duty, breach, damage" },
    });
    assert.equal(material.errors, undefined);
    const deck = await owner.client.op("CreateFlashcardDeck", { input: { title: "Tort maxims", courseId: course.id } });
    assert.equal(deck.errors, undefined);
    const test = await publishedTest(owner.client, [{ correctOption: 0 }], { courseId: course.id });
    const attempt = await sit(owner.client, test.id, test.questionIds, [0]);
    const session = await owner.client.op("StartStudySession", { input: { courseId: course.id } });
    assert.equal(session.errors, undefined);
    // A connected account with a post that promotes the course: its owner and course are reached.
    const socialAccount = await connectAccount(owner.client);
    const media = await socialMedia(owner.client);
    const post = await owner.client.op("SchedulePost", {
      input: {
        accountId: socialAccount.id,
        caption: "Enrol now",
        mediaAssetId: media.id,
        scheduledFor: new Date(Date.now() + 3_600_000).toISOString(),
        promotesCourseId: course.id,
      },
    });
    assert.equal(post.errors, undefined, JSON.stringify(post.errors));
    const campaign = await owner.client.op("CreateCampaign", { input: { name: "Path campaign", channel: "email", startsAt: new Date().toISOString() } });
    assert.equal(campaign.errors, undefined, JSON.stringify(campaign.errors));
    const lead = await owner.client.op("CreateLead", { input: { name: "Student as a lead", email: student.email } });
    assert.equal(lead.errors, undefined, JSON.stringify(lead.errors));
    const signup = await owner.client.op("RecordSignup", { input: { campaignId: campaign.data.createCampaign.id, email: student.email } });
    assert.equal(signup.errors, undefined, JSON.stringify(signup.errors));
    fixture = {
      courseTitle,
      slug: course.slug,
      courseId: course.id,
      testId: test.id,
      attemptId: attempt.id,
      sessionId: session.data.startStudySession.id,
      deckId: deck.data.createFlashcardDeck.id,
      avatarId,
      studentId: student.user.id,
      studentEmail: student.email,
      studentRefreshToken: student.refreshToken,
      socialAccountId: socialAccount.id,
      leadId: lead.data.createLead.id,
    };
  });
  after(() => stack?.close());

  it("finds the private fields and the paths to them in the supergraph", () => {
    assert.ok(
      privateFields.get("User")?.some((field) => field.name === "email"),
      "User.email is private",
    );
    assert.ok(
      paths.some((p) => p.parent === "Course" && p.field === "author" && p.type === "User"),
      "Course.author reaches User",
    );
    assert.ok(
      paths.some((p) => p.parent === "Query" && p.field === "searchContent" && p.throughUnion),
      "unions count through their members",
    );
  });

  it("knows how to reach the parent of every path, and nothing else", () => {
    const needed = new Set(paths.map(reachKey));
    assert.deepEqual(
      [...needed].filter((key) => !REACH[key]),
      [],
      "paths whose parent the test cannot reach yet: add them to REACH",
    );
    assert.deepEqual(
      Object.keys(REACH).filter((key) => !needed.has(key)),
      [],
      "REACH entries no path uses",
    );
    assert.deepEqual(
      [...privateFields.keys()].filter((type) => !ENTITY_SCOPES[type]),
      [],
      "types with private fields missing from ENTITY_SCOPES",
    );
  });

  it("leaves public profile fields public: a content:read partner sees a course's author, any key its owner", async () => {
    const partner = await keyWith(["content:read"]);
    const course = await partner.request(`{ course(slug: "${fixture.slug}") { author { id displayName role } } }`);
    assert.equal(course.errors, undefined);
    assert.deepEqual(course.data.course.author, { id: owner.user.id, displayName: "Admin", role: "ADMIN" });
    const me = await (await keyWith([UNRELATED_SCOPE])).request("{ me { id displayName } }");
    assert.equal(me.errors, undefined);
    assert.deepEqual(me.data.me, { id: owner.user.id, displayName: "Admin" });
  });

  it("lists every private field and its scope in the README, as the supergraph's tags say", () => {
    const readme = fs.readFileSync(path.join(projectRoot(), "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("| type | field | who sees a value | API-key scope |"));
    const rows = section.split("\n").slice(2);
    const table = rows.slice(
      0,
      rows.findIndex((line) => !line.startsWith("|")),
    );
    const listed = table.map((line) => {
      const [type, field, , scope] = line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/`/g, ""));
      return `${type}.${field} ${scope}`;
    });
    const tagged = [...privateFields].flatMap(([type, fields]) => fields.map((field) => `${type}.${field.name} ${field.scopes.join(" or ")}`));
    assert.deepEqual(listed.sort(), tagged.sort());
  });

  for (const p of paths) {
    const name = `${p.parent}.${p.field} → ${p.type}`;
    const reach = REACH[reachKey(p)];
    if (reach && "refusedToKeys" in reach) {
      it(`${name}: API keys cannot reach ${p.parent}`, async () => {
        const calls = reach.refusedToKeys(fixture);
        const returning = ["Query", "Mutation"].flatMap((root) =>
          (objectTypes.get(root) ?? []).filter((field) => namedType(field.type) === p.parent).map((field) => `${root}.${field.name.value}`),
        );
        assert.deepEqual(returning.sort(), Object.keys(calls).sort(), `the root fields returning ${p.parent}`);
        const everything = await keyWith([...API_KEY_SCOPES]);
        for (const [rootField, call] of Object.entries(calls)) {
          const [root, field] = rootField.split(".");
          const response = await everything.request(`${root.toLowerCase()} { ${call} { ${p.field} { id } } }`);
          assert.deepEqual(
            response.errors?.map((error) => [error.path, error.extensions?.code]),
            [[[field], "FORBIDDEN"]],
          );
        }
      });
      continue;
    }
    it(name, async () => {
      assert.ok(reach, `no way to reach ${reachKey(p)} in REACH`);
      const steps = ROOTS.has(p.parent) ? reach.steps(fixture) : [...reach.steps(fixture), p.field];
      const base = [...new Set([...reach.scopes, ...p.fieldScopes.slice(0, 1), ...ENTITY_SCOPES[p.type]])];
      for (const privateField of privateFields.get(p.type)!) {
        const selection = `__typename ${privateField.name}${privateField.composite ? " { __typename }" : ""}`;
        const inner = p.throughUnion ? `... on ${p.type} { ${selection} }` : selection;
        const operation: string = `${reach.mutation ? "mutation" : "query"} { ${steps.join(" { ")} { ${inner}${" }".repeat(steps.length + 1)}`;
        const fieldPath = [...steps.map(stepName), privateField.name];
        const valuesIn = (response: GraphQLResponse) =>
          objectsAt(response.data, steps.map(stepName))
            .filter((object) => !p.throughUnion || (object as { __typename?: string } | null)?.__typename !== undefined)
            .map((object) => (object as Record<string, unknown> | null)?.[privateField.name] ?? null);
        const label = `${name}, ${privateField.name}`;

        const holding: GraphQLResponse = await (await keyWith([...base, privateField.scopes[0]])).request(operation);
        assert.equal(holding.errors, undefined, `${label}: ${JSON.stringify(holding.errors)}`);
        const values = valuesIn(holding);
        assert.ok(values.length > 0, `${label}: the fixture reaches at least one ${p.type}`);
        assert.ok(
          values.every((value) => value !== null),
          `${label}: read with ${privateField.scopes[0]}: ${JSON.stringify(holding.data)}`,
        );

        const lackingScopes = base.filter((scope) => !privateField.scopes.includes(scope));
        const lacking: GraphQLResponse = await (await keyWith(lackingScopes)).request(operation);
        assert.ok(lacking.errors?.length, `${label}: refused without ${privateField.scopes.join(" or ")}`);
        assert.ok(
          valuesIn(lacking).every((value) => value === null),
          `${label}: no value without the scope`,
        );
        for (const error of lacking.errors) {
          assert.equal(error.extensions?.code, "FORBIDDEN", `${label}: ${JSON.stringify(error)}`);
          const errorPath = withoutIndices(error.path);
          if (lackingScopes.length === base.length) {
            assert.deepEqual(errorPath, fieldPath, `${label}: refused on the field itself`);
          } else {
            // Getting this far needs the field's own scope too: the key is refused on the way.
            const onTheWay = errorPath.length < fieldPath.length && errorPath.every((part, i) => part === fieldPath[i]);
            assert.ok(onTheWay, `${label}: refused on the way, at ${errorPath.join(".")}`);
          }
        }
      }
    });
  }
});
