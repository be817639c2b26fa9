import { Migration } from '@mikro-orm/migrations';

export class Migration20261130072440_campaigns_page extends Migration {

  override name = 'Migration20261130072440_campaigns_page';

  override up(): void | Promise<void> {
    this.addSql(`create index "campaigns_owner_id_created_at_id_index" on "leads"."campaigns" ("owner_id", "created_at", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "leads"."campaigns_owner_id_created_at_id_index";`);
  }

}
