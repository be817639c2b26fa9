import { Access } from "@solo/kit";
import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from "@mikro-orm/decorators/legacy";
import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { Course } from "./course";

/** A deck: seen by its owner and admins, and by everyone once linked to a published course. */
@ObjectType({ description: "A deck of flashcards" })
@Access({ withParent: true })
@Directive('@key(fields: "id")')
@Entity({ tableName: "flashcard_decks" })
export class FlashcardDeck {
  [OptionalProps]?: "createdAt" | "description" | "course";

  @Field(() => ID)
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Field()
  @Property({ type: "text" })
  title!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: "text", nullable: true })
  description: string | null = null;

  @Index()
  @Property({ type: "uuid" })
  ownerId!: string;

  @ManyToOne(() => Course, { nullable: true, deleteRule: "set null" })
  course: Course | null = null;

  @Field()
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();
}

@ObjectType({ description: "One card: a prompt and its answer" })
@Access({ withParent: true })
@Directive('@key(fields: "id")')
@Entity({ tableName: "flashcards" })
@Unique({ properties: ["deck", "position"] })
export class Flashcard {
  [OptionalProps]?: "createdAt" | "mediaAssetId";

  @Field(() => ID)
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @ManyToOne(() => FlashcardDeck, { deleteRule: "cascade" })
  deck!: FlashcardDeck;

  @Field(() => Int)
  @Property({ type: "integer" })
  position!: number;

  @Field()
  @Property({ type: "text" })
  front!: string;

  @Field()
  @Property({ type: "text" })
  back!: string;

  @Property({ type: "uuid", nullable: true })
  mediaAssetId: string | null = null;

  @Field()
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();
}
