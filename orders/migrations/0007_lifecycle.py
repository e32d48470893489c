"""The order lifecycle in one place (orders.lifecycle): "note added" leaves the order statuses.

A note is a timeline event (OrderEvent.Kind.NOTE_ADDED), never a status, but Order.Status offered it. Any
order saved with status note_added gets the status its own timeline last gave it: "cancelled" after a
cancellation, the "after" of its latest status change (shipments record one too), and "placed" when it has
neither (what every order is when placed). The balance indexes now take their condition from
lifecycle.NOT_PAYABLE: the same rows (every order but the cancelled ones), so only the migration state changes
and the database keeps the indexes it has (rebuilding them would block writes on a large orders table).
"""

from django.db import migrations, models

# The statuses as of this migration (the model's may grow later).
STATUSES = ("placed", "processing", "partially_shipped", "shipped", "completed", "cancelled")


def status_from_timeline(apps, schema_editor):
    Order, OrderEvent = apps.get_model("orders", "Order"), apps.get_model("orders", "OrderEvent")
    for order in Order.objects.filter(status="note_added").iterator():
        last = (OrderEvent.objects.filter(order=order, kind__in=["status_changed", "cancelled"])
                .order_by("-pk").first())
        if last is not None and last.kind == "cancelled":
            status = "cancelled"
        elif last is not None and (last.data or {}).get("after") in STATUSES:
            status = last.data["after"]
        else:
            status = "placed"
        Order.objects.filter(pk=order.pk).update(status=status)


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0006_pricing'),
    ]

    operations = [
        migrations.RunPython(status_from_timeline, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='order',
            name='status',
            field=models.CharField(choices=[('placed', 'Placed'), ('processing', 'Processing'),
                                            ('partially_shipped', 'Partially shipped'), ('shipped', 'Shipped'),
                                            ('completed', 'Completed'), ('cancelled', 'Cancelled')],
                                   default='placed', max_length=20),
        ),
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.RemoveIndex(
                model_name='order',
                name='order_balance_open',
            ),
            migrations.RemoveIndex(
                model_name='order',
                name='order_balance_due',
            ),
            migrations.AddIndex(
                model_name='order',
                index=models.Index(condition=models.Q(('payment_status__in', ['unpaid', 'partially_paid']),
                                                      models.Q(('status__in', ['cancelled']), _negated=True)),
                                   fields=['-number'], name='order_balance_open'),
            ),
            migrations.AddIndex(
                model_name='order',
                index=models.Index(condition=models.Q(('payment_status__in', ['unpaid', 'partially_paid']),
                                                      models.Q(('status__in', ['cancelled']), _negated=True),
                                                      ('due_date__isnull', False)),
                                   fields=['-number'], name='order_balance_due'),
            ),
        ]),
    ]
