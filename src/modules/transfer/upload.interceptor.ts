import {
  Injectable,
  PayloadTooLargeException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Observable } from 'rxjs';
import { MAX_IMPORT_BYTES, tooLarge } from './import-limits.js';

/** What the upload route gets of the file: its bytes, held in memory (never written to disk). */
export interface UploadedContent {
  buffer: Buffer;
  originalname: string;
  size: number;
}

// No storage and no dest: multer keeps the file in memory, so a user-given name never reaches the disk.
const SingleFile: Type<NestInterceptor> = FileInterceptor('file', {
  limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10, fieldSize: 1024 },
});

/** One multipart field `file` of at most 20 MB; a larger one is a 413 that says what the limit is. */
@Injectable()
export class ImportUploadInterceptor extends SingleFile {
  override async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await super.intercept(context, next);
    } catch (error) {
      if (error instanceof PayloadTooLargeException) throw tooLarge('the uploaded file');
      throw error;
    }
  }
}
