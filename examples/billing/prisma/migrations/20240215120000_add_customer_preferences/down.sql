-- AlterTable
ALTER TABLE "Customer" DROP COLUMN "preferences";
