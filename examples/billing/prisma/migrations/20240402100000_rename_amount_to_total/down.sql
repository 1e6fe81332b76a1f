-- RenameColumn
ALTER TABLE "Invoice" RENAME COLUMN "totalCents" TO "amountCents";
