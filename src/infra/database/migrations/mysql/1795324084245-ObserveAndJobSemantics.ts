import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ObserveAndJobSemantics1795324084245 implements MigrationInterface {
  name = 'ObserveAndJobSemantics1795324084245';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TABLE `run_stat_job_day` (`day` varchar(10) NOT NULL, `job_id` int NOT NULL, `succeeded` int NOT NULL DEFAULT '0', `failed` int NOT NULL DEFAULT '0', `other_ended` int NOT NULL DEFAULT '0', `duration_count` int NOT NULL DEFAULT '0', `duration_sum_ms` bigint NOT NULL DEFAULT '0', `duration_max_ms` bigint NOT NULL DEFAULT '0', INDEX `ix_run_stat_job_day_job` (`job_id`, `day`), PRIMARY KEY (`day`, `job_id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `run_stat_host_day` (`day` varchar(10) NOT NULL, `host_id` int NOT NULL, `succeeded` int NOT NULL DEFAULT '0', `failed` int NOT NULL DEFAULT '0', `other_ended` int NOT NULL DEFAULT '0', `duration_count` int NOT NULL DEFAULT '0', `duration_sum_ms` bigint NOT NULL DEFAULT '0', `duration_max_ms` bigint NOT NULL DEFAULT '0', PRIMARY KEY (`day`, `host_id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `run_stat_job_window` (`from_day` varchar(10) NOT NULL, `through_day` varchar(10) NOT NULL, `job_id` int NOT NULL, `succeeded` int NOT NULL DEFAULT '0', `failed` int NOT NULL DEFAULT '0', `other_ended` int NOT NULL DEFAULT '0', `duration_count` int NOT NULL DEFAULT '0', `duration_sum_ms` bigint NOT NULL DEFAULT '0', `duration_max_ms` bigint NOT NULL DEFAULT '0', PRIMARY KEY (`from_day`, `through_day`, `job_id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `job_duration_stat` (`job_id` int NOT NULL, `samples` int NOT NULL DEFAULT '0', `expected_ms` bigint NOT NULL, `max_ms` bigint NOT NULL, `last_ms` bigint NOT NULL, `updated_at` bigint NOT NULL, PRIMARY KEY (`job_id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `user_group` (`id` int NOT NULL AUTO_INCREMENT, `name` varchar(64) NOT NULL, `description` varchar(255) NOT NULL DEFAULT '', `created_at` bigint NOT NULL, `updated_at` bigint NOT NULL, UNIQUE INDEX `uq_user_group_name` (`name`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      'CREATE TABLE `user_group_member` (`group_id` int NOT NULL, `user_id` int NOT NULL, INDEX `ix_user_group_member_user` (`user_id`), PRIMARY KEY (`group_id`, `user_id`)) ENGINE=InnoDB',
    );
    await queryRunner.query('ALTER TABLE `execution_interface` ADD `started_at` bigint NULL');
    await queryRunner.query('ALTER TABLE `job_run` ADD `broadcast_spec` varchar(200) NULL');
    await queryRunner.query('ALTER TABLE `job_run` ADD `parent_run_id` int NULL');
    await queryRunner.query("ALTER TABLE `job_run` ADD `parent_attempt` int NOT NULL DEFAULT '0'");
    await queryRunner.query("ALTER TABLE `job_run` ADD `budget_exceeded` smallint NOT NULL DEFAULT '0'");
    await queryRunner.query('ALTER TABLE `job_run` ADD `outputs` text NULL');
    await queryRunner.query('ALTER TABLE `job_run` ADD `inputs` text NULL');
    await queryRunner.query("ALTER TABLE `job_run` ADD `branch_skipped` smallint NOT NULL DEFAULT '0'");
    await queryRunner.query("ALTER TABLE `job_run` ADD `late_alerted_attempt` int NOT NULL DEFAULT '0'");
    await queryRunner.query(
      "ALTER TABLE `job_run_dependency` ADD `edge_condition` varchar(16) NOT NULL DEFAULT 'succeeded'",
    );
    await queryRunner.query("ALTER TABLE `job_run_dependency` ADD `output_name` varchar(64) NOT NULL DEFAULT ''");
    await queryRunner.query("ALTER TABLE `job_run_dependency` ADD `output_match` varchar(1000) NOT NULL DEFAULT ''");
    await queryRunner.query('ALTER TABLE `etl_interface` ADD `owner_user_id` int NULL');
    await queryRunner.query('ALTER TABLE `etl_interface` ADD `owner_group_id` int NULL');
    await queryRunner.query("ALTER TABLE `etl_interface` ADD `shared` smallint NOT NULL DEFAULT '1'");
    await queryRunner.query("ALTER TABLE `etl_job` ADD `broadcast` smallint NOT NULL DEFAULT '0'");
    await queryRunner.query("ALTER TABLE `etl_job` ADD `broadcast_parallel` int NOT NULL DEFAULT '0'");
    await queryRunner.query('ALTER TABLE `etl_job` ADD `fail_rate` int NULL');
    await queryRunner.query('ALTER TABLE `etl_job` ADD `fail_count` int NULL');
    await queryRunner.query("ALTER TABLE `etl_job` ADD `kill_on_budget_exceeded` smallint NOT NULL DEFAULT '0'");
    await queryRunner.query(
      "ALTER TABLE `etl_job_dependency` ADD `edge_condition` varchar(16) NOT NULL DEFAULT 'succeeded'",
    );
    await queryRunner.query("ALTER TABLE `etl_job_dependency` ADD `output_name` varchar(64) NOT NULL DEFAULT ''");
    await queryRunner.query("ALTER TABLE `etl_job_dependency` ADD `output_match` varchar(1000) NOT NULL DEFAULT ''");
    await queryRunner.query('CREATE INDEX `ix_execution_dispatch_id` ON `execution` (`dispatch_id`, `id`)');
    await queryRunner.query(
      'CREATE INDEX `ix_execution_interface_interface` ON `execution_interface` (`interface_id`, `execution_id`)',
    );
    await queryRunner.query('CREATE INDEX `ix_job_run_parent` ON `job_run` (`parent_run_id`)');
    await queryRunner.query('CREATE INDEX `ix_job_run_job_id` ON `job_run` (`job_id`, `id`)');
    await queryRunner.query('CREATE INDEX `ix_job_log_time` ON `job_log` (`time`)');
    await queryRunner.query('CREATE INDEX `ix_etl_interface_owner_user` ON `etl_interface` (`owner_user_id`)');
    await queryRunner.query('CREATE INDEX `ix_etl_interface_owner_group` ON `etl_interface` (`owner_group_id`)');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `ix_etl_interface_owner_group` ON `etl_interface`');
    await queryRunner.query('DROP INDEX `ix_etl_interface_owner_user` ON `etl_interface`');
    await queryRunner.query('DROP INDEX `ix_job_log_time` ON `job_log`');
    await queryRunner.query('DROP INDEX `ix_job_run_job_id` ON `job_run`');
    await queryRunner.query('DROP INDEX `ix_job_run_parent` ON `job_run`');
    await queryRunner.query('DROP INDEX `ix_execution_interface_interface` ON `execution_interface`');
    await queryRunner.query('DROP INDEX `ix_execution_dispatch_id` ON `execution`');
    await queryRunner.query('ALTER TABLE `etl_job_dependency` DROP COLUMN `output_match`');
    await queryRunner.query('ALTER TABLE `etl_job_dependency` DROP COLUMN `output_name`');
    await queryRunner.query('ALTER TABLE `etl_job_dependency` DROP COLUMN `edge_condition`');
    await queryRunner.query('ALTER TABLE `etl_job` DROP COLUMN `kill_on_budget_exceeded`');
    await queryRunner.query('ALTER TABLE `etl_job` DROP COLUMN `fail_count`');
    await queryRunner.query('ALTER TABLE `etl_job` DROP COLUMN `fail_rate`');
    await queryRunner.query('ALTER TABLE `etl_job` DROP COLUMN `broadcast_parallel`');
    await queryRunner.query('ALTER TABLE `etl_job` DROP COLUMN `broadcast`');
    await queryRunner.query('ALTER TABLE `etl_interface` DROP COLUMN `shared`');
    await queryRunner.query('ALTER TABLE `etl_interface` DROP COLUMN `owner_group_id`');
    await queryRunner.query('ALTER TABLE `etl_interface` DROP COLUMN `owner_user_id`');
    await queryRunner.query('ALTER TABLE `job_run_dependency` DROP COLUMN `output_match`');
    await queryRunner.query('ALTER TABLE `job_run_dependency` DROP COLUMN `output_name`');
    await queryRunner.query('ALTER TABLE `job_run_dependency` DROP COLUMN `edge_condition`');
    await queryRunner.query('ALTER TABLE `job_run` DROP COLUMN `late_alerted_attempt`');
    await queryRunner.query('ALTER TABLE `job_run` DROP COLUMN `branch_skipped`');
    await queryRunner.query('ALTER TABLE `job_run` DROP COLUMN `inputs`');
    await queryRunner.query('ALTER TABLE `job_run` DROP COLUMN `outputs`');
    await queryRunner.query('ALTER TABLE `job_run` DROP COLUMN `budget_exceeded`');
    await queryRunner.query('ALTER TABLE `job_run` DROP COLUMN `parent_attempt`');
    await queryRunner.query('ALTER TABLE `job_run` DROP COLUMN `parent_run_id`');
    await queryRunner.query('ALTER TABLE `job_run` DROP COLUMN `broadcast_spec`');
    await queryRunner.query('ALTER TABLE `execution_interface` DROP COLUMN `started_at`');
    await queryRunner.query('DROP INDEX `ix_user_group_member_user` ON `user_group_member`');
    await queryRunner.query('DROP TABLE `user_group_member`');
    await queryRunner.query('DROP INDEX `uq_user_group_name` ON `user_group`');
    await queryRunner.query('DROP TABLE `user_group`');
    await queryRunner.query('DROP TABLE `job_duration_stat`');
    await queryRunner.query('DROP TABLE `run_stat_job_window`');
    await queryRunner.query('DROP TABLE `run_stat_host_day`');
    await queryRunner.query('DROP INDEX `ix_run_stat_job_day_job` ON `run_stat_job_day`');
    await queryRunner.query('DROP TABLE `run_stat_job_day`');
  }
}
