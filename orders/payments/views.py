"""`Record payment` and `Refund` on the order page."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render

from oms.core.money import format_money
from orders.lifecycle import OrderRefused
from orders.models import Order
from orders.payments.forms import PaymentForm, RefundForm
from orders.payments.services import Overpayment, payment_record, refund_record
from orders.payments.terms import balance_due, owed_to_customer, refundable


@permission_required("orders.record_payment", raise_exception=True)
def payment_new(request, number: int):
    order = get_object_or_404(Order, number=number)
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = payment_record(order=order, amount=data["amount"], method=data["method"],
                                     reference=data["reference"], received_on=data["received_on"],
                                     allow_overpayment=data["accept_overpayment"], actor=request.user,
                                     token=data["token"])
        except OrderRefused as refused:
            form.add_error("amount" if isinstance(refused, Overpayment) else None, refused.problems[0])
        else:
            done = "recorded" if payment.recorded_now else "was already recorded (this form was submitted twice)"
            messages.success(request, f"Payment of {format_money(payment.amount)} {done}. Balance due: "
                                      f"{format_money(balance_due(order))}.")
            return redirect(order)
    context = {"order": order, "form": form, "balance_due": balance_due(order)}
    return render(request, "orders/payments/payment_form.html", context, status=400 if form.is_bound else 200)


@permission_required("orders.receive_return", raise_exception=True)
def refund_new(request, number: int):
    """`Refund`: money going back, at most what was paid and not refunded; a second submit of the form records
    nothing more."""
    order = get_object_or_404(Order, number=number)
    form = RefundForm(request.POST or None, customer_email=order.customer_email, initial=_refund_initial(order))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            refund = refund_record(order=order, amount=data["amount"], method=data["method"],
                                   reference=data["reference"], send_email=data["send_email"], actor=request.user,
                                   token=data["token"])
        except OrderRefused as refused:
            form.add_error("amount", refused.problems[0])
        else:
            done = "recorded" if refund.recorded_now else "was already recorded (this form was submitted twice)"
            messages.success(request, f"Refund of {format_money(refund.amount)} by {refund.get_method_display()} "
                                      f"{done}. Balance due: {format_money(balance_due(order))}.")
            return redirect(order)
    elif request.method != "POST" and refundable(order) <= 0:
        messages.error(request, f"Nothing paid on order #{order.number} is left to refund.")
        return redirect(order)
    context = {"order": order, "form": form, "balance_due": balance_due(order), "refundable": refundable(order),
               "owed": owed_to_customer(order)}
    return render(request, "orders/payments/refund_form.html", context, status=400 if form.is_bound else 200)


def _refund_initial(order: Order) -> dict:
    """What is owed to the customer, back by the method they paid with."""
    initial = {}
    if (owed := owed_to_customer(order)) > 0:
        initial["amount"] = owed
    if first := order.payments.order_by("pk").values_list("method", flat=True).first():
        initial["method"] = first
    return initial
