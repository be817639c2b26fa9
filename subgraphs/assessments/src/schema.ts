import { buildFederatedSchema } from "@solo/kit";
import { GraphQLSchema } from "graphql";
import { Attempt, Course, Flashcard, Lesson, MockTest, StudySession, User } from "./entities";
import { referenceResolvers, resolvers } from "./resolvers";

export function buildAssessmentsSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers,
    orphanedTypes: [User, Course, Lesson, Flashcard, MockTest, Attempt, StudySession],
    referenceResolvers,
  });
}
