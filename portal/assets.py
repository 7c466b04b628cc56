"""Static files: served by WhiteNoise, compressed, and cached for a year
under names that carry a hash of their content.

The front-end build (build-assets.mjs) writes each file in static/build/ under
its plain name and a hashed one (portal.3f2a9c1b0d4e.css), with .gz and .br
copies that WhiteNoise sends to browsers that accept them, and assets.json,
which maps plain names to hashed ones. Templates ask for a file by its plain
name with `asset_url("portal.css")` and get the hashed URL. Before the first
build, or for a file the build does not know, they get the plain name.
"""

from __future__ import annotations

import json
import os
import re

from flask import Flask, url_for
from whitenoise import WhiteNoise

BUILD = "build"
MANIFEST = "assets.json"
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")  # portal.3f2a9c1b0d4e.css
UNHASHED_MAX_AGE = 5 * 60  # seconds; a hashed file is cached for a year


def load_manifest(static_folder: str) -> dict[str, str]:
    path = os.path.join(static_folder, BUILD, MANIFEST)
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def is_hashed(_path: str, url: str) -> bool:
    return bool(HASHED.search(url))


def add_headers(headers, _path: str, _url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def register(app: Flask) -> None:
    manifest = load_manifest(app.static_folder)

    def asset_url(name: str) -> str:
        return url_for("static", filename=f"{BUILD}/{manifest.get(name, name)}")

    app.jinja_env.globals["asset_url"] = asset_url
    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=app.static_folder,
        prefix=app.static_url_path,
        max_age=UNHASHED_MAX_AGE,
        allow_all_origins=False,
        immutable_file_test=is_hashed,
        add_headers_function=add_headers,
    )
