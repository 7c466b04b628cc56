"""The offline dependency audit (ops/audit_deps.py): small advisory snapshots made here, copied
in by `refresh` as `make advisories` does, then judged by `check` as `make audit-deps` does."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
from pathlib import Path

import pytest
import yaml
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("audit_deps", ROOT / "ops" / "audit_deps.py")
audit = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("audit_deps", audit)
_spec.loader.exec_module(audit)

HASH = "--hash=sha256:" + "0" * 64


def advisory(id, package, events=None, versions=None, **extra):
    affected = {"package": {"name": package, "ecosystem": "PyPI"}}
    if events is not None:
        affected["ranges"] = [{"type": "ECOSYSTEM", "events": e} for e in events]
    if versions is not None:
        affected["versions"] = versions
    summary = f"{id} in {package}"
    return {"id": id, "aliases": [f"CVE-{id}"], "summary": summary, "affected": [affected], **extra}


class Tree:
    """A snapshot, a lock and the repository's copy of the advisories, all under tmp_path."""

    def __init__(self, root: Path):
        self.root = root
        self.snapshot = root / "snapshot"
        (self.snapshot / "pypi").mkdir(parents=True)
        (self.snapshot / "LICENSE").write_text("Attribution 4.0 International\n")
        (self.snapshot / "README.md").write_text(
            "Source: the PyPA advisory database, as mirrored on 2026-07-23\n"
            "(commit 57da901 of a public mirror).\n"
        )
        self.lock = root / "lock.txt"
        self.vendored = root / "advisories"
        self.allowed = root / "allowed.toml"

    def add(self, folder: str, data: dict) -> None:
        path = self.snapshot / "pypi" / folder / f"{data['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data))

    def locked(self, **pins: str) -> None:
        lines = [
            f"{name.replace('_', '-')}=={version} \\\n    {HASH}" for name, version in pins.items()
        ]
        self.lock.write_text("# made by the test\n" + "\n".join(lines) + "\n")

    def refresh(self) -> str:
        out = io.StringIO()
        assert audit.refresh(self.snapshot, locks=[self.lock], vendored=self.vendored, out=out) == 0
        return out.getvalue()

    def check(self, installed=None, pyproject=None) -> tuple[int, str]:
        out = io.StringIO()
        code = audit.check(
            locks=[self.lock],
            vendored=self.vendored,
            allowed_path=self.allowed,
            installed={} if installed is None else installed,
            pyproject=pyproject,
            out=out,
        )
        return code, out.getvalue()


@pytest.fixture
def tree(tmp_path):
    return Tree(tmp_path)


def audit_of(tree: Tree, **pins) -> tuple[int, str]:
    tree.locked(**pins)
    tree.refresh()
    return tree.check()


def test_a_vulnerable_version_with_a_fix_fails_and_is_listed(tree):
    tree.add("demo", advisory("PYSEC-1", "demo", [[{"introduced": "0"}, {"fixed": "1.3.0"}]]))
    code, out = audit_of(tree, demo="1.2.0", other="4.0")
    assert code == 1
    (line,) = [line for line in out.splitlines() if "PYSEC-1" in line]
    assert "demo 1.2.0" in line
    assert "fixed in 1.3.0" in line
    assert "other" not in line
    assert "1 known vulnerabilities" in out


def test_the_fixed_version_and_later_pass(tree):
    tree.add("demo", advisory("PYSEC-1", "demo", [[{"introduced": "0"}, {"fixed": "1.3.0"}]]))
    for version in ("1.3.0", "1.3.1", "2.0"):
        code, out = audit_of(tree, demo=version)
        assert code == 0, out
        assert "PYSEC-1" not in out


def test_versions_before_introduced_pass(tree):
    tree.add("demo", advisory("PYSEC-1", "demo", [[{"introduced": "1.1"}, {"fixed": "1.3.0"}]]))
    assert audit_of(tree, demo="1.0.9")[0] == 0
    assert audit_of(tree, demo="1.1")[0] == 1


