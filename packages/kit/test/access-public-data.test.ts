import "reflect-metadata";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { execute, parse } from "graphql";
import { Ctx, Field, ID, ObjectType, Query, Resolver } from "type-graphql";
import { Access, describeAccess, isCaller, publicReader, visibilityFilter } from "../src/access";
import { buildFederatedSchema, printSubgraphSdl } from "../src/federation";
import type { Identity } from "../src/identity";
import { ANONYMOUS } from "../src/identity";

/*
 * Public data (`@Access({ publicData: true, scope })`): every API key reads what anonymous callers
 * read, whatever its scopes; the scope only adds what its owner may see. A filter applied to
 * `publicReader` keeps a key without the scope to the public rows.
 */

@ObjectType()
class Note {
  @Field(() => ID)
  id!: string;

  @Field()
  published!: boolean;
}

const NOTES = [
  { id: "public", published: true, authorId: "someone" },
  { id: "own-draft", published: false, authorId: "u1" },
  { id: "other-draft", published: false, authorId: "someone" },
];
const publishedOrAuthor = visibilityFilter<(typeof NOTES)[number]>("publishedOrAuthor", (identity, note) => note.published || isCaller(identity, note.authorId));

@Resolver()
class NoteResolver {
  @Access({ publicData: true, scope: "notes:read", filter: publishedOrAuthor })
  @Query(() => [Note])
  notes(@Ctx() ctx: { identity: Identity }): Note[] {
    const reader = publicReader(ctx.identity, "notes:read");
    return NOTES.filter((note) => publishedOrAuthor.visible(reader, note)).map((note) => Object.assign(new Note(), note));
  }

  @Access({ public: true, scope: "notes:read" })
  @Query(() => [Note])
  privateShelf(): Note[] {
    return [];
  }
}

const keyWith = (...scopes: string[]): Identity => ({ kind: "apiKey", userId: "u1", role: "STUDENT", apiKeyId: "k1", scopes });

describe("@Access({ publicData: true })", async () => {
  const schema = await buildFederatedSchema({ resolvers: [NoteResolver] });
  const run = async (identity: Identity, query: string) => JSON.parse(JSON.stringify(await execute({ schema, document: parse(query), contextValue: { identity } })));
  const ids = async (identity: Identity) => {
    const result = await run(identity, "{ notes { id } }");
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data.notes.map((note: { id: string }) => note.id);
  };

  it("lets every key read the public rows, whatever its scopes, and its owner's only with the scope", async () => {
    assert.deepEqual(await ids(ANONYMOUS), ["public"]);
    assert.deepEqual(await ids(keyWith("users:read")), ["public"], "an unrelated scope reads what anonymous callers do, no more");
    assert.deepEqual(await ids(keyWith("notes:read")), ["public", "own-draft"], "the scope adds the owner's drafts");
    assert.deepEqual(await ids({ kind: "user", userId: "u1", role: "STUDENT", sessionId: "s1" }), ["public", "own-draft"]);
  });

  it("leaves other public fields as they were: a key needs their scope", async () => {
    const refused = await run(keyWith("users:read"), "{ privateShelf { id } }");
    assert.equal(refused.errors?.[0].extensions.code, "FORBIDDEN");
  });

  it("says so in the access tag, and keeps the scope as a tag", () => {
    assert.equal(describeAccess({ publicData: true, scope: "notes:read", filter: publishedOrAuthor }), "public-data,filter=publishedOrAuthor");
    assert.match(printSubgraphSdl(schema), /notes: \[Note!\]! @tag\(name: "access:public-data,filter=publishedOrAuthor"\) @tag\(name: "scope:notes:read"\)/);
  });

  it("publicReader: a key without the scope reads as anonymous; people and keys with it as themselves", () => {
    assert.equal(publicReader(keyWith("users:read"), "notes:read"), ANONYMOUS);
    const holder = keyWith("notes:read");
    assert.equal(publicReader(holder, "notes:read"), holder);
  });

  it("refuses a rule that would let a policy see a key without the scope as its owner, or roles", () => {
    assert.throws(() => Access({ publicData: true, scope: "notes:read", roles: ["ADMIN"] }), /publicData/);
    assert.throws(() => Access({ publicData: true, scope: "notes:read", policy: { name: "p", deny: "null", allows: () => true } }), /publicData/);
    assert.throws(() => Access({ publicData: true }), /publicData/);
  });
});
