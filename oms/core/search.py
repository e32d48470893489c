"""Every search box, ours and the admin's, takes at most SEARCH_MAX_LENGTH characters and SEARCH_MAX_TERMS
words: a longer query is cut there and the page says so. The admin's default search makes a condition per
word and field, so 2,000 words or 60,000 characters would otherwise reach the database (a 500 on SQLite)."""

from django.contrib import messages

SEARCH_MAX_LENGTH = 100
SEARCH_MAX_TERMS = 10


def search_capped(text: str) -> tuple[str, str | None]:
    """``text`` with its whitespace collapsed and cut to the caps, and what was cut (None when nothing was)."""
    words = text.split()
    capped = " ".join(words[:SEARCH_MAX_TERMS])
    notice = None
    if len(words) > SEARCH_MAX_TERMS:
        notice = f"Searched for the first {SEARCH_MAX_TERMS} words only: a search takes at most {SEARCH_MAX_TERMS}."
    if len(capped) > SEARCH_MAX_LENGTH:
        capped = capped[:SEARCH_MAX_LENGTH].rstrip()
        notice = (f"Searched for the first {SEARCH_MAX_LENGTH} characters only: a search takes at most "
                  f"{SEARCH_MAX_LENGTH}.")
    return capped, notice


def search_query(request, name: str = "q") -> str:
    """The search ``request.GET[name]``, capped; a page that cut it says so in its messages."""
    query, notice = search_capped(request.GET.get(name, ""))
    if notice:
        messages.warning(request, notice)
    return query
