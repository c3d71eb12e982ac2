function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** Prisma's unique-constraint violation. */
export const isUniqueViolation = (error: unknown) => hasCode(error, 'P2002');

/** Prisma's "record to update or delete does not exist". */
export const isRecordNotFound = (error: unknown) => hasCode(error, 'P2025');
