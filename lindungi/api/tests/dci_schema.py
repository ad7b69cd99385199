"""Validation of DCI messages against the standard's own YAML (a JSON-schema validator over
the document, not a copy of its rules)."""

from functools import cache
from pathlib import Path

import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

STANDARD = Path(__file__).resolve().parents[1] / "dci" / "standard"
DOCUMENT = STANDARD / "social_api_v1.0.0-with-subscribe.yaml"
URI = "urn:dci-social-registry"


@cache
def _document() -> dict:
    return yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))


@cache
def _registry() -> Registry:
    return Registry().with_resource(URI, Resource(contents=_document(), specification=DRAFT7))


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def _errors(schema_pointer: str, instance) -> list[str]:
    validator = Draft7Validator({"$ref": f"{URI}#/{schema_pointer}"}, registry=_registry())
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def request_errors(path: str, body: dict) -> list[str]:
    """Schema violations of a request body sent to `path` (e.g. /registry/sync/search)."""
    pointer = _pointer(
        "paths", path, "post", "requestBody", "content", "application/json", "schema"
    )
    return _errors(pointer, body)


def _response_pointer(responses_pointer: list[str], response: dict) -> list[str]:
    if "$ref" in response:
        return [part.replace("~1", "/") for part in response["$ref"].lstrip("#/").split("/")]
    return responses_pointer


def response_errors(path: str, status: int, body: dict) -> list[str]:
    """Violations of an answer of `path` with HTTP `status` (the declared or the default)."""
    responses = _document()["paths"][path]["post"]["responses"]
    key = str(status) if str(status) in responses else "default"
    where = _response_pointer(["paths", path, "post", "responses", key], responses[key])
    if key == "default" and status >= 400:
        # Transport errors take the standard's HttpErrorResponse shape (as 401/403/500 do);
        # an async endpoint answers them with its acknowledgement (ack_status ERR).
        name = "Response" if "ack_status" in str(body) else "HttpErrorResponse"
        where = ["components", "responses", name]
    pointer = _pointer(*where, "content", "application/json", "schema")
    return _errors(pointer, body)


def callback_errors(path: str, body: dict) -> list[str]:
    """Violations of a callback Lindungi POSTs to `path` (e.g. /registry/on-search)."""
    return request_errors(path, body)
