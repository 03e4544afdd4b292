import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DefinitionsAndEngine1795314245741 implements MigrationInterface {
  name = 'DefinitionsAndEngine1795314245741';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TABLE `alert_channel` (`id` int NOT NULL AUTO_INCREMENT, `name` varchar(128) NOT NULL, `type` varchar(16) NOT NULL, `settings` text NOT NULL, `secret_encrypted` text NOT NULL, `enabled` smallint NOT NULL DEFAULT '1', `created_at` bigint NOT NULL, `updated_at` bigint NOT NULL, `updated_by` varchar(64) NOT NULL DEFAULT '', UNIQUE INDEX `uq_alert_channel_name` (`name`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `alert_outbox` (`id` int NOT NULL AUTO_INCREMENT, `dedupe_key` varchar(128) NOT NULL, `execution_id` int NOT NULL, `dispatch_id` int NULL, `event` varchar(16) NOT NULL, `channel_id` int NOT NULL, `recipients` varchar(2000) NOT NULL DEFAULT '', `subject` varchar(512) NOT NULL, `body` text NOT NULL, `placeholder_values` text NOT NULL, `state` varchar(16) NOT NULL, `attempts` int NOT NULL DEFAULT '0', `next_attempt_at` bigint NOT NULL, `claimed_by` varchar(64) NULL, `last_error` varchar(2000) NULL, `created_at` bigint NOT NULL, `sent_at` bigint NULL, UNIQUE INDEX `uq_alert_outbox_dedupe_key` (`dedupe_key`), INDEX `ix_alert_outbox_due` (`state`, `next_attempt_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `dispatch` (`id` int NOT NULL AUTO_INCREMENT, `interface_id` int NOT NULL, `name` varchar(128) NOT NULL, `description` varchar(1000) NOT NULL DEFAULT '', `cron` varchar(128) NOT NULL, `timezone` varchar(64) NOT NULL DEFAULT 'UTC', `enabled` smallint NOT NULL DEFAULT '1', `misfire_policy` varchar(16) NOT NULL DEFAULT 'run_once', `overlap_policy` varchar(16) NOT NULL DEFAULT 'skip', `run_downstream` smallint NOT NULL DEFAULT '1', `data_date_offset_days` int NOT NULL DEFAULT '-1', `last_fire_at` bigint NULL, `created_at` bigint NOT NULL, `updated_at` bigint NOT NULL, `updated_by` varchar(64) NOT NULL DEFAULT '', INDEX `ix_dispatch_interface` (`interface_id`), UNIQUE INDEX `uq_dispatch_name` (`name`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `dispatch_alert` (`id` int NOT NULL AUTO_INCREMENT, `dispatch_id` int NOT NULL, `event` varchar(16) NOT NULL, `channel_id` int NOT NULL, `recipients` varchar(2000) NOT NULL DEFAULT '', `enabled` smallint NOT NULL DEFAULT '1', INDEX `ix_dispatch_alert_channel` (`channel_id`), UNIQUE INDEX `uq_dispatch_alert` (`dispatch_id`, `event`, `channel_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `execution` (`id` int NOT NULL AUTO_INCREMENT, `dispatch_id` int NULL, `interface_id` int NOT NULL, `interface_name` varchar(128) NOT NULL, `dispatch_name` varchar(128) NOT NULL DEFAULT '', `scheduled_at` bigint NOT NULL, `data_date` varchar(10) NOT NULL, `trigger` varchar(16) NOT NULL, `state` varchar(16) NOT NULL, `run_downstream` smallint NOT NULL DEFAULT '0', `created_by` varchar(64) NOT NULL, `created_at` bigint NOT NULL, `finished_at` bigint NULL, `updated_at` bigint NOT NULL, `failure_alerted` smallint NOT NULL DEFAULT '0', INDEX `ix_execution_state` (`state`), INDEX `ix_execution_dispatch_state` (`dispatch_id`, `state`), UNIQUE INDEX `uq_execution_dispatch_scheduled` (`dispatch_id`, `scheduled_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `execution_interface` (`execution_id` int NOT NULL, `interface_id` int NOT NULL, `interface_name` varchar(128) NOT NULL, `parent_ids` varchar(2000) NOT NULL DEFAULT '', `level` int NOT NULL DEFAULT '0', `state` varchar(16) NOT NULL, `waiting_on` int NOT NULL DEFAULT '0', `finished_at` bigint NULL, PRIMARY KEY (`execution_id`, `interface_id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `job_run` (`id` int NOT NULL AUTO_INCREMENT, `execution_id` int NOT NULL, `node_run_id` varchar(64) NOT NULL, `data_date` varchar(10) NOT NULL, `interface_id` int NOT NULL, `interface_name` varchar(128) NOT NULL, `job_id` int NOT NULL, `job_name` varchar(128) NOT NULL, `command_type` varchar(8) NOT NULL, `command` text NOT NULL, `interpreter` varchar(256) NOT NULL DEFAULT '', `working_dir` varchar(1024) NOT NULL DEFAULT '', `params` text NOT NULL, `success_exit_codes` varchar(64) NOT NULL DEFAULT '0', `timeout_warn_seconds` int NOT NULL DEFAULT '0', `timeout_fail_seconds` int NOT NULL DEFAULT '0', `retry_count` int NOT NULL DEFAULT '0', `retry_interval_seconds` int NOT NULL DEFAULT '0', `retry_backoff_percent` int NOT NULL DEFAULT '100', `retry_lost` smallint NOT NULL DEFAULT '1', `target_host_id` int NULL, `host_tag` varchar(64) NOT NULL DEFAULT '', `routing_strategy` varchar(16) NOT NULL DEFAULT 'round_robin', `state` varchar(16) NOT NULL, `attempt` int NOT NULL DEFAULT '1', `retries_used` int NOT NULL DEFAULT '0', `waiting_on` int NOT NULL DEFAULT '0', `gated` smallint NOT NULL DEFAULT '0', `not_before` bigint NOT NULL, `host_id` int NULL, `avoid_host_id` int NULL, `pid` int NULL, `exit_code` int NULL, `exit_signal` varchar(16) NULL, `error` varchar(2000) NULL, `tail` text NULL, `warned` smallint NOT NULL DEFAULT '0', `created_at` bigint NOT NULL, `dispatched_at` bigint NULL, `started_at` bigint NULL, `finished_at` bigint NULL, `updated_at` bigint NOT NULL, UNIQUE INDEX `uq_job_run_node_run_id` (`node_run_id`), INDEX `ix_job_run_job_date_state` (`job_id`, `data_date`, `state`), INDEX `ix_job_run_state_not_before` (`state`, `not_before`, `id`), INDEX `ix_job_run_state_host` (`state`, `host_id`), INDEX `ix_job_run_execution_interface_state` (`execution_id`, `interface_id`, `state`), INDEX `ix_job_run_execution_state` (`execution_id`, `state`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `job_run_dependency` (`id` int NOT NULL AUTO_INCREMENT, `run_id` int NOT NULL, `prerequisite_job_id` int NOT NULL, `prerequisite_run_id` int NULL, `data_date` varchar(10) NOT NULL, `satisfied` smallint NOT NULL DEFAULT '0', INDEX `ix_job_run_dependency_external` (`prerequisite_job_id`, `data_date`, `satisfied`), INDEX `ix_job_run_dependency_prerequisite_run` (`prerequisite_run_id`, `satisfied`), INDEX `ix_job_run_dependency_run` (`run_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      "CREATE TABLE `job_run_transition` (`id` int NOT NULL AUTO_INCREMENT, `run_id` int NOT NULL, `execution_id` int NOT NULL, `attempt` int NOT NULL, `from_state` varchar(16) NOT NULL, `to_state` varchar(16) NOT NULL, `at` bigint NOT NULL, `actor` varchar(128) NOT NULL, `reason` varchar(1000) NOT NULL DEFAULT '', INDEX `ix_job_run_transition_run` (`run_id`, `id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      'CREATE TABLE `job_log` (`run_id` int NOT NULL, `attempt` int NOT NULL, `seq` int NOT NULL, `stream` varchar(8) NOT NULL, `time` bigint NOT NULL, `line` text NOT NULL, PRIMARY KEY (`run_id`, `attempt`, `seq`)) ENGINE=InnoDB',
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
    await queryRunner.query(
      'CREATE TABLE `node_event` (`run_id` int NOT NULL, `attempt` int NOT NULL, `seq` int NOT NULL, `received_at` bigint NOT NULL, PRIMARY KEY (`run_id`, `attempt`, `seq`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      "CREATE TABLE `dispatch_fire` (`id` int NOT NULL AUTO_INCREMENT, `dispatch_id` int NOT NULL, `scheduled_at` bigint NOT NULL, `trigger` varchar(16) NOT NULL, `outcome` varchar(16) NOT NULL, `data_date` varchar(10) NOT NULL, `instance` varchar(128) NOT NULL, `fired_at` bigint NOT NULL, `latency_ms` int NULL, `execution_id` int NULL, `error` varchar(1000) NOT NULL DEFAULT '', INDEX `ix_dispatch_fire_outcome` (`outcome`, `scheduled_at`), UNIQUE INDEX `uq_dispatch_fire` (`dispatch_id`, `scheduled_at`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `uq_dispatch_fire` ON `dispatch_fire`');
    await queryRunner.query('DROP INDEX `ix_dispatch_fire_outcome` ON `dispatch_fire`');
    await queryRunner.query('DROP TABLE `dispatch_fire`');
    await queryRunner.query('DROP TABLE `node_event`');
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
    await queryRunner.query('DROP TABLE `job_log`');
    await queryRunner.query('DROP INDEX `ix_job_run_transition_run` ON `job_run_transition`');
    await queryRunner.query('DROP TABLE `job_run_transition`');
    await queryRunner.query('DROP INDEX `ix_job_run_dependency_run` ON `job_run_dependency`');
    await queryRunner.query('DROP INDEX `ix_job_run_dependency_prerequisite_run` ON `job_run_dependency`');
    await queryRunner.query('DROP INDEX `ix_job_run_dependency_external` ON `job_run_dependency`');
    await queryRunner.query('DROP TABLE `job_run_dependency`');
    await queryRunner.query('DROP INDEX `ix_job_run_execution_state` ON `job_run`');
    await queryRunner.query('DROP INDEX `ix_job_run_execution_interface_state` ON `job_run`');
    await queryRunner.query('DROP INDEX `ix_job_run_state_host` ON `job_run`');
    await queryRunner.query('DROP INDEX `ix_job_run_state_not_before` ON `job_run`');
    await queryRunner.query('DROP INDEX `ix_job_run_job_date_state` ON `job_run`');
    await queryRunner.query('DROP INDEX `uq_job_run_node_run_id` ON `job_run`');
    await queryRunner.query('DROP TABLE `job_run`');
    await queryRunner.query('DROP TABLE `execution_interface`');
    await queryRunner.query('DROP INDEX `uq_execution_dispatch_scheduled` ON `execution`');
    await queryRunner.query('DROP INDEX `ix_execution_dispatch_state` ON `execution`');
    await queryRunner.query('DROP INDEX `ix_execution_state` ON `execution`');
    await queryRunner.query('DROP TABLE `execution`');
    await queryRunner.query('DROP INDEX `uq_dispatch_alert` ON `dispatch_alert`');
    await queryRunner.query('DROP INDEX `ix_dispatch_alert_channel` ON `dispatch_alert`');
    await queryRunner.query('DROP TABLE `dispatch_alert`');
    await queryRunner.query('DROP INDEX `uq_dispatch_name` ON `dispatch`');
    await queryRunner.query('DROP INDEX `ix_dispatch_interface` ON `dispatch`');
    await queryRunner.query('DROP TABLE `dispatch`');
    await queryRunner.query('DROP INDEX `ix_alert_outbox_due` ON `alert_outbox`');
    await queryRunner.query('DROP INDEX `uq_alert_outbox_dedupe_key` ON `alert_outbox`');
    await queryRunner.query('DROP TABLE `alert_outbox`');
    await queryRunner.query('DROP INDEX `uq_alert_channel_name` ON `alert_channel`');
    await queryRunner.query('DROP TABLE `alert_channel`');
  }
}
