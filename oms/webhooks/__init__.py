"""Webhooks: signed HTTP deliveries of the business's events to the endpoints Administrators register. The apps
call ``services.webhook_emit`` in the transaction of their change; this package knows none of them."""
