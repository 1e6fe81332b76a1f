-- What Prisma's schema cannot express: an audit trigger. Its body holds semicolons.
CREATE FUNCTION "invoice_status_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."status" = 'PAID' AND NEW."status" <> 'PAID' THEN
    RAISE EXCEPTION 'invoice %: a paid invoice cannot change status; issue a credit note', OLD."id";
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "Invoice_status_guard"
BEFORE UPDATE OF "status" ON "Invoice"
FOR EACH ROW EXECUTE FUNCTION "invoice_status_guard"();
