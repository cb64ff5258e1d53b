"""Small helpers shared by the GraphQL tests."""

import json


def error_of(response):
    """The first (in μblog, the only) error of a response."""
    errors = response.result["errors"]
    assert len(errors) == 1, errors
    return errors[0]


def multipart(query, variables, files):
    """A request body per the GraphQL multipart request spec: ``files`` maps variable names to
    uploads, which replace the ``null`` of those variables."""
    variables = {**variables, **{name: None for name in files}}
    return {
        "operations": json.dumps({"query": query, "variables": variables}),
        "map": json.dumps({str(i): [f"variables.{name}"] for i, name in enumerate(files)}),
        **{str(i): upload for i, upload in enumerate(files.values())},
    }
