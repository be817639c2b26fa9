import "reflect-metadata";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { execute, parse } from "graphql";
import { Directive, Field, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from "type-graphql";
import { Access } from "../src/access";
import { buildFederatedSchema, printSubgraphSdl } from "../src/federation";
import { ANONYMOUS, Identity } from "../src/identity";

@ObjectType()
@Directive('@key(fields: "id")')
class Account {
  @Field(() => ID)
  id!: string;

  @Access({ public: true, scope: "users:read" })
  @Field(() => String, { nullable: true })
  email!: string;
}

const account = (): Account => Object.assign(new Account(), { id: "a1", email: "a@example.test" });

@Resolver(() => Account)
class AccountResolver {
  @Access({ public: true, scope: ["users:read", "content:read"] })
  @Query(() => Account)
  account(): Account {
    return account();
  }

  @Access({ scope: "users:write" })
  @Mutation(() => Account)
  touchAccount(): Account {
    return account();
  }

  @Access({ public: true, scope: "content:read" })
  @FieldResolver(() => String, { nullable: true })
  shelf(@Root() _account: Account): string {
    return "books";
  }
}

const keyWith = (...scopes: string[]): Identity => ({ kind: "apiKey", userId: "u1", role: "STUDENT", apiKeyId: "k1", scopes });

describe("@Access on fields", async () => {
  const schema = await buildFederatedSchema({ resolvers: [AccountResolver] });
  const run = async (identity: Identity, query: string) => JSON.parse(JSON.stringify(await execute({ schema, document: parse(query), contextValue: { identity } })));

  it("publishes each accepted scope as a tag on queries, mutations, field resolvers and entity properties", () => {
    const sdl = printSubgraphSdl(schema);
    // Each rule's summary comes first (`access:`, see access-policies.test.ts), then its scopes.
    assert.match(sdl, /\n\s+account: Account! @tag\(name: "access:public"\) @tag\(name: "scope:users:read"\) @tag\(name: "scope:content:read"\)\n/);
    assert.match(sdl, /\n\s+touchAccount: Account! @tag\(name: "access:signed-in"\) @tag\(name: "scope:users:write"\)\n/);
    assert.match(sdl, /\n\s+email: String @tag\(name: "access:public"\) @tag\(name: "scope:users:read"\)\n/);
    assert.match(sdl, /\n\s+shelf: String @tag\(name: "access:public"\) @tag\(name: "scope:content:read"\)\n/);
    assert.doesNotMatch(sdl, /\n\s+id: ID! @tag/, "a field without a scope has no tag");
  });

  it("refuses a key without the field's scope on that field only, and lets people through", async () => {
    const query = "{ account { id email shelf } }";
    const contentKey = await run(keyWith("content:read"), query);
    assert.deepEqual(contentKey.data, { account: { id: "a1", email: null, shelf: "books" } });
    assert.deepEqual(
      contentKey.errors.map((error: any) => [error.path, error.extensions.code]),
      [[["account", "email"], "FORBIDDEN"]],
    );
    const usersKey = await run(keyWith("users:read"), query);
    assert.deepEqual(usersKey.data, { account: { id: "a1", email: "a@example.test", shelf: null } });
    assert.deepEqual(
      usersKey.errors.map((error: any) => [error.path, error.extensions.code]),
      [[["account", "shelf"], "FORBIDDEN"]],
    );
    const student: Identity = { kind: "user", userId: "u1", role: "STUDENT", sessionId: "s1" };
    for (const person of [student, ANONYMOUS]) {
      const seen = await run(person, query);
      assert.equal(seen.errors, undefined);
      assert.deepEqual(seen.data, { account: { id: "a1", email: "a@example.test", shelf: "books" } });
    }
  });
});
