import { LockMode, UniqueConstraintViolationException } from "@mikro-orm/core";
import { Access, badInput, notFound } from "@solo/kit";
import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { Flashcard, FlashcardReview, ReviewEvent, ref } from "../entities";
import type { AssessmentsContext } from "../context";
import type { AssessmentsServices } from "../services";
import { NEW_CARD, sm2 } from "../services/formulas";
import { callerId } from "../services/visibility";
import { DueFlashcard, FlashcardReviewResult } from "./types";

const DAY_MS = 86_400_000;

@Resolver()
export class FlashcardReviewResolver {
  constructor(private readonly services: AssessmentsServices) {}

  @Access({ scope: "assessments:write" })
  @Mutation(() => FlashcardReviewResult, { description: "Grade your recall of a card (0-5, SM-2)" })
  async reviewFlashcard(
    @Arg("cardId", () => ID, { description: "A card of a deck you may see" }) cardId: string,
    @Arg("grade", () => Int, { description: "How well you recalled it, SM-2 style: 0 (blank) to 5 (perfect); 3 or more counts as recalled" }) grade: number,
    @Ctx() ctx: AssessmentsContext,
  ): Promise<FlashcardReviewResult> {
    if (!Number.isInteger(grade) || grade < 0 || grade > 5) throw badInput("grade must be 0 to 5", "grade");
    const { cards } = await this.services.content.lookup(ctx.identity, { cardIds: [cardId] });
    const card = cards[0];
    if (!card) throw notFound("Flashcard");
    const userId = callerId(ctx.identity);
    for (let attempt = 0; ; attempt++) {
      const now = this.services.clock.now();
      try {
        const state = await ctx.em.transactional(async (em) => {
          const current = await em.findOne(FlashcardReview, { userId, cardId: card.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
          const next = sm2(current ?? NEW_CARD, grade);
          const dueAt = new Date(now.getTime() + next.intervalDays * DAY_MS);
          const row = current ?? em.create(FlashcardReview, { userId, cardId: card.id, deckId: card.deckId, ...next, dueAt, lastReviewedAt: now });
          Object.assign(row, next, { dueAt, lastReviewedAt: now });
          em.create(ReviewEvent, { userId, cardId: card.id, grade, reviewedAt: now });
          return row;
        });
        return { dueAt: state.dueAt, intervalDays: state.intervalDays, easiness: state.easiness, repetitions: state.repetitions, card: ref(Flashcard, card.id) };
      } catch (error) {
        // Two first reviews of one card raced on the (user, card) index: the retry sees the winner's.
        if (!(error instanceof UniqueConstraintViolationException) || attempt >= 2) throw error;
      }
    }
  }

  @Access({ scope: "assessments:read" })
  @Query(() => [DueFlashcard], { description: "Cards of a deck due for you now, most overdue first; never-reviewed cards are due" })
  async dueFlashcards(
    @Arg("deckId", () => ID, { description: "A deck you may see" }) deckId: string,
    @Arg("first", () => Int, { description: "At most this many cards: 1 to 100, 20 by default", nullable: true }) first: number | null,
    @Ctx() ctx: AssessmentsContext,
  ): Promise<DueFlashcard[]> {
    const limit = first ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badInput("first must be 1 to 100", "first");
    const { decks } = await this.services.content.lookup(ctx.identity, { deckIds: [deckId] });
    if (!decks[0]) throw notFound("Flashcard deck");
    const now = this.services.clock.now();
    const states = new Map((await ctx.em.find(FlashcardReview, { userId: callerId(ctx.identity), cardId: { $in: decks[0].cardIds } })).map((s) => [s.cardId, s]));
    return decks[0].cardIds
      .map((id) => ({ dueAt: states.get(id)?.dueAt ?? now, card: ref(Flashcard, id) }))
      .filter((due) => due.dueAt.getTime() <= now.getTime())
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())
      .slice(0, limit);
  }
}
