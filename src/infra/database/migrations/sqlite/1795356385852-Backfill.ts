import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Backfill1795356385852 implements MigrationInterface {
  name = 'Backfill1795356385852';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "backfill" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "dispatch_id" integer NOT NULL, "dispatch_name" varchar(128) NOT NULL, "interface_id" integer NOT NULL, "date_from" varchar(10) NOT NULL, "date_through" varchar(10) NOT NULL, "date_order" varchar(16) NOT NULL, "parallelism" integer NOT NULL, "run_downstream" smallint NOT NULL DEFAULT (0), "stop_on_failure" smallint NOT NULL DEFAULT (0), "state" varchar(16) NOT NULL, "next_date" varchar(10), "total_dates" integer NOT NULL, "note" varchar(255) NOT NULL DEFAULT (\'\'), "created_by" varchar(64) NOT NULL, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "finished_at" bigint)',
    );
    await queryRunner.query('CREATE INDEX "ix_backfill_dispatch" ON "backfill" ("dispatch_id", "id") ');
    await queryRunner.query('CREATE INDEX "ix_backfill_state" ON "backfill" ("state") ');
    await queryRunner.query(
      'CREATE TABLE "backfill_date" ("backfill_id" integer NOT NULL, "data_date" varchar(10) NOT NULL, "execution_id" integer NOT NULL, PRIMARY KEY ("backfill_id", "data_date"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_backfill_date_execution" ON "backfill_date" ("execution_id") ');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "uq_backfill_date_execution"');
    await queryRunner.query('DROP TABLE "backfill_date"');
    await queryRunner.query('DROP INDEX "ix_backfill_state"');
    await queryRunner.query('DROP INDEX "ix_backfill_dispatch"');
    await queryRunner.query('DROP TABLE "backfill"');
  }
}
