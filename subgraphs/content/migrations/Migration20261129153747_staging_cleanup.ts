import { Migration } from '@mikro-orm/migrations';

export class Migration20261129153747_staging_cleanup extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "content"."media_assets" add column "staging_removed_at" timestamptz null;`);
    this.addSql(`create index "media_assets_staging_to_remove" on "content"."media_assets" ("created_at") where "status" = 'READY' and "staging_removed_at" is null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "content"."media_assets_staging_to_remove";`);
    this.addSql(`alter table "content"."media_assets" drop column "staging_removed_at";`);
  }

}
