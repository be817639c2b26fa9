import type { EntityManager } from "@mikro-orm/postgresql";
import type { Row } from "@solo/kit";
import { findRows, groupBy, loaderById } from "@solo/kit";
import DataLoader from "dataloader";
import { Course, Flashcard, FlashcardDeck, Lesson, MediaAsset, ReadingMaterial } from "../entities";

async function countBy(em: EntityManager, table: string, column: string, keys: readonly string[]): Promise<number[]> {
  const placeholders = keys.map(() => "?").join(", ");
  const rows: { key: string; n: string }[] = await em
    .getConnection()
    .execute(`select "${column}" as key, count(*) as n from "content"."${table}" where "${column}" in (${placeholders}) group by "${column}"`, [...keys]);
  const counts = new Map(rows.map((row) => [row.key, Number(row.n)]));
  return keys.map((key) => counts.get(key) ?? 0);
}

/** Per request: every list or reference in a response costs one query per kind, not per item. */
export function createLoaders(em: EntityManager) {
  return {
    assetById: loaderById((ids) => em.find(MediaAsset, { id: { $in: [...ids] } })),
    courseById: loaderById((ids) => em.find(Course, { id: { $in: [...ids] } })),
    lessonById: loaderById((ids) => em.find(Lesson, { id: { $in: [...ids] } })),
    materialById: loaderById((ids) => em.find(ReadingMaterial, { id: { $in: [...ids] } })),
    deckById: loaderById((ids) => em.find(FlashcardDeck, { id: { $in: [...ids] } })),
    cardById: loaderById((ids) => em.find(Flashcard, { id: { $in: [...ids] } })),
    lessonsByCourse: new DataLoader<string, Row<Lesson>[]>(async (courseIds) =>
      groupBy(courseIds, await findRows(em, Lesson, { course: { $in: [...courseIds] } }, { orderBy: [["position", "asc"]] }), (lesson) => lesson.course.id),
    ),
    lessonCountByCourse: new DataLoader<string, number>((courseIds) => countBy(em, "lessons", "course_id", courseIds)),
    coursesByAuthor: new DataLoader<string, Course[]>(async (authorIds) =>
      groupBy(authorIds, await em.find(Course, { authorId: { $in: [...authorIds] } }, { orderBy: { createdAt: "desc", id: "desc" } }), (course) => course.authorId),
    ),
    cardsByDeck: new DataLoader<string, Flashcard[]>(async (deckIds) =>
      groupBy(deckIds, await em.find(Flashcard, { deck: { $in: [...deckIds] } }, { orderBy: { position: "asc" } }), (card) => card.deck.id),
    ),
    cardCountByDeck: new DataLoader<string, number>((deckIds) => countBy(em, "flashcards", "deck_id", deckIds)),
  };
}

export type ContentLoaders = ReturnType<typeof createLoaders>;
