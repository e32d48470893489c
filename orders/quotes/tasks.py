"""Sending a quote by email, with its PDF, from the task queue (oms/core/queue.py): retried when the failure is
temporary, recorded on the quote's timeline, never sent twice for one request."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from oms.core.queue import enqueue_in_transaction, is_temporary, retry_delay
from oms.core.requestid import current_request_id, request_id_bound
from orders.quotes.documents import quote_filename, quote_pdf
from orders.quotes.models import Quote, QuoteEvent

logger = logging.getLogger(__name__)


@task()
def quote_email_send(quote_number: int, version: int, key: str, attempt: int = 1, request_id: str = "") -> str:
    """One try of the quote email ``key``: version ``version`` of the quote, as a PDF attached."""
    with request_id_bound(request_id):
        quote = Quote.objects.select_related("customer__default_billing_address",
                                             "customer__default_shipping_address").get(pk=quote_number)
        if quote.events.filter(kind__in=[QuoteEvent.Kind.SENT, QuoteEvent.Kind.SEND_FAILED], data__key=key).exists():
            logger.warning("Quote email %s for %s already handled: not sent again", key, quote)
            return "already handled"
        quote_version = quote.versions.get(number=version)
        to = quote.customer.email
        try:
            message = _message(quote, quote_version, to)
            message.send()
        except Exception as error:  # any backend, any failure: on the quote's timeline, retried if temporary
            return _after_failure(quote, version, key, attempt, error)
        QuoteEvent.objects.create(quote=quote, kind=QuoteEvent.Kind.SENT, text=f"Version {version} emailed to {to}.",
                                  data={"to": to, "key": key, "version": version})
        logger.info("Quote email for %s sent (try %s)", quote, attempt)
        return "sent"


def _message(quote: Quote, version, to: str) -> EmailMultiAlternatives:
    context = {"quote": quote, "version": version, "currency": settings.CURRENCY}
    message = EmailMultiAlternatives(subject=f"Your quote {quote}",
                                     body=render_to_string("orders/quotes/email/quote.txt", context), to=[to])
    message.attach_alternative(render_to_string("orders/quotes/email/quote.html", context), "text/html")
    message.attach(quote_filename(quote, version), quote_pdf(quote, version), "application/pdf")
    message.tags = ["quote"]  # anymail passes these to the ESP; Django's own backends ignore them
    message.metadata = {"quote_number": str(quote.number)}
    return message


def _after_failure(quote: Quote, version: int, key: str, attempt: int, error: Exception) -> str:
    detail = f"{type(error).__name__}: {error}"[:250]
    if is_temporary(error) and attempt < settings.EMAIL_TRIES:
        logger.warning("Quote email for %s, try %s failed, will retry: %s", quote, attempt, detail)
        with transaction.atomic():
            enqueue_in_transaction(quote_email_send, quote.number, version, key, attempt=attempt + 1,
                                   request_id=current_request_id(), run_after=timezone.now() + retry_delay(attempt))
        return "retrying"
    logger.error("Quote email for %s failed for good (try %s): %s", quote, attempt, detail)
    QuoteEvent.objects.create(quote=quote, kind=QuoteEvent.Kind.SEND_FAILED, text=f"Email failed: {detail}",
                              data={"key": key, "version": version})
    return "failed"
