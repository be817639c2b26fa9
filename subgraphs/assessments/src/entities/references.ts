import { Access, CacheHint, DEFAULT_CACHE_MAX_AGE } from "@solo/kit";
import { Directive, Field, ID, Int, ObjectType } from "type-graphql";

/**
 * Entities other subgraphs own, as this one sees them: their keys, plus what this subgraph adds
 * (User.attempts and studyStats, Course.myProgress) or needs (Course.lessonCount, User.accountTimezone).
 */
@ObjectType()
@Access({ withParent: true })
@CacheHint({ maxAge: DEFAULT_CACHE_MAX_AGE })
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID, { description: "The account's id (a UUID); stable for the account's life" })
  id!: string;

  @Field(() => String, { nullable: true })
  @Directive("@external")
  accountTimezone?: string | null;
}

@ObjectType()
@Access({ withParent: true })
@Directive('@key(fields: "id")')
export class Course {
  @Field(() => ID, { description: "The course's id (a UUID)" })
  id!: string;

  @Field(() => Int, { description: "How many lessons the course has" })
  @Directive("@external")
  lessonCount?: number;
}

@ObjectType()
@Access({ withParent: true })
@Directive('@key(fields: "id", resolvable: false)')
export class Lesson {
  @Field(() => ID, { description: "The lesson's id (a UUID)" })
  id!: string;
}

@ObjectType()
@Access({ withParent: true })
@Directive('@key(fields: "id", resolvable: false)')
export class Flashcard {
  @Field(() => ID, { description: "The card's id (a UUID)" })
  id!: string;
}

export { entityRef as ref } from "@solo/kit";
