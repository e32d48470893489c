"""The OpenAPI schema's account of errors: every operation can answer a 4xx problem (oms.api.problems), one
component for all of them, added after drf-spectacular has described the successful answers."""

PROBLEM = {
    "type": "object",
    "description": "An RFC 9457 problem: what went wrong, and the field errors a form would give.",
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Bad Request"},
        "status": {"type": "integer", "example": 400},
        "detail": {"type": "string", "example": "The request has errors: see errors."},
        "errors": {
            "type": "object",
            "description": "Messages by field (\"lines.0.sku\" for a nested one; \"problems\" for a service's "
                           "refusal, one line each; \"non_field_errors\" for the request as a whole).",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status", "detail", "errors"],
}
PROBLEM_RESPONSE = {
    "description": "A problem: 400 invalid input, 401 no or a dead token, 403 not permitted, 404 not found, "
                   "409 changed since read, 422 refused as the order stands, 429 too many requests.",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def problem_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the Problem component and a 4XX answer on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    for path in result.get("paths", {}).values():
        for operation in path.values():
            operation.setdefault("responses", {})["4XX"] = PROBLEM_RESPONSE
    return result
