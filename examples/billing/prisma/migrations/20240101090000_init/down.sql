-- DropForeignKey
ALTER TABLE "Invoice" DROP CONSTRAINT "Invoice_customerId_fkey";

-- DropTable
DROP TABLE "Invoice";

-- DropTable
DROP TABLE "Customer";

-- DropEnum
DROP TYPE "InvoiceStatus";
