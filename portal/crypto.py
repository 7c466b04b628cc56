"""Personal data encrypted field by field (AES-256-GCM), and keyed blind
indexes for the few lookups that need them.

A sealed value is "<key id>:<base64 of nonce + ciphertext>". The associated
data binds it to its table, column and row, so a value copied into another
row or column does not open. Keys carry an id: the first key in the ring
seals, every key opens, and `flask --app wsgi keys rotate` re-seals every
value under the current key (resumably), after which old keys can go.

Blind indexes rotate the same way. A blind index is "<key id>:<hex HMAC>"; the
first index key computes new ones, a lookup matches under every key, and
`flask --app wsgi keys reindex` recomputes them all under the current key. The
single plain key of before key ids is the key "legacy", whose indexes are plain
hex, as they always were.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app, has_app_context

NONCE_BYTES = 12
# The id of a BLIND_INDEX_KEY given as one plain base64 key: its indexes carry no id.
LEGACY_INDEX_ID = "legacy"
# An index key id: short enough that "<id>:<64 hex>" fits the columns (200).
INDEX_KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,40}")


class KeyError_(Exception):
    """A sealed value names a key the ring does not hold, or does not open."""


class KeyRing:
    def __init__(self, keys: list[tuple[str, bytes]], index_keys: list[tuple[str, bytes]]):
        if not keys:
            raise ValueError("At least one encryption key is needed")
        if not index_keys:
            raise ValueError("At least one blind index key is needed")
        self.current = keys[0][0]
        self.keys = {kid: AESGCM(key) for kid, key in keys}
        self.index_current = index_keys[0][0]
        self.index_keys = dict(index_keys)  # in order: the current one first

    def seal(self, plaintext: bytes, aad: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self.keys[self.current].encrypt(nonce, plaintext, aad.encode())
        return f"{self.current}:{base64.b64encode(nonce + sealed).decode()}"

    def open(self, token: str, aad: str) -> bytes:
        kid, _, body = token.partition(":")
        if kid not in self.keys:
            raise KeyError_(f"No key {kid!r} in the key ring")
        raw = base64.b64decode(body)
        try:
            return self.keys[kid].decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad.encode())
        except Exception as error:  # noqa: BLE001  (InvalidTag: tampered, or moved)
            raise KeyError_("A sealed value did not open") from error

    def blind_index(self, text: str, kid: str | None = None) -> str:
        """The index of text under one key (the current one by default)."""
        kid = kid or self.index_current
        digest = hmac.new(self.index_keys[kid], text.encode(), hashlib.sha256).hexdigest()
        return digest if kid == LEGACY_INDEX_ID else f"{kid}:{digest}"

    def blind_indexes(self, text: str) -> list[str]:
        """The index of text under every key in the ring, the current one first:
        what a lookup matches while indexes under older keys remain."""
        return [self.blind_index(text, kid) for kid in self.index_keys]


def parse_keys(text: str) -> list[tuple[str, bytes]]:
    """ "id1=base64key,id2=base64key": the first seals, all open."""
    keys = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        kid, _, value = part.partition("=")
        key = base64.b64decode(value)
        if not kid or ":" in kid or len(key) != 32:
            raise ValueError("Each encryption key is id=base64 of 32 random bytes")
        keys.append((kid, key))
    return keys


def parse_index_keys(text: str | None) -> list[tuple[str, bytes]]:
    """BLIND_INDEX_KEY: "id1=base64key,id2=base64key", the first computing new
    indexes and every one matched; or one plain base64 key, the key "legacy"
    (from before index keys had ids). A plain key can also stand in a ring as it
    is: "new=base64key,<the plain key>". Never echoes the text: it is a secret."""
    keys: list[tuple[str, bytes]] = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        plain = _key_bytes(part)
        if plain is not None:
            kid, key = LEGACY_INDEX_ID, plain
        else:
            kid, _, value = part.partition("=")
            kid, key = kid.strip(), _key_bytes(value.strip())
            if key is None or not INDEX_KEY_ID.fullmatch(kid):
                raise ValueError(
                    "BLIND_INDEX_KEY is malformed: give one base64 key of 32 random bytes, "
                    "or keys as id=base64 of 32 random bytes separated by commas (an id is "
                    "1 to 40 letters, digits, '.', '_' or '-')."
                )
        if any(kid == other for other, _key in keys):
            raise ValueError(f"BLIND_INDEX_KEY names the key {kid!r} twice.")
        keys.append((kid, key))
    if not keys:
        raise ValueError("BLIND_INDEX_KEY holds no key.")
    return keys


def _key_bytes(text: str) -> bytes | None:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError:  # binascii.Error
        return None
    return key if len(key) == 32 else None


def new_key_text(kid: str) -> str:
    return f"{kid}={base64.b64encode(secrets.token_bytes(32)).decode()}"


def instance_keys(instance_path: str) -> tuple[str, str]:
    """Development: keys generated once and kept under instance/."""
    path = Path(instance_path) / "encryption_keys.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "keys": new_key_text("dev1"),
            "index": base64.b64encode(secrets.token_bytes(32)).decode(),
        }
        path.write_text(json.dumps(data))
        os.chmod(path, 0o600)
    data = json.loads(path.read_text())
    return data["keys"], data["index"]


_outside_requests: KeyRing | None = None


def install(app, keyring: KeyRing) -> None:
    """Give the app its key ring; code running outside any app context (a
    script, a test reading rows) uses the last one installed."""
    global _outside_requests
    app.extensions["keyring"] = keyring
    _outside_requests = keyring


def ring() -> KeyRing:
    if has_app_context():
        return current_app.extensions["keyring"]
    if _outside_requests is None:
        raise RuntimeError("No key ring: create the app first")
    return _outside_requests


def seal_json(value, aad: str) -> str:
    return ring().seal(json.dumps(value, separators=(",", ":")).encode(), aad)


def open_json(token: str, aad: str):
    return json.loads(ring().open(token, aad))


def blind_index(text: str | None) -> str | None:
    return ring().blind_index(text) if text else None


def blind_indexes(text: str | None) -> list[str]:
    return ring().blind_indexes(text) if text else []
