-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN     "currency" CHAR(3) NOT NULL DEFAULT 'EUR';

-- Data: invoices of US customers were always billed in dollars.
UPDATE "Invoice" SET "currency" = 'USD'
WHERE "customerId" IN (SELECT "id" FROM "Customer" WHERE "email" LIKE '%.us');
