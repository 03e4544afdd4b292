import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { SecretBox } from './secret-box.js';

/** Provides the SecretBox (exec host tokens, channel passwords) built from auth.encryptionKey or dataDir. */
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => SecretBox.fromConfig(config.values.auth.encryptionKey, config.dataDir),
    },
  ],
  exports: [SecretBox],
})
export class SecretBoxModule {}
