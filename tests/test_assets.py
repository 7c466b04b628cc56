"""Static files: pages ask for them by hashed names, and they come back
compressed, cached for a year, and marked nosniff. A name the build does not
know still works, with a short cache."""

from __future__ import annotations

import json
import os
import re

import pytest

from portal.assets import Manifest, load_manifest

YEAR = 365 * 24 * 60 * 60


def asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


@pytest.fixture
def page_assets(client) -> list[str]:
    return asset_urls(client.get("/safety").get_data(as_text=True))


def test_pages_ask_for_the_built_files_by_their_hashed_names(app, page_assets):
    manifest = load_manifest(app.static_folder)
    assert {"portal.css", "portal.mjs", "favicon.svg"} <= set(manifest)
    for name in ("portal.css", "portal.mjs", "favicon.svg"):
        assert f"/static/build/{manifest[name]}" in page_assets
    assert len(page_assets) == 3


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_hashed_file_is_compressed_and_cached_for_a_year(client, page_assets, encoding):
    for url in page_assets:
        response = client.get(url, headers={"Accept-Encoding": encoding})
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == encoding
        assert response.headers["Vary"] == "Accept-Encoding"
        cache = response.headers["Cache-Control"]
        assert "immutable" in cache and f"max-age={10 * YEAR}" in cache, cache
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        response.close()


def test_the_module_imports_govuk_frontend_by_its_hashed_name(app, client, page_assets):
    manifest = load_manifest(app.static_folder)
    [module] = [url for url in page_assets if url.endswith(".mjs")]
    response = client.get(module, headers={"Accept-Encoding": "identity"})
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert f'from "./{manifest["govuk-frontend.min.js"]}"' in response.get_data(as_text=True)
    response.close()


def test_a_file_without_a_hash_is_cached_briefly(client):
    response = client.get("/static/build/portal.css", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]
    assert "max-age=300" in response.headers["Cache-Control"]
    response.close()


def write_manifest(folder, css: str, stamp: int) -> None:
    path = folder / "build" / "assets.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"portal.css": css}))
    os.utime(path, ns=(stamp, stamp))


def test_outside_production_a_rebuild_is_picked_up_without_a_restart(tmp_path):
    write_manifest(tmp_path, "portal.aaaaaaaaaaaa.css", stamp=1_000_000_000)
    development = Manifest(str(tmp_path), reload=True)
    production = Manifest(str(tmp_path), reload=False)

    write_manifest(tmp_path, "portal.bbbbbbbbbbbb.css", stamp=2_000_000_000)

    assert development.hashed("portal.css") == "portal.bbbbbbbbbbbb.css"
    assert production.hashed("portal.css") == "portal.aaaaaaaaaaaa.css"
    assert development.hashed("unknown.js") == "unknown.js"
