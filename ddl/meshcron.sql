-- Meshcron MySQL schema, generated from the migrations by `npm run ddl:generate`. Do not edit by hand.
-- Apply to an empty database (utf8mb4); the portal then finds every migration already applied.

CREATE TABLE `alert_channel` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `name` varchar(128) NOT NULL,
  `type` varchar(16) NOT NULL,
  `settings` text NOT NULL,
  `secret_encrypted` text NOT NULL,
  `enabled` smallint(6) NOT NULL DEFAULT 1,
  `created_at` bigint(20) NOT NULL,
  `updated_at` bigint(20) NOT NULL,
  `updated_by` varchar(64) NOT NULL DEFAULT '',
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_alert_channel_name` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `alert_outbox` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `dedupe_key` varchar(128) NOT NULL,
  `execution_id` int(11) NOT NULL,
  `dispatch_id` int(11) DEFAULT NULL,
  `event` varchar(16) NOT NULL,
  `channel_id` int(11) NOT NULL,
  `recipients` varchar(2000) NOT NULL DEFAULT '',
  `subject` varchar(512) NOT NULL,
  `body` text NOT NULL,
  `placeholder_values` text NOT NULL,
  `state` varchar(16) NOT NULL,
  `attempts` int(11) NOT NULL DEFAULT 0,
  `next_attempt_at` bigint(20) NOT NULL,
  `claimed_by` varchar(64) DEFAULT NULL,
  `last_error` varchar(2000) DEFAULT NULL,
  `created_at` bigint(20) NOT NULL,
  `sent_at` bigint(20) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_alert_outbox_dedupe_key` (`dedupe_key`),
  KEY `ix_alert_outbox_due` (`state`,`next_attempt_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `api_token` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `user_id` int(11) NOT NULL,
  `name` varchar(128) NOT NULL,
  `token_hash` varchar(64) NOT NULL,
  `prefix` varchar(16) NOT NULL,
  `created_at` bigint(20) NOT NULL,
  `last_used_at` bigint(20) DEFAULT NULL,
  `expires_at` bigint(20) DEFAULT NULL,
  `revoked_at` bigint(20) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_api_token_hash` (`token_hash`),
  KEY `ix_api_token_user` (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `app_setting` (
  `name` varchar(64) NOT NULL,
  `value` text NOT NULL,
  `updated_at` bigint(20) NOT NULL,
  PRIMARY KEY (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `app_user` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `username` varchar(64) NOT NULL,
  `display_name` varchar(128) NOT NULL DEFAULT '',
  `email` varchar(255) NOT NULL DEFAULT '',
  `password_hash` varchar(255) NOT NULL,
  `role` varchar(16) NOT NULL,
  `enabled` smallint(6) NOT NULL DEFAULT 1,
  `language` varchar(8) NOT NULL DEFAULT '',
  `failed_logins` int(11) NOT NULL DEFAULT 0,
  `locked_until` bigint(20) DEFAULT NULL,
  `last_login_at` bigint(20) DEFAULT NULL,
  `created_at` bigint(20) NOT NULL,
  `updated_at` bigint(20) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_app_user_username` (`username`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `audit_log` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `at` bigint(20) NOT NULL,
  `user_id` int(11) DEFAULT NULL,
  `username` varchar(64) NOT NULL,
  `action` varchar(32) NOT NULL,
  `target_type` varchar(32) NOT NULL DEFAULT '',
  `target_id` varchar(64) NOT NULL DEFAULT '',
  `target_name` varchar(255) NOT NULL DEFAULT '',
  `detail` text DEFAULT NULL,
  `ip` varchar(64) NOT NULL DEFAULT '',
  PRIMARY KEY (`id`),
  KEY `ix_audit_log_at` (`at`),
  KEY `ix_audit_log_target` (`target_type`,`target_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `backfill` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `dispatch_id` int(11) NOT NULL,
  `dispatch_name` varchar(128) NOT NULL,
  `interface_id` int(11) NOT NULL,
  `date_from` varchar(10) NOT NULL,
  `date_through` varchar(10) NOT NULL,
  `date_order` varchar(16) NOT NULL,
  `parallelism` int(11) NOT NULL,
  `run_downstream` smallint(6) NOT NULL DEFAULT 0,
  `stop_on_failure` smallint(6) NOT NULL DEFAULT 0,
  `state` varchar(16) NOT NULL,
  `next_date` varchar(10) DEFAULT NULL,
  `total_dates` int(11) NOT NULL,
  `note` varchar(255) NOT NULL DEFAULT '',
  `created_by` varchar(64) NOT NULL,
  `created_at` bigint(20) NOT NULL,
  `updated_at` bigint(20) NOT NULL,
  `finished_at` bigint(20) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ix_backfill_dispatch` (`dispatch_id`,`id`),
  KEY `ix_backfill_state` (`state`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `backfill_date` (
  `backfill_id` int(11) NOT NULL,
  `data_date` varchar(10) NOT NULL,
  `execution_id` int(11) NOT NULL,
  PRIMARY KEY (`backfill_id`,`data_date`),
  UNIQUE KEY `uq_backfill_date_execution` (`execution_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `dispatch` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `interface_id` int(11) NOT NULL,
  `name` varchar(128) NOT NULL,
  `description` varchar(1000) NOT NULL DEFAULT '',
  `cron` varchar(128) NOT NULL,
  `timezone` varchar(64) NOT NULL DEFAULT 'UTC',
  `enabled` smallint(6) NOT NULL DEFAULT 1,
  `misfire_policy` varchar(16) NOT NULL DEFAULT 'run_once',
  `overlap_policy` varchar(16) NOT NULL DEFAULT 'skip',
  `run_downstream` smallint(6) NOT NULL DEFAULT 1,
  `data_date_offset_days` int(11) NOT NULL DEFAULT -1,
  `last_fire_at` bigint(20) DEFAULT NULL,
  `created_at` bigint(20) NOT NULL,
  `updated_at` bigint(20) NOT NULL,
  `updated_by` varchar(64) NOT NULL DEFAULT '',
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_dispatch_name` (`name`),
  KEY `ix_dispatch_interface` (`interface_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `dispatch_alert` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `dispatch_id` int(11) NOT NULL,
  `event` varchar(16) NOT NULL,
  `channel_id` int(11) NOT NULL,
  `recipients` varchar(2000) NOT NULL DEFAULT '',
  `enabled` smallint(6) NOT NULL DEFAULT 1,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_dispatch_alert` (`dispatch_id`,`event`,`channel_id`),
  KEY `ix_dispatch_alert_channel` (`channel_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `dispatch_fire` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `dispatch_id` int(11) NOT NULL,
  `scheduled_at` bigint(20) NOT NULL,
  `trigger` varchar(16) NOT NULL,
  `outcome` varchar(16) NOT NULL,
  `data_date` varchar(10) NOT NULL,
  `instance` varchar(128) NOT NULL,
  `fired_at` bigint(20) NOT NULL,
  `latency_ms` int(11) DEFAULT NULL,
  `execution_id` int(11) DEFAULT NULL,
  `error` varchar(1000) NOT NULL DEFAULT '',
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_dispatch_fire` (`dispatch_id`,`scheduled_at`),
  KEY `ix_dispatch_fire_outcome` (`outcome`,`scheduled_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `etl_interface` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `name` varchar(128) NOT NULL,
  `description` varchar(1000) NOT NULL DEFAULT '',
  `folder` varchar(128) NOT NULL DEFAULT '',
  `data_date_watermark` varchar(10) DEFAULT NULL,
  `retry_count` int(11) NOT NULL DEFAULT 0,
  `retry_interval_seconds` int(11) NOT NULL DEFAULT 60,
  `enabled` smallint(6) NOT NULL DEFAULT 1,
  `created_at` bigint(20) NOT NULL,
  `updated_at` bigint(20) NOT NULL,
  `updated_by` varchar(64) NOT NULL DEFAULT '',
  `owner_user_id` int(11) DEFAULT NULL,
  `owner_group_id` int(11) DEFAULT NULL,
  `shared` smallint(6) NOT NULL DEFAULT 1,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_etl_interface_name` (`name`),
  KEY `ix_etl_interface_folder` (`folder`),
  KEY `ix_etl_interface_owner_user` (`owner_user_id`),
  KEY `ix_etl_interface_owner_group` (`owner_group_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `etl_interface_dependency` (
  `interface_id` int(11) NOT NULL,
  `parent_id` int(11) NOT NULL,
  PRIMARY KEY (`interface_id`,`parent_id`),
  KEY `ix_etl_interface_dependency_parent` (`parent_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `etl_job` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `interface_id` int(11) NOT NULL,
  `name` varchar(128) NOT NULL,
  `description` varchar(1000) NOT NULL DEFAULT '',
  `folder` varchar(128) NOT NULL DEFAULT '',
  `exec_host_id` int(11) DEFAULT NULL,
  `host_tag` varchar(64) NOT NULL DEFAULT '',
  `routing_strategy` varchar(16) NOT NULL DEFAULT 'round_robin',
  `working_dir` varchar(1024) NOT NULL DEFAULT '',
  `command_type` varchar(8) NOT NULL DEFAULT 'argv',
  `command` text NOT NULL,
  `interpreter` varchar(256) NOT NULL DEFAULT '',
  `success_exit_codes` varchar(64) NOT NULL DEFAULT '0',
  `timeout_warn_seconds` int(11) NOT NULL DEFAULT 0,
  `timeout_fail_seconds` int(11) NOT NULL DEFAULT 0,
  `retry_count` int(11) DEFAULT NULL,
  `retry_interval_seconds` int(11) DEFAULT NULL,
  `retry_backoff_percent` int(11) NOT NULL DEFAULT 100,
  `retry_lost` smallint(6) NOT NULL DEFAULT 1,
  `enabled` smallint(6) NOT NULL DEFAULT 1,
  `created_at` bigint(20) NOT NULL,
  `updated_at` bigint(20) NOT NULL,
  `updated_by` varchar(64) NOT NULL DEFAULT '',
  `broadcast` smallint(6) NOT NULL DEFAULT 0,
  `broadcast_parallel` int(11) NOT NULL DEFAULT 0,
  `fail_rate` int(11) DEFAULT NULL,
  `fail_count` int(11) DEFAULT NULL,
  `kill_on_budget_exceeded` smallint(6) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_etl_job_interface_name` (`interface_id`,`name`),
  KEY `ix_etl_job_interface` (`interface_id`),
  KEY `ix_etl_job_name` (`name`),
  KEY `ix_etl_job_folder` (`folder`),
  KEY `ix_etl_job_exec_host` (`exec_host_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `etl_job_dependency` (
  `job_id` int(11) NOT NULL,
  `prerequisite_id` int(11) NOT NULL,
  `edge_condition` varchar(16) NOT NULL DEFAULT 'succeeded',
  `output_name` varchar(64) NOT NULL DEFAULT '',
  `output_match` varchar(1000) NOT NULL DEFAULT '',
  PRIMARY KEY (`job_id`,`prerequisite_id`),
  KEY `ix_etl_job_dependency_prerequisite` (`prerequisite_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `etl_job_param` (
  `job_id` int(11) NOT NULL,
  `position` int(11) NOT NULL,
  `name` varchar(64) NOT NULL,
  `kind` varchar(16) NOT NULL,
  `value` varchar(1000) NOT NULL,
  PRIMARY KEY (`job_id`,`position`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `execution` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `dispatch_id` int(11) DEFAULT NULL,
  `interface_id` int(11) NOT NULL,
  `interface_name` varchar(128) NOT NULL,
  `dispatch_name` varchar(128) NOT NULL DEFAULT '',
  `scheduled_at` bigint(20) NOT NULL,
  `data_date` varchar(10) NOT NULL,
  `trigger` varchar(16) NOT NULL,
  `state` varchar(16) NOT NULL,
  `run_downstream` smallint(6) NOT NULL DEFAULT 0,
  `created_by` varchar(64) NOT NULL,
  `created_at` bigint(20) NOT NULL,
  `finished_at` bigint(20) DEFAULT NULL,
  `updated_at` bigint(20) NOT NULL,
  `failure_alerted` smallint(6) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_execution_dispatch_scheduled` (`dispatch_id`,`scheduled_at`),
  KEY `ix_execution_state` (`state`),
  KEY `ix_execution_dispatch_state` (`dispatch_id`,`state`),
  KEY `ix_execution_dispatch_id` (`dispatch_id`,`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `execution_interface` (
  `execution_id` int(11) NOT NULL,
  `interface_id` int(11) NOT NULL,
  `interface_name` varchar(128) NOT NULL,
  `parent_ids` varchar(2000) NOT NULL DEFAULT '',
  `level` int(11) NOT NULL DEFAULT 0,
  `state` varchar(16) NOT NULL,
  `waiting_on` int(11) NOT NULL DEFAULT 0,
  `finished_at` bigint(20) DEFAULT NULL,
  `started_at` bigint(20) DEFAULT NULL,
  PRIMARY KEY (`execution_id`,`interface_id`),
  KEY `ix_execution_interface_interface` (`interface_id`,`execution_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `exec_host` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `name` varchar(128) NOT NULL,
  `address` varchar(512) NOT NULL,
  `token_encrypted` text NOT NULL,
  `slots` int(11) NOT NULL DEFAULT 4,
  `enabled` smallint(6) NOT NULL DEFAULT 1,
  `description` varchar(1000) NOT NULL DEFAULT '',
  `created_at` bigint(20) NOT NULL,
  `updated_at` bigint(20) NOT NULL,
  `updated_by` varchar(64) NOT NULL DEFAULT '',
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_exec_host_name` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `exec_host_status` (
  `host_id` int(11) NOT NULL,
  `state` varchar(16) NOT NULL DEFAULT 'unknown',
  `last_seen_at` bigint(20) DEFAULT NULL,
  `info` text DEFAULT NULL,
  `running_count` int(11) NOT NULL DEFAULT 0,
  `slots_total` int(11) NOT NULL DEFAULT 0,
  PRIMARY KEY (`host_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `exec_host_tag` (
  `host_id` int(11) NOT NULL,
  `tag` varchar(64) NOT NULL,
  PRIMARY KEY (`host_id`,`tag`),
  KEY `ix_exec_host_tag_tag` (`tag`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `http_session` (
  `sid` varchar(128) NOT NULL,
  `user_id` int(11) DEFAULT NULL,
  `expires_at` bigint(20) NOT NULL,
  `data` text NOT NULL,
  PRIMARY KEY (`sid`),
  KEY `ix_http_session_user` (`user_id`),
  KEY `ix_http_session_expires` (`expires_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `job_duration_stat` (
  `job_id` int(11) NOT NULL,
  `samples` int(11) NOT NULL DEFAULT 0,
  `expected_ms` bigint(20) NOT NULL,
  `max_ms` bigint(20) NOT NULL,
  `last_ms` bigint(20) NOT NULL,
  `updated_at` bigint(20) NOT NULL,
  PRIMARY KEY (`job_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `job_log` (
  `run_id` int(11) NOT NULL,
  `attempt` int(11) NOT NULL,
  `seq` int(11) NOT NULL,
  `stream` varchar(8) NOT NULL,
  `time` bigint(20) NOT NULL,
  `line` text NOT NULL,
  PRIMARY KEY (`run_id`,`attempt`,`seq`),
  KEY `ix_job_log_time` (`time`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `job_run` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `execution_id` int(11) NOT NULL,
  `node_run_id` varchar(64) NOT NULL,
  `data_date` varchar(10) NOT NULL,
  `interface_id` int(11) NOT NULL,
  `interface_name` varchar(128) NOT NULL,
  `job_id` int(11) NOT NULL,
  `job_name` varchar(128) NOT NULL,
  `command_type` varchar(8) NOT NULL,
  `command` text NOT NULL,
  `interpreter` varchar(256) NOT NULL DEFAULT '',
  `working_dir` varchar(1024) NOT NULL DEFAULT '',
  `params` text NOT NULL,
  `success_exit_codes` varchar(64) NOT NULL DEFAULT '0',
  `timeout_warn_seconds` int(11) NOT NULL DEFAULT 0,
  `timeout_fail_seconds` int(11) NOT NULL DEFAULT 0,
  `retry_count` int(11) NOT NULL DEFAULT 0,
  `retry_interval_seconds` int(11) NOT NULL DEFAULT 0,
  `retry_backoff_percent` int(11) NOT NULL DEFAULT 100,
  `retry_lost` smallint(6) NOT NULL DEFAULT 1,
  `target_host_id` int(11) DEFAULT NULL,
  `host_tag` varchar(64) NOT NULL DEFAULT '',
  `routing_strategy` varchar(16) NOT NULL DEFAULT 'round_robin',
  `state` varchar(16) NOT NULL,
  `attempt` int(11) NOT NULL DEFAULT 1,
  `retries_used` int(11) NOT NULL DEFAULT 0,
  `waiting_on` int(11) NOT NULL DEFAULT 0,
  `gated` smallint(6) NOT NULL DEFAULT 0,
  `not_before` bigint(20) NOT NULL,
  `host_id` int(11) DEFAULT NULL,
  `avoid_host_id` int(11) DEFAULT NULL,
  `pid` int(11) DEFAULT NULL,
  `exit_code` int(11) DEFAULT NULL,
  `exit_signal` varchar(16) DEFAULT NULL,
  `error` varchar(2000) DEFAULT NULL,
  `tail` text DEFAULT NULL,
  `warned` smallint(6) NOT NULL DEFAULT 0,
  `created_at` bigint(20) NOT NULL,
  `dispatched_at` bigint(20) DEFAULT NULL,
  `started_at` bigint(20) DEFAULT NULL,
  `finished_at` bigint(20) DEFAULT NULL,
  `updated_at` bigint(20) NOT NULL,
  `broadcast_spec` varchar(200) DEFAULT NULL,
  `parent_run_id` int(11) DEFAULT NULL,
  `parent_attempt` int(11) NOT NULL DEFAULT 0,
  `budget_exceeded` smallint(6) NOT NULL DEFAULT 0,
  `outputs` text DEFAULT NULL,
  `inputs` text DEFAULT NULL,
  `branch_skipped` smallint(6) NOT NULL DEFAULT 0,
  `late_alerted_attempt` int(11) NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_job_run_node_run_id` (`node_run_id`),
  KEY `ix_job_run_job_date_state` (`job_id`,`data_date`,`state`),
  KEY `ix_job_run_state_not_before` (`state`,`not_before`,`id`),
  KEY `ix_job_run_state_host` (`state`,`host_id`),
  KEY `ix_job_run_execution_interface_state` (`execution_id`,`interface_id`,`state`),
  KEY `ix_job_run_execution_state` (`execution_id`,`state`),
  KEY `ix_job_run_parent` (`parent_run_id`),
  KEY `ix_job_run_job_id` (`job_id`,`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `job_run_dependency` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `run_id` int(11) NOT NULL,
  `prerequisite_job_id` int(11) NOT NULL,
  `prerequisite_run_id` int(11) DEFAULT NULL,
  `data_date` varchar(10) NOT NULL,
  `satisfied` smallint(6) NOT NULL DEFAULT 0,
  `edge_condition` varchar(16) NOT NULL DEFAULT 'succeeded',
  `output_name` varchar(64) NOT NULL DEFAULT '',
  `output_match` varchar(1000) NOT NULL DEFAULT '',
  PRIMARY KEY (`id`),
  KEY `ix_job_run_dependency_external` (`prerequisite_job_id`,`data_date`,`satisfied`),
  KEY `ix_job_run_dependency_prerequisite_run` (`prerequisite_run_id`,`satisfied`),
  KEY `ix_job_run_dependency_run` (`run_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `job_run_transition` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `run_id` int(11) NOT NULL,
  `execution_id` int(11) NOT NULL,
  `attempt` int(11) NOT NULL,
  `from_state` varchar(16) NOT NULL,
  `to_state` varchar(16) NOT NULL,
  `at` bigint(20) NOT NULL,
  `actor` varchar(128) NOT NULL,
  `reason` varchar(1000) NOT NULL DEFAULT '',
  PRIMARY KEY (`id`),
  KEY `ix_job_run_transition_run` (`run_id`,`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `migrations` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `timestamp` bigint(20) NOT NULL,
  `name` varchar(255) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `node_event` (
  `run_id` int(11) NOT NULL,
  `attempt` int(11) NOT NULL,
  `seq` int(11) NOT NULL,
  `received_at` bigint(20) NOT NULL,
  PRIMARY KEY (`run_id`,`attempt`,`seq`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `run_stat_host_day` (
  `day` varchar(10) NOT NULL,
  `host_id` int(11) NOT NULL,
  `succeeded` int(11) NOT NULL DEFAULT 0,
  `failed` int(11) NOT NULL DEFAULT 0,
  `other_ended` int(11) NOT NULL DEFAULT 0,
  `duration_count` int(11) NOT NULL DEFAULT 0,
  `duration_sum_ms` bigint(20) NOT NULL DEFAULT 0,
  `duration_max_ms` bigint(20) NOT NULL DEFAULT 0,
  PRIMARY KEY (`day`,`host_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `run_stat_job_day` (
  `day` varchar(10) NOT NULL,
  `job_id` int(11) NOT NULL,
  `succeeded` int(11) NOT NULL DEFAULT 0,
  `failed` int(11) NOT NULL DEFAULT 0,
  `other_ended` int(11) NOT NULL DEFAULT 0,
  `duration_count` int(11) NOT NULL DEFAULT 0,
  `duration_sum_ms` bigint(20) NOT NULL DEFAULT 0,
  `duration_max_ms` bigint(20) NOT NULL DEFAULT 0,
  PRIMARY KEY (`day`,`job_id`),
  KEY `ix_run_stat_job_day_job` (`job_id`,`day`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `run_stat_job_window` (
  `from_day` varchar(10) NOT NULL,
  `through_day` varchar(10) NOT NULL,
  `job_id` int(11) NOT NULL,
  `succeeded` int(11) NOT NULL DEFAULT 0,
  `failed` int(11) NOT NULL DEFAULT 0,
  `other_ended` int(11) NOT NULL DEFAULT 0,
  `duration_count` int(11) NOT NULL DEFAULT 0,
  `duration_sum_ms` bigint(20) NOT NULL DEFAULT 0,
  `duration_max_ms` bigint(20) NOT NULL DEFAULT 0,
  PRIMARY KEY (`from_day`,`through_day`,`job_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `user_group` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `name` varchar(64) NOT NULL,
  `description` varchar(255) NOT NULL DEFAULT '',
  `created_at` bigint(20) NOT NULL,
  `updated_at` bigint(20) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_user_group_name` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `user_group_member` (
  `group_id` int(11) NOT NULL,
  `user_id` int(11) NOT NULL,
  PRIMARY KEY (`group_id`,`user_id`),
  KEY `ix_user_group_member_user` (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO `migrations` (`timestamp`, `name`) VALUES (1795312194839, 'Init1795312194839');
INSERT INTO `migrations` (`timestamp`, `name`) VALUES (1795314245741, 'DefinitionsAndEngine1795314245741');
INSERT INTO `migrations` (`timestamp`, `name`) VALUES (1795324084245, 'ObserveAndJobSemantics1795324084245');
INSERT INTO `migrations` (`timestamp`, `name`) VALUES (1795356385852, 'Backfill1795356385852');
