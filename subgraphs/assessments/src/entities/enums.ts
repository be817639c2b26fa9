import { registerEnumType } from "type-graphql";

export enum TestStatus {
  DRAFT = "DRAFT",
  PUBLISHED = "PUBLISHED",
}

export enum Difficulty {
  EASY = "EASY",
  MEDIUM = "MEDIUM",
  HARD = "HARD",
}

export enum AttemptStatus {
  IN_PROGRESS = "IN_PROGRESS",
  SUBMITTED = "SUBMITTED",
  EXPIRED = "EXPIRED",
}

export enum StudySessionStatus {
  ACTIVE = "ACTIVE",
  ENDED = "ENDED",
}

registerEnumType(TestStatus, {
  name: "TestStatus",
  description: "Whether a mock test is open",
  valuesConfig: {
    DRAFT: { description: "Being written: only its author and admins see it; questions may be added" },
    PUBLISHED: { description: "Open to everyone: attempts may start" },
  },
});
registerEnumType(Difficulty, {
  name: "Difficulty",
  description: "How hard a question is, as its author judges it (marks are set separately)",
  valuesConfig: {
    EASY: { description: "Most candidates should answer it right" },
    MEDIUM: { description: "About half of candidates should answer it right" },
    HARD: { description: "Only well-prepared candidates should answer it right" },
  },
});
registerEnumType(AttemptStatus, {
  name: "AttemptStatus",
  description: "EXPIRED: submitted after the deadline, scored on the answers given in time",
  valuesConfig: {
    IN_PROGRESS: { description: "Started; answers are accepted until the deadline" },
    SUBMITTED: { description: "Submitted in time and scored" },
    EXPIRED: { description: "Submitted after the deadline: scored on the answers given in time" },
  },
});
registerEnumType(StudySessionStatus, {
  name: "StudySessionStatus",
  description: "Whether a study session is going on",
  valuesConfig: { ACTIVE: { description: "Going on: progress may be reported" }, ENDED: { description: "Over: ended, replaced by a newer session, or idle too long" } },
});
