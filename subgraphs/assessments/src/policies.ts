import type { Identity } from "@solo/kit";
import { badInput, definePolicy, forbidden, isUuid, notFound, ownerOrAdmin } from "@solo/kit";
import type { AssessmentsContext } from "./context";
import type { AssessmentsServices } from "./services";
import type { Attempt, MockTest, Question, StudySession } from "./entities";
import { assessmentsReader, callerId, canEditTest, canSeeTest } from "./services/visibility";

/**
 * The assessments subgraph's access policies, declared on the fields they guard (`@Access({ policy })`).
 * Each loads its subject through the request's loaders, so the resolver reading it again costs no query.
 */

/**
 * A test the caller may see (null otherwise): published, or a draft of theirs (any, for admins).
 * `reader`: who is reading, when not the caller as such (`assessmentsReader` for public data).
 */
export async function visibleTest(id: string, ctx: AssessmentsContext, reader: Identity = ctx.identity): Promise<MockTest | null> {
  const test = isUuid(id) ? await ctx.loaders.testById.load(id) : null;
  return test && canSeeTest(reader, test) ? test : null;
}

/**
 * Adding a test to a course: its author's or an admin's. Courses live in content, so content is
 * asked as the caller (`editable` is its answer); a course the caller cannot see is bad input, as
 * if it did not exist. A test on no course needs nothing more than the field's roles.
 */
export const courseAuthorOrAdmin = definePolicy<AssessmentsContext, unknown, { input: { courseId?: string | null } }, AssessmentsServices>(
  "courseAuthorOrAdmin",
  async ({ identity, args, services }) => {
    const courseId = args.input.courseId;
    if (!courseId) return true;
    const { courses } = await services.content.lookup(identity, { courseIds: [courseId] });
    if (!courses[0]) throw badInput("courseId must name a course you can see", "courseId");
    if (!courses[0].editable) throw forbidden("Only the course's author or an admin can add a test to it");
    return true;
  },
);

/** Changing a test (questions, publishing): its author's or an admin's; a draft others cannot see is missing. */
export const testAuthorOrAdmin = ownerOrAdmin<AssessmentsContext, MockTest, unknown, { id?: string; testId?: string }>("testAuthorOrAdmin", {
  subject: ({ args, context }) => visibleTest((args.testId ?? args.id)!, context),
  ownerOf: (test) => test.authorId,
  missing: () => notFound("Mock test"),
  refused: () => forbidden("Only the test's author or an admin can change it"),
});

/**
 * A question's correct option: the test's author and admins always; others only once they have
 * finished an attempt on the test, and never while they are sitting it (again): the answers would
 * be the test. Null otherwise.
 */
export const answerRevealed = definePolicy<AssessmentsContext, Question>(
  "answerRevealed",
  async ({ identity: caller, root: question, context }) => {
    // A public test's questions reach every API key: one without assessments:read reads as anonymous.
    const identity = assessmentsReader(caller);
    const test = await context.loaders.testById.load(question.test.id);
    if (test && canEditTest(identity, test)) return true;
    const userId = callerId(identity);
    if (!userId) return false;
    const key = `${userId}:${question.test.id}`;
    const [sitting, finished] = await Promise.all([context.loaders.openAttemptByUserTest.load(key), context.loaders.finishedAttemptByUserTest.load(key)]);
    return Boolean(finished && !sitting);
  },
  { deny: "null" },
);

/** Reading an attempt by id: its taker's and admins'; null for anyone else. */
export const attemptOwnerOrAdmin = ownerOrAdmin<AssessmentsContext, Attempt, unknown, { id: string }>("attemptOwnerOrAdmin", {
  subject: ({ args, context }) => context.loaders.attemptById.load(args.id),
  ownerOf: (attempt) => attempt.userId,
});

/** Answering and submitting: the taker only (admins do not sit others' tests); anyone else's is missing. */
export const ownAttempt = ownerOrAdmin<AssessmentsContext, Attempt, unknown, { attemptId: string }>("ownAttempt", {
  subject: ({ args, context }) => context.loaders.attemptById.load(args.attemptId),
  ownerOf: (attempt) => attempt.userId,
  ownerOnly: true,
  missing: () => notFound("Attempt"),
});

/** Reporting progress on and ending a session: its owner only; anyone else's is missing. */
export const ownSession = ownerOrAdmin<AssessmentsContext, StudySession, unknown, { sessionId: string }>("ownSession", {
  subject: ({ args, context }) => context.loaders.sessionById.load(args.sessionId),
  ownerOf: (session) => session.userId,
  ownerOnly: true,
  missing: () => notFound("Study session"),
});

/** Reading a session by id: its owner's and admins'; null for anyone else. */
export const sessionOwnerOrAdmin = ownerOrAdmin<AssessmentsContext, StudySession, unknown, { sessionId: string }>("sessionOwnerOrAdmin", {
  subject: ({ args, context }) => context.loaders.sessionById.load(args.sessionId),
  ownerOf: (session) => session.userId,
});
