DROP TRIGGER "Invoice_status_guard" ON "Invoice";
DROP FUNCTION "invoice_status_guard"();
