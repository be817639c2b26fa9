import { Access, nextPosition, signedInCaller } from "@solo/kit";
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Course, Flashcard, FlashcardDeck, MediaAsset, UploadPurpose, User, userRef } from "../entities";
import type { ContentContext } from "../context";
import { requireOwnReadyAsset } from "../services/assets";
import { deckOwnerOrAdmin, linkedCourseAuthorOrAdmin, visibleDeck } from "../policies";
import { contentReader, ownDeckOrPublishedCourse, publishedOrAuthor } from "../services/visibility";
import { FlashcardDeckInput, FlashcardInput } from "./types";

@Resolver(() => FlashcardDeck)
export class FlashcardDeckResolver {
  @Access({ scope: "content:write", policy: linkedCourseAuthorOrAdmin })
  @Mutation(() => FlashcardDeck, { description: "A new deck of your own; link it to a course you author to share it" })
  async createFlashcardDeck(@Arg("input", { description: "The new deck" }) input: FlashcardDeckInput, @Ctx() ctx: ContentContext): Promise<FlashcardDeck> {
    const owner = signedInCaller(ctx.identity);
    // linkedCourseAuthorOrAdmin read it (through the loader) and found it the caller's to link.
    const course: Course | null = input.courseId ? await ctx.loaders.courseById.load(input.courseId) : null;
    const deck = ctx.em.create(FlashcardDeck, {
      title: input.title.trim(),
      description: input.description?.trim() || null,
      ownerId: owner.userId,
      course,
    });
    await ctx.em.flush();
    return deck;
  }

  @Access({ scope: "content:write", policy: deckOwnerOrAdmin })
  @Mutation(() => Flashcard, { description: "Append a card to a deck you own" })
  async addFlashcard(
    @Arg("deckId", () => ID, { description: "A deck you own (any, for admins)" }) deckId: string,
    @Arg("input", { description: "The new card" }) input: FlashcardInput,
    @Ctx() ctx: ContentContext,
  ): Promise<Flashcard> {
    const deck = (await visibleDeck(deckId, ctx))!;
    const media = input.mediaAssetId ? await requireOwnReadyAsset(ctx, input.mediaAssetId, UploadPurpose.FLASHCARD_MEDIA, "mediaAssetId") : null;
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

  @Access({ publicData: true, scope: "content:read", filter: ownDeckOrPublishedCourse })
  @Query(() => FlashcardDeck, { nullable: true, description: "A deck you may see: yours, or one linked to a published course" })
  flashcardDeck(@Arg("id", () => ID, { description: "The deck's id" }) id: string, @Ctx() ctx: ContentContext): Promise<FlashcardDeck | null> {
    return visibleDeck(id, ctx, contentReader(ctx.identity));
  }

  @FieldResolver(() => User, { description: "The account that made the deck" })
  owner(@Root() deck: FlashcardDeck): User {
    return userRef(deck.ownerId);
  }

  @Access({ withParent: true, filter: publishedOrAuthor })
  @FieldResolver(() => Course, { description: "The course it is linked to: its students may study it once the course is published", nullable: true })
  async course(@Root() deck: FlashcardDeck, @Ctx() ctx: ContentContext): Promise<Course | null> {
    const course = deck.course ? await ctx.loaders.courseById.load(deck.course.id) : null;
    return course && publishedOrAuthor.visible(ctx.identity, course) ? course : null;
  }

  @FieldResolver(() => Int, { description: "How many cards the deck has" })
  cardCount(@Root() deck: FlashcardDeck, @Ctx() ctx: ContentContext): Promise<number> {
    return ctx.loaders.cardCountByDeck.load(deck.id);
  }

  @FieldResolver(() => [Flashcard], { description: "Every card, by position" })
  cards(@Root() deck: FlashcardDeck, @Ctx() ctx: ContentContext): Promise<Flashcard[]> {
    return ctx.loaders.cardsByDeck.load(deck.id);
  }
}

@Resolver(() => Flashcard)
export class FlashcardResolver {
  @FieldResolver(() => MediaAsset, { description: "A picture or sound for the card (a FLASHCARD_MEDIA upload); null without one", nullable: true })
  media(@Root() card: Flashcard, @Ctx() ctx: ContentContext): Promise<MediaAsset | null> | null {
    return card.mediaAssetId ? ctx.loaders.assetById.load(card.mediaAssetId) : null;
  }
}

/** Public data: a key without content:read reads as anonymous (a deck linked to a published course). */
export async function resolveDeckReference(reference: { id: string }, ctx: ContentContext): Promise<FlashcardDeck | null> {
  return visibleDeck(reference.id, ctx, contentReader(ctx.identity));
}

export async function resolveCardReference(reference: { id: string }, ctx: ContentContext): Promise<Flashcard | null> {
  const card = await ctx.loaders.cardById.load(reference.id);
  return card && (await visibleDeck(card.deck.id, ctx, contentReader(ctx.identity))) ? card : null;
}
