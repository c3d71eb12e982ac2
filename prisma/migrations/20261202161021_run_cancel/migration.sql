-- AlterEnum
ALTER TYPE "RunStatus" ADD VALUE 'cancelled';

-- AlterEnum
ALTER TYPE "AuditAction" ADD VALUE 'cancel';
