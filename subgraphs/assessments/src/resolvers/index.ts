import { AttemptResolver, resolveAttemptReference } from "./attempt.resolver";
import { CourseProgressResolver, UserAssessmentsResolver } from "./extensions.resolver";
import { FlashcardReviewResolver } from "./flashcard-review.resolver";
import { MockTestResolver, QuestionResolver, resolveTestReference } from "./mock-test.resolver";
import { StudySessionResolver, resolveSessionReference } from "./study.resolver";
import { AssessmentSubscriptions } from "./subscription.resolver";

export const resolvers = [
  MockTestResolver,
  QuestionResolver,
  AttemptResolver,
  StudySessionResolver,
  UserAssessmentsResolver,
  CourseProgressResolver,
  FlashcardReviewResolver,
  AssessmentSubscriptions,
] as const;

export const referenceResolvers = {
  MockTest: { __resolveReference: resolveTestReference },
  Attempt: { __resolveReference: resolveAttemptReference },
  User: { __resolveReference: (reference: { id: string; accountTimezone?: string | null }) => reference },
  Course: { __resolveReference: (reference: { id: string; lessonCount?: number }) => reference },
  StudySession: { __resolveReference: resolveSessionReference },
};
