-- AlterTable
ALTER TABLE "Invoice" DROP COLUMN "currency";
