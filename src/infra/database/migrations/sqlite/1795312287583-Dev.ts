import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Dev1795312287583 implements MigrationInterface {
  name = 'Dev1795312287583';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "alert_channel" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(128) NOT NULL, "type" varchar(16) NOT NULL, "settings" text NOT NULL, "secret_encrypted" text NOT NULL, "enabled" smallint NOT NULL DEFAULT (1), "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "updated_by" varchar(64) NOT NULL DEFAULT (\'\'))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_alert_channel_name" ON "alert_channel" ("name") ');
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
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
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
    await queryRunner.query('DROP INDEX "uq_dispatch_alert"');
    await queryRunner.query('DROP INDEX "ix_dispatch_alert_channel"');
    await queryRunner.query('DROP TABLE "dispatch_alert"');
    await queryRunner.query('DROP INDEX "uq_dispatch_name"');
    await queryRunner.query('DROP INDEX "ix_dispatch_interface"');
    await queryRunner.query('DROP TABLE "dispatch"');
    await queryRunner.query('DROP INDEX "uq_alert_channel_name"');
    await queryRunner.query('DROP TABLE "alert_channel"');
  }
}
