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

registerEnumType(TestStatus, { name: "TestStatus" });
registerEnumType(Difficulty, { name: "Difficulty" });
registerEnumType(AttemptStatus, { name: "AttemptStatus", description: "EXPIRED: submitted after the deadline, scored on the answers given in time" });
registerEnumType(StudySessionStatus, { name: "StudySessionStatus" });
