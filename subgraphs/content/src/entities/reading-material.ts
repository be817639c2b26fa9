import { Access, CacheHint, DEFAULT_CACHE_MAX_AGE } from "@solo/kit";
import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { FullTextType } from "@mikro-orm/postgresql";
import { Directive, Field, ID, ObjectType } from "type-graphql";
import { MaterialKind } from "./enums";

const materialSearchText = (material: ReadingMaterial) => ({ A: material.title, B: material.topic, C: material.body });

/** Articles, GK digests, training notes and templates: published when created. */
@ObjectType({ description: "A reading material: article, GK digest, training note or template" })
@Access({ withParent: true })
@CacheHint({ maxAge: DEFAULT_CACHE_MAX_AGE })
@Directive('@key(fields: "id")')
@Entity({ tableName: "reading_materials" })
@Index({ properties: ["kind", "topic"] })
@Index({ properties: ["createdAt", "id"] })
export class ReadingMaterial {
  [OptionalProps]?: "createdAt" | "publishedAt" | "attachmentAssetId" | "searchVector";

  @Field(() => ID, { description: "The material's id (a UUID)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Field({ description: "The material's title, 3 to 200 characters" })
  @Property({ type: "text" })
  title!: string;

  @Field(() => MaterialKind, { description: "What sort of material it is" })
  @Enum({ items: () => MaterialKind, type: "text" })
  kind!: MaterialKind;

  @Field({ description: "Its subject, lower-case, e.g. polity (1 to 80 characters); filter with readingMaterials(topic:)" })
  @Property({ type: "text" })
  topic!: string;

  @Field({ description: "The text (up to 100 000 characters)" })
  @Property({ type: "text" })
  body!: string;

  @Property({ type: "uuid", nullable: true })
  attachmentAssetId: string | null = null;

  @Index()
  @Property({ type: "uuid" })
  authorId!: string;

  @Field(() => Date, { description: "When it was published", nullable: true })
  @Property({ type: "timestamptz", nullable: true })
  publishedAt: Date | null = null;

  @Field({ description: "When it was created" })
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();

  @Index({ type: "fulltext" })
  @Property({
    type: new FullTextType("english"),
    lazy: true,
    hidden: true,
    onCreate: (material: ReadingMaterial) => materialSearchText(material),
    onUpdate: (material: ReadingMaterial) => materialSearchText(material),
  })
  searchVector?: unknown;
}