def test_introduced_zero_covers_pre_releases(tree):
    tree.add("demo", advisory("PYSEC-1", "demo", [[{"introduced": "0"}, {"fixed": "1.0"}]]))
    assert audit_of(tree, demo="0.0.0.dev3")[0] == 1


def test_last_affected_includes_that_version_and_not_the_next(tree):
    tree.add(
        "demo", advisory("PYSEC-2", "demo", [[{"introduced": "1.0"}, {"last_affected": "1.2.0"}]])
    )
    code, out = audit_of(tree, demo="1.2.0")
    assert code == 1
    assert "PYSEC-2" in out
    assert "no fixed version known" in out
    assert audit_of(tree, demo="1.2.1")[0] == 0
    assert audit_of(tree, demo="0.9")[0] == 0


def test_explicit_versions_match_without_ranges(tree):
    tree.add("demo", advisory("PYSEC-3", "demo", versions=["2.0.0", "2.0.1"]))
    code, out = audit_of(tree, demo="2.0.1")
    assert code == 1
    assert "PYSEC-3" in out
    assert audit_of(tree, demo="2.0.2")[0] == 0


def test_each_range_counts_on_its_own(tree):
    events = [
        [{"introduced": "1.0"}, {"fixed": "1.1"}],
        [{"introduced": "2.0"}, {"fixed": "2.1"}],
    ]
    tree.add("demo", advisory("PYSEC-4", "demo", events))
    assert audit_of(tree, demo="1.5")[0] == 0
    code, out = audit_of(tree, demo="2.0.5")
    assert code == 1
    assert "fixed in 2.1" in out
    assert "1.1," not in out  # only fixes later than the version are offered


def test_one_range_can_open_and_close_twice():
    events = [{"introduced": "0"}, {"fixed": "1.1"}, {"introduced": "2.0"}, {"fixed": "2.1"}]
    assert audit.in_range(Version("1.0"), events)
    assert not audit.in_range(Version("1.5"), events)
    assert audit.in_range(Version("2.0.9"), events)
    assert not audit.in_range(Version("3"), events)


def test_withdrawn_advisories_and_other_packages_do_not_count(tree):
    tree.add(
        "demo",
        advisory("PYSEC-5", "demo", [[{"introduced": "0"}]], withdrawn="2026-01-01T00:00:00Z"),
    )
    tree.add("demo", advisory("PYSEC-6", "demo-plugin", [[{"introduced": "0"}]]))
    code, out = audit_of(tree, demo="1.0")
    assert code == 0, out
    assert "PYSEC-5" not in out and "PYSEC-6" not in out


def test_names_match_however_they_are_written(tree):
    tree.add("flask-wtf", advisory("PYSEC-7", "Flask_WTF", [[{"introduced": "0"}, {"fixed": "2"}]]))
    code, out = audit_of(tree, Flask_WTF="1.0")
    assert code == 1
    assert "PYSEC-7" in out


def test_an_allow_listed_id_passes_and_says_why(tree):
    tree.add("demo", advisory("PYSEC-1", "demo", [[{"introduced": "0"}, {"fixed": "1.3.0"}]]))
    tree.allowed.write_text(
        '[[allowed]]\nid = "PYSEC-1"\npackage = "demo"\n'
        'reason = "not reachable from the portal"\naccepted = 2026-12-01\n'
    )
    code, out = audit_of(tree, demo="1.2.0")
    assert code == 0, out
    assert "accepted PYSEC-1" in out
    assert "not reachable from the portal" in out


def test_an_allow_list_entry_covers_only_its_own_package(tree):
    tree.add("demo", advisory("PYSEC-1", "demo", [[{"introduced": "0"}, {"fixed": "1.3.0"}]]))
    tree.allowed.write_text(
        '[[allowed]]\nid = "PYSEC-1"\npackage = "elsewhere"\nreason = "r"\naccepted = 2026-12-01\n'
    )
    assert audit_of(tree, demo="1.2.0")[0] == 1


