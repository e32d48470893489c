from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name='Dataset',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('description', models.CharField(max_length=200)),
                ('seeded_at', models.DateTimeField()),
                ('load_seconds', models.FloatField(help_text='Empty for data seeded before this was recorded.', null=True)),
            ],
        ),
    ]
