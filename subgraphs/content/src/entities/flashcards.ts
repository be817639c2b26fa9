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

  @Field(() => ID, { description: "The deck's id (a UUID)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Field({ description: "The deck's title, 1 to 120 characters" })
  @Property({ type: "text" })
  title!: string;

  @Field(() => String, { description: "What the deck covers (up to 2000 characters); null without one", nullable: true })
  @Property({ type: "text", nullable: true })
  description: string | null = null;

  @Index()
  @Property({ type: "uuid" })
  ownerId!: string;

  @ManyToOne(() => Course, { nullable: true, deleteRule: "set null" })
  course: Course | null = null;

  @Field({ description: "When the deck was created" })
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

  @Field(() => ID, { description: "The card's id (a UUID)" })
  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @ManyToOne(() => FlashcardDeck, { deleteRule: "cascade" })
  deck!: FlashcardDeck;

  @Field(() => Int, { description: "1-based order within the deck" })
  @Property({ type: "integer" })
  position!: number;

  @Field({ description: "The prompt (up to 2000 characters)" })
  @Property({ type: "text" })
  front!: string;

  @Field({ description: "The answer (up to 2000 characters)" })
  @Property({ type: "text" })
  back!: string;

  @Property({ type: "uuid", nullable: true })
  mediaAssetId: string | null = null;

  @Field({ description: "When the card was added" })
  @Property({ type: "timestamptz" })
  createdAt: Date = new Date();
}
