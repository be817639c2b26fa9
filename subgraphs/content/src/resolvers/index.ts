import { CourseResolver, resolveCourseReference } from "./course.resolver";
import { FlashcardDeckResolver, FlashcardResolver, resolveCardReference, resolveDeckReference } from "./flashcard.resolver";
import { LessonResolver, resolveLessonReference } from "./lesson.resolver";
import { MediaAssetResolver, resolveAssetReference } from "./media-asset.resolver";
import { ReadingMaterialResolver, resolveMaterialReference } from "./reading-material.resolver";
import { SearchResolver } from "./search.resolver";
import { UserContentResolver, resolveUserReference } from "./user.resolver";

export const resolvers = [
  CourseResolver,
  LessonResolver,
  ReadingMaterialResolver,
  FlashcardDeckResolver,
  FlashcardResolver,
  MediaAssetResolver,
  SearchResolver,
  UserContentResolver,
] as const;

export const referenceResolvers = {
  User: { __resolveReference: resolveUserReference },
  Course: { __resolveReference: resolveCourseReference },
  Lesson: { __resolveReference: resolveLessonReference },
  ReadingMaterial: { __resolveReference: resolveMaterialReference },
  FlashcardDeck: { __resolveReference: resolveDeckReference },
  Flashcard: { __resolveReference: resolveCardReference },
  MediaAsset: { __resolveReference: resolveAssetReference },
};
