import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { SMTP_TLS_MODES, type SmtpTlsMode } from '../../../infra/mail/mail-transport.js';
import { WEBHOOK_METHODS, type WebhookMethod } from '../../../infra/mail/webhook-sender.js';
import { CHANNEL_TYPES, type ChannelType } from '../alert-channel.entity.js';

export class SmtpSettingsDto {
  @IsOptional()
  @IsString()
  @MaxLength(253)
  host?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @IsOptional()
  @IsIn(SMTP_TLS_MODES)
  tls?: SmtpTlsMode;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  user?: string;

  /** Write-only: stored encrypted, never returned. Omit or "" to keep it, null to remove it. */
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsString()
  @MaxLength(512)
  password?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(320)
  from?: string;
}

export class WebhookSettingsDto {
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  url?: string;

  @IsOptional()
  @IsIn(WEBHOOK_METHODS)
  method?: WebhookMethod;

  /** JSON with {{placeholders}}; empty = the default template. */
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  bodyTemplate?: string;

  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;

  /** Write-only headers (e.g. Authorization): stored encrypted, only their names are returned. Null removes them. */
  @IsOptional()
  @ValidateIf((_object, value) => value !== null)
  @IsObject()
  secretHeaders?: Record<string, string> | null;
}

export class CreateAlertChannelDto {
  @IsString()
  @Length(1, 128)
  name: string;

  @IsIn(CHANNEL_TYPES)
  type: ChannelType;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @ValidateNested()
  @Type(() => SmtpSettingsDto)
  smtp?: SmtpSettingsDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => WebhookSettingsDto)
  webhook?: WebhookSettingsDto;
}

export class UpdateAlertChannelDto {
  @IsOptional()
  @IsString()
  @Length(1, 128)
  name?: string;

  /** Fixed after creation; accepted only when unchanged. */
  @IsOptional()
  @IsIn(CHANNEL_TYPES)
  type?: ChannelType;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @ValidateNested()
  @Type(() => SmtpSettingsDto)
  smtp?: SmtpSettingsDto;

  @IsOptional()
  @ValidateNested()
  @Type(() => WebhookSettingsDto)
  webhook?: WebhookSettingsDto;
}

export class TestMessageDto {
  /** Comma-separated email addresses (SMTP, required) or free text for {{recipients}} (webhook). */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  recipients?: string;
}
