-- RenameColumn: Prisma would drop "amountCents" and add "totalCents", losing every amount.
ALTER TABLE "Invoice" RENAME COLUMN "amountCents" TO "totalCents";
