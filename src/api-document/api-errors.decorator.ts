import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponse } from './error.response';

/** What each error status of this API means, as the document says it. */
const MEANINGS = {
  400: 'A field of the path, query or body is wrong: `fields` names each one.',
  401: 'No valid token: send `Authorization: Bearer <token>`.',
  403: 'The token is valid, but its role may not do this.',
  404: 'No job (for /runs/:id, no run) has this id.',
  409: 'The request clashes with what is stored: `fields` names the field.',
  413: 'The body is larger than this service takes (BODY_LIMIT_BYTES).',
  414: 'A path parameter is longer than 100 characters.',
  415: 'The body is not sent as JSON with `Content-Type: application/json`.',
  429: 'Too many requests from this client: retry after the seconds in `Retry-After`.',
  503: 'The database is unavailable or busy: retry shortly.',
} as const;

export type ErrorStatus = keyof typeof MEANINGS;

/** Documents each error status an operation can answer, all with the one error schema. */
export const ApiErrors = (...statuses: ErrorStatus[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: MEANINGS[status], type: ErrorResponse })));
