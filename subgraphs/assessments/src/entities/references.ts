import { Access } from "@solo/kit";
import { Directive, Field, ID, Int, ObjectType } from "type-graphql";

/**
 * Entities other subgraphs own, as this one sees them: their keys, plus what this subgraph adds
 * (User.attempts and studyStats, Course.myProgress) or needs (Course.lessonCount, User.accountTimezone).
 */
@ObjectType()
@Access({ withParent: true })
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  @Directive("@external")
  accountTimezone?: string | null;
}

@ObjectType()
@Access({ withParent: true })
@Directive('@key(fields: "id")')
export class Course {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  @Directive("@external")
  lessonCount?: number;
}

@ObjectType()
@Access({ withParent: true })
@Directive('@key(fields: "id", resolvable: false)')
export class Lesson {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
@Access({ withParent: true })
@Directive('@key(fields: "id", resolvable: false)')
export class Flashcard {
  @Field(() => ID)
  id!: string;
}

export { entityRef as ref } from "@solo/kit";
