from django.core.management.base import BaseCommand

from orders.reporting.sales import sales_months_correct, sales_rebuild


class Command(BaseCommand):
    help = "Recompute the dashboard's sales summary from the orders (after a bulk load or an upgrade)."

    def add_arguments(self, parser):
        parser.add_argument("--months-only", action="store_true",
                            help="Only correct the monthly product rows to the sums of the daily ones (seconds, not "
                                 "minutes): after an upgrade during which nodes on older code went on selling.")

    def handle(self, *args, **options):
        if options["months_only"]:
            sales_months_correct()
            self.stdout.write("Monthly product sales corrected to the daily ones.")
            return
        sales_rebuild()
        self.stdout.write("Sales summary rebuilt.")
