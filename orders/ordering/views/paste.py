"""`Paste lines` in the line editor (orders.views.lines), on any of its stores.

A paste adds what it understands at once, then redirects (post/redirect/get: a reload cannot add it twice); the
lines it refused come back in the box, with their reasons, on the next showing of the page (kept in the session
for that one showing, like a message)."""

from django.contrib import messages

from orders.ordering.forms import PasteLinesForm
from orders.ordering.paste import PasteOutcome, paste_resolve

AUTO_ID = "paste-%s"
SESSION_KEY = "paste_leftovers"
KEEP_AT_MOST = 20  # screens with refused lines waiting to be shown, per session


def paste_form(data=None) -> PasteLinesForm:
    return PasteLinesForm(data, auto_id=AUTO_ID)


def paste_box(request, key: str, form: PasteLinesForm | None = None) -> dict:
    """The paste box's context for the screen ``key``: ``form`` when a paste was refused whole, else the lines
    the last paste refused (shown once), else an empty box. The cursor goes to the box when it has problems."""
    kept = request.session.get(SESSION_KEY, {}).pop(key, None)
    if kept is not None:
        request.session.modified = True
    refused = [] if form is not None or not isinstance(kept, dict) else kept.get("refused", [])
    if form is None:
        form = PasteLinesForm(initial={"text": kept.get("text", "")} if refused else None, auto_id=AUTO_ID)
    focus = bool(refused or form.errors)
    attrs = form.fields["text"].widget.attrs
    attrs["autofocus"] = focus
    attrs["class"] = "form-control font-monospace" + (" is-invalid" if focus else "")
    described = ["paste-text_helptext", *(["paste-text_error"] if form.errors else []),
                 *(["paste-refused"] if refused else [])]
    attrs["aria-describedby"] = " ".join(described)
    return {"paste_form": form, "paste_refused": refused, "paste_focus": focus}


def paste_apply(request, key: str, form: PasteLinesForm, target, *, existing: dict[int, int]) -> PasteOutcome:
    """Add the valid paste's lines to ``target`` (a line store: orders.lines) through its own ``add``; say what was
    added, and keep what was refused for the next showing of the screen ``key``."""
    outcome = paste_resolve(form.cleaned_data["text"], existing=existing)
    for product, quantity in outcome.added.items():
        target.add(product, quantity)
    _report(request, outcome)
    if outcome.refused:
        kept = request.session.setdefault(SESSION_KEY, {})
        kept.pop(key, None)
        kept[key] = {"text": outcome.leftover_text, "refused": outcome.refused}
        for old in list(kept)[:-KEEP_AT_MOST]:
            del kept[old]
        request.session.modified = True
    return outcome


def _report(request, outcome: PasteOutcome) -> None:
    if outcome.header_skipped:
        messages.info(request, "The first line was read as column headings and skipped.")
    if outcome.added:
        shown = ", ".join(f"{quantity:,} × {product.sku}" for product, quantity in list(outcome.added.items())[:5])
        more = f" and {len(outcome.added) - 5:,} more" if len(outcome.added) > 5 else ""
        messages.success(request, f"Added {_count(len(outcome.added), 'product')} from the paste: {shown}{more}.")
    if outcome.refused:
        messages.warning(request, f"{_count(len(outcome.refused), 'line')} not added: "
                                  "see why beside the Paste lines box, correct them there and press Add lines.")


def _count(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"
