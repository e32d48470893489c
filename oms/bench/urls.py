"""ROOT_URLCONF while the benchmark runs: the project's URLs plus the stock peer admin."""

from .peer import urlpatterns_with_peer

urlpatterns = urlpatterns_with_peer()
