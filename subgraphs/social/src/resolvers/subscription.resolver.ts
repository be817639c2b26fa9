import { GraphQLError } from "graphql";
import { Access } from "@solo/kit";
import { Arg, Directive, ID, Resolver, Root, Subscription } from "type-graphql";
import { accountOwnerOrAdmin } from "../policies";
import { EngagementUpdate } from "./types";

/**
 * Declared here so it composes and codegen sees it; the gateway serves it over graphql-ws. Its
 * `live:` tag names the query that reads the current value with the same arguments: on every
 * event under the field's topic the gateway runs the subscriber's selection through that query,
 * as the subscriber, so the query's rule (`@Access`, repeated here) decides who gets each event.
 */
const servedByGateway = () => {
  throw new GraphQLError("Subscriptions are served by the gateway over graphql-ws", { extensions: { code: "BAD_REQUEST" } });
};

@Resolver()
export class SocialSubscriptions {
  @Access({ scope: "social:read", policy: accountOwnerOrAdmin })
  @Directive('@tag(name: "live:accountEngagement")')
  @Subscription(() => EngagementUpdate, { subscribe: servedByGateway, description: "Your account's engagement, each time its metrics change" })
  engagementUpdated(
    @Arg("accountId", () => ID, { description: "A connected account of yours (any, for admins)" }) _accountId: string,
    @Root() update: EngagementUpdate,
  ): EngagementUpdate {
    return update;
  }
}
