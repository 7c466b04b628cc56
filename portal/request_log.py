"""One structured log line per request: method, endpoint, status, duration
and a request id. Never a path's values, a query string, a form field, an
address or a browser's details, so the logs hold no personal data."""

from __future__ import annotations

import json
import logging
import secrets
import time

from flask import Flask, Response, g, request

log = logging.getLogger("portal.requests")


def request_id() -> str:
    if "request_id" not in g:
        g.request_id = secrets.token_hex(8)
    return g.request_id


def start() -> None:
    g.started = time.perf_counter()
    request_id()


def finish(response: Response) -> Response:
    elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    log.info(
        json.dumps(
            {
                "request_id": request_id(),
                "method": request.method,
                "endpoint": request.endpoint or "unknown",
                "status": response.status_code,
                "ms": round(elapsed, 1),
            }
        )
    )
    response.headers["X-Request-Id"] = request_id()
    return response


def register(app: Flask) -> None:
    app.before_request(start)
    app.after_request(finish)
    if not app.debug and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
