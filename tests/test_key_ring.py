"""The key ring's rules (portal/crypto.py): what a key setting may look like,
which key seals and which keys open, what a sealed value and a blind index
look like (stored data depends on both), and the development keys kept under
instance/."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import stat

import pytest

from portal import crypto
from portal.crypto import KeyError_, KeyRing, parse_index_keys, parse_keys

KEY_1, KEY_2 = b"\x01" * 32, b"\x02" * 32
B64_1, B64_2 = base64.b64encode(KEY_1).decode(), base64.b64encode(KEY_2).decode()
MALFORMED = (
    "BLIND_INDEX_KEY is malformed: give one base64 key of 32 random bytes, or keys as "
    "id=base64 of 32 random bytes separated by commas (an id is 1 to 40 letters, digits, "
    "'.', '_' or '-')."
)


def ring_of(*kids: str, index=(("ix1", KEY_1),)) -> KeyRing:
    keys = {"k1": KEY_1, "k2": KEY_2}
    return KeyRing([(kid, keys[kid]) for kid in kids], list(index))


def test_encryption_keys_are_read_in_order_with_spaces_allowed():
    assert parse_keys(f" k1={B64_1} , k2={B64_2} ,") == [("k1", KEY_1), ("k2", KEY_2)]


@pytest.mark.parametrize(
    "text",
    [f"={B64_1}", f"k:1={B64_1}", "k1=" + base64.b64encode(b"short").decode(), "k1"],
    ids=["no id", "colon in id", "short key", "no key"],
)
def test_a_malformed_encryption_key_is_refused(text):
    with pytest.raises(ValueError) as refused:
        parse_keys(text)
    assert str(refused.value) == "Each encryption key is id=base64 of 32 random bytes"


def test_the_first_key_seals_and_every_key_opens():
    old = ring_of("k1").seal(b"secret", "t.c.1")
    ring = ring_of("k2", "k1")
    new = ring.seal(b"secret", "t.c.1")
    assert old.startswith("k1:") and new.startswith("k2:")
    assert ring.open(old, "t.c.1") == ring.open(new, "t.c.1") == b"secret"


def test_a_sealed_value_carries_a_fresh_nonce_and_its_tag():
    ring = ring_of("k1")
    first, second = ring.seal(b"same", "a"), ring.seal(b"same", "a")
    assert first != second
    raw = base64.b64decode(first.partition(":")[2])
    assert len(raw) == crypto.NONCE_BYTES + len(b"same") + 16


def test_a_value_does_not_open_elsewhere_or_when_changed():
    ring = ring_of("k1")
    token = ring.seal(b"secret", "application.answers.1")
    with pytest.raises(KeyError_) as moved:
        ring.open(token, "application.answers.2")
    assert str(moved.value) == "A sealed value did not open"
    kid, _, body = token.partition(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(KeyError_) as changed:
        ring.open(f"{kid}:{base64.b64encode(bytes(raw)).decode()}", "application.answers.1")
    assert str(changed.value) == "A sealed value did not open"
    with pytest.raises(KeyError_) as unknown:
        ring_of("k2").open(token, "application.answers.1")
    assert str(unknown.value) == "No key 'k1' in the key ring"


def test_a_ring_needs_a_key_of_each_kind():
    with pytest.raises(ValueError) as no_key:
        KeyRing([], [("ix1", KEY_1)])
    assert str(no_key.value) == "At least one encryption key is needed"
    with pytest.raises(ValueError) as no_index_key:
        KeyRing([("k1", KEY_1)], [])
    assert str(no_index_key.value) == "At least one blind index key is needed"


def test_a_blind_index_is_the_key_id_and_an_hmac_sha256_of_the_text():
    """Stored indexes are compared with new ones: the form must not change."""
    ring = ring_of("k1", index=[("ix2", KEY_2), ("legacy", KEY_1)])
    digest_2 = hmac.new(KEY_2, b"sam subject|", hashlib.sha256).hexdigest()
    digest_1 = hmac.new(KEY_1, b"sam subject|", hashlib.sha256).hexdigest()
    assert ring.blind_index("sam subject|") == f"ix2:{digest_2}"
    assert ring.blind_index("sam subject|", "legacy") == digest_1  # no id, as before ids
    assert ring.blind_indexes("sam subject|") == [f"ix2:{digest_2}", digest_1]


def test_index_keys_are_a_plain_key_or_a_ring_of_named_ones():
    assert parse_index_keys(B64_1) == [("legacy", KEY_1)]
    assert parse_index_keys(f" new = {B64_2} , {B64_1} ") == [("new", KEY_2), ("legacy", KEY_1)]
    assert parse_index_keys(f"{'a' * 40}={B64_1}") == [("a" * 40, KEY_1)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "BLIND_INDEX_KEY holds no key."),
        (" , ", "BLIND_INDEX_KEY holds no key."),
        (f"a={B64_1},a={B64_2}", "BLIND_INDEX_KEY names the key 'a' twice."),
        (f"{B64_1},{B64_1}", "BLIND_INDEX_KEY names the key 'legacy' twice."),
        (f"{'a' * 41}={B64_1}", MALFORMED),
        (f"a b={B64_1}", MALFORMED),
        (f"={B64_1}", MALFORMED),
        ("a=" + base64.b64encode(b"short").decode(), MALFORMED),
        ("a=not base64!", MALFORMED),
    ],
)
def test_a_malformed_index_key_setting_says_what_is_wrong(text, message):
    with pytest.raises(ValueError) as refused:
        parse_index_keys(text)
    assert str(refused.value) == message
    assert B64_1 not in str(refused.value) and B64_2 not in str(refused.value)


@pytest.mark.parametrize("instance", ["new/instance", "existing"])
def test_development_keys_are_made_once_readable_by_the_owner_only(tmp_path, instance):
    (tmp_path / "existing").mkdir()  # an instance folder already holding the database
    keys, index = crypto.instance_keys(str(tmp_path / instance))
    path = tmp_path / instance / "encryption_keys.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text()) == {"keys": keys, "index": index}
    assert crypto.instance_keys(str(tmp_path / instance)) == (keys, index)
    [(kid, key)] = parse_keys(keys)
    assert kid == "dev1" and len(key) == 32
    assert [kid for kid, _key in parse_index_keys(index)] == ["legacy"]


def test_code_outside_a_request_uses_the_ring_last_installed(app, monkeypatch):
    monkeypatch.setitem(app.extensions, "keyring", app.extensions["keyring"])  # put back after
    monkeypatch.setattr(crypto, "_outside_requests", None)
    with pytest.raises(RuntimeError) as none:
        crypto.ring()
    assert str(none.value) == "No key ring: create the app first"
    ring = ring_of("k2")
    crypto.install(app, ring)
    assert crypto.ring() is ring
    with app.app_context():
        assert crypto.ring() is ring


def test_sealed_json_round_trips_and_nothing_is_indexed_from_nothing(app):
    with app.app_context():
        value = {"a": [1, 2], "b": "two words"}
        token = crypto.seal_json(value, "x.y.1")
        assert crypto.open_json(token, "x.y.1") == value
        assert crypto.blind_index(None) is None and crypto.blind_index("") is None
        assert crypto.blind_indexes(None) == [] and crypto.blind_indexes("") == []
        assert crypto.blind_index("x") == crypto.blind_indexes("x")[0]
