import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { HomeController } from './home.controller.js';

@Module({ controllers: [HealthController, HomeController] })
export class HealthModule {}
