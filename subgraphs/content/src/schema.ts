import { buildFederatedSchema } from "@solo/kit";
import { GraphQLSchema } from "graphql";
import { Course, Flashcard, FlashcardDeck, Lesson, MediaAsset, ReadingMaterial, User } from "./entities";
import { referenceResolvers, resolvers } from "./resolvers";

export function buildContentSchema(): Promise<GraphQLSchema> {
  return buildFederatedSchema({
    resolvers,
    orphanedTypes: [User, Course, Lesson, ReadingMaterial, FlashcardDeck, Flashcard, MediaAsset],
    referenceResolvers,
  });
}
