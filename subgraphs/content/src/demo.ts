import type { EntityManager } from "@mikro-orm/postgresql";
import type { DemoPart } from "@solo/kit";
import type { MaterialKind } from "./entities";
import { Course, CourseLevel, CourseStatus, Flashcard, FlashcardDeck, Lesson, ReadingMaterial } from "./entities";

/** The demo's course (`npm run seed`): lessons, reading materials and a deck of legal maxims, by the demo instructor. */
const DEMO_COURSE_SLUG = "clat-2027-complete-preparation";

const LESSONS = [
  ["How CLAT is scored", "120 questions, one mark each, a quarter off for every wrong answer: when to guess and when to skip."],
  ["Reading comprehension strategy", "Skim for structure, read for argument, answer from the text, not from what you know."],
  ["Vocabulary in context", "Infer meaning from the sentence around a word; eliminate options that change the tone."],
  ["Current affairs: building a weekly habit", "Read two sources, keep a one-page digest, revise it every Sunday."],
  ["Legal principles and facts", "Apply only the principle given; never import outside law into a question."],
  ["Torts: negligence and liability", "Duty, breach, damage: the three questions to ask of every negligence fact pattern."],
  ["Contracts: offer and acceptance", "When a contract is formed, and what revocation and counter-offers do to it."],
  ["Constitutional law basics", "Fundamental rights, the directive principles, and how courts read them together."],
  ["Critical reasoning: assumptions", "Find the unstated premise an argument needs; test each option by negating it."],
  ["Syllogisms and arrangements", "Diagram before answering: Venn diagrams for syllogisms, grids for seatings."],
  ["Data interpretation essentials", "Percentages, ratios and averages from tables and charts, quickly and safely."],
  ["Mock test review method", "After each mock: classify every error, revisit the concept, retest in a week."],
] as const;

const MATERIALS = [
  ["GK Digest: November week 3", "GK_DIGEST", "current-affairs", "Summits, appointments, awards and judgments of the week, with one-line context for each."],
  ["GK Digest: November week 2", "GK_DIGEST", "current-affairs", "International agreements, economic indicators and the week's major Supreme Court rulings."],
  ["How to read a judgment", "ARTICLE", "legal-reasoning", "Facts, issues, arguments, reasoning, holding: reading a judgment in five passes."],
  ["Negative marking: the expected value of a guess", "ARTICLE", "strategy", "With four options and a quarter off, a guess between two options is worth taking."],
  ["Weekly revision planner", "TEMPLATE", "strategy", "A seven-day grid: two sections a day, one mock on Sunday, review on Monday."],
  ["Legal maxims handbook", "TRAINING", "legal-reasoning", "Fifty maxims that recur in legal reasoning passages, each with an example."],
] as const;

const MAXIMS = [
  ["Audi alteram partem", "Hear the other side"],
  ["Res judicata", "A matter already judged"],
  ["Ubi jus ibi remedium", "Where there is a right there is a remedy"],
  ["Volenti non fit injuria", "No injury to one who consents"],
  ["Actus non facit reum nisi mens sit rea", "The act is not guilty unless the mind is guilty"],
  ["Caveat emptor", "Let the buyer beware"],
  ["Nemo judex in causa sua", "No one should judge their own cause"],
  ["Ignorantia juris non excusat", "Ignorance of the law excuses no one"],
  ["Damnum sine injuria", "Damage without legal injury"],
  ["Injuria sine damno", "Legal injury without damage"],
  ["Quid pro quo", "Something for something"],
  ["Stare decisis", "Stand by decided cases"],
] as const;

export const contentDemo: DemoPart = {
  isLoaded: async (em: EntityManager) => (await em.count(Course, { slug: DEMO_COURSE_SLUG })) > 0,
  async load(em: EntityManager, earlier, log) {
    const { instructorId } = earlier.users as { instructorId: string };
    const now = Date.now();
    const day = 86_400_000;
    const course = em.create(Course, {
      slug: DEMO_COURSE_SLUG,
      title: "CLAT 2027: Complete Preparation",
      description: "Every section of the Common Law Admission Test: strategy, concepts, practice and full mocks.",
      level: CourseLevel.INTERMEDIATE,
      status: CourseStatus.PUBLISHED,
      tags: ["clat", "law", "entrance-exam"],
      authorId: instructorId,
      publishedAt: new Date(now - 45 * day),
      createdAt: new Date(now - 50 * day),
      updatedAt: new Date(now - 45 * day),
    });
    const lessons = LESSONS.map(([title, body], i) =>
      em.create(Lesson, { course, position: i + 1, title, body, durationMinutes: 20 + (i % 4) * 10, createdAt: new Date(now - 49 * day) }),
    );
    for (const [i, [title, kind, topic, body]] of MATERIALS.entries()) {
      const publishedAt = new Date(now - (i + 1) * 7 * day);
      em.create(ReadingMaterial, { title, kind: kind as MaterialKind, topic, body, authorId: instructorId, publishedAt, createdAt: publishedAt });
    }
    const deck = em.create(FlashcardDeck, { title: "Legal maxims", description: "The maxims CLAT passages lean on", ownerId: instructorId, course });
    MAXIMS.forEach(([front, back], i) => em.create(Flashcard, { deck, position: i + 1, front, back }));
    await em.flush();
    log(`Course "${course.title}" (slug ${course.slug}) with ${lessons.length} lessons, ${MATERIALS.length} reading materials, a deck of ${MAXIMS.length} maxims.`);
    return { courseId: course.id, lessonIds: lessons.map((lesson) => lesson.id) };
  },
};
