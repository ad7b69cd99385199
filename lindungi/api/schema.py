"""Completes the OpenAPI document: every operation may answer with the API's error shape."""

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "detail", "errors"],
    "properties": {
        "code": {"type": "string", "description": "Stable: clients may branch on it."},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "detail"],
                    "properties": {"code": {"type": "string"}, "detail": {"type": "string"}},
                },
            },
        },
    },
}

ERROR_RESPONSES = {
    "400": "A bad parameter or body (see `errors`)",
    "401": "Not signed in, or a bad token",
    "403": "Not allowed",
    "404": "Not found (or not yours to see)",
    "405": "Method not allowed",
    "406": "Not acceptable",
    "415": "Unsupported media type (uploads are multipart/form-data)",
    "429": "Too many requests",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
