import { randomUUID } from "node:crypto";
import { OptionalProps } from "@mikro-orm/core";
import { Entity, Index, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { Access } from "@solo/kit";
import { Field, Float, Int, ObjectType } from "type-graphql";

/** One measured signal of a lead (publications, grants, seniority, engagement…), in [0, 1]. */
@ObjectType({ description: "A signal of a lead, 0 to 1" })
@Access({ withParent: true })
@Entity({ tableName: "lead_signals" })
export class LeadSignal {
  @PrimaryKey({ type: "uuid" })
  leadId!: string;

  @Field({ description: "The signal's name, e.g. seniority" })
  @PrimaryKey({ type: "text" })
  name!: string;

  @Field(() => Float, { description: "0 to 1" })
  @Property({ type: "double" })
  value!: number;
}

/** How much one signal counts in its owner's scores. */
@ObjectType({ description: "How much a signal counts in your leads' scores" })
@Access({ withParent: true })
@Entity({ tableName: "scoring_weights" })
export class ScoringWeight {
  @PrimaryKey({ type: "uuid" })
  ownerId!: string;

  @Field({ description: "The signal's name" })
  @PrimaryKey({ type: "text" })
  signal!: string;

  @Field(() => Float, { description: "Its weight (0 or more), relative to the others" })
  @Property({ type: "double" })
  weight!: number;
}

/** A lead's score from `at` on: a row per change. */
@ObjectType({ description: "A lead's score from a moment on" })
@Access({ withParent: true })
@Entity({ tableName: "score_changes" })
@Index({ properties: ["leadId", "at"] })
export class ScoreChange {
  [OptionalProps]?: "at";

  @PrimaryKey({ type: "uuid" })
  id: string = randomUUID();

  @Property({ type: "uuid" })
  leadId!: string;

  @Field(() => Int, { description: "The score from then on (0 to 100)" })
  @Property({ type: "integer" })
  score!: number;

  @Field({ description: "When the lead got it" })
  @Property({ type: "timestamptz" })
  at: Date = new Date();
}
