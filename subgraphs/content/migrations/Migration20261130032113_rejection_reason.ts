import { Migration } from '@mikro-orm/migrations';

export class Migration20261130032113_rejection_reason extends Migration {

  override name = 'Migration20261130032113_rejection_reason';

  override up(): void | Promise<void> {
    this.addSql(`alter table "content"."media_assets" add "rejection_reason" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "content"."media_assets" drop column "rejection_reason";`);
  }

}
