from django.db import migrations, models

from oms.core.postgres import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False  # the index is built CONCURRENTLY: orders stay open to reads and writes

    dependencies = [
        ('orders', '0019_quotes'),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name='order',
            index=models.Index(fields=['status', 'channel', '-number'], name='order_status_channel_newest'),
        ),
    ]
