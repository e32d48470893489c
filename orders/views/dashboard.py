"""The sales dashboard: a manager's landing page."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from ..dashboard import dashboard as dashboard_data


@permission_required("orders.view_dashboard", raise_exception=True)
def dashboard(request):
    return render(request, "orders/dashboard.html", dashboard_data())
