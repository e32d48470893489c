from django.core.management.base import BaseCommand

from orders.reporting.sales import sales_rebuild


class Command(BaseCommand):
    help = "Recompute the dashboard's daily sales summary from the orders (after a bulk load or an upgrade)."

    def handle(self, *args, **options):
        sales_rebuild()
        self.stdout.write("Daily sales summary rebuilt.")
