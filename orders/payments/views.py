"""`Record payment` on the order page."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render

from oms.core.money import format_money
from orders.lifecycle import OrderRefused
from orders.models import Order
from orders.payments.forms import PaymentForm
from orders.payments.services import Overpayment, payment_record
from orders.payments.terms import balance_due


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
