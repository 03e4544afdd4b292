import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Dev1795312287583 implements MigrationInterface {
  name = 'Dev1795312287583';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TABLE `alert_channel` (`id` int NOT NULL AUTO_INCREMENT, `name` varchar(128) NOT NULL, `type` varchar(16) NOT NULL, `settings` text NOT NULL, `secret_encrypted` text NOT NULL, `enabled` smallint NOT NULL DEFAULT '1', `created_at` bigint NOT NULL, `updated_at` bigint NOT NULL, `updated_by` varchar(64) NOT NULL DEFAULT '', UNIQUE INDEX `uq_alert_channel_name` (`name`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `dispatch` (`id` int NOT NULL AUTO_INCREMENT, `interface_id` int NOT NULL, `name` varchar(128) NOT NULL, `description` varchar(1000) NOT NULL DEFAULT '', `cron` varchar(128) NOT NULL, `timezone` varchar(64) NOT NULL DEFAULT 'UTC', `enabled` smallint NOT NULL DEFAULT '1', `misfire_policy` varchar(16) NOT NULL DEFAULT 'run_once', `overlap_policy` varchar(16) NOT NULL DEFAULT 'skip', `run_downstream` smallint NOT NULL DEFAULT '1', `data_date_offset_days` int NOT NULL DEFAULT '-1', `last_fire_at` bigint NULL, `created_at` bigint NOT NULL, `updated_at` bigint NOT NULL, `updated_by` varchar(64) NOT NULL DEFAULT '', INDEX `ix_dispatch_interface` (`interface_id`), UNIQUE INDEX `uq_dispatch_name` (`name`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `dispatch_alert` (`id` int NOT NULL AUTO_INCREMENT, `dispatch_id` int NOT NULL, `event` varchar(16) NOT NULL, `channel_id` int NOT NULL, `recipients` varchar(2000) NOT NULL DEFAULT '', `enabled` smallint NOT NULL DEFAULT '1', INDEX `ix_dispatch_alert_channel` (`channel_id`), UNIQUE INDEX `uq_dispatch_alert` (`dispatch_id`, `event`, `channel_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `exec_host` (`id` int NOT NULL AUTO_INCREMENT, `name` varchar(128) NOT NULL, `address` varchar(512) NOT NULL, `token_encrypted` text NOT NULL, `slots` int NOT NULL DEFAULT '4', `enabled` smallint NOT NULL DEFAULT '1', `description` varchar(1000) NOT NULL DEFAULT '', `created_at` bigint NOT NULL, `updated_at` bigint NOT NULL, `updated_by` varchar(64) NOT NULL DEFAULT '', UNIQUE INDEX `uq_exec_host_name` (`name`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      'CREATE TABLE `exec_host_tag` (`host_id` int NOT NULL, `tag` varchar(64) NOT NULL, INDEX `ix_exec_host_tag_tag` (`tag`), PRIMARY KEY (`host_id`, `tag`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      "CREATE TABLE `exec_host_status` (`host_id` int NOT NULL, `state` varchar(16) NOT NULL DEFAULT 'unknown', `last_seen_at` bigint NULL, `info` text NULL, `running_count` int NOT NULL DEFAULT '0', `slots_total` int NOT NULL DEFAULT '0', PRIMARY KEY (`host_id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `etl_interface` (`id` int NOT NULL AUTO_INCREMENT, `name` varchar(128) NOT NULL, `description` varchar(1000) NOT NULL DEFAULT '', `folder` varchar(128) NOT NULL DEFAULT '', `data_date_watermark` varchar(10) NULL, `retry_count` int NOT NULL DEFAULT '0', `retry_interval_seconds` int NOT NULL DEFAULT '60', `enabled` smallint NOT NULL DEFAULT '1', `created_at` bigint NOT NULL, `updated_at` bigint NOT NULL, `updated_by` varchar(64) NOT NULL DEFAULT '', UNIQUE INDEX `uq_etl_interface_name` (`name`), INDEX `ix_etl_interface_folder` (`folder`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      'CREATE TABLE `etl_interface_dependency` (`interface_id` int NOT NULL, `parent_id` int NOT NULL, INDEX `ix_etl_interface_dependency_parent` (`parent_id`), PRIMARY KEY (`interface_id`, `parent_id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      "CREATE TABLE `etl_job` (`id` int NOT NULL AUTO_INCREMENT, `interface_id` int NOT NULL, `name` varchar(128) NOT NULL, `description` varchar(1000) NOT NULL DEFAULT '', `folder` varchar(128) NOT NULL DEFAULT '', `exec_host_id` int NULL, `host_tag` varchar(64) NOT NULL DEFAULT '', `routing_strategy` varchar(16) NOT NULL DEFAULT 'round_robin', `working_dir` varchar(1024) NOT NULL DEFAULT '', `command_type` varchar(8) NOT NULL DEFAULT 'argv', `command` text NOT NULL, `interpreter` varchar(256) NOT NULL DEFAULT '', `success_exit_codes` varchar(64) NOT NULL DEFAULT '0', `timeout_warn_seconds` int NOT NULL DEFAULT '0', `timeout_fail_seconds` int NOT NULL DEFAULT '0', `retry_count` int NULL, `retry_interval_seconds` int NULL, `retry_backoff_percent` int NOT NULL DEFAULT '100', `retry_lost` smallint NOT NULL DEFAULT '1', `enabled` smallint NOT NULL DEFAULT '1', `created_at` bigint NOT NULL, `updated_at` bigint NOT NULL, `updated_by` varchar(64) NOT NULL DEFAULT '', INDEX `ix_etl_job_interface` (`interface_id`), INDEX `ix_etl_job_name` (`name`), INDEX `ix_etl_job_folder` (`folder`), INDEX `ix_etl_job_exec_host` (`exec_host_id`), UNIQUE INDEX `uq_etl_job_interface_name` (`interface_id`, `name`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      'CREATE TABLE `etl_job_param` (`job_id` int NOT NULL, `position` int NOT NULL, `name` varchar(64) NOT NULL, `kind` varchar(16) NOT NULL, `value` varchar(1000) NOT NULL, PRIMARY KEY (`job_id`, `position`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `etl_job_dependency` (`job_id` int NOT NULL, `prerequisite_id` int NOT NULL, INDEX `ix_etl_job_dependency_prerequisite` (`prerequisite_id`), PRIMARY KEY (`job_id`, `prerequisite_id`)) ENGINE=InnoDB',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `ix_etl_job_dependency_prerequisite` ON `etl_job_dependency`');
    await queryRunner.query('DROP TABLE `etl_job_dependency`');
    await queryRunner.query('DROP TABLE `etl_job_param`');
    await queryRunner.query('DROP INDEX `uq_etl_job_interface_name` ON `etl_job`');
    await queryRunner.query('DROP INDEX `ix_etl_job_exec_host` ON `etl_job`');
    await queryRunner.query('DROP INDEX `ix_etl_job_folder` ON `etl_job`');
    await queryRunner.query('DROP INDEX `ix_etl_job_name` ON `etl_job`');
    await queryRunner.query('DROP INDEX `ix_etl_job_interface` ON `etl_job`');
    await queryRunner.query('DROP TABLE `etl_job`');
    await queryRunner.query('DROP INDEX `ix_etl_interface_dependency_parent` ON `etl_interface_dependency`');
    await queryRunner.query('DROP TABLE `etl_interface_dependency`');
    await queryRunner.query('DROP INDEX `ix_etl_interface_folder` ON `etl_interface`');
    await queryRunner.query('DROP INDEX `uq_etl_interface_name` ON `etl_interface`');
    await queryRunner.query('DROP TABLE `etl_interface`');
    await queryRunner.query('DROP TABLE `exec_host_status`');
    await queryRunner.query('DROP INDEX `ix_exec_host_tag_tag` ON `exec_host_tag`');
    await queryRunner.query('DROP TABLE `exec_host_tag`');
    await queryRunner.query('DROP INDEX `uq_exec_host_name` ON `exec_host`');
    await queryRunner.query('DROP TABLE `exec_host`');
    await queryRunner.query('DROP INDEX `uq_dispatch_alert` ON `dispatch_alert`');
    await queryRunner.query('DROP INDEX `ix_dispatch_alert_channel` ON `dispatch_alert`');
    await queryRunner.query('DROP TABLE `dispatch_alert`');
    await queryRunner.query('DROP INDEX `uq_dispatch_name` ON `dispatch`');
    await queryRunner.query('DROP INDEX `ix_dispatch_interface` ON `dispatch`');
    await queryRunner.query('DROP TABLE `dispatch`');
    await queryRunner.query('DROP INDEX `uq_alert_channel_name` ON `alert_channel`');
    await queryRunner.query('DROP TABLE `alert_channel`');
  }
}
