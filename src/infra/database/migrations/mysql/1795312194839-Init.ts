import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795312194839 implements MigrationInterface {
  name = 'Init1795312194839';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TABLE `audit_log` (`id` int NOT NULL AUTO_INCREMENT, `at` bigint NOT NULL, `user_id` int NULL, `username` varchar(64) NOT NULL, `action` varchar(32) NOT NULL, `target_type` varchar(32) NOT NULL DEFAULT '', `target_id` varchar(64) NOT NULL DEFAULT '', `target_name` varchar(255) NOT NULL DEFAULT '', `detail` text NULL, `ip` varchar(64) NOT NULL DEFAULT '', INDEX `ix_audit_log_at` (`at`), INDEX `ix_audit_log_target` (`target_type`, `target_id`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      'CREATE TABLE `http_session` (`sid` varchar(128) NOT NULL, `user_id` int NULL, `expires_at` bigint NOT NULL, `data` text NOT NULL, INDEX `ix_http_session_user` (`user_id`), INDEX `ix_http_session_expires` (`expires_at`), PRIMARY KEY (`sid`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      'CREATE TABLE `api_token` (`id` int NOT NULL AUTO_INCREMENT, `user_id` int NOT NULL, `name` varchar(128) NOT NULL, `token_hash` varchar(64) NOT NULL, `prefix` varchar(16) NOT NULL, `created_at` bigint NOT NULL, `last_used_at` bigint NULL, `expires_at` bigint NULL, `revoked_at` bigint NULL, INDEX `ix_api_token_user` (`user_id`), UNIQUE INDEX `uq_api_token_hash` (`token_hash`), PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query(
      "CREATE TABLE `app_user` (`id` int NOT NULL AUTO_INCREMENT, `username` varchar(64) NOT NULL, `display_name` varchar(128) NOT NULL DEFAULT '', `email` varchar(255) NOT NULL DEFAULT '', `password_hash` varchar(255) NOT NULL, `role` varchar(16) NOT NULL, `enabled` smallint NOT NULL DEFAULT '1', `language` varchar(8) NOT NULL DEFAULT '', `failed_logins` int NOT NULL DEFAULT '0', `locked_until` bigint NULL, `last_login_at` bigint NULL, `created_at` bigint NOT NULL, `updated_at` bigint NOT NULL, UNIQUE INDEX `uq_app_user_username` (`username`), PRIMARY KEY (`id`)) ENGINE=InnoDB",
    );
    await queryRunner.query(
      'CREATE TABLE `app_setting` (`name` varchar(64) NOT NULL, `value` text NOT NULL, `updated_at` bigint NOT NULL, PRIMARY KEY (`name`)) ENGINE=InnoDB',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `app_setting`');
    await queryRunner.query('DROP INDEX `uq_app_user_username` ON `app_user`');
    await queryRunner.query('DROP TABLE `app_user`');
    await queryRunner.query('DROP INDEX `uq_api_token_hash` ON `api_token`');
    await queryRunner.query('DROP INDEX `ix_api_token_user` ON `api_token`');
    await queryRunner.query('DROP TABLE `api_token`');
    await queryRunner.query('DROP INDEX `ix_http_session_expires` ON `http_session`');
    await queryRunner.query('DROP INDEX `ix_http_session_user` ON `http_session`');
    await queryRunner.query('DROP TABLE `http_session`');
    await queryRunner.query('DROP INDEX `ix_audit_log_target` ON `audit_log`');
    await queryRunner.query('DROP INDEX `ix_audit_log_at` ON `audit_log`');
    await queryRunner.query('DROP TABLE `audit_log`');
  }
}
