"""The load's HTTP client: a browser's part of the conversation with the back office over plain-HTTP loopback
(urllib3, the connection pool under requests; cookies with the standard library's http.cookies), and reading
forms the way a browser submits them (selectolax)."""

import uuid
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

import urllib3
from django.urls import Resolver404, resolve, reverse
from selectolax.lexbor import LexborHTMLParser

HOST = "127.0.0.1"


class LoadError(Exception):
    pass


@dataclass(frozen=True)
class Form:
    action: str
    fields: list[tuple[str, str]]


@dataclass(frozen=True)
class Response:
    status_code: int
    headers: urllib3.HTTPHeaderDict
    text: str
    path: str  # the request's path, against which the page's links and forms resolve


def get_status(url: str, timeout: float = 5) -> int:
    """The status of a GET of ``url``, not following a redirect."""
    return urllib3.request("GET", url, redirect=False, retries=False, timeout=timeout).status


def read_form(page: Response, marker: str) -> Form:
    """The form holding ``marker`` (a CSS selector) and the fields a browser would submit, as shown."""
    form = next((form for form in LexborHTMLParser(page.text).css("form") if form.css_first(marker)), None)
    if form is None:
        raise LoadError(f"{page.path} shows no form with {marker}")
    fields = []
    for control in form.css("input, select, textarea"):
        attrs = control.attributes
        kind = (attrs.get("type") or "text").lower()
        if not attrs.get("name") or "disabled" in attrs or kind in ("submit", "button", "reset", "image"):
            continue
        if kind in ("checkbox", "radio") and "checked" not in attrs:
            continue
        if control.tag == "select":
            options = control.css("option")
            chosen = next((option for option in options if "selected" in option.attributes), None)
            chosen = chosen or (options[0] if options else None)
            value = chosen.attributes.get("value", chosen.text()) if chosen else ""
        elif control.tag == "textarea":
            value = control.text()
        else:
            value = attrs.get("value") or ("on" if kind == "checkbox" else "")
        fields.append((attrs["name"], value))
    return Form(urljoin(page.path, form.attributes.get("action") or ""), fields)


class HttpClient:
    """A browser's part of the conversation, over plain-HTTP loopback: one kept-alive connection, the
    cookies the server sets (its Secure ones too, which a browser would not send over plain HTTP), and
    forms without a CSRF token get the csrftoken cookie's. A transport failure raises urllib3's HTTPError.
    Each request carries an X-Request-ID of its own (``last_request_id``), so that nginx's access log can say
    what became of a request that got no answer."""

    def __init__(self, port: int):
        self.http = urllib3.HTTPConnectionPool(HOST, port, maxsize=1, timeout=30, retries=False)
        self.cookies: dict[str, str] = {}
        self.last_request_id = ""

    def request(self, method: str, path: str, body: str | None = None) -> Response:
        self.last_request_id = uuid.uuid4().hex
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
                   "X-Request-ID": self.last_request_id}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        reply = self.http.request(method, path, body=body, headers=headers, redirect=False)
        self._keep_cookies(reply.headers.getlist("Set-Cookie"))
        return Response(reply.status, reply.headers, reply.data.decode(), urlsplit(path).path)

    def _keep_cookies(self, lines: list[str]) -> None:
        for line in lines:
            try:
                jar = SimpleCookie(line)
            except CookieError:
                continue
            for name, morsel in jar.items():
                if morsel["max-age"] == "0":  # how Django deletes a cookie
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.coded_value  # as it came: quoted if it was

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: list[tuple[str, str]] | dict) -> Response:
        pairs = list(fields.items() if isinstance(fields, dict) else fields)
        if not any(name == "csrfmiddlewaretoken" for name, _ in pairs):
            pairs.append(("csrfmiddlewaretoken", self.cookies.get("csrftoken", "")))
        return self.request("POST", path, urlencode(pairs))

    def close(self) -> None:
        self.http.close()

    def log_in(self, username: str, password: str) -> None:
        form = read_form(self.get(reverse("login")), "[name=password]")
        fields = dict(form.fields) | {"username": username, "password": password}
        if self.post(form.action, fields).status_code != 302:
            raise LoadError("logging in failed")


def redirected_to(response: Response) -> tuple[str | None, dict]:
    """The view a redirect leads to ('orders:cart', ...), with its arguments."""
    try:
        match = resolve(urlsplit(response.headers.get("location", "")).path)
    except Resolver404:
        match = None
    return (match.view_name, match.kwargs) if match else (None, {})
