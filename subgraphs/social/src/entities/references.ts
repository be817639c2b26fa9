import { Access } from "@solo/kit";
import { Directive, Field, ID, ObjectType } from "type-graphql";

/** Entities other subgraphs own, as this one refers to them: keys only (users, then content resolves the rest). */
@ObjectType()
@Access({ withParent: true })
@Directive('@key(fields: "id", resolvable: false)')
export class User {
  @Field(() => ID, { description: "The account's id (a UUID); stable for the account's life" })
  id!: string;
}

@ObjectType()
@Access({ withParent: true })
@Directive('@key(fields: "id", resolvable: false)')
export class Course {
  @Field(() => ID, { description: "The course's id (a UUID)" })
  id!: string;
}

@ObjectType()
@Access({ withParent: true })
@Directive('@key(fields: "id", resolvable: false)')
export class MediaAsset {
  @Field(() => ID, { description: "The upload's id (a UUID): pass it as an *AssetId argument to attach the file" })
  id!: string;
}

export { entityRef as ref } from "@solo/kit";
