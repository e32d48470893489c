"""Run Export CSV of every order in this fresh process and print one JSON line: rows, bytes, seconds, peak RSS.

Started by oms.bench.changes with the server's environment (`python -m oms.bench.export_probe`); the response is
the view's own, streamed through Django's test client into nothing, page by page."""

import json
import resource
import time


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from orders.models import Order

    user = get_user_model().objects.get(username="bench")
    client = Client(HTTP_HOST="127.0.0.1")  # the host the server environment allows
    client.force_login(user)
    session = client.session  # past the second factor, as the bench's own client is (bench.past_second_factor)
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, name="bench").persistent_id
    session.save()
    start_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    response = client.get("/orders/export.csv")
    if response.status_code != 200:
        raise SystemExit(f"Export CSV answered {response.status_code}")
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": lines - 1, "bytes": size, "seconds": seconds, "start_mb": start_mb,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "orders": Order.objects.count()}))


if __name__ == "__main__":
    main()