def test_an_allow_list_entry_needs_a_reason_and_a_date(tree):
    tree.allowed.write_text('[[allowed]]\nid = "PYSEC-1"\npackage = "demo"\n')
    code, out = audit_of(tree, demo="1.2.0")
    assert code == 2
    assert "reason" in out and "accepted" in out


def test_a_package_missing_from_the_manifest_fails_and_says_what_to_run(tree):
    tree.locked(demo="1.0")
    tree.refresh()
    tree.locked(demo="1.0", newcomer="2.0")  # the lock changed, the advisories were not copied
    code, out = tree.check()
    assert code == 2
    assert "newcomer" in out
    assert "make advisories" in out


def test_the_installed_pip_and_setuptools_are_checked(tree):
    tree.add("pip", advisory("PYSEC-8", "pip", [[{"introduced": "0"}, {"fixed": "26.0"}]]))
    tree.locked(demo="1.0")
    out = tree.refresh()
    assert "3 packages" in out  # demo, and pip and setuptools always
    code, out = tree.check(installed={"pip": "25.0", "setuptools": "81.0.0"})
    assert code == 1
    assert "PYSEC-8" in out and "pip 25.0 [installed]" in out
    assert tree.check(installed={"pip": "26.0", "setuptools": "81.0.0"})[0] == 0


def test_refresh_keeps_the_licence_the_source_and_every_name_looked_up(tree):
    tree.add("demo", advisory("PYSEC-1", "demo", [[{"introduced": "0"}, {"fixed": "1.3.0"}]]))
    tree.add("unrelated", advisory("PYSEC-9", "unrelated", [[{"introduced": "0"}]]))
    tree.locked(demo="1.0", quiet="3.0")
    tree.refresh()
    manifest = json.loads((tree.vendored / "manifest.json").read_text())
    assert manifest["source"]["date"] == "2026-07-23"
    assert manifest["source"]["commit"] == "57da901"
    assert manifest["packages"] == {
        "demo": ["PYSEC-1"],
        "quiet": [],
        "pip": [],
        "setuptools": [],
    }
    assert (tree.vendored / "LICENSE").read_text().startswith("Attribution 4.0")
    assert "CC BY 4.0" in (tree.vendored / "README.md").read_text()
    assert (tree.vendored / "pypi" / "demo" / "PYSEC-1.yaml").exists()
    assert not (tree.vendored / "pypi" / "unrelated").exists()


def test_a_deleted_advisory_file_is_noticed(tree):
    tree.add("demo", advisory("PYSEC-1", "demo", [[{"introduced": "0"}, {"fixed": "1.3.0"}]]))
    tree.locked(demo="1.3.0")
    tree.refresh()
    (tree.vendored / "pypi" / "demo" / "PYSEC-1.yaml").unlink()
    code, out = tree.check()
    assert code == 2
    assert "make advisories" in out


def test_a_pin_in_pyproject_the_lock_lacks_fails(tree, tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\ndependencies = ["demo==1.3.0"]\n'
        '[project.optional-dependencies]\ndev = ["tool[extra]==2.0"]\n'
    )
    tree.locked(demo="1.2.0", tool="2.0")
    tree.refresh()
    code, out = tree.check(pyproject=pyproject)
    assert code == 2
    assert "demo==1.3.0" in out and "make lock" in out
    tree.locked(demo="1.3.0", tool="2.0")
    tree.refresh()
    assert tree.check(pyproject=pyproject)[0] == 0


def test_the_repository_lock_holds_every_pin_and_the_allow_list_reads():
    pins = audit.read_locks(audit.LOCKS)
    assert audit.stale_pins(audit.PYPROJECT, pins) == []
    for name, versions in pins.items():
        assert len(versions) == 1, name  # the bootstrap and the lock agree
    for entry in audit.load_allowed(audit.ALLOWED).values():
        assert entry["reason"] and entry["accepted"]
