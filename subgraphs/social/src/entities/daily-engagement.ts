import { Entity, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";

/**
 * An account's posts of one day (UTC, by publishing time), summed: what the analytics' daily
 * series reads. Rebuilt from the posts for each day a metrics batch touches, in that batch's
 * transaction, so it always equals the sum of its posts.
 */
@Entity({ tableName: "daily_engagement" })
export class DailyEngagement {
  @PrimaryKey({ type: "uuid" })
  accountId!: string;

  @PrimaryKey({ type: "date" })
  day!: string;

  @Property({ type: "integer" })
  posts!: number;

  @Property({ type: "bigint" })
  interactions!: string;

  @Property({ type: "bigint" })
  reach!: string;

  @Property({ type: "bigint" })
  impressions!: string;
}
