-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "preferences" JSONB;
