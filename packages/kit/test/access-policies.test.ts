import "reflect-metadata";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { execute, parse } from "graphql";
import { Arg, Ctx, Directive, Field, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from "type-graphql";
import { Access, definePolicy, describeAccess, isCaller, ownerOrAdmin, selfOrAdmin, signedIn, visibilityFilter } from "../src/access";
import { forbidden, notFound } from "../src/errors";
import { buildFederatedSchema, printSubgraphSdl } from "../src/federation";
import { ANONYMOUS, Identity } from "../src/identity";

/** A type of plain data: its fields declare nothing, the type's rule covers them. */
@ObjectType()
@Access({ withParent: true })
class Note {
  @Field(() => ID)
  id!: string;

  @Field()
  ownerId!: string;

  @Field()
  text!: string;
}

@ObjectType()
@Directive('@key(fields: "id")')
@Access({ withParent: true })
class Person {
  @Field(() => ID)
  id!: string;
}

const NOTES = new Map([["n1", Object.assign(new Note(), { id: "n1", ownerId: "u1", text: "mine" })]]);
const loads: string[] = [];

const noteOwnerOrAdmin = ownerOrAdmin<{ identity: Identity }, Note, unknown, { id: string }>("noteOwnerOrAdmin", {
  subject: async ({ args }) => {
    loads.push(args.id);
    return NOTES.get(args.id);
  },
  ownerOf: (note) => note.ownerId,
  missing: () => notFound("Note"),
  refused: () => forbidden("Only the note's owner can change it"),
});
const noteOwnerOrAdminElseNull = ownerOrAdmin<{ identity: Identity }, Note, unknown, { id: string }>("noteOwnerOrAdminElseNull", {
  subject: async ({ args }) => NOTES.get(args.id),
  ownerOf: (note) => note.ownerId,
});
const neverOnFridays = definePolicy("neverOnFridays", () => false);
const published = visibilityFilter<Note>("published", () => true);
const noteOwner = definePolicy<{ identity: Identity }, Note>("noteOwner", ({ identity, root }) => isCaller(identity, root.ownerId), { deny: "null" });

@Resolver(() => Note)
class NoteResolver {
  /** Whoever reached the note (keys included, whatever their scopes), subject to the policy. */
  @Access({ withParent: true, policy: noteOwner })
  @FieldResolver(() => String, { nullable: true })
  draft(@Root() note: Note): string {
    return `draft of ${note.text}`;
  }
}

@Resolver(() => Person)
class PersonResolver {
  @Access({ public: true, policy: signedIn })
  @Query(() => Person, { nullable: true })
  me(@Ctx() { identity }: { identity: Identity }): Person | null {
    return identity.kind === "anonymous" ? null : Object.assign(new Person(), { id: identity.userId });
  }

  @Access({ public: true, scope: "users:read", policy: selfOrAdmin })
  @FieldResolver(() => String, { nullable: true })
  secret(@Root() person: Person): string {
    return `secret of ${person.id}`;
  }

  @Access({ scope: "notes:write", policy: noteOwnerOrAdmin })
  @Mutation(() => Note)
  editNote(@Arg("id", () => ID) id: string): Note {
    return NOTES.get(id)!;
  }

  @Access({ policy: noteOwnerOrAdminElseNull })
  @Query(() => Note, { nullable: true })
  note(@Arg("id", () => ID) id: string): Note | null {
    return NOTES.get(id)!;
  }

  @Access({ policy: neverOnFridays })
  @Query(() => Boolean)
  friday(): boolean {
    return true;
  }

  @Access({ public: true, scope: "notes:read", filter: published })
  @Query(() => [Note])
  notes(): Note[] {
    return [...NOTES.values()];
  }
}

const owner: Identity = { kind: "user", userId: "u1", role: "STUDENT", sessionId: "s1" };
const other: Identity = { kind: "user", userId: "u2", role: "STUDENT", sessionId: "s2" };
const admin: Identity = { kind: "user", userId: "u3", role: "ADMIN", sessionId: "s3" };
const ownersKey = (...scopes: string[]): Identity => ({ kind: "apiKey", userId: "u1", role: "STUDENT", apiKeyId: "k1", scopes });

describe("access policies", async () => {
  const schema = await buildFederatedSchema({ resolvers: [PersonResolver, NoteResolver], orphanedTypes: [Note] });
  const run = async (identity: Identity, query: string, variableValues?: Record<string, unknown>) =>
    JSON.parse(JSON.stringify(await execute({ schema, document: parse(query), contextValue: { identity }, variableValues })));
  const codes = (result: any) => result.errors?.map((error: any) => error.extensions.code);

  it("summarises rules in a few words", () => {
    assert.equal(describeAccess({}), "signed-in");
    assert.equal(describeAccess({ public: true, scope: "users:read" }), "public");
    assert.equal(describeAccess({ roles: ["INSTRUCTOR", "ADMIN"], scope: "content:write" }), "signed-in,roles=INSTRUCTOR|ADMIN");
    assert.equal(describeAccess({ public: true, policy: selfOrAdmin }), "public,policy=selfOrAdmin,deny=null");
    assert.equal(describeAccess({ policy: noteOwnerOrAdmin }), "signed-in,policy=noteOwnerOrAdmin");
    assert.equal(describeAccess({ public: true, filter: published }), "public,filter=published");
    assert.equal(describeAccess({ withParent: true }), "with-parent");
    assert.equal(describeAccess({ withParent: true, filter: published }), "with-parent,filter=published");
  });

  it("publishes each field's rule, and a type's, as access: tags", () => {
    const sdl = printSubgraphSdl(schema);
    assert.match(sdl, /\n\s+me: Person @tag\(name: "access:public,policy=signedIn,deny=null"\)\n/);
    assert.match(sdl, /\n\s+secret: String @tag\(name: "access:public,policy=selfOrAdmin,deny=null"\) @tag\(name: "scope:users:read"\)\n/);
    assert.match(sdl, /\n\s+editNote\(id: ID!\): Note! @tag\(name: "access:signed-in,policy=noteOwnerOrAdmin"\) @tag\(name: "scope:notes:write"\)\n/);
    assert.match(sdl, /\n\s+notes: \[Note!\]! @tag\(name: "access:public,filter=published"\) @tag\(name: "scope:notes:read"\)\n/);
    assert.match(sdl, /\n\s+draft: String @tag\(name: "access:with-parent,policy=noteOwner,deny=null"\)\n/);
    assert.match(sdl, /\ntype Note @tag\(name: "access:with-parent"\) \{\n\s+id: ID!\n\s+ownerId: String!\n\s+text: String!\n/);
    assert.throws(() => Access({ scope: "users:read" })(class Typed {}), /withParent: true \} only/);
    assert.throws(() => Access({ withParent: true, policy: signedIn })(class Typed {}), /withParent: true \} only/);
    assert.throws(() => Access({ withParent: true, scope: "users:read" }), /takes no roles, scope or public/);
  });

  it("null for others where the policy says deny null, with no error", async () => {
    const query = "{ me { id secret } }";
    assert.deepEqual(await run(ANONYMOUS, query), { data: { me: null } });
    assert.deepEqual(await run(owner, query), { data: { me: { id: "u1", secret: "secret of u1" } } });
    // The same object reached by someone else: the private field is null, nothing else changes.
    const { data, errors } = await run(other, `{ _entities(representations: [{ __typename: "Person", id: "u1" }]) { ... on Person { id secret } } }`);
    assert.equal(errors, undefined);
    assert.deepEqual(data, { _entities: [{ id: "u1", secret: null }] });
    assert.deepEqual((await run(other, '{ note(id: "n1") { text } }')).data, { note: null });
    assert.deepEqual((await run(admin, '{ note(id: "n1") { text } }')).data, { note: { text: "mine" } });
  });

  it("the policy's own coded errors: missing is NOT_FOUND, someone else's FORBIDDEN with why; owner and admins pass", async () => {
    const edit = "mutation ($id: ID!) { editNote(id: $id) { text } }";
    assert.deepEqual(codes(await run(other, edit, { id: "nope" })), ["NOT_FOUND"]);
    const refused = await run(other, edit, { id: "n1" });
    assert.deepEqual(codes(refused), ["FORBIDDEN"]);
    assert.equal(refused.errors[0].message, "Only the note's owner can change it");
    assert.deepEqual((await run(owner, edit, { id: "n1" })).data, { editNote: { text: "mine" } });
    assert.deepEqual((await run(admin, edit, { id: "n1" })).data, { editNote: { text: "mine" } });
    // The caller's checks come first: a key without the scope never reaches the policy.
    loads.length = 0;
    assert.deepEqual(codes(await run(ownersKey("users:read"), edit, { id: "n1" })), ["FORBIDDEN"]);
    assert.deepEqual(loads, []);
    assert.deepEqual((await run(ownersKey("notes:write"), edit, { id: "n1" })).data, { editNote: { text: "mine" } });
    assert.deepEqual(codes(await run(ANONYMOUS, edit, { id: "n1" })), ["UNAUTHENTICATED"]);
  });

  it("runs policies on arguments that passed the input rules: a NUL is BAD_USER_INPUT, never loaded", async () => {
    loads.length = 0;
    assert.deepEqual(codes(await run(owner, "mutation ($id: ID!) { editNote(id: $id) { text } }", { id: "n\u00001" })), ["BAD_USER_INPUT"]);
    assert.deepEqual(loads, []);
  });

  it("with-parent fields check no caller, only their policy: keys of any scope reach them", async () => {
    const query = "{ notes { text draft } }";
    assert.deepEqual(await run(ANONYMOUS, query), { data: { notes: [{ text: "mine", draft: null }] } });
    assert.deepEqual(await run(other, query), { data: { notes: [{ text: "mine", draft: null }] } });
    assert.deepEqual(await run(owner, query), { data: { notes: [{ text: "mine", draft: "draft of mine" }] } });
    assert.deepEqual(await run(ownersKey("notes:read"), query), { data: { notes: [{ text: "mine", draft: "draft of mine" }] } });
  });

  it("a policy that answers false without an error of its own is FORBIDDEN", async () => {
    assert.deepEqual(codes(await run(owner, "{ friday }")), ["FORBIDDEN"]);
  });
});
