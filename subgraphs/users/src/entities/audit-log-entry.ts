import { Access } from "@solo/kit";
import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Index, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { Field, ID, ObjectType } from "type-graphql";

/**
 * One change to an account, a role or a key. The actor is kept as a plain id (no foreign key) so
 * that the trail outlives what it describes.
 */
@ObjectType({ description: "Who changed what, and when" })
@Access({ withParent: true })
@Entity({ tableName: "audit_log" })
@Index({ properties: ["createdAt", "id"] })
export class AuditLogEntry {
  [OptionalProps]?: "actorId" | "apiKeyId" | "details" | "requestId" | "createdAt";

  @Field(() => ID, { description: "The entry's id (a UUID)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "uuid", nullable: true })
  actorId: string | null = null;

  @Property({ type: "uuid", nullable: true })
  apiKeyId: string | null = null;

  @Field({ description: "e.g. user.registered, user.role_changed, api_key.revoked" })
  @Property({ type: "text" })
  action!: string;

  @Field({ description: "The kind of thing changed: User, ApiKey or Session" })
  @Property({ type: "text" })
  resourceType!: string;

  @Field(() => ID, { description: "The id of the thing changed" })
  @Property({ type: "text" })
  resourceId!: string;

  @Property({ type: "jsonb", nullable: true })
  details: Record<string, unknown> | null = null;

  @Property({ type: "text", nullable: true })
  requestId: string | null = null;

  @Field({ description: "When the change happened" })
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();
}
