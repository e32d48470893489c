"""The OpenAPI schema validates and is checked in (tests/api/openapi.yaml): a change to the API shows in review.
After an intended change: `manage.py spectacular --validate --fail-on-warn --file tests/api/openapi.yaml`."""

from pathlib import Path

from django.core.management import call_command

CHECKED_IN = Path(__file__).with_name("openapi.yaml")


def test_the_schema_validates_and_matches_the_checked_in_one(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    assert generated.read_text() == CHECKED_IN.read_text(), "the API changed: regenerate tests/api/openapi.yaml"


def test_every_operation_documents_its_errors_as_the_problems_it_answers(api_client, db):
    import yaml

    schema = yaml.safe_load(CHECKED_IN.read_text())
    problem = schema["components"]["schemas"]["Problem"]
    undocumented = [f"{method.upper()} {path}" for path, operations in schema["paths"].items()
                    for method, operation in operations.items()
                    if operation["responses"].get("4XX", {}).get("content", {}).get("application/problem+json")
                    is None]
    client, _, _ = api_client("Manager")
    answered = client.post("/api/v1/orders/", {}, content_type="application/json").json()

    assert undocumented == []
    assert set(problem["required"]) <= set(answered)
