import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Index, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { Access } from "@solo/kit";
import { Directive, Field, ID, ObjectType } from "type-graphql";

/**
 * Something a person keeps in social (replace with this subgraph's own entities). Plain data: its
 * fields are read by whoever reached the item (`withParent`); a private field declares its own rule.
 */
@ObjectType({ description: "An item someone keeps in social" })
@Directive('@key(fields: "id")')
@Access({ withParent: true })
@Entity({ tableName: "items" })
@Index({ properties: ["ownerId", "createdAt"] })
export class SocialItem {
  [OptionalProps]?: "createdAt";

  @Field(() => ID)
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Field()
  @Property({ type: "text" })
  title!: string;

  /** The account that added it (users owns accounts; this subgraph keeps the id only). */
  @Property({ type: "uuid" })
  ownerId!: string;

  @Field()
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();
}
