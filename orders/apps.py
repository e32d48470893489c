from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"

    def ready(self):
        from orders import customer_record  # noqa: F401  (registers the customer record's order sections)
