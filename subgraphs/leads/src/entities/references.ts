import { Access, entityRef } from "@solo/kit";
import { Directive, Field, ID, ObjectType } from "type-graphql";

/** Users owns accounts: leads refers to them by key (owner, convertedUser) and users resolves the rest. */
@ObjectType()
@Access({ withParent: true })
@Directive('@key(fields: "id", resolvable: false)')
export class User {
  @Field(() => ID, { description: "The account's id (a UUID); stable for the account's life" })
  id!: string;
}

export const userRef = (id: string): User => entityRef(User, id);
