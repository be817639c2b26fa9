import "reflect-metadata";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Arg, Field, ObjectType, Query, Resolver } from "type-graphql";
import { Access } from "../src/access";
import { accessSentence } from "../src/access-descriptions";
import { buildFederatedSchema, printSubgraphSdl } from "../src/federation";
import { API_KEY_SCOPES } from "../src/scopes";

describe("a root field's description says who may call it", () => {
  it("reads the rule from the tags @Access gives the field, on worked examples", () => {
    assert.equal(
      accessSentence(["access:public-data,filter=publishedOrAuthor", "scope:content:read"]),
      "Access: public data, for anyone and every API key; a key with `content:read` reads as its owner.",
    );
    assert.equal(
      accessSentence(["access:signed-in,roles=MARKETER|ADMIN", "scope:leads:read"]),
      "Access: signed-in MARKETER or ADMIN accounts; API keys need `leads:read`.",
    );
    assert.equal(accessSentence(["access:signed-in"]), "Access: signed-in callers; API keys are refused.");
    assert.equal(
      accessSentence(["access:public", "scope:users:write", "scope:registry:read"]),
      "Access: anyone, signed in or not; API keys need `users:write` or `registry:read`.",
    );
    assert.equal(
      accessSentence(["access:public,policy=signedIn,deny=null", ...API_KEY_SCOPES.map((scope) => `scope:${scope}`)]),
      "Access: anyone, signed in or not; API keys need any scope.",
    );
    assert.equal(accessSentence(["access:with-parent"]), undefined, "plain data has no rule of its own to state");
    assert.equal(accessSentence(["internal"]), undefined);
  });

  it("appends it to the root fields of the subgraph's SDL, after the description written in code", async () => {
    @ObjectType({ description: "A note" })
    class Note {
      @Field({ description: "Its text" })
      text!: string;
    }
    @Resolver()
    class NoteResolver {
      @Access({ roles: ["ADMIN"], scope: "users:read" })
      @Query(() => [Note], { description: "Every note" })
      notes(@Arg("first", { description: "How many" }) _first: number): Note[] {
        return [];
      }
    }
    const sdl = printSubgraphSdl(await buildFederatedSchema({ resolvers: [NoteResolver] }));
    assert.match(sdl, /"""\n\s*Every note\n\s*\n\s*Access: signed-in ADMIN accounts; API keys need `users:read`\.\n\s*"""\n\s*notes\(/);
    assert.match(sdl, /"""Its text"""/, "other fields keep their description as written");
  });
});
