"""The OpenAPI document of the search API, derived from the resolver's own routes and models.

Powertools generates the document from the typed parameters and response models; we remove what
never happens here (its 422 validation responses: our handler answers 400) and add the responses
every route can give (500, 503 when OpenSearch is down, and 414 from the gateway for a URL over
its limit). api/openapi.json is this output; a unit test fails when the code and the committed
document disagree.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

TITLE = "CariBerita Search API"
VERSION = "1.0.0"
DESCRIPTION = (
    "Search Indonesian news: ranked, typo-tolerant results with filters, facets, highlights, "
    "suggestions and did-you-mean. Every string in a response is HTML-escaped; `*_html` fields "
    "contain `<mark>` around matches and nothing else. Errors are "
    '`{"error": {"code", "message", "field"}}`.'
)
_UNUSED = ("HTTPValidationError", "ValidationError", "ResponseValidationError")
_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
# API Gateway's own answer (and the local API's) before the function runs: {"message": "..."}.
_GATEWAY = {
    "application/json": {
        "schema": {"type": "object", "properties": {"message": {"type": "string"}}}
    }
}


def document(app: APIGatewayRestResolver) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(
        app.get_openapi_json_schema(title=TITLE, version=VERSION, description=DESCRIPTION)
    )
    for path in doc["paths"].values():
        for operation in path.values():
            operation["responses"].pop("422", None)
            operation["responses"].setdefault(
                "503",
                {
                    "description": "Search unavailable; retry after `Retry-After` seconds",
                    "content": _ERROR,
                },
            )
            operation["responses"]["500"] = {
                "description": "Unexpected server fault",
                "content": _ERROR,
            }
            operation["responses"]["414"] = {
                "description": "URL longer than the gateway accepts; refused before the search",
                "content": _GATEWAY,
            }
    for name in _UNUSED:
        doc["components"]["schemas"].pop(name, None)
    return doc


def render(app: APIGatewayRestResolver) -> str:
    return json.dumps(document(app), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
