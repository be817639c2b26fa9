import type { EntityManager } from "@mikro-orm/postgresql";
import type { Identity } from "@solo/kit";
import type { Course, Flashcard, FlashcardDeck, Lesson } from "./entities";
import type { ContentLookup, ContentLookupRequest } from "./internal-api";
import { createLoaders } from "./loaders";
import { canEditCourse, canSeeCourse, canSeeDeck } from "./services/visibility";

/**
 * What another subgraph may know about content, for the caller it acts for: only what that caller
 * could see through the graph is returned (absent means "no such thing, as far as you can tell").
 */
export async function lookupContent(em: EntityManager, identity: Identity, request: ContentLookupRequest): Promise<ContentLookup> {
  const loaders = createLoaders(em);
  // Checked by the route's schema: UUIDs, at most LOOKUP_MAX_IDS of each kind.
  const ids = (list: string[] | undefined) => list ?? [];
  const visibleCourse = async (id: string) => {
    const course = await loaders.courseById.load(id);
    return course && canSeeCourse(identity, course) ? course : null;
  };
  const describeCourse = async (course: Course) => ({
    id: course.id,
    title: course.title,
    status: course.status,
    authorId: course.authorId,
    editable: canEditCourse(identity, course),
    lessonCount: await loaders.lessonCountByCourse.load(course.id),
  });

  const courses = (await Promise.all(ids(request.courseIds).map(visibleCourse))).filter((c): c is Course => c !== null);
  const lessons = (await Promise.all(ids(request.lessonIds).map((id) => loaders.lessonById.load(id)))).filter((l): l is Lesson => l !== null);
  const visibleLessons = [];
  for (const lesson of lessons) {
    const course = await visibleCourse(lesson.course.id);
    if (course) visibleLessons.push({ id: lesson.id, courseId: course.id, lessonCount: await loaders.lessonCountByCourse.load(course.id) });
  }
  const visibleDeck = async (id: string) => {
    const deck = await loaders.deckById.load(id);
    const course = deck?.course ? await loaders.courseById.load(deck.course.id) : null;
    return deck && canSeeDeck(identity, deck, course) ? deck : null;
  };
  const cards = (await Promise.all(ids(request.cardIds).map((id) => loaders.cardById.load(id)))).filter((c): c is Flashcard => c !== null);
  const visibleCards = [];
  for (const card of cards) if (await visibleDeck(card.deck.id)) visibleCards.push({ id: card.id, deckId: card.deck.id });
  const decks = (await Promise.all(ids(request.deckIds).map(visibleDeck))).filter((d): d is FlashcardDeck => d !== null);
  return {
    courses: await Promise.all(courses.map(describeCourse)),
    lessons: visibleLessons,
    cards: visibleCards,
    decks: await Promise.all(decks.map(async (deck) => ({ id: deck.id, cardIds: (await loaders.cardsByDeck.load(deck.id)).map((c) => c.id) }))),
  };
}
