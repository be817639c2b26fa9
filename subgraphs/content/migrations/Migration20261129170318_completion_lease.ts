import { Migration } from '@mikro-orm/migrations';

export class Migration20261129170318_completion_lease extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "content"."media_assets" add column "completion_claim" uuid null, add column "completion_lease_until" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "content"."media_assets" drop column "completion_claim", drop column "completion_lease_until";`);
  }

}
