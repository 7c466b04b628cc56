"""The yardstick for bench/public.py: a bare Flask app, with nothing of the
portal's, that answers each path with bytes read once into memory. The pages
come from the file BARE_PAGES names (JSON: {path: html}), captured from the
portal itself, so both servers send the same bytes. Served by gunicorn with
the portal's own gunicorn.conf.py:

    BARE_PAGES=pages.json gunicorn --config gunicorn.conf.py bench.bare:app
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from flask import Flask, Response, abort

PAGES: dict[str, bytes] = {
    path: html.encode()
    for path, html in json.loads(Path(os.environ["BARE_PAGES"]).read_text()).items()
}

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return "ok"


@app.get("/<path:path>")
@app.get("/", defaults={"path": ""})
def page(path: str):
    body = PAGES.get("/" + path)
    if body is None:
        abort(404)
    return Response(body, mimetype="text/html")
