import { Injectable, PipeTransform } from '@nestjs/common';
import { badRequest } from './field-problems';

const MAX_ID = 2_147_483_647;

/** A path id: a positive integer that fits the database's integer key. */
@Injectable()
export class IdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const id = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(id) || id < 1 || id > MAX_ID) {
      throw badRequest([{ field: 'id', message: `must be a positive integer up to ${MAX_ID}, got "${value}"` }]);
    }
    return id;
  }
}
