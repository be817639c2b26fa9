import { Access, forbidden, isUuid, notFound, requireScope, nextPosition } from "@solo/kit";
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Course, Flashcard, FlashcardDeck, MediaAsset, UploadPurpose, User, userRef } from "../entities";
import type { ContentContext } from "../context";
import { requireOwnReadyAsset } from "../services/assets";
import { canEditCourse, canEditDeck, canSeeCourse, canSeeDeck } from "../services/visibility";
import { FlashcardDeckInput, FlashcardInput } from "./types";

async function visibleDeck(id: string, ctx: ContentContext): Promise<FlashcardDeck | null> {
  const deck = isUuid(id) ? await ctx.loaders.deckById.load(id) : null;
  if (!deck) return null;
  const course = deck.course ? await ctx.loaders.courseById.load(deck.course.id) : null;
  return canSeeDeck(ctx.identity, deck, course) ? deck : null;
}

@Resolver(() => FlashcardDeck)
export class FlashcardDeckResolver {
  @Access({ scope: "content:write" })
  @Mutation(() => FlashcardDeck, { description: "A new deck of your own; link it to a course you author to share it" })
  async createFlashcardDeck(@Arg("input") input: FlashcardDeckInput, @Ctx() ctx: ContentContext): Promise<FlashcardDeck> {
    if (ctx.identity.kind === "anonymous") throw forbidden();
    let course: Course | null = null;
    if (input.courseId) {
      course = isUuid(input.courseId) ? await ctx.loaders.courseById.load(input.courseId) : null;
      if (!course || !canEditCourse(ctx.identity, course)) throw notFound("Course");
    }
    const deck = ctx.em.create(FlashcardDeck, {
      title: input.title.trim(),
      description: input.description?.trim() || null,
      ownerId: ctx.identity.userId,
      course,
    });
    await ctx.em.flush();
    return deck;
  }

  @Access({ scope: "content:write" })
  @Mutation(() => Flashcard, { description: "Append a card to a deck you own" })
  async addFlashcard(
    @Arg("deckId", () => ID) deckId: string,
    @Arg("input") input: FlashcardInput,
    @Ctx() ctx: ContentContext,
  ): Promise<Flashcard> {
    const deck = await visibleDeck(deckId, ctx);
    if (!deck) throw notFound("Flashcard deck");
    if (!canEditDeck(ctx.identity, deck)) throw forbidden("Only the deck's owner or an admin can add cards");
    const media = input.mediaAssetId
      ? await requireOwnReadyAsset(ctx, input.mediaAssetId, UploadPurpose.FLASHCARD_MEDIA, "mediaAssetId")
      : null;
    const card = await ctx.em.transactional(async (em) => {
      const position = await nextPosition(em, "content", { table: "flashcard_decks", id: deck.id }, { table: "flashcards", parentColumn: "deck_id" });
      return em.create(Flashcard, {
        deck: em.getReference(FlashcardDeck, deck.id),
        position,
        front: input.front,
        back: input.back,
        mediaAssetId: media?.id ?? null,
      });
    });
    ctx.loaders.cardCountByDeck.clear(deck.id);
    ctx.loaders.cardsByDeck.clear(deck.id);
    return card;
  }

  @Access({ public: true, scope: "content:read" })
  @Query(() => FlashcardDeck, { nullable: true, description: "A deck you may see: yours, or one linked to a published course" })
  flashcardDeck(@Arg("id", () => ID) id: string, @Ctx() ctx: ContentContext): Promise<FlashcardDeck | null> {
    return visibleDeck(id, ctx);
  }

  @FieldResolver(() => User)
  owner(@Root() deck: FlashcardDeck): User {
    return userRef(deck.ownerId);
  }

  @FieldResolver(() => Course, { nullable: true })
  async course(@Root() deck: FlashcardDeck, @Ctx() ctx: ContentContext): Promise<Course | null> {
    const course = deck.course ? await ctx.loaders.courseById.load(deck.course.id) : null;
    return course && canSeeCourse(ctx.identity, course) ? course : null;
  }

  @FieldResolver(() => Int)
  cardCount(@Root() deck: FlashcardDeck, @Ctx() ctx: ContentContext): Promise<number> {
    return ctx.loaders.cardCountByDeck.load(deck.id);
  }

  @FieldResolver(() => [Flashcard])
  cards(@Root() deck: FlashcardDeck, @Ctx() ctx: ContentContext): Promise<Flashcard[]> {
    return ctx.loaders.cardsByDeck.load(deck.id);
  }
}

@Resolver(() => Flashcard)
export class FlashcardResolver {
  @FieldResolver(() => MediaAsset, { nullable: true })
  media(@Root() card: Flashcard, @Ctx() ctx: ContentContext): Promise<MediaAsset | null> | null {
    return card.mediaAssetId ? ctx.loaders.assetById.load(card.mediaAssetId) : null;
  }
}

export async function resolveDeckReference(reference: { id: string }, ctx: ContentContext): Promise<FlashcardDeck | null> {
  requireScope(ctx.identity, "content:read");
  return visibleDeck(reference.id, ctx);
}

export async function resolveCardReference(reference: { id: string }, ctx: ContentContext): Promise<Flashcard | null> {
  requireScope(ctx.identity, "content:read");
  const card = await ctx.loaders.cardById.load(reference.id);
  return card && (await visibleDeck(card.deck.id, ctx)) ? card : null;
}
