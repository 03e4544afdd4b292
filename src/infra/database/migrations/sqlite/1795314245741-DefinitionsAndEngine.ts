import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DefinitionsAndEngine1795314245741 implements MigrationInterface {
  name = 'DefinitionsAndEngine1795314245741';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "alert_channel" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(128) NOT NULL, "type" varchar(16) NOT NULL, "settings" text NOT NULL, "secret_encrypted" text NOT NULL, "enabled" smallint NOT NULL DEFAULT (1), "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "updated_by" varchar(64) NOT NULL DEFAULT (\'\'))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_alert_channel_name" ON "alert_channel" ("name") ');
    await queryRunner.query(
      'CREATE TABLE "alert_outbox" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "dedupe_key" varchar(128) NOT NULL, "execution_id" integer NOT NULL, "dispatch_id" integer, "event" varchar(16) NOT NULL, "channel_id" integer NOT NULL, "recipients" varchar(2000) NOT NULL DEFAULT (\'\'), "subject" varchar(512) NOT NULL, "body" text NOT NULL, "placeholder_values" text NOT NULL, "state" varchar(16) NOT NULL, "attempts" integer NOT NULL DEFAULT (0), "next_attempt_at" bigint NOT NULL, "claimed_by" varchar(64), "last_error" varchar(2000), "created_at" bigint NOT NULL, "sent_at" bigint)',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_alert_outbox_dedupe_key" ON "alert_outbox" ("dedupe_key") ');
    await queryRunner.query('CREATE INDEX "ix_alert_outbox_due" ON "alert_outbox" ("state", "next_attempt_at") ');
    await queryRunner.query(
      'CREATE TABLE "dispatch" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "interface_id" integer NOT NULL, "name" varchar(128) NOT NULL, "description" varchar(1000) NOT NULL DEFAULT (\'\'), "cron" varchar(128) NOT NULL, "timezone" varchar(64) NOT NULL DEFAULT (\'UTC\'), "enabled" smallint NOT NULL DEFAULT (1), "misfire_policy" varchar(16) NOT NULL DEFAULT (\'run_once\'), "overlap_policy" varchar(16) NOT NULL DEFAULT (\'skip\'), "run_downstream" smallint NOT NULL DEFAULT (1), "data_date_offset_days" integer NOT NULL DEFAULT (-1), "last_fire_at" bigint, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "updated_by" varchar(64) NOT NULL DEFAULT (\'\'))',
    );
    await queryRunner.query('CREATE INDEX "ix_dispatch_interface" ON "dispatch" ("interface_id") ');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_dispatch_name" ON "dispatch" ("name") ');
    await queryRunner.query(
      'CREATE TABLE "dispatch_alert" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "dispatch_id" integer NOT NULL, "event" varchar(16) NOT NULL, "channel_id" integer NOT NULL, "recipients" varchar(2000) NOT NULL DEFAULT (\'\'), "enabled" smallint NOT NULL DEFAULT (1))',
    );
    await queryRunner.query('CREATE INDEX "ix_dispatch_alert_channel" ON "dispatch_alert" ("channel_id") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_dispatch_alert" ON "dispatch_alert" ("dispatch_id", "event", "channel_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "execution" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "dispatch_id" integer, "interface_id" integer NOT NULL, "interface_name" varchar(128) NOT NULL, "dispatch_name" varchar(128) NOT NULL DEFAULT (\'\'), "scheduled_at" bigint NOT NULL, "data_date" varchar(10) NOT NULL, "trigger" varchar(16) NOT NULL, "state" varchar(16) NOT NULL, "run_downstream" smallint NOT NULL DEFAULT (0), "created_by" varchar(64) NOT NULL, "created_at" bigint NOT NULL, "finished_at" bigint, "updated_at" bigint NOT NULL, "failure_alerted" smallint NOT NULL DEFAULT (0))',
    );
    await queryRunner.query('CREATE INDEX "ix_execution_state" ON "execution" ("state") ');
    await queryRunner.query('CREATE INDEX "ix_execution_dispatch_state" ON "execution" ("dispatch_id", "state") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_execution_dispatch_scheduled" ON "execution" ("dispatch_id", "scheduled_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "execution_interface" ("execution_id" integer NOT NULL, "interface_id" integer NOT NULL, "interface_name" varchar(128) NOT NULL, "parent_ids" varchar(2000) NOT NULL DEFAULT (\'\'), "level" integer NOT NULL DEFAULT (0), "state" varchar(16) NOT NULL, "waiting_on" integer NOT NULL DEFAULT (0), "finished_at" bigint, PRIMARY KEY ("execution_id", "interface_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "job_run" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "execution_id" integer NOT NULL, "node_run_id" varchar(64) NOT NULL, "data_date" varchar(10) NOT NULL, "interface_id" integer NOT NULL, "interface_name" varchar(128) NOT NULL, "job_id" integer NOT NULL, "job_name" varchar(128) NOT NULL, "command_type" varchar(8) NOT NULL, "command" text NOT NULL, "interpreter" varchar(256) NOT NULL DEFAULT (\'\'), "working_dir" varchar(1024) NOT NULL DEFAULT (\'\'), "params" text NOT NULL, "success_exit_codes" varchar(64) NOT NULL DEFAULT (\'0\'), "timeout_warn_seconds" integer NOT NULL DEFAULT (0), "timeout_fail_seconds" integer NOT NULL DEFAULT (0), "retry_count" integer NOT NULL DEFAULT (0), "retry_interval_seconds" integer NOT NULL DEFAULT (0), "retry_backoff_percent" integer NOT NULL DEFAULT (100), "retry_lost" smallint NOT NULL DEFAULT (1), "target_host_id" integer, "host_tag" varchar(64) NOT NULL DEFAULT (\'\'), "routing_strategy" varchar(16) NOT NULL DEFAULT (\'round_robin\'), "state" varchar(16) NOT NULL, "attempt" integer NOT NULL DEFAULT (1), "retries_used" integer NOT NULL DEFAULT (0), "waiting_on" integer NOT NULL DEFAULT (0), "gated" smallint NOT NULL DEFAULT (0), "not_before" bigint NOT NULL, "host_id" integer, "avoid_host_id" integer, "pid" integer, "exit_code" integer, "exit_signal" varchar(16), "error" varchar(2000), "tail" text, "warned" smallint NOT NULL DEFAULT (0), "created_at" bigint NOT NULL, "dispatched_at" bigint, "started_at" bigint, "finished_at" bigint, "updated_at" bigint NOT NULL)',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_job_run_node_run_id" ON "job_run" ("node_run_id") ');
    await queryRunner.query('CREATE INDEX "ix_job_run_job_date_state" ON "job_run" ("job_id", "data_date", "state") ');
    await queryRunner.query('CREATE INDEX "ix_job_run_state_not_before" ON "job_run" ("state", "not_before", "id") ');
    await queryRunner.query('CREATE INDEX "ix_job_run_state_host" ON "job_run" ("state", "host_id") ');
    await queryRunner.query(
      'CREATE INDEX "ix_job_run_execution_interface_state" ON "job_run" ("execution_id", "interface_id", "state") ',
    );
    await queryRunner.query('CREATE INDEX "ix_job_run_execution_state" ON "job_run" ("execution_id", "state") ');
    await queryRunner.query(
      'CREATE TABLE "job_run_dependency" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "run_id" integer NOT NULL, "prerequisite_job_id" integer NOT NULL, "prerequisite_run_id" integer, "data_date" varchar(10) NOT NULL, "satisfied" smallint NOT NULL DEFAULT (0))',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_job_run_dependency_external" ON "job_run_dependency" ("prerequisite_job_id", "data_date", "satisfied") ',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_job_run_dependency_prerequisite_run" ON "job_run_dependency" ("prerequisite_run_id", "satisfied") ',
    );
    await queryRunner.query('CREATE INDEX "ix_job_run_dependency_run" ON "job_run_dependency" ("run_id") ');
    await queryRunner.query(
      'CREATE TABLE "job_run_transition" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "run_id" integer NOT NULL, "execution_id" integer NOT NULL, "attempt" integer NOT NULL, "from_state" varchar(16) NOT NULL, "to_state" varchar(16) NOT NULL, "at" bigint NOT NULL, "actor" varchar(128) NOT NULL, "reason" varchar(1000) NOT NULL DEFAULT (\'\'))',
    );
    await queryRunner.query('CREATE INDEX "ix_job_run_transition_run" ON "job_run_transition" ("run_id", "id") ');
    await queryRunner.query(
      'CREATE TABLE "job_log" ("run_id" integer NOT NULL, "attempt" integer NOT NULL, "seq" integer NOT NULL, "stream" varchar(8) NOT NULL, "time" bigint NOT NULL, "line" text NOT NULL, PRIMARY KEY ("run_id", "attempt", "seq"))',
    );
    await queryRunner.query(
      'CREATE TABLE "exec_host" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(128) NOT NULL, "address" varchar(512) NOT NULL, "token_encrypted" text NOT NULL, "slots" integer NOT NULL DEFAULT (4), "enabled" smallint NOT NULL DEFAULT (1), "description" varchar(1000) NOT NULL DEFAULT (\'\'), "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "updated_by" varchar(64) NOT NULL DEFAULT (\'\'))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_exec_host_name" ON "exec_host" ("name") ');
    await queryRunner.query(
      'CREATE TABLE "exec_host_tag" ("host_id" integer NOT NULL, "tag" varchar(64) NOT NULL, PRIMARY KEY ("host_id", "tag"))',
    );
    await queryRunner.query('CREATE INDEX "ix_exec_host_tag_tag" ON "exec_host_tag" ("tag") ');
    await queryRunner.query(
      'CREATE TABLE "exec_host_status" ("host_id" integer PRIMARY KEY NOT NULL, "state" varchar(16) NOT NULL DEFAULT (\'unknown\'), "last_seen_at" bigint, "info" text, "running_count" integer NOT NULL DEFAULT (0), "slots_total" integer NOT NULL DEFAULT (0))',
    );
    await queryRunner.query(
      'CREATE TABLE "etl_interface" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(128) NOT NULL, "description" varchar(1000) NOT NULL DEFAULT (\'\'), "folder" varchar(128) NOT NULL DEFAULT (\'\'), "data_date_watermark" varchar(10), "retry_count" integer NOT NULL DEFAULT (0), "retry_interval_seconds" integer NOT NULL DEFAULT (60), "enabled" smallint NOT NULL DEFAULT (1), "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "updated_by" varchar(64) NOT NULL DEFAULT (\'\'))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_etl_interface_name" ON "etl_interface" ("name") ');
    await queryRunner.query('CREATE INDEX "ix_etl_interface_folder" ON "etl_interface" ("folder") ');
    await queryRunner.query(
      'CREATE TABLE "etl_interface_dependency" ("interface_id" integer NOT NULL, "parent_id" integer NOT NULL, PRIMARY KEY ("interface_id", "parent_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_etl_interface_dependency_parent" ON "etl_interface_dependency" ("parent_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "etl_job" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "interface_id" integer NOT NULL, "name" varchar(128) NOT NULL, "description" varchar(1000) NOT NULL DEFAULT (\'\'), "folder" varchar(128) NOT NULL DEFAULT (\'\'), "exec_host_id" integer, "host_tag" varchar(64) NOT NULL DEFAULT (\'\'), "routing_strategy" varchar(16) NOT NULL DEFAULT (\'round_robin\'), "working_dir" varchar(1024) NOT NULL DEFAULT (\'\'), "command_type" varchar(8) NOT NULL DEFAULT (\'argv\'), "command" text NOT NULL, "interpreter" varchar(256) NOT NULL DEFAULT (\'\'), "success_exit_codes" varchar(64) NOT NULL DEFAULT (\'0\'), "timeout_warn_seconds" integer NOT NULL DEFAULT (0), "timeout_fail_seconds" integer NOT NULL DEFAULT (0), "retry_count" integer, "retry_interval_seconds" integer, "retry_backoff_percent" integer NOT NULL DEFAULT (100), "retry_lost" smallint NOT NULL DEFAULT (1), "enabled" smallint NOT NULL DEFAULT (1), "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "updated_by" varchar(64) NOT NULL DEFAULT (\'\'))',
    );
    await queryRunner.query('CREATE INDEX "ix_etl_job_interface" ON "etl_job" ("interface_id") ');
    await queryRunner.query('CREATE INDEX "ix_etl_job_name" ON "etl_job" ("name") ');
    await queryRunner.query('CREATE INDEX "ix_etl_job_folder" ON "etl_job" ("folder") ');
    await queryRunner.query('CREATE INDEX "ix_etl_job_exec_host" ON "etl_job" ("exec_host_id") ');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_etl_job_interface_name" ON "etl_job" ("interface_id", "name") ');
    await queryRunner.query(
      'CREATE TABLE "etl_job_param" ("job_id" integer NOT NULL, "position" integer NOT NULL, "name" varchar(64) NOT NULL, "kind" varchar(16) NOT NULL, "value" varchar(1000) NOT NULL, PRIMARY KEY ("job_id", "position"))',
    );
    await queryRunner.query(
      'CREATE TABLE "etl_job_dependency" ("job_id" integer NOT NULL, "prerequisite_id" integer NOT NULL, PRIMARY KEY ("job_id", "prerequisite_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "ix_etl_job_dependency_prerequisite" ON "etl_job_dependency" ("prerequisite_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "node_event" ("run_id" integer NOT NULL, "attempt" integer NOT NULL, "seq" integer NOT NULL, "received_at" bigint NOT NULL, PRIMARY KEY ("run_id", "attempt", "seq"))',
    );
    await queryRunner.query(
      'CREATE TABLE "dispatch_fire" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "dispatch_id" integer NOT NULL, "scheduled_at" bigint NOT NULL, "trigger" varchar(16) NOT NULL, "outcome" varchar(16) NOT NULL, "data_date" varchar(10) NOT NULL, "instance" varchar(128) NOT NULL, "fired_at" bigint NOT NULL, "latency_ms" integer, "execution_id" integer, "error" varchar(1000) NOT NULL DEFAULT (\'\'))',
    );
    await queryRunner.query('CREATE INDEX "ix_dispatch_fire_outcome" ON "dispatch_fire" ("outcome", "scheduled_at") ');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_dispatch_fire" ON "dispatch_fire" ("dispatch_id", "scheduled_at") ',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "uq_dispatch_fire"');
    await queryRunner.query('DROP INDEX "ix_dispatch_fire_outcome"');
    await queryRunner.query('DROP TABLE "dispatch_fire"');
    await queryRunner.query('DROP TABLE "node_event"');
    await queryRunner.query('DROP INDEX "ix_etl_job_dependency_prerequisite"');
    await queryRunner.query('DROP TABLE "etl_job_dependency"');
    await queryRunner.query('DROP TABLE "etl_job_param"');
    await queryRunner.query('DROP INDEX "uq_etl_job_interface_name"');
    await queryRunner.query('DROP INDEX "ix_etl_job_exec_host"');
    await queryRunner.query('DROP INDEX "ix_etl_job_folder"');
    await queryRunner.query('DROP INDEX "ix_etl_job_name"');
    await queryRunner.query('DROP INDEX "ix_etl_job_interface"');
    await queryRunner.query('DROP TABLE "etl_job"');
    await queryRunner.query('DROP INDEX "ix_etl_interface_dependency_parent"');
    await queryRunner.query('DROP TABLE "etl_interface_dependency"');
    await queryRunner.query('DROP INDEX "ix_etl_interface_folder"');
    await queryRunner.query('DROP INDEX "uq_etl_interface_name"');
    await queryRunner.query('DROP TABLE "etl_interface"');
    await queryRunner.query('DROP TABLE "exec_host_status"');
    await queryRunner.query('DROP INDEX "ix_exec_host_tag_tag"');
    await queryRunner.query('DROP TABLE "exec_host_tag"');
    await queryRunner.query('DROP INDEX "uq_exec_host_name"');
    await queryRunner.query('DROP TABLE "exec_host"');
    await queryRunner.query('DROP TABLE "job_log"');
    await queryRunner.query('DROP INDEX "ix_job_run_transition_run"');
    await queryRunner.query('DROP TABLE "job_run_transition"');
    await queryRunner.query('DROP INDEX "ix_job_run_dependency_run"');
    await queryRunner.query('DROP INDEX "ix_job_run_dependency_prerequisite_run"');
    await queryRunner.query('DROP INDEX "ix_job_run_dependency_external"');
    await queryRunner.query('DROP TABLE "job_run_dependency"');
    await queryRunner.query('DROP INDEX "ix_job_run_execution_state"');
    await queryRunner.query('DROP INDEX "ix_job_run_execution_interface_state"');
    await queryRunner.query('DROP INDEX "ix_job_run_state_host"');
    await queryRunner.query('DROP INDEX "ix_job_run_state_not_before"');
    await queryRunner.query('DROP INDEX "ix_job_run_job_date_state"');
    await queryRunner.query('DROP INDEX "uq_job_run_node_run_id"');
    await queryRunner.query('DROP TABLE "job_run"');
    await queryRunner.query('DROP TABLE "execution_interface"');
    await queryRunner.query('DROP INDEX "uq_execution_dispatch_scheduled"');
    await queryRunner.query('DROP INDEX "ix_execution_dispatch_state"');
    await queryRunner.query('DROP INDEX "ix_execution_state"');
    await queryRunner.query('DROP TABLE "execution"');
    await queryRunner.query('DROP INDEX "uq_dispatch_alert"');
    await queryRunner.query('DROP INDEX "ix_dispatch_alert_channel"');
    await queryRunner.query('DROP TABLE "dispatch_alert"');
    await queryRunner.query('DROP INDEX "uq_dispatch_name"');
    await queryRunner.query('DROP INDEX "ix_dispatch_interface"');
    await queryRunner.query('DROP TABLE "dispatch"');
    await queryRunner.query('DROP INDEX "ix_alert_outbox_due"');
    await queryRunner.query('DROP INDEX "uq_alert_outbox_dedupe_key"');
    await queryRunner.query('DROP TABLE "alert_outbox"');
    await queryRunner.query('DROP INDEX "uq_alert_channel_name"');
    await queryRunner.query('DROP TABLE "alert_channel"');
  }
}
