# A held order is never shipped, whichever path tries (the shipment service, the admin, a raw INSERT): a trigger on
# the shipments refuses a row for an order on hold. A check constraint cannot read another table, so each database
# gets a trigger in its own dialect. The service refuses first, with its own sentence (orders.lifecycle.why_not_ship);
# this is the floor under it. SQLite drops a table's triggers when it rebuilds the table: a later migration that
# alters orders_shipment on SQLite must create this trigger again (tests/orders/fulfilment/test_held_never_ships.py
# fails if it is gone).

from django.db import migrations

from oms.core.postgres import PostgresOnlySQL, SQLiteOnlySQL

MESSAGE = "A held order is never shipped: release the hold first."

POSTGRES_FUNCTION = f"""
CREATE FUNCTION orders_shipment_order_not_held() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM orders_order WHERE number = NEW.order_id AND on_hold) THEN
        RAISE EXCEPTION 'Order #% is on hold. {MESSAGE}', NEW.order_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$
"""


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0017_stock_ledger_and_backorders'),
    ]

    operations = [
        # check_violation: Django raises IntegrityError, as it does for a CHECK constraint.
        PostgresOnlySQL(
            [POSTGRES_FUNCTION,
             "CREATE TRIGGER shipment_order_not_held BEFORE INSERT ON orders_shipment "
             "FOR EACH ROW EXECUTE FUNCTION orders_shipment_order_not_held()"],
            ["DROP TRIGGER IF EXISTS shipment_order_not_held ON orders_shipment",
             "DROP FUNCTION IF EXISTS orders_shipment_order_not_held()"],
        ),
        # RAISE(ABORT, ...) is SQLITE_CONSTRAINT: Django raises IntegrityError here too.
        SQLiteOnlySQL(
            f"CREATE TRIGGER shipment_order_not_held BEFORE INSERT ON orders_shipment FOR EACH ROW "
            f"WHEN (SELECT on_hold FROM orders_order WHERE number = NEW.order_id) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
            "DROP TRIGGER IF EXISTS shipment_order_not_held",
        ),
    ]
