"""Extensions, created unbound here and initialised in create_app."""

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_sqlalchemy_lite import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

db = SQLAlchemy()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)

# Every limit the service sets is on posts (the public forms, staff sign-in):
# a read is never counted, so it is not looked up either. A limit on a read
# would need this changed.
READS = frozenset({"GET", "HEAD", "OPTIONS"})


@limiter.request_filter
def reads_are_never_limited() -> bool:
    return request.method in READS
