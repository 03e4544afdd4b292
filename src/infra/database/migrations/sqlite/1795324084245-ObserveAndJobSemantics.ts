import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ObserveAndJobSemantics1795324084245 implements MigrationInterface {
  name = 'ObserveAndJobSemantics1795324084245';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "run_stat_job_day" ("day" varchar(10) NOT NULL, "job_id" integer NOT NULL, "succeeded" integer NOT NULL DEFAULT (0), "failed" integer NOT NULL DEFAULT (0), "other_ended" integer NOT NULL DEFAULT (0), "duration_count" integer NOT NULL DEFAULT (0), "duration_sum_ms" bigint NOT NULL DEFAULT (0), "duration_max_ms" bigint NOT NULL DEFAULT (0), PRIMARY KEY ("day", "job_id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_run_stat_job_day_job" ON "run_stat_job_day" ("job_id", "day") ');
    await queryRunner.query(
      'CREATE TABLE "run_stat_host_day" ("day" varchar(10) NOT NULL, "host_id" integer NOT NULL, "succeeded" integer NOT NULL DEFAULT (0), "failed" integer NOT NULL DEFAULT (0), "other_ended" integer NOT NULL DEFAULT (0), "duration_count" integer NOT NULL DEFAULT (0), "duration_sum_ms" bigint NOT NULL DEFAULT (0), "duration_max_ms" bigint NOT NULL DEFAULT (0), PRIMARY KEY ("day", "host_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "run_stat_job_window" ("from_day" varchar(10) NOT NULL, "through_day" varchar(10) NOT NULL, "job_id" integer NOT NULL, "succeeded" integer NOT NULL DEFAULT (0), "failed" integer NOT NULL DEFAULT (0), "other_ended" integer NOT NULL DEFAULT (0), "duration_count" integer NOT NULL DEFAULT (0), "duration_sum_ms" bigint NOT NULL DEFAULT (0), "duration_max_ms" bigint NOT NULL DEFAULT (0), PRIMARY KEY ("from_day", "through_day", "job_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "job_duration_stat" ("job_id" integer PRIMARY KEY NOT NULL, "samples" integer NOT NULL DEFAULT (0), "expected_ms" bigint NOT NULL, "max_ms" bigint NOT NULL, "last_ms" bigint NOT NULL, "updated_at" bigint NOT NULL)',
    );
    await queryRunner.query(
      'CREATE TABLE "user_group" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(64) NOT NULL, "description" varchar(255) NOT NULL DEFAULT (\'\'), "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL)',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_user_group_name" ON "user_group" ("name") ');
    await queryRunner.query(
      'CREATE TABLE "user_group_member" ("group_id" integer NOT NULL, "user_id" integer NOT NULL, PRIMARY KEY ("group_id", "user_id"))',
    );
    await queryRunner.query('CREATE INDEX "ix_user_group_member_user" ON "user_group_member" ("user_id") ');
    await queryRunner.query(
      'CREATE TABLE "temporary_execution_interface" ("execution_id" integer NOT NULL, "interface_id" integer NOT NULL, "interface_name" varchar(128) NOT NULL, "parent_ids" varchar(2000) NOT NULL DEFAULT (\'\'), "level" integer NOT NULL DEFAULT (0), "state" varchar(16) NOT NULL, "waiting_on" integer NOT NULL DEFAULT (0), "finished_at" bigint, "started_at" bigint, PRIMARY KEY ("execution_id", "interface_id"))',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_execution_interface"("execution_id", "interface_id", "interface_name", "parent_ids", "level", "state", "waiting_on", "finished_at") SELECT "execution_id", "interface_id", "interface_name", "parent_ids", "level", "state", "waiting_on", "finished_at" FROM "execution_interface"',
    );
    await queryRunner.query('DROP TABLE "execution_interface"');
    await queryRunner.query('ALTER TABLE "temporary_execution_interface" RENAME TO "execution_interface"');
    await queryRunner.query('DROP INDEX "ix_job_run_execution_state"');
    await queryRunner.query('DROP INDEX "ix_job_run_execution_interface_state"');
    await queryRunner.query('DROP INDEX "ix_job_run_state_host"');
    await queryRunner.query('DROP INDEX "ix_job_run_state_not_before"');
    await queryRunner.query('DROP INDEX "ix_job_run_job_date_state"');
    await queryRunner.query('DROP INDEX "uq_job_run_node_run_id"');
    await queryRunner.query(
      'CREATE TABLE "temporary_job_run" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "execution_id" integer NOT NULL, "node_run_id" varchar(64) NOT NULL, "data_date" varchar(10) NOT NULL, "interface_id" integer NOT NULL, "interface_name" varchar(128) NOT NULL, "job_id" integer NOT NULL, "job_name" varchar(128) NOT NULL, "command_type" varchar(8) NOT NULL, "command" text NOT NULL, "interpreter" varchar(256) NOT NULL DEFAULT (\'\'), "working_dir" varchar(1024) NOT NULL DEFAULT (\'\'), "params" text NOT NULL, "success_exit_codes" varchar(64) NOT NULL DEFAULT (\'0\'), "timeout_warn_seconds" integer NOT NULL DEFAULT (0), "timeout_fail_seconds" integer NOT NULL DEFAULT (0), "retry_count" integer NOT NULL DEFAULT (0), "retry_interval_seconds" integer NOT NULL DEFAULT (0), "retry_backoff_percent" integer NOT NULL DEFAULT (100), "retry_lost" smallint NOT NULL DEFAULT (1), "target_host_id" integer, "host_tag" varchar(64) NOT NULL DEFAULT (\'\'), "routing_strategy" varchar(16) NOT NULL DEFAULT (\'round_robin\'), "state" varchar(16) NOT NULL, "attempt" integer NOT NULL DEFAULT (1), "retries_used" integer NOT NULL DEFAULT (0), "waiting_on" integer NOT NULL DEFAULT (0), "gated" smallint NOT NULL DEFAULT (0), "not_before" bigint NOT NULL, "host_id" integer, "avoid_host_id" integer, "pid" integer, "exit_code" integer, "exit_signal" varchar(16), "error" varchar(2000), "tail" text, "warned" smallint NOT NULL DEFAULT (0), "created_at" bigint NOT NULL, "dispatched_at" bigint, "started_at" bigint, "finished_at" bigint, "updated_at" bigint NOT NULL, "broadcast_spec" varchar(200), "parent_run_id" integer, "parent_attempt" integer NOT NULL DEFAULT (0), "budget_exceeded" smallint NOT NULL DEFAULT (0), "outputs" text, "inputs" text, "branch_skipped" smallint NOT NULL DEFAULT (0), "late_alerted_attempt" integer NOT NULL DEFAULT (0))',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_job_run"("id", "execution_id", "node_run_id", "data_date", "interface_id", "interface_name", "job_id", "job_name", "command_type", "command", "interpreter", "working_dir", "params", "success_exit_codes", "timeout_warn_seconds", "timeout_fail_seconds", "retry_count", "retry_interval_seconds", "retry_backoff_percent", "retry_lost", "target_host_id", "host_tag", "routing_strategy", "state", "attempt", "retries_used", "waiting_on", "gated", "not_before", "host_id", "avoid_host_id", "pid", "exit_code", "exit_signal", "error", "tail", "warned", "created_at", "dispatched_at", "started_at", "finished_at", "updated_at") SELECT "id", "execution_id", "node_run_id", "data_date", "interface_id", "interface_name", "job_id", "job_name", "command_type", "command", "interpreter", "working_dir", "params", "success_exit_codes", "timeout_warn_seconds", "timeout_fail_seconds", "retry_count", "retry_interval_seconds", "retry_backoff_percent", "retry_lost", "target_host_id", "host_tag", "routing_strategy", "state", "attempt", "retries_used", "waiting_on", "gated", "not_before", "host_id", "avoid_host_id", "pid", "exit_code", "exit_signal", "error", "tail", "warned", "created_at", "dispatched_at", "started_at", "finished_at", "updated_at" FROM "job_run"',
    );
    await queryRunner.query('DROP TABLE "job_run"');
    await queryRunner.query('ALTER TABLE "temporary_job_run" RENAME TO "job_run"');
    await queryRunner.query('CREATE INDEX "ix_job_run_execution_state" ON "job_run" ("execution_id", "state") ');
    await queryRunner.query(
      'CREATE INDEX "ix_job_run_execution_interface_state" ON "job_run" ("execution_id", "interface_id", "state") ',
    );
    await queryRunner.query('CREATE INDEX "ix_job_run_state_host" ON "job_run" ("state", "host_id") ');
    await queryRunner.query('CREATE INDEX "ix_job_run_state_not_before" ON "job_run" ("state", "not_before", "id") ');
    await queryRunner.query('CREATE INDEX "ix_job_run_job_date_state" ON "job_run" ("job_id", "data_date", "state") ');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_job_run_node_run_id" ON "job_run" ("node_run_id") ');
    await queryRunner.query('DROP INDEX "ix_job_run_dependency_run"');
    await queryRunner.query('DROP INDEX "ix_job_run_dependency_prerequisite_run"');
    await queryRunner.query('DROP INDEX "ix_job_run_dependency_external"');
    await queryRunner.query(
      'CREATE TABLE "temporary_job_run_dependency" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "run_id" integer NOT NULL, "prerequisite_job_id" integer NOT NULL, "prerequisite_run_id" integer, "data_date" varchar(10) NOT NULL, "satisfied" smallint NOT NULL DEFAULT (0), "edge_condition" varchar(16) NOT NULL DEFAULT (\'succeeded\'), "output_name" varchar(64) NOT NULL DEFAULT (\'\'), "output_match" varchar(1000) NOT NULL DEFAULT (\'\'))',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_job_run_dependency"("id", "run_id", "prerequisite_job_id", "prerequisite_run_id", "data_date", "satisfied") SELECT "id", "run_id", "prerequisite_job_id", "prerequisite_run_id", "data_date", "satisfied" FROM "job_run_dependency"',
    );
    await queryRunner.query('DROP TABLE "job_run_dependency"');
    await queryRunner.query('ALTER TABLE "temporary_job_run_dependency" RENAME TO "job_run_dependency"');
    await queryRunner.query('CREATE INDEX "ix_job_run_dependency_run" ON "job_run_dependency" ("run_id") ');
    await queryRunner.query(
      'CREATE INDEX "ix_job_run_dependency_prerequisite_run" ON "job_run_dependency" ("prerequisite_run_id", "satisfied") ',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_job_run_dependency_external" ON "job_run_dependency" ("prerequisite_job_id", "data_date", "satisfied") ',
    );
    await queryRunner.query('DROP INDEX "ix_etl_interface_folder"');
    await queryRunner.query('DROP INDEX "uq_etl_interface_name"');
    await queryRunner.query(
      'CREATE TABLE "temporary_etl_interface" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(128) NOT NULL, "description" varchar(1000) NOT NULL DEFAULT (\'\'), "folder" varchar(128) NOT NULL DEFAULT (\'\'), "data_date_watermark" varchar(10), "retry_count" integer NOT NULL DEFAULT (0), "retry_interval_seconds" integer NOT NULL DEFAULT (60), "enabled" smallint NOT NULL DEFAULT (1), "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "updated_by" varchar(64) NOT NULL DEFAULT (\'\'), "owner_user_id" integer, "owner_group_id" integer, "shared" smallint NOT NULL DEFAULT (1))',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_etl_interface"("id", "name", "description", "folder", "data_date_watermark", "retry_count", "retry_interval_seconds", "enabled", "created_at", "updated_at", "updated_by") SELECT "id", "name", "description", "folder", "data_date_watermark", "retry_count", "retry_interval_seconds", "enabled", "created_at", "updated_at", "updated_by" FROM "etl_interface"',
    );
    await queryRunner.query('DROP TABLE "etl_interface"');
    await queryRunner.query('ALTER TABLE "temporary_etl_interface" RENAME TO "etl_interface"');
    await queryRunner.query('CREATE INDEX "ix_etl_interface_folder" ON "etl_interface" ("folder") ');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_etl_interface_name" ON "etl_interface" ("name") ');
    await queryRunner.query('DROP INDEX "uq_etl_job_interface_name"');
    await queryRunner.query('DROP INDEX "ix_etl_job_exec_host"');
    await queryRunner.query('DROP INDEX "ix_etl_job_folder"');
    await queryRunner.query('DROP INDEX "ix_etl_job_name"');
    await queryRunner.query('DROP INDEX "ix_etl_job_interface"');
    await queryRunner.query(
      'CREATE TABLE "temporary_etl_job" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "interface_id" integer NOT NULL, "name" varchar(128) NOT NULL, "description" varchar(1000) NOT NULL DEFAULT (\'\'), "folder" varchar(128) NOT NULL DEFAULT (\'\'), "exec_host_id" integer, "host_tag" varchar(64) NOT NULL DEFAULT (\'\'), "routing_strategy" varchar(16) NOT NULL DEFAULT (\'round_robin\'), "working_dir" varchar(1024) NOT NULL DEFAULT (\'\'), "command_type" varchar(8) NOT NULL DEFAULT (\'argv\'), "command" text NOT NULL, "interpreter" varchar(256) NOT NULL DEFAULT (\'\'), "success_exit_codes" varchar(64) NOT NULL DEFAULT (\'0\'), "timeout_warn_seconds" integer NOT NULL DEFAULT (0), "timeout_fail_seconds" integer NOT NULL DEFAULT (0), "retry_count" integer, "retry_interval_seconds" integer, "retry_backoff_percent" integer NOT NULL DEFAULT (100), "retry_lost" smallint NOT NULL DEFAULT (1), "enabled" smallint NOT NULL DEFAULT (1), "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "updated_by" varchar(64) NOT NULL DEFAULT (\'\'), "broadcast" smallint NOT NULL DEFAULT (0), "broadcast_parallel" integer NOT NULL DEFAULT (0), "fail_rate" integer, "fail_count" integer, "kill_on_budget_exceeded" smallint NOT NULL DEFAULT (0))',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_etl_job"("id", "interface_id", "name", "description", "folder", "exec_host_id", "host_tag", "routing_strategy", "working_dir", "command_type", "command", "interpreter", "success_exit_codes", "timeout_warn_seconds", "timeout_fail_seconds", "retry_count", "retry_interval_seconds", "retry_backoff_percent", "retry_lost", "enabled", "created_at", "updated_at", "updated_by") SELECT "id", "interface_id", "name", "description", "folder", "exec_host_id", "host_tag", "routing_strategy", "working_dir", "command_type", "command", "interpreter", "success_exit_codes", "timeout_warn_seconds", "timeout_fail_seconds", "retry_count", "retry_interval_seconds", "retry_backoff_percent", "retry_lost", "enabled", "created_at", "updated_at", "updated_by" FROM "etl_job"',
    );
    await queryRunner.query('DROP TABLE "etl_job"');
    await queryRunner.query('ALTER TABLE "temporary_etl_job" RENAME TO "etl_job"');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_etl_job_interface_name" ON "etl_job" ("interface_id", "name") ');
    await queryRunner.query('CREATE INDEX "ix_etl_job_exec_host" ON "etl_job" ("exec_host_id") ');
    await queryRunner.query('CREATE INDEX "ix_etl_job_folder" ON "etl_job" ("folder") ');
    await queryRunner.query('CREATE INDEX "ix_etl_job_name" ON "etl_job" ("name") ');
    await queryRunner.query('CREATE INDEX "ix_etl_job_interface" ON "etl_job" ("interface_id") ');
    await queryRunner.query('DROP INDEX "ix_etl_job_dependency_prerequisite"');
    await queryRunner.query(
      'CREATE TABLE "temporary_etl_job_dependency" ("job_id" integer NOT NULL, "prerequisite_id" integer NOT NULL, "edge_condition" varchar(16) NOT NULL DEFAULT (\'succeeded\'), "output_name" varchar(64) NOT NULL DEFAULT (\'\'), "output_match" varchar(1000) NOT NULL DEFAULT (\'\'), PRIMARY KEY ("job_id", "prerequisite_id"))',
    );
    await queryRunner.query(
      'INSERT INTO "temporary_etl_job_dependency"("job_id", "prerequisite_id") SELECT "job_id", "prerequisite_id" FROM "etl_job_dependency"',
    );
    await queryRunner.query('DROP TABLE "etl_job_dependency"');
    await queryRunner.query('ALTER TABLE "temporary_etl_job_dependency" RENAME TO "etl_job_dependency"');
    await queryRunner.query(
      'CREATE INDEX "ix_etl_job_dependency_prerequisite" ON "etl_job_dependency" ("prerequisite_id") ',
    );
    await queryRunner.query('CREATE INDEX "ix_execution_dispatch_id" ON "execution" ("dispatch_id", "id") ');
    await queryRunner.query(
      'CREATE INDEX "ix_execution_interface_interface" ON "execution_interface" ("interface_id", "execution_id") ',
    );
    await queryRunner.query('CREATE INDEX "ix_job_run_parent" ON "job_run" ("parent_run_id") ');
    await queryRunner.query('CREATE INDEX "ix_job_run_job_id" ON "job_run" ("job_id", "id") ');
    await queryRunner.query('CREATE INDEX "ix_job_log_time" ON "job_log" ("time") ');
    await queryRunner.query('CREATE INDEX "ix_etl_interface_owner_user" ON "etl_interface" ("owner_user_id") ');
    await queryRunner.query('CREATE INDEX "ix_etl_interface_owner_group" ON "etl_interface" ("owner_group_id") ');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "ix_etl_interface_owner_group"');
    await queryRunner.query('DROP INDEX "ix_etl_interface_owner_user"');
    await queryRunner.query('DROP INDEX "ix_job_log_time"');
    await queryRunner.query('DROP INDEX "ix_job_run_job_id"');
    await queryRunner.query('DROP INDEX "ix_job_run_parent"');
    await queryRunner.query('DROP INDEX "ix_execution_interface_interface"');
    await queryRunner.query('DROP INDEX "ix_execution_dispatch_id"');
    await queryRunner.query('DROP INDEX "ix_etl_job_dependency_prerequisite"');
    await queryRunner.query('ALTER TABLE "etl_job_dependency" RENAME TO "temporary_etl_job_dependency"');
    await queryRunner.query(
      'CREATE TABLE "etl_job_dependency" ("job_id" integer NOT NULL, "prerequisite_id" integer NOT NULL, PRIMARY KEY ("job_id", "prerequisite_id"))',
    );
    await queryRunner.query(
      'INSERT INTO "etl_job_dependency"("job_id", "prerequisite_id") SELECT "job_id", "prerequisite_id" FROM "temporary_etl_job_dependency"',
    );
    await queryRunner.query('DROP TABLE "temporary_etl_job_dependency"');
    await queryRunner.query(
      'CREATE INDEX "ix_etl_job_dependency_prerequisite" ON "etl_job_dependency" ("prerequisite_id") ',
    );
    await queryRunner.query('DROP INDEX "ix_etl_job_interface"');
    await queryRunner.query('DROP INDEX "ix_etl_job_name"');
    await queryRunner.query('DROP INDEX "ix_etl_job_folder"');
    await queryRunner.query('DROP INDEX "ix_etl_job_exec_host"');
    await queryRunner.query('DROP INDEX "uq_etl_job_interface_name"');
    await queryRunner.query('ALTER TABLE "etl_job" RENAME TO "temporary_etl_job"');
    await queryRunner.query(
      'CREATE TABLE "etl_job" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "interface_id" integer NOT NULL, "name" varchar(128) NOT NULL, "description" varchar(1000) NOT NULL DEFAULT (\'\'), "folder" varchar(128) NOT NULL DEFAULT (\'\'), "exec_host_id" integer, "host_tag" varchar(64) NOT NULL DEFAULT (\'\'), "routing_strategy" varchar(16) NOT NULL DEFAULT (\'round_robin\'), "working_dir" varchar(1024) NOT NULL DEFAULT (\'\'), "command_type" varchar(8) NOT NULL DEFAULT (\'argv\'), "command" text NOT NULL, "interpreter" varchar(256) NOT NULL DEFAULT (\'\'), "success_exit_codes" varchar(64) NOT NULL DEFAULT (\'0\'), "timeout_warn_seconds" integer NOT NULL DEFAULT (0), "timeout_fail_seconds" integer NOT NULL DEFAULT (0), "retry_count" integer, "retry_interval_seconds" integer, "retry_backoff_percent" integer NOT NULL DEFAULT (100), "retry_lost" smallint NOT NULL DEFAULT (1), "enabled" smallint NOT NULL DEFAULT (1), "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "updated_by" varchar(64) NOT NULL DEFAULT (\'\'))',
    );
    await queryRunner.query(
      'INSERT INTO "etl_job"("id", "interface_id", "name", "description", "folder", "exec_host_id", "host_tag", "routing_strategy", "working_dir", "command_type", "command", "interpreter", "success_exit_codes", "timeout_warn_seconds", "timeout_fail_seconds", "retry_count", "retry_interval_seconds", "retry_backoff_percent", "retry_lost", "enabled", "created_at", "updated_at", "updated_by") SELECT "id", "interface_id", "name", "description", "folder", "exec_host_id", "host_tag", "routing_strategy", "working_dir", "command_type", "command", "interpreter", "success_exit_codes", "timeout_warn_seconds", "timeout_fail_seconds", "retry_count", "retry_interval_seconds", "retry_backoff_percent", "retry_lost", "enabled", "created_at", "updated_at", "updated_by" FROM "temporary_etl_job"',
    );
    await queryRunner.query('DROP TABLE "temporary_etl_job"');
    await queryRunner.query('CREATE INDEX "ix_etl_job_interface" ON "etl_job" ("interface_id") ');
    await queryRunner.query('CREATE INDEX "ix_etl_job_name" ON "etl_job" ("name") ');
    await queryRunner.query('CREATE INDEX "ix_etl_job_folder" ON "etl_job" ("folder") ');
    await queryRunner.query('CREATE INDEX "ix_etl_job_exec_host" ON "etl_job" ("exec_host_id") ');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_etl_job_interface_name" ON "etl_job" ("interface_id", "name") ');
    await queryRunner.query('DROP INDEX "uq_etl_interface_name"');
    await queryRunner.query('DROP INDEX "ix_etl_interface_folder"');
    await queryRunner.query('ALTER TABLE "etl_interface" RENAME TO "temporary_etl_interface"');
    await queryRunner.query(
      'CREATE TABLE "etl_interface" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(128) NOT NULL, "description" varchar(1000) NOT NULL DEFAULT (\'\'), "folder" varchar(128) NOT NULL DEFAULT (\'\'), "data_date_watermark" varchar(10), "retry_count" integer NOT NULL DEFAULT (0), "retry_interval_seconds" integer NOT NULL DEFAULT (60), "enabled" smallint NOT NULL DEFAULT (1), "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "updated_by" varchar(64) NOT NULL DEFAULT (\'\'))',
    );
    await queryRunner.query(
      'INSERT INTO "etl_interface"("id", "name", "description", "folder", "data_date_watermark", "retry_count", "retry_interval_seconds", "enabled", "created_at", "updated_at", "updated_by") SELECT "id", "name", "description", "folder", "data_date_watermark", "retry_count", "retry_interval_seconds", "enabled", "created_at", "updated_at", "updated_by" FROM "temporary_etl_interface"',
    );
    await queryRunner.query('DROP TABLE "temporary_etl_interface"');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_etl_interface_name" ON "etl_interface" ("name") ');
    await queryRunner.query('CREATE INDEX "ix_etl_interface_folder" ON "etl_interface" ("folder") ');
    await queryRunner.query('DROP INDEX "ix_job_run_dependency_external"');
    await queryRunner.query('DROP INDEX "ix_job_run_dependency_prerequisite_run"');
    await queryRunner.query('DROP INDEX "ix_job_run_dependency_run"');
    await queryRunner.query('ALTER TABLE "job_run_dependency" RENAME TO "temporary_job_run_dependency"');
    await queryRunner.query(
      'CREATE TABLE "job_run_dependency" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "run_id" integer NOT NULL, "prerequisite_job_id" integer NOT NULL, "prerequisite_run_id" integer, "data_date" varchar(10) NOT NULL, "satisfied" smallint NOT NULL DEFAULT (0))',
    );
    await queryRunner.query(
      'INSERT INTO "job_run_dependency"("id", "run_id", "prerequisite_job_id", "prerequisite_run_id", "data_date", "satisfied") SELECT "id", "run_id", "prerequisite_job_id", "prerequisite_run_id", "data_date", "satisfied" FROM "temporary_job_run_dependency"',
    );
    await queryRunner.query('DROP TABLE "temporary_job_run_dependency"');
    await queryRunner.query(
      'CREATE INDEX "ix_job_run_dependency_external" ON "job_run_dependency" ("prerequisite_job_id", "data_date", "satisfied") ',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_job_run_dependency_prerequisite_run" ON "job_run_dependency" ("prerequisite_run_id", "satisfied") ',
    );
    await queryRunner.query('CREATE INDEX "ix_job_run_dependency_run" ON "job_run_dependency" ("run_id") ');
    await queryRunner.query('DROP INDEX "uq_job_run_node_run_id"');
    await queryRunner.query('DROP INDEX "ix_job_run_job_date_state"');
    await queryRunner.query('DROP INDEX "ix_job_run_state_not_before"');
    await queryRunner.query('DROP INDEX "ix_job_run_state_host"');
    await queryRunner.query('DROP INDEX "ix_job_run_execution_interface_state"');
    await queryRunner.query('DROP INDEX "ix_job_run_execution_state"');
    await queryRunner.query('ALTER TABLE "job_run" RENAME TO "temporary_job_run"');
    await queryRunner.query(
      'CREATE TABLE "job_run" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "execution_id" integer NOT NULL, "node_run_id" varchar(64) NOT NULL, "data_date" varchar(10) NOT NULL, "interface_id" integer NOT NULL, "interface_name" varchar(128) NOT NULL, "job_id" integer NOT NULL, "job_name" varchar(128) NOT NULL, "command_type" varchar(8) NOT NULL, "command" text NOT NULL, "interpreter" varchar(256) NOT NULL DEFAULT (\'\'), "working_dir" varchar(1024) NOT NULL DEFAULT (\'\'), "params" text NOT NULL, "success_exit_codes" varchar(64) NOT NULL DEFAULT (\'0\'), "timeout_warn_seconds" integer NOT NULL DEFAULT (0), "timeout_fail_seconds" integer NOT NULL DEFAULT (0), "retry_count" integer NOT NULL DEFAULT (0), "retry_interval_seconds" integer NOT NULL DEFAULT (0), "retry_backoff_percent" integer NOT NULL DEFAULT (100), "retry_lost" smallint NOT NULL DEFAULT (1), "target_host_id" integer, "host_tag" varchar(64) NOT NULL DEFAULT (\'\'), "routing_strategy" varchar(16) NOT NULL DEFAULT (\'round_robin\'), "state" varchar(16) NOT NULL, "attempt" integer NOT NULL DEFAULT (1), "retries_used" integer NOT NULL DEFAULT (0), "waiting_on" integer NOT NULL DEFAULT (0), "gated" smallint NOT NULL DEFAULT (0), "not_before" bigint NOT NULL, "host_id" integer, "avoid_host_id" integer, "pid" integer, "exit_code" integer, "exit_signal" varchar(16), "error" varchar(2000), "tail" text, "warned" smallint NOT NULL DEFAULT (0), "created_at" bigint NOT NULL, "dispatched_at" bigint, "started_at" bigint, "finished_at" bigint, "updated_at" bigint NOT NULL)',
    );
    await queryRunner.query(
      'INSERT INTO "job_run"("id", "execution_id", "node_run_id", "data_date", "interface_id", "interface_name", "job_id", "job_name", "command_type", "command", "interpreter", "working_dir", "params", "success_exit_codes", "timeout_warn_seconds", "timeout_fail_seconds", "retry_count", "retry_interval_seconds", "retry_backoff_percent", "retry_lost", "target_host_id", "host_tag", "routing_strategy", "state", "attempt", "retries_used", "waiting_on", "gated", "not_before", "host_id", "avoid_host_id", "pid", "exit_code", "exit_signal", "error", "tail", "warned", "created_at", "dispatched_at", "started_at", "finished_at", "updated_at") SELECT "id", "execution_id", "node_run_id", "data_date", "interface_id", "interface_name", "job_id", "job_name", "command_type", "command", "interpreter", "working_dir", "params", "success_exit_codes", "timeout_warn_seconds", "timeout_fail_seconds", "retry_count", "retry_interval_seconds", "retry_backoff_percent", "retry_lost", "target_host_id", "host_tag", "routing_strategy", "state", "attempt", "retries_used", "waiting_on", "gated", "not_before", "host_id", "avoid_host_id", "pid", "exit_code", "exit_signal", "error", "tail", "warned", "created_at", "dispatched_at", "started_at", "finished_at", "updated_at" FROM "temporary_job_run"',
    );
    await queryRunner.query('DROP TABLE "temporary_job_run"');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_job_run_node_run_id" ON "job_run" ("node_run_id") ');
    await queryRunner.query('CREATE INDEX "ix_job_run_job_date_state" ON "job_run" ("job_id", "data_date", "state") ');
    await queryRunner.query('CREATE INDEX "ix_job_run_state_not_before" ON "job_run" ("state", "not_before", "id") ');
    await queryRunner.query('CREATE INDEX "ix_job_run_state_host" ON "job_run" ("state", "host_id") ');
    await queryRunner.query(
      'CREATE INDEX "ix_job_run_execution_interface_state" ON "job_run" ("execution_id", "interface_id", "state") ',
    );
    await queryRunner.query('CREATE INDEX "ix_job_run_execution_state" ON "job_run" ("execution_id", "state") ');
    await queryRunner.query('ALTER TABLE "execution_interface" RENAME TO "temporary_execution_interface"');
    await queryRunner.query(
      'CREATE TABLE "execution_interface" ("execution_id" integer NOT NULL, "interface_id" integer NOT NULL, "interface_name" varchar(128) NOT NULL, "parent_ids" varchar(2000) NOT NULL DEFAULT (\'\'), "level" integer NOT NULL DEFAULT (0), "state" varchar(16) NOT NULL, "waiting_on" integer NOT NULL DEFAULT (0), "finished_at" bigint, PRIMARY KEY ("execution_id", "interface_id"))',
    );
    await queryRunner.query(
      'INSERT INTO "execution_interface"("execution_id", "interface_id", "interface_name", "parent_ids", "level", "state", "waiting_on", "finished_at") SELECT "execution_id", "interface_id", "interface_name", "parent_ids", "level", "state", "waiting_on", "finished_at" FROM "temporary_execution_interface"',
    );
    await queryRunner.query('DROP TABLE "temporary_execution_interface"');
    await queryRunner.query('DROP INDEX "ix_user_group_member_user"');
    await queryRunner.query('DROP TABLE "user_group_member"');
    await queryRunner.query('DROP INDEX "uq_user_group_name"');
    await queryRunner.query('DROP TABLE "user_group"');
    await queryRunner.query('DROP TABLE "job_duration_stat"');
    await queryRunner.query('DROP TABLE "run_stat_job_window"');
    await queryRunner.query('DROP TABLE "run_stat_host_day"');
    await queryRunner.query('DROP INDEX "ix_run_stat_job_day_job"');
    await queryRunner.query('DROP TABLE "run_stat_job_day"');
  }
}
