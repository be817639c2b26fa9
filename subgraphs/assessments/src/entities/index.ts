export * from "./enums";
export * from "./references";
export * from "./mock-test";
export * from "./attempt";
export * from "./study";

import { AuditOutboxEntry } from "@solo/kit";
import { Answer, Attempt } from "./attempt";
import { MockTest, Question } from "./mock-test";
import { FlashcardReview, LessonCompletion, ReviewEvent, StudySession } from "./study";

export const entities = [MockTest, Question, Attempt, Answer, StudySession, LessonCompletion, FlashcardReview, ReviewEvent, AuditOutboxEntry];
