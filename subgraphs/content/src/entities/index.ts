export * from "./enums";
export * from "./user";
export * from "./media-asset";
export * from "./asset-rejection";
export * from "./course";
export * from "./lesson";
export * from "./reading-material";
export * from "./flashcards";

import { AuditOutboxEntry } from "@solo/kit";
import { Course } from "./course";
import { Flashcard, FlashcardDeck } from "./flashcards";
import { Lesson } from "./lesson";
import { MediaAsset } from "./media-asset";
import { ReadingMaterial } from "./reading-material";

export const entities = [MediaAsset, Course, Lesson, ReadingMaterial, FlashcardDeck, Flashcard, AuditOutboxEntry];
