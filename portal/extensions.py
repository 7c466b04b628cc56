"""Extensions, created unbound here and initialised in create_app."""

import hashlib
import hmac

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_sqlalchemy_lite import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

db = SQLAlchemy()
csrf = CSRFProtect()
babel = Babel()


def limit_key(kind: str, value: str) -> str:
    """What the rate limiter keeps in its shared store (and writes in its log
    line) for a client address or a typed e-mail: a keyed hash, under a key
    derived from SECRET_KEY and the day, so the store holds no address or
    e-mail, and one day's keys cannot be linked to the next day's. (A limit
    window that spans midnight starts again: limits are per minute or hour.)"""
    from portal import clock

    day = clock.utcnow().date().isoformat()
    secret = hmac.digest(current_app.secret_key.encode(), f"rate-limit {day}".encode(), "sha256")
    digest = hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:32]}"


def client_key() -> str:
    """The client (behind a proxy, the address the trusted hop reports), hashed."""
    return limit_key("client", get_remote_address())


limiter = Limiter(key_func=client_key)

# Every limit the service sets is on posts (the public forms, staff sign-in):
# a read is never counted, so it is not looked up either. A limit on a read
# would need this changed.
READS = frozenset({"GET", "HEAD", "OPTIONS"})


@limiter.request_filter
def reads_are_never_limited() -> bool:
    return request.method in READS
