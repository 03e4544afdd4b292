-- Meshcron MySQL schema, generated from the migrations by `npm run ddl:generate`. Do not edit by hand.
-- Apply to an empty database (utf8mb4); the portal then finds every migration already applied.

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

CREATE TABLE `http_session` (
  `sid` varchar(128) NOT NULL,
  `user_id` int(11) DEFAULT NULL,
  `expires_at` bigint(20) NOT NULL,
  `data` text NOT NULL,
  PRIMARY KEY (`sid`),
  KEY `ix_http_session_user` (`user_id`),
  KEY `ix_http_session_expires` (`expires_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `migrations` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `timestamp` bigint(20) NOT NULL,
  `name` varchar(255) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO `migrations` (`timestamp`, `name`) VALUES (1795312194839, 'Init1795312194839');
