import { Access } from "@solo/kit";
import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Index, ManyToOne, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { Field, ID, ObjectType } from "type-graphql";
import { User } from "./user";

/** A partner API key. The secret is shown once; only its SHA-256 hash is kept. */
@ObjectType({ description: "A partner API key (its secret is never shown again)" })
@Access({ withParent: true })
@Entity({ tableName: "api_keys" })
export class ApiKey {
  [OptionalProps]?: "scopes" | "createdAt" | "lastUsedAt" | "revokedAt" | "trustedDocumentsOnly" | "variant";

  @Field(() => ID, { description: "The key's id (a UUID), for revokeApiKey; not the secret" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: "cascade" })
  @Index()
  owner!: User;

  @Field({ description: "The owner's label for the key (e.g. the partner or script using it)" })
  @Property({ type: "text" })
  name!: string;

  @Property({ type: "text", hidden: true })
  secretHash!: string;

  @Field(() => [String], { description: "What the key may do, as <area>:<read|write> (e.g. content:read, leads:write); public data needs no scope" })
  @Property({ type: "text[]" })
  scopes: string[] = [];

  @Field({ description: "The gateway serves this key published operations (trusted documents) only, by hash" })
  @Property({ type: "boolean", default: false })
  trustedDocumentsOnly: boolean = false;

  @Field(() => String, { nullable: true, description: "The registry variant (a filtered API, e.g. partner) this key is served; null: the whole API" })
  @Property({ type: "text", nullable: true })
  variant: string | null = null;

  @Field({ description: "When the key was created" })
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  @Field(() => Date, { description: "When a request last authenticated with the key; null if never", nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  lastUsedAt: Date | null = null;

  @Field(() => Date, { description: "When the key was revoked (it is refused from then on); null while it works", nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  revokedAt: Date | null = null;
}
