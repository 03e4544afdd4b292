import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795312194839 implements MigrationInterface {
  name = 'Init1795312194839';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "audit_log" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "at" bigint NOT NULL, "user_id" integer, "username" varchar(64) NOT NULL, "action" varchar(32) NOT NULL, "target_type" varchar(32) NOT NULL DEFAULT (\'\'), "target_id" varchar(64) NOT NULL DEFAULT (\'\'), "target_name" varchar(255) NOT NULL DEFAULT (\'\'), "detail" text, "ip" varchar(64) NOT NULL DEFAULT (\'\'))',
    );
    await queryRunner.query('CREATE INDEX "ix_audit_log_at" ON "audit_log" ("at") ');
    await queryRunner.query('CREATE INDEX "ix_audit_log_target" ON "audit_log" ("target_type", "target_id") ');
    await queryRunner.query(
      'CREATE TABLE "http_session" ("sid" varchar(128) PRIMARY KEY NOT NULL, "user_id" integer, "expires_at" bigint NOT NULL, "data" text NOT NULL)',
    );
    await queryRunner.query('CREATE INDEX "ix_http_session_user" ON "http_session" ("user_id") ');
    await queryRunner.query('CREATE INDEX "ix_http_session_expires" ON "http_session" ("expires_at") ');
    await queryRunner.query(
      'CREATE TABLE "api_token" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "name" varchar(128) NOT NULL, "token_hash" varchar(64) NOT NULL, "prefix" varchar(16) NOT NULL, "created_at" bigint NOT NULL, "last_used_at" bigint, "expires_at" bigint, "revoked_at" bigint)',
    );
    await queryRunner.query('CREATE INDEX "ix_api_token_user" ON "api_token" ("user_id") ');
    await queryRunner.query('CREATE UNIQUE INDEX "uq_api_token_hash" ON "api_token" ("token_hash") ');
    await queryRunner.query(
      'CREATE TABLE "app_user" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "username" varchar(64) NOT NULL, "display_name" varchar(128) NOT NULL DEFAULT (\'\'), "email" varchar(255) NOT NULL DEFAULT (\'\'), "password_hash" varchar(255) NOT NULL, "role" varchar(16) NOT NULL, "enabled" smallint NOT NULL DEFAULT (1), "language" varchar(8) NOT NULL DEFAULT (\'\'), "failed_logins" integer NOT NULL DEFAULT (0), "locked_until" bigint, "last_login_at" bigint, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL)',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "uq_app_user_username" ON "app_user" ("username") ');
    await queryRunner.query(
      'CREATE TABLE "app_setting" ("name" varchar(64) PRIMARY KEY NOT NULL, "value" text NOT NULL, "updated_at" bigint NOT NULL)',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "app_setting"');
    await queryRunner.query('DROP INDEX "uq_app_user_username"');
    await queryRunner.query('DROP TABLE "app_user"');
    await queryRunner.query('DROP INDEX "uq_api_token_hash"');
    await queryRunner.query('DROP INDEX "ix_api_token_user"');
    await queryRunner.query('DROP TABLE "api_token"');
    await queryRunner.query('DROP INDEX "ix_http_session_expires"');
    await queryRunner.query('DROP INDEX "ix_http_session_user"');
    await queryRunner.query('DROP TABLE "http_session"');
    await queryRunner.query('DROP INDEX "ix_audit_log_target"');
    await queryRunner.query('DROP INDEX "ix_audit_log_at"');
    await queryRunner.query('DROP TABLE "audit_log"');
  }
}
