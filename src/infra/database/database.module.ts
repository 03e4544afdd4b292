import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../../config/app-config.js';
import { createDataSource, dataSourceOptions } from './data-source.js';
import { migrateWithLock } from './migrate.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { serializeSqliteTransactions } from './sqlite-transactions.js';

@Module({})
export class DatabaseModule {
  /** Connects, then runs pending migrations under the migration lock before anything else queries. */
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => dataSourceOptions(config),
          dataSourceFactory: async (options) => {
            const dataSource = createDataSource(options!);
            await dataSource.initialize();
            serializeSqliteTransactions(dataSource);
            const applied = await migrateWithLock(dataSource);
            if (applied.length > 0) new Logger('Database').log(`applied migrations: ${applied.join(', ')}`);
            return dataSource;
          },
        }),
      ],
      providers: [SqliteCheckpointer],
      exports: [SqliteCheckpointer],
    };
  }
}
