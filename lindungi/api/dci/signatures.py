"""The DCI message signature (MsgSignature), checked when the client registered a key.

    Signature: namespace="spdci", kidId="{sender_id}|{key id}|ed25519", algorithm="ed25519",
      created="1606970629", expires="1607030629", headers="(created) (expires) digest",
      signature="<base64 Ed25519 signature of the signing string>"

The signing string is "(created): C\\n(expires): E\\ndigest: BLAKE-512=<base64 BLAKE2b-512 of
the canonical JSON of {"header", "message"}>" (keys sorted, no spaces), as Beckn-style
gateways sign; `sign()` makes one, for clients and tests.
"""

import base64
import hashlib
import json
import re
import time

from lindungi.api.dci.envelope import Envelope, TransportError

FIELD = re.compile(r'(\w+)="([^"]*)"')


def canonical(header: dict, message: dict) -> bytes:
    body = {"header": header, "message": message}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signing_string(created: str, expires: str, header: dict, message: dict) -> bytes:
    digest = base64.b64encode(hashlib.blake2b(canonical(header, message), digest_size=64).digest())
    return (
        f"(created): {created}\n(expires): {expires}\ndigest: BLAKE-512={digest.decode()}".encode()
    )


def sign(private_key, *, header: dict, message: dict, key_id: str, lifetime: int = 300) -> str:
    created = str(int(time.time()))
    expires = str(int(created) + lifetime)
    signature = base64.b64encode(
        private_key.sign(signing_string(created, expires, header, message))
    ).decode()
    return (
        f'Signature: namespace="spdci", kidId="{key_id}", algorithm="ed25519", '
        f'created="{created}", expires="{expires}", headers="(created) (expires) digest", '
        f'signature="{signature}"'
    )


def verify(client, envelope: Envelope) -> None:
    """Raise TransportError(err.signature.*) unless the signature is good; no key, no check."""
    if not client.signing_key:
        return
    if not envelope.signature:
        raise TransportError("err.signature.missing", "This client signs its messages.", 401)
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    fields = dict(FIELD.findall(envelope.signature))
    invalid = TransportError("err.signature.invalid", "The signature does not verify.", 401)
    needed = {"created", "expires", "signature"}
    if fields.get("algorithm") != "ed25519" or not needed <= set(fields):
        raise invalid
    try:
        created, expires = int(fields["created"]), int(fields["expires"])
        signature = base64.b64decode(fields["signature"], validate=True)
        key = load_pem_public_key(client.signing_key.encode())
    except (ValueError, TypeError):
        raise invalid from None
    if not isinstance(key, Ed25519PublicKey) or not created - 60 <= time.time() <= expires:
        raise invalid
    try:
        key.verify(
            signature,
            signing_string(fields["created"], fields["expires"], envelope.header, envelope.message),
        )
    except InvalidSignature:
        raise invalid from None
