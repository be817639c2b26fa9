import { GraphQLError } from "graphql";
import { Access } from "@solo/kit";
import { Arg, Directive, ID, Resolver, Root, Subscription } from "type-graphql";
import { sessionOwnerOrAdmin } from "../policies";
import { publishedOrAuthor } from "../services/visibility";
import { StudySession } from "../entities";
import { LeaderboardEntry, LiveStudyStats } from "./types";

/**
 * Declared here so they compose and codegen sees them; the gateway serves them over graphql-ws.
 * Each names (in a `live:` tag) the query that reads its current value with the same arguments:
 * on every event under the field's topic, the gateway runs the subscriber's selection through that
 * query, as the subscriber. A subscription sent to this subgraph directly is refused.
 *
 * So each declares the rule of the query it names (`@Access`), which is what decides, at the
 * first read and at every event, whether the subscriber gets the value.
 */
const servedByGateway = () => {
  throw new GraphQLError("Subscriptions are served by the gateway over graphql-ws", { extensions: { code: "BAD_REQUEST" } });
};

@Resolver()
export class AssessmentSubscriptions {
  @Access({ scope: "assessments:read", policy: sessionOwnerOrAdmin })
  @Directive('@tag(name: "live:studySession")')
  @Subscription(() => StudySession, { subscribe: servedByGateway, description: "Your session (or any, for admins) as it changes" })
  studySessionUpdated(@Arg("sessionId", () => ID, { description: "The session to follow" }) _sessionId: string, @Root() session: StudySession): StudySession {
    return session;
  }

  @Access({ scope: "assessments:read" })
  @Directive('@tag(name: "live:liveStudyStats")')
  @Directive('@tag(name: "live-audience:signed-in")')
  @Subscription(() => LiveStudyStats, { subscribe: servedByGateway, description: "Counts of live study, for everyone signed in" })
  liveStudyStats(
    @Arg("courseId", () => ID, { description: "Only this course's study; omit for the whole platform", nullable: true }) _courseId: string | null,
    @Root() stats: LiveStudyStats,
  ): LiveStudyStats {
    return stats;
  }

  // Public data, as its lookup (Query.leaderboard) is: any key follows a published test's board.
  @Access({ publicData: true, scope: "assessments:read", filter: publishedOrAuthor })
  @Directive('@tag(name: "live:leaderboard")')
  @Subscription(() => [LeaderboardEntry], { subscribe: servedByGateway, description: "The leaderboard of a test you can see, when it changes" })
  leaderboardUpdated(
    @Arg("testId", () => ID, { description: "The test whose leaderboard to follow" }) _testId: string,
    @Root() entries: LeaderboardEntry[],
  ): LeaderboardEntry[] {
    return entries;
  }
}
