import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { ROLES, type Role } from '../user.entity.js';

export class CreateUserDto {
  @Matches(/^[A-Za-z0-9_.@-]{1,64}$/, { message: 'must be 1-64 letters, digits or _ . @ -' })
  username: string;

  @IsString()
  @Length(10, 256)
  password: string;

  @IsIn(ROLES)
  role: Role;

  @IsOptional()
  @IsString()
  @Length(0, 128)
  displayName?: string;

  @IsOptional()
  @ValidateIf((_object, value) => value !== '')
  @IsEmail()
  email?: string;

  @IsOptional()
  @IsIn(['', 'en', 'zh-CN'])
  language?: string;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateUserDto {
  @IsOptional()
  @IsString()
  @Length(0, 128)
  displayName?: string;

  @IsOptional()
  @ValidateIf((_object, value) => value !== '')
  @IsEmail()
  email?: string;

  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @IsOptional()
  @IsIn(['', 'en', 'zh-CN'])
  language?: string;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class SetPasswordDto {
  @IsString()
  @Length(10, 256)
  password: string;
}

export class ChangeOwnPasswordDto {
  @IsString()
  currentPassword: string;

  @IsString()
  @Length(10, 256)
  password: string;
}

export class CreateTokenDto {
  @IsString()
  @Length(1, 128)
  name: string;
}

export class UpdateProfileDto {
  @IsOptional()
  @IsString()
  @Length(0, 128)
  displayName?: string;

  @IsOptional()
  @IsIn(['', 'en', 'zh-CN'])
  language?: string;
}

export class ResetPasswordDto {
  @IsOptional()
  @IsString()
  @Length(10, 256)
  password?: string;
}
