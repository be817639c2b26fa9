import { Access } from "@solo/kit";
import { Directive, Field, ID, ObjectType } from "type-graphql";

/** Entities other subgraphs own, as this one refers to them: keys only (users, then content resolves the rest). */
@ObjectType()
@Access({ withParent: true })
@Directive('@key(fields: "id", resolvable: false)')
export class User {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
@Access({ withParent: true })
@Directive('@key(fields: "id", resolvable: false)')
export class Course {
  @Field(() => ID)
  id!: string;
}

@ObjectType()
@Access({ withParent: true })
@Directive('@key(fields: "id", resolvable: false)')
export class MediaAsset {
  @Field(() => ID)
  id!: string;
}

export { entityRef as ref } from "@solo/kit";
