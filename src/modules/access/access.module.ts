import { Global, Module } from '@nestjs/common';
import { AccessService } from './access.service.js';
import { ImportOwnersService } from './import-owners.js';
import { OwnerService } from './owner.service.js';
import './access.i18n.js';

/** Ownership checks (who may see and act on which interface), available to every module. */
@Global()
@Module({
  providers: [AccessService, OwnerService, ImportOwnersService],
  exports: [AccessService, OwnerService, ImportOwnersService],
})
export class AccessModule {}
