import { Access, entityRef, CacheHint, DEFAULT_CACHE_MAX_AGE } from "@solo/kit";
import { Directive, Field, ID, ObjectType } from "type-graphql";

/**
 * The users subgraph's User, as this subgraph sees it: a key, plus the fields content adds
 * (avatar, authoredCourses). avatarAssetId is the users subgraph's, fetched for @requires.
 */
@ObjectType()
@Access({ withParent: true })
@CacheHint({ maxAge: DEFAULT_CACHE_MAX_AGE })
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID, { description: "The account's id (a UUID); stable for the account's life" })
  id!: string;

  @Field(() => ID, { nullable: true })
  @Directive("@external")
  avatarAssetId?: string | null;
}

/** A reference the gateway resolves in the users subgraph. */
export const userRef = (id: string): User => entityRef(User, id);
