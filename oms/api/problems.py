"""Every API error in one shape: RFC 9457 problem details (application/problem+json) with ``errors``, the field
errors a form would give ({field: [messages]}; refusals of a service under "problems")."""

from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from orders.changes.editing import OrderEditConflict
from orders.lifecycle import OrderRefused

PROBLEM_JSON = "application/problem+json"


class Refused(exceptions.APIException):
    """A service refused the change (OrderRefused): 422 with its problems, one line each."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request cannot be carried out as the order stands."

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems) or self.default_detail)
        self.problems = problems


class Conflict(Refused):
    """The order changed since the version the client read (another person, another system): 409, nothing done."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The order changed since you read it: read it again."


def _errors(data) -> dict[str, list[str]]:
    if isinstance(data, dict):
        return {str(key): [str(item) for item in (value if isinstance(value, list) else [value])]
                for key, value in data.items()}
    return {"non_field_errors": [str(item) for item in data]}


def problem_handler(exc, context):
    """DRF's handler, its answer reshaped as a problem; anything it does not know stays an error (a 500)."""
    if isinstance(exc, OrderRefused):
        exc = (Conflict if isinstance(exc, OrderEditConflict) else Refused)(exc.problems)
    response = exception_handler(exc, context)
    if response is None:
        return None
    problem = {"type": "about:blank", "title": response.status_text, "status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        problem |= {"detail": "The request has errors: see errors.", "errors": _errors(exc.detail)}
    elif isinstance(exc, Refused):
        problem |= {"detail": str(exc.detail), "errors": {"problems": exc.problems}}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        problem |= {"detail": str(detail), "errors": {}}
    response.data = problem
    response.content_type = PROBLEM_JSON
    return response
