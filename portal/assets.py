"""Static files: served by WhiteNoise, compressed, and cached for a year
under names that carry a hash of their content.

The front-end build (build-assets.mjs) writes each file in static/build/ under
its plain name and a hashed one (portal.3f2a9c1b0d4e.css), with .gz and .br
copies that WhiteNoise sends to browsers that accept them, and assets.json,
which maps plain names to hashed ones. Templates ask for a file by its plain
name with `asset_url("portal.css")` and get the hashed URL. Before the first
build, or for a file the build does not know, they get the plain name.
Outside production a rebuild is picked up without a restart.
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


def manifest_path(static_folder: str) -> str:
    return os.path.join(static_folder, BUILD, MANIFEST)


def load_manifest(static_folder: str) -> dict[str, str]:
    path = manifest_path(static_folder)
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


class Manifest:
    """Plain names to hashed ones. Outside production it is read again
    whenever the build rewrites it, so a rebuild needs no restart."""

    def __init__(self, static_folder: str, reload: bool):
        self.static_folder = static_folder
        self.reload = reload
        self.read_at: int | None = None
        self.names = self.read()

    def stamp(self) -> int | None:
        path = manifest_path(self.static_folder)
        return os.stat(path).st_mtime_ns if os.path.exists(path) else None

    def read(self) -> dict[str, str]:
        self.read_at = self.stamp()
        return load_manifest(self.static_folder)

    def hashed(self, name: str) -> str:
        if self.reload and self.stamp() != self.read_at:
            self.names = self.read()
        return self.names.get(name, name)


def is_hashed(_path: str, url: str) -> bool:
    return bool(HASHED.search(url))


def add_headers(headers, _path: str, _url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def register(app: Flask) -> None:
    development = app.config["ENV_NAME"] != "production"
    manifest = Manifest(app.static_folder, reload=development)

    def asset_url(name: str) -> str:
        return url_for("static", filename=f"{BUILD}/{manifest.hashed(name)}")

    app.jinja_env.globals["asset_url"] = asset_url
    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=app.static_folder,
        prefix=app.static_url_path,
        autorefresh=development,  # production: the files are indexed once, at start
        max_age=UNHASHED_MAX_AGE,
        allow_all_origins=False,
        immutable_file_test=is_hashed,
        add_headers_function=add_headers,
    )
