"""The order page and what its buttons do, and starting or discarding an order in progress."""


from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from customers.models import Customer
from oms.core.forms import SearchBoxForm
from orders import lifecycle
from orders.changes.services import order_status_change
from orders.forms import NoteForm, OrderEmailForm, TimelineForm, _filter_form, _query
from orders.fulfilment.views import fulfilment_context
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from orders.notifications.services import order_confirmation_request, order_email_change
from orders.ordering.stores import Cart
from orders.ordering.views.carts import report_email
from orders.returns.views import returns_context
from orders.selectors import OrderFilters, order_search_page, order_timeline_page
from orders.services import order_note_add


@permission_required("orders.view_order", raise_exception=True)
def order_detail(request, number: int, *, email_form: OrderEmailForm | None = None,
                 note_form: NoteForm | None = None):
    lines_with = Prefetch("lines", OrderLine.objects.select_related("price_approved_by"))
    order = get_object_or_404(Order.objects.select_related("customer", "placed_by", "discount_approved_by")
                              .prefetch_related(lines_with), number=number)
    lines = list(order.lines.all())  # prefetched: the lifecycle's questions about lines read them too
    timeline = TimelineForm(request.GET)
    context = {
        "order": order,
        "lines": lines,
        "timeline": order_timeline_page(order, before=timeline.cleaned_data["before"] if timeline.is_valid() else None),
        "next_statuses": lifecycle.next_statuses(order),
        "can_cancel": lifecycle.can_cancel(order),
        "can_hold": lifecycle.can_hold(order),
        "can_edit": lifecycle.can_edit(order, user=request.user),
        "email_form": email_form or OrderEmailForm(initial={"email": order.customer_email}),
        "note_form": note_form or NoteForm(),
    } | fulfilment_context(order) | returns_context(order, lines)
    return render(request, "orders/order_detail.html", context, status=400 if email_form or note_form else 200)


@permission_required("orders.add_note", raise_exception=True)
@require_POST
def order_note(request, number: int):
    order = get_object_or_404(Order, number=number)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return order_detail(request, number, note_form=form)
    note = order_note_add(order=order, text=form.cleaned_data["text"], actor=request.user,
                          visible_to_customer=form.cleaned_data["visible_to_customer"],
                          token=str(form.cleaned_data["token"]))
    if note.recorded_now:
        messages.success(request, "Note saved.")
    else:
        messages.info(request, "That note was already saved; it is on the timeline once.")
    return redirect(order)


@permission_required("orders.change_status", raise_exception=True)
@require_POST
def order_status(request, number: int):
    order = get_object_or_404(Order, number=number)
    status = request.POST.get("status", "")
    if status not in Order.Status.values:
        messages.error(request, "Choose one of the statuses offered.")
        return redirect(order)
    try:
        order = order_status_change(order=order, status=status, actor=request.user)
    except OrderRefused as refused:
        messages.error(request, refused.problems[0])
    else:
        messages.success(request, f"Order #{order.number} is now {order.get_status_display().lower()}.")
    return redirect(order)


@permission_required("orders.resend_confirmation", raise_exception=True)
@require_POST
def order_resend_confirmation(request, number: int):
    order = get_object_or_404(Order.objects.select_related("customer"), number=number)
    try:
        order = order_confirmation_request(order=order, actor=request.user)
    except OrderRefused as refused:
        messages.error(request, refused.problems[0])
    else:
        report_email(request, order)
    return redirect(order)


@permission_required("orders.edit_order", raise_exception=True)
@require_POST
def order_email(request, number: int):
    """Change where this order's emails go (an explicit, logged change; the customer record stays)."""
    order = get_object_or_404(Order, number=number)
    form = OrderEmailForm(request.POST)
    if not form.is_valid():
        return order_detail(request, number, email_form=form)
    order = order_email_change(order=order, email=form.cleaned_data["email"], actor=request.user)
    messages.success(request, f"Emails for order #{order.number} now go to {order.customer_email or 'nobody'}.")
    return redirect(order)


@permission_required("orders.view_order", raise_exception=True)
def order_list(request):
    form, query = _filter_form(request), _query(request)
    page = order_search_page(query, filters=form.filters(), after=request.GET.get("after"),
                             before=request.GET.get("before"))
    carts = Cart.all(request.session)
    customers = Customer.objects.in_bulk([cart.customer_id for cart in carts if cart.customer_id])
    in_progress = [(cart, customers.get(cart.customer_id)) for cart in carts]
    search_form = SearchBoxForm(query, help_text="Order number, or the customer's name, company, email or phone.")
    context = {"page": page, "query": query, "form": form, "search_form": search_form,
               "filtered": form.filters() != OrderFilters(),
               "in_progress": in_progress}
    return render(request, "orders/order_list.html", context, status=400 if form.errors else 200)
