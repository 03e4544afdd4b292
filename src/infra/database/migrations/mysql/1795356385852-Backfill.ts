import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Backfill1795356385852 implements MigrationInterface {
  name = 'Backfill1795356385852';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TABLE `backfill` (`id` int NOT NULL AUTO_INCREMENT, `dispatch_id` int NOT NULL, `dispatch_name` varchar(128) NOT NULL, `interface_id` int NOT NULL, `date_from` varchar(10) NOT NULL, `date_through` varchar(10) NOT NULL, `date_order` varchar(16) NOT NULL, `parallelism` int NOT NULL, `run_downstream` smallint NOT NULL DEFAULT '0', `stop_on_failure` smallint NOT NULL DEFAULT '0', `state` varchar(16) NOT NULL, `next_date` varchar(10) NULL, `total_dates` int NOT NULL, `note` varchar(255) NOT NULL DEFAULT '', `created_by` varchar(64) NOT NULL, `created_at` bigint NOT NULL, `updated_at` bigint NOT NULL, `finished_at` bigint NULL, INDEX `ix_backfill_dispatch` (`dispatch_id`, `id`), INDEX `ix_backfill_state` (`state`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      'CREATE TABLE `backfill_date` (`backfill_id` int NOT NULL, `data_date` varchar(10) NOT NULL, `execution_id` int NOT NULL, UNIQUE INDEX `uq_backfill_date_execution` (`execution_id`), PRIMARY KEY (`backfill_id`, `data_date`)) ENGINE=InnoDB',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `uq_backfill_date_execution` ON `backfill_date`');
    await queryRunner.query('DROP TABLE `backfill_date`');
    await queryRunner.query('DROP INDEX `ix_backfill_state` ON `backfill`');
    await queryRunner.query('DROP INDEX `ix_backfill_dispatch` ON `backfill`');
    await queryRunner.query('DROP TABLE `backfill`');
  }
}
