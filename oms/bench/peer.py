"""The peer the customer search is measured against: Django admin's changelist as a shop would
have it out of the box, on an AdminSite of its own that only the benchmark mounts."""

from django.contrib import admin
from django.urls import path

from customers.models import Customer

peer_site = admin.AdminSite(name="peer_admin")


class StockCustomerAdmin(admin.ModelAdmin):
    search_fields = ["last_name", "company", "email"]  # everything else left at its default


peer_site.register(Customer, StockCustomerAdmin)

PEER_PREFIX = "bench-peer-admin/"


def urlpatterns_with_peer():
    from oms.urls import urlpatterns

    return [path(PEER_PREFIX, peer_site.urls), *urlpatterns]
