import django.db.models.deletion
from django.db import migrations, models

# The months so far, added up from the daily rows in the database (INSERT ... SELECT): no row passes through Python.
MONTH = {"postgresql": "date_trunc('month', day)::date", "sqlite": "date(day, 'start of month')"}


def add_up_the_months(apps, schema_editor):
    month = MONTH[schema_editor.connection.vendor]
    schema_editor.execute(
        "INSERT INTO orders_monthlyproductsales (month, product_id, quantity, revenue) "
        f"SELECT {month}, product_id, sum(quantity), sum(revenue) FROM orders_dailyproductsales GROUP BY 1, 2")


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0005_stock_reservations'),
        ('orders', '0020_order_status_channel_newest'),
    ]

    operations = [
        migrations.CreateModel(
            name='MonthlyProductSales',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('quantity', models.IntegerField(default=0)),
                ('revenue', models.DecimalField(decimal_places=2, default=0, max_digits=20)),
                ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.product')),
            ],
            options={
                'indexes': [models.Index(fields=['month', '-revenue'], name='monthly_product_sales_top')],
                'constraints': [models.UniqueConstraint(fields=('month', 'product'), name='monthly_product_sales_once')],
            },
        ),
        migrations.RunPython(add_up_the_months, migrations.RunPython.noop),
    ]
