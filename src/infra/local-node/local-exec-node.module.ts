import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ExecHostEntity } from '../../modules/exec-host/exec-host.entity.js';
import { LocalExecNodeService } from './local-exec-node.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ExecHostEntity])],
  providers: [LocalExecNodeService],
})
export class LocalExecNodeModule {}
