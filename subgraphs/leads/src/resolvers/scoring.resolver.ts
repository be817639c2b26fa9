import { Access, badInput, queueAudit, signedInCaller } from "@solo/kit";
import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import { ScoringWeight } from "../entities";
import type { LeadsContext } from "../loaders";
import type { LeadsServices } from "../services";
import { SIGNAL_NAME } from "../services/lead-input";
import { rescoreOwner } from "../services/scoring";
import { RescoreResult, ScoringWeightInput } from "./types";

const MARKETERS = ["MARKETER", "ADMIN"] as const;
const MAX_WEIGHTS = 100;

@Resolver(() => ScoringWeight)
export class ScoringResolver {
  constructor(private readonly services: LeadsServices) {}

  @Access({ roles: [...MARKETERS] })
  @Mutation(() => [ScoringWeight], { description: "Replace your scoring weights (then rescoreLeads applies them to every lead)" })
  async setScoringWeights(
    @Arg("weights", () => [ScoringWeightInput], { description: "Every weight you want, one per signal; signals left out no longer count" }) weights: ScoringWeightInput[],
    @Ctx() ctx: LeadsContext,
  ): Promise<ScoringWeight[]> {
    const ownerId = signedInCaller(ctx.identity).userId;
    if (!weights.length || weights.length > MAX_WEIGHTS) throw badInput(`give 1 to ${MAX_WEIGHTS} weights`, "weights");
    const seen = new Set<string>();
    for (const { signal, weight } of weights) {
      if (!SIGNAL_NAME.test(signal)) throw badInput(`"${signal.slice(0, 64)}" is not a signal name (lower-case letters, digits and _, starting with a letter)`, "signal");
      if (seen.has(signal)) throw badInput(`${signal} is weighted twice`, "signal");
      if (!Number.isFinite(weight) || weight < 0 || weight > 1_000_000) throw badInput("each weight must be 0 to 1,000,000", "weight");
      seen.add(signal);
    }
    if (weights.reduce((sum, { weight }) => sum + weight, 0) <= 0) throw badInput("the weights must not sum to 0", "weights");
    return ctx.em.transactional(async (tx) => {
      await tx.nativeDelete(ScoringWeight, { ownerId });
      const rows = weights.map(({ signal, weight }) => tx.create(ScoringWeight, { ownerId, signal, weight }));
      queueAudit(tx, ctx, "scoring_weights.set", { type: "ScoringWeights", id: ownerId }, { weights: Object.fromEntries(weights.map((w) => [w.signal, w.weight])) });
      return rows;
    });
  }

  @Access({ roles: [...MARKETERS], scope: "leads:read" })
  @Query(() => [ScoringWeight], { description: "Your scoring weights" })
  scoringWeights(@Ctx() ctx: LeadsContext): Promise<ScoringWeight[]> {
    return ctx.em.find(ScoringWeight, { ownerId: signedInCaller(ctx.identity).userId }, { orderBy: { signal: "asc" } });
  }

  @Access({ roles: [...MARKETERS] })
  @Mutation(() => RescoreResult, { description: "Rescore every lead of yours by your current weights (in SQL, in batches)" })
  async rescoreLeads(@Ctx() ctx: LeadsContext): Promise<RescoreResult> {
    const ownerId = signedInCaller(ctx.identity).userId;
    const { scored, changed } = await rescoreOwner(ctx.em, ownerId, this.services.clock.now());
    if (changed) await this.services.events.pipelineChanged(ownerId);
    return { scored };
  }
}
