from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from oms.api.importing import ImportFileError, order_import, orders_from_csv, orders_from_json


class Command(BaseCommand):
    help = ("Place orders from another system, from a CSV file (a row per line: reference, customer, sku, quantity, "
            "then any checkout field) or a JSON list of the API's orders each with a reference. Each reference is "
            "placed once: importing the same file again places nothing new.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A .csv or .json file.")
        parser.add_argument("--user", required=True,
                            help="The username the orders are taken by (needs permission to place orders).")
        parser.add_argument("--check", action="store_true", help="Check every order; place none.")

    def handle(self, *args, file: Path, user: str, check: bool, **options):
        taker = get_user_model().objects.filter(username=user, is_active=True).first()
        if taker is None or not taker.has_perm("orders.place_order"):
            raise CommandError(f"No active user {user!r} may place orders.")
        orders = self._read(file)
        counts = {"placed": 0, "already imported": 0, "not imported": 0, "checked": 0}
        for data in orders:
            result = order_import(data, user=taker, check_only=check)
            name = result.reference or "(no reference)"
            if result.errors:
                outcome = "not imported"
                problems = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in result.errors.items())
                self.stderr.write(f"{name}: not imported: {problems}")
            elif check:
                outcome = "checked"
                self.stdout.write(f"{name}: already imported as order #{result.order.number}" if result.order
                                  else f"{name}: can be placed")
            else:
                outcome = "placed" if result.created else "already imported"
                self.stdout.write(f"{name}: {outcome} as order #{result.order.number}")
            counts[outcome] += 1
        summary = ", ".join(f"{count} {outcome}" for outcome, count in counts.items() if count) or "No orders"
        if counts["not imported"]:
            raise CommandError(f"{summary}.")
        self.stdout.write(f"{summary}.")

    def _read(self, file: Path):
        suffix = file.suffix.lower()
        if suffix not in (".csv", ".json"):
            raise CommandError(f"{file} is neither a .csv nor a .json file.")
        try:
            text = file.read_text(encoding="utf-8-sig")  # a BOM from a spreadsheet's "CSV UTF-8" is dropped
        except OSError as error:
            raise CommandError(f"{file} cannot be read: {error.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None
        try:
            return orders_from_json(text) if suffix == ".json" else list(orders_from_csv(text.splitlines()))
        except ImportFileError as error:
            raise CommandError(str(error)) from None
