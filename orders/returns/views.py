"""Goods coming back: `Return items` (from an order, or from the customer record across their orders), a
return's page and `Receive return`, `Credit without a return`, and what the order page shows of all of it."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render

from customers.models import Customer
from oms.core.money import format_money
from orders import lifecycle
from orders.lifecycle import OrderRefused
from orders.models import Order, OrderLine
from orders.payments.terms import balance_due, owed_to_customer, refundable
from orders.returns.forms import CreditForm, ReceiptForm, ReturnForm
from orders.returns.models import Return
from orders.returns.selectors import customer_returnable_orders, returnable_lines
from orders.returns.services import ReturnReceipt, credit_memo_issue, return_create, return_receive


def returns_context(order: Order, lines: list[OrderLine]) -> dict:
    """What the order page shows of returns, credit memos and refunds (``lines``: the order's lines, read already).
    No query for an order with none of them: a line on a return has quantity_returned above zero, and credit
    memos and refunds add up into the order's amount_credited and amount_refunded."""
    return {
        "returns": (list(Return.objects.filter(lines__order=order).distinct().select_related("reason"))
                    if any(line.quantity_returned for line in lines) else []),
        "credit_memos": list(order.credit_memos.all()) if order.amount_credited else [],
        "refunds": list(order.refunds.all()) if order.amount_refunded else [],
        "can_return": lifecycle.can_return(order),
        "can_cancel_remaining": lifecycle.can_cancel_remaining(order),
        "can_credit": creditable(order),
        "can_refund": refundable(order) > 0,
        "owed_to_customer": owed_to_customer(order),
    }


def creditable(order: Order) -> bool:
    """A goodwill credit may be issued (credit_memo_issue): something has shipped and it is not credited in full."""
    return lifecycle.can_credit(order)


@permission_required("orders.create_return", raise_exception=True)
def return_new(request, number: int):
    """`Return items` on the order page: the order's shipped lines with something left to come back."""
    order = get_object_or_404(Order.objects.select_related("customer"), number=number)
    if request.method != "POST" and not lifecycle.can_return(order):  # a resubmitted form goes to the service
        messages.error(request, lifecycle.why_not_return(order))
        return redirect(order)
    return _return_form(request, customer=order.customer, lines=returnable_lines([order.pk]), back=order)


@permission_required("orders.create_return", raise_exception=True)
def return_new_for_customer(request, pk: int):
    """`Return items` on the customer record: one return over the lines of their latest orders with shipped goods."""
    customer = get_object_or_404(Customer, pk=pk)
    lines = returnable_lines(customer_returnable_orders(customer))
    if request.method != "POST" and not lines:
        messages.error(request, f"Nothing shipped to {customer.name} is left to return.")
        return redirect(customer)
    lines.sort(key=lambda line: (-line.order_id, line.pk))  # newest order first, as the record lists them
    return _return_form(request, customer=customer, lines=lines, back=customer)


def _return_form(request, *, customer: Customer, lines: list[OrderLine], back):
    email = next((line.order.customer_email for line in lines if line.order.customer_email), "")
    form = ReturnForm(request.POST or None, lines=lines, customer_email=email)
    if request.method == "POST" and form.is_valid():
        try:
            ret = return_create(customer=customer, request=form.return_request(), actor=request.user,
                                token=form.cleaned_data["token"])
        except OrderRefused as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            _report_return(request, ret)
            return redirect("orders:return_detail", return_number=ret.number)
    context = {"customer": customer, "form": form, "back": back, "several": isinstance(back, Customer)}
    return render(request, "orders/returns/return_form.html", context, status=400 if form.is_bound else 200)


def _report_return(request, ret: Return) -> None:
    if not ret.recorded_now:
        messages.info(request, f"Return {ret.label} was already created (this form was submitted twice); "
                               "nothing more was authorized.")
        return
    ret.refresh_from_db()
    messages.success(request, f"Return {ret.label} authorized.")
    if ret.email_state == Order.EmailState.SENT:
        messages.success(request, f"Return instructions sent to {ret.email_to}.")
    elif ret.email_state == Order.EmailState.FAILED:
        messages.error(request, f"The return instructions could not be sent: {ret.email_error}")
    elif ret.email_to:
        messages.info(request, f"Return instructions are on their way to {ret.email_to}.")


@permission_required("orders.view_order", raise_exception=True)
def return_detail(request, return_number: int):
    ret = get_object_or_404(Return.objects.select_related("customer", "reason", "created_by", "received_by"),
                            number=return_number)
    context = {
        "ret": ret,
        "lines": list(ret.lines.select_related("order_line")),
        "credit_memos": list(ret.credit_memos.all()),
        "can_receive": lifecycle.can_receive(ret),
    }
    return render(request, "orders/returns/return_detail.html", context)


@permission_required("orders.receive_return", raise_exception=True)
def return_receive_view(request, return_number: int):
    """`Receive return`: the quantities that arrived; `Save receipt` restocks and issues the credit memos."""
    ret = get_object_or_404(Return.objects.select_related("customer"), number=return_number)
    form = ReceiptForm(request.POST or None, lines=list(ret.lines.select_related("order_line")))
    if request.method == "POST" and form.is_valid():
        try:
            receipt = return_receive(ret=ret, received=form.received(), refund_shipping=form.cleaned_data[
                "refund_shipping"], actor=request.user, token=form.cleaned_data["token"])
        except OrderRefused as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            _report_receipt(request, receipt)
            return redirect("orders:return_detail", return_number=ret.number)
    elif request.method != "POST" and not lifecycle.can_receive(ret):
        messages.info(request, lifecycle.why_not_receive(ret))
        return redirect("orders:return_detail", return_number=ret.number)
    return render(request, "orders/returns/return_receive.html", {"ret": ret, "form": form},
                  status=400 if form.is_bound else 200)


def _report_receipt(request, receipt: ReturnReceipt) -> None:
    label = receipt.ret.label
    if not receipt.recorded_now:
        messages.info(request, f"Return {label} was already received (this form was submitted twice); nothing "
                               "more was restocked or credited.")
        return
    messages.success(request, f"Return {label} received.")
    if receipt.restocked:
        back = ", ".join(f"{quantity:,} × {sku}" for sku, quantity in receipt.restocked.items())
        messages.success(request, f"Back in stock: {back}.")
    for memo in receipt.credit_memos:
        messages.success(request, f"Credit memo {memo.label} of {format_money(memo.total)} on order "
                                  f"#{memo.order_id}.")


@permission_required("orders.receive_return", raise_exception=True)
def credit_memo_new(request, number: int):
    """`Credit without a return`: a goodwill credit or price adjustment as a credit memo with no lines."""
    order = get_object_or_404(Order, number=number)
    form = CreditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            memo = credit_memo_issue(order=order, amount=data["amount"], reason=data["reason"], actor=request.user,
                                     token=data["token"])
        except OrderRefused as refused:
            form.add_error("amount", refused.problems[0])
        else:
            done = "issued" if memo.recorded_now else "was already issued (this form was submitted twice)"
            messages.success(request, f"Credit memo {memo.label} of {format_money(memo.total)} {done}. Balance "
                                      f"due: {format_money(balance_due(order))}.")
            return redirect(order)
    elif request.method != "POST" and not creditable(order):
        messages.error(request, lifecycle.why_not_credit(order))
        return redirect(order)
    context = {"order": order, "form": form, "most": order.total - order.amount_credited}
    return render(request, "orders/returns/credit_form.html", context, status=400 if form.is_bound else 200)
