import { Migration } from '@mikro-orm/migrations';

export class Migration20261129153626_ranked_attempts extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "assessments"."mock_tests" add column "max_attempts" int null;`);

    this.addSql(`alter table "assessments"."attempts" add column "ranked" boolean not null default false;`);
    // Attempts finished before this: each user's earliest finished attempt on a test is its ranked one.
    this.addSql(`update "assessments"."attempts" a set "ranked" = true from (
      select distinct on ("test_id", "user_id") "id" from "assessments"."attempts"
       where "status" in ('SUBMITTED', 'EXPIRED')
       order by "test_id", "user_id", "submitted_at", "created_at", "id"
    ) earliest where a."id" = earliest."id";`);
    this.addSql(`create unique index "attempts_one_ranked" on "assessments"."attempts" ("test_id", "user_id") where "ranked";`);
    this.addSql(`create index "attempts_ranked_leaderboard" on "assessments"."attempts" ("test_id", "score" desc, "submitted_at", "user_id") where "ranked";`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "assessments"."attempts_ranked_leaderboard";`);
    this.addSql(`drop index "assessments"."attempts_one_ranked";`);
    this.addSql(`alter table "assessments"."attempts" drop column "ranked";`);

    this.addSql(`alter table "assessments"."mock_tests" drop column "max_attempts";`);
  }

}
