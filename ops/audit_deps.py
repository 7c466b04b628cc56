"""The dependency audit: known vulnerabilities in every locked Python package, offline.

    python ops/audit_deps.py check              # what CI runs (make audit-deps)
    python ops/audit_deps.py refresh [SNAPSHOT] # make advisories

`refresh` copies, from an offline snapshot of the PyPA advisory database (OSV format, one YAML
file per advisory under pypi/<package>/; the argument, else $ADVISORIES_DIR, else
../shared/advisories), the advisories of every package in requirements/*.txt and of pip and
setuptools into ops/advisories/, with the snapshot's licence and a manifest: the snapshot's date
and commit, and every package name looked up (those with no advisory too).

`check` evaluates each vendored advisory's affected ranges (introduced / fixed / last_affected
events) and explicit versions against every locked version and against the pip and setuptools
of the environment running it. It fails, listing each advisory's id, package, version and fixed
version, on any match not accepted in ops/advisories-allowed.toml; it fails too when a locked
package is missing from the manifest (the lock changed without a refresh) or when a pin in
pyproject.toml differs from the lock (the lock is out of date).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
LOCKS = (ROOT / "requirements" / "lock.txt", ROOT / "requirements" / "bootstrap.txt")
PYPROJECT = ROOT / "pyproject.toml"
VENDORED = ROOT / "ops" / "advisories"
ALLOWED = ROOT / "ops" / "advisories-allowed.toml"
DEFAULT_SNAPSHOT = ROOT.parent / "shared" / "advisories"
# Always looked up, locked or not: the environment's own installers.
TOOLS = ("pip", "setuptools")

REFRESH = "make advisories"
README = """# Advisories of the locked packages

Written by `make advisories` (`ops/audit_deps.py refresh`): do not edit by hand.

`pypi/<package>/<id>.yaml` are advisories of the PyPA advisory database (OSV format), copied
unchanged from an offline snapshot mirrored on {date} (commit {commit}), as trimmed there (each
keeps its id, aliases, summary, affected versions, severity and references). Only the packages in
`requirements/*.txt`, and pip and setuptools, are kept; `manifest.json` lists every package looked
up, those with no advisory too. `make audit-deps` reads them.

Licence: CC BY 4.0 (`LICENSE`). Credit: the Python Packaging Authority and its contributors
(github.com/pypa/advisory-database).
"""
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\#]+)")


class AuditError(Exception):
    """The audit cannot be trusted as it stands (a stale manifest, a bad allow-list)."""


@dataclass(frozen=True)
class Finding:
    id: str
    package: str
    version: str
    where: str
    fixed: tuple[str, ...]
    aliases: tuple[str, ...]
    summary: str

    def line(self) -> str:
        fixed = "fixed in " + ", ".join(self.fixed) if self.fixed else "no fixed version known"
        aliases = f" ({', '.join(self.aliases)})" if self.aliases else ""
        summary = f": {self.summary}" if self.summary else ""
        return f"{self.id}{aliases} {self.package} {self.version} [{self.where}], {fixed}{summary}"


# -- what is locked --------------------------------------------------------------------------


def read_locks(paths) -> dict[str, set[str]]:
    """Every `name==version` in the lock files, by normalised name."""
    pins: dict[str, set[str]] = {}
    for path in paths:
        for raw in Path(path).read_text(encoding="utf-8").splitlines():
            match = PIN.match(raw.strip())
            if match:
                pins.setdefault(canonicalize_name(match[1]), set()).add(match[2])
    return pins


def stale_pins(pyproject: Path, pins: dict[str, set[str]]) -> list[str]:
    """The exact pins of pyproject.toml (dependencies and every extra) the lock does not hold."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    wanted = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        wanted += extra
    stale = []
    for text in wanted:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        exact = [s.version for s in requirement.specifier if s.operator == "=="]
        if exact and exact[0] not in pins.get(name, set()):
            have = ", ".join(sorted(pins.get(name, set()))) or "nothing"
            stale.append(f"{requirement.name}=={exact[0]} (the lock has {have})")
    return stale


def installed_tools() -> dict[str, str]:
    found = {}
    for name in TOOLS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


# -- OSV evaluation --------------------------------------------------------------------------


def _version(text: str) -> Version | None:
    try:
        return Version(str(text))
    except InvalidVersion:
        return None


def in_range(version: Version, events: list[dict]) -> bool | None:
    """OSV's rule for one ECOSYSTEM range: walk the events in version order; `introduced`
    at or below the version turns it on, `fixed` at or below it (or `last_affected` below it)
    turns it off. None when an event's version cannot be read. (`limit` events belong to GIT
    ranges.)"""
    ordered = []
    for event in events:
        for kind in ("introduced", "fixed", "last_affected"):
            if kind in event:
                value = str(event[kind])
                if kind == "introduced" and value == "0":
                    at = None  # before every version, pre-releases of 0 too
                elif (at := _version(value)) is None:
                    return None
                ordered.append((at, kind))
    # in version order, and an introduced before a fixed at the same version (an empty range)
    ordered.sort(key=lambda item: (item[0] is not None, item[0] or 0, item[1] != "introduced"))
    affected = False
    for at, kind in ordered:
        if kind == "introduced" and (at is None or version >= at):
            affected = True
        elif (kind == "fixed" and version >= at) or (kind == "last_affected" and version > at):
            affected = False
    return affected


def affects(advisory: dict, package: str, version: str) -> tuple[bool, tuple[str, ...], list]:
    """Whether the advisory covers this package at this version; its fixed versions; and any
    range it could not read."""
    parsed = _version(version)
    hit = False
    fixed: list[str] = []
    unreadable = []
    for entry in advisory.get("affected") or []:
        info = entry.get("package") or {}
        if info.get("ecosystem", "PyPI") != "PyPI":
            continue
        if canonicalize_name(str(info.get("name", ""))) != package:
            continue
        explicit = [str(v) for v in entry.get("versions") or []]
        if version in explicit or (
            parsed is not None and any(_version(v) == parsed for v in explicit)
        ):
            hit = True
        for span in entry.get("ranges") or []:
            if span.get("type") != "ECOSYSTEM":
                continue  # GIT ranges name commits, not releases
            fixed += [str(e["fixed"]) for e in span.get("events", []) if "fixed" in e]
            if parsed is None:
                unreadable.append(span)
                continue
            result = in_range(parsed, span.get("events", []))
            if result is None:
                unreadable.append(span)
            elif result:
                hit = True
    later = sorted(
        {f for f in fixed if parsed is None or (_version(f) or parsed) > parsed},
        key=lambda f: _version(f) or Version("0"),
    )
    return hit, tuple(later), unreadable


# -- the vendored advisories -----------------------------------------------------------------


def load_manifest(vendored: Path) -> dict:
    path = vendored / "manifest.json"
    if not path.exists():
        raise AuditError(f"{path} is missing: run `{REFRESH}`")
    return json.loads(path.read_text(encoding="utf-8"))


def load_allowed(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("allowed", [])
    allowed = {}
    for number, entry in enumerate(entries, 1):
        missing = [k for k in ("id", "package", "reason", "accepted") if not entry.get(k)]
        if missing:
            raise AuditError(f"{path.name}: entry {number} lacks {', '.join(missing)}")
        if not isinstance(entry["accepted"], dt.date):
            raise AuditError(f"{path.name}: entry {number}'s accepted is not a date (YYYY-MM-DD)")
        allowed[entry["id"]] = entry
    return allowed


def _accepts(entry: dict | None, finding: Finding) -> bool:
    return entry is not None and canonicalize_name(str(entry["package"])) == finding.package


def check(
    locks=LOCKS,
    vendored: Path = VENDORED,
    allowed_path: Path = ALLOWED,
    installed: dict[str, str] | None = None,
    pyproject: Path | None = PYPROJECT,
    out=sys.stdout,
) -> int:
    """0 when nothing unaccepted is found, 1 when something is, 2 when the audit is stale."""
    pins = read_locks(locks)
    installed = installed_tools() if installed is None else installed
    try:
        manifest = load_manifest(vendored)
        allowed = load_allowed(allowed_path)
    except AuditError as error:
        print(f"audit-deps: {error}", file=out)
        return 2
    problems = []
    if pyproject is not None:
        for pin in stale_pins(pyproject, pins):
            problems.append(f"pyproject.toml pins {pin}: run `make lock`, then `{REFRESH}`")
    known = manifest.get("packages", {})
    missing = sorted((set(pins) | {canonicalize_name(n) for n in installed}) - set(known))
    if missing:
        problems.append(
            f"not in the advisory manifest: {', '.join(missing)}; run `{REFRESH}` "
            "(the lock changed since the advisories were copied)"
        )
    if problems:
        for problem in problems:
            print(f"audit-deps: {problem}", file=out)
        return 2

    subjects: dict[tuple[str, str], list[str]] = {}
    for name, versions in pins.items():
        for version in versions:
            subjects.setdefault((name, version), []).append("locked")
    for name, version in installed.items():
        subjects.setdefault((canonicalize_name(name), version), []).append("installed")
    findings: list[Finding] = []
    unreadable = []
    for (name, version), where in sorted(subjects.items()):
        for advisory_id in known[name]:
            path = vendored / "pypi" / name / f"{advisory_id}.yaml"
            if not path.exists():
                print(f"audit-deps: {path} is missing: run `{REFRESH}`", file=out)
                return 2
            advisory = yaml.safe_load(path.read_text(encoding="utf-8"))
            if advisory.get("withdrawn"):
                continue
            hit, fixed, odd = affects(advisory, name, version)
            if odd:
                unreadable.append((advisory_id, name, version))
            if hit:
                findings.append(
                    Finding(
                        id=advisory_id,
                        package=name,
                        version=version,
                        where=" and ".join(where),
                        fixed=fixed,
                        aliases=tuple(advisory.get("aliases") or ()),
                        summary=str(advisory.get("summary") or "").strip(),
                    )
                )

    accepted = [f for f in findings if _accepts(allowed.get(f.id), f)]
    failing = [f for f in findings if f not in accepted]
    source = manifest.get("source", {})
    print(
        f"audit-deps: {len(pins)} locked packages and {', '.join(sorted(installed))} checked "
        f"against the advisories of {source.get('date', '?')} (commit {source.get('commit', '?')})",
        file=out,
    )
    for advisory_id, name, version in sorted(set(unreadable)):
        print(
            f"audit-deps: note: {advisory_id} has a range that cannot be read for "
            f"{name} {version}; read it yourself",
            file=out,
        )
    for finding in accepted:
        entry = allowed[finding.id]
        print(f"accepted {finding.line()}\n  on {entry['accepted']}: {entry['reason']}", file=out)
    used = {f.id for f in accepted}
    for advisory_id in sorted(set(allowed) - used):
        print(
            f"audit-deps: note: {advisory_id} is accepted in {allowed_path.name} but no longer "
            "matches anything locked; remove it",
            file=out,
        )
    if failing:
        print(f"audit-deps: {len(failing)} known vulnerabilities:", file=out)
        for finding in failing:
            print(f"  {finding.line()}", file=out)
        print(
            "Move each to a fixed version (pyproject.toml, or make lock "
            'LOCK_ARGS="--upgrade-package NAME"), or accept it with a reason and a date in '
            f"{allowed_path.name}.",
            file=out,
        )
        return 1
    others = f" other than the {len(accepted)} accepted" if accepted else ""
    print(f"audit-deps: no known vulnerability{others}", file=out)
    return 0


# -- refresh ---------------------------------------------------------------------------------


def snapshot_source(snapshot: Path) -> dict[str, str]:
    """The snapshot's date and commit, as its README states them."""
    readme = (snapshot / "README.md").read_text(encoding="utf-8")
    date = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", readme)
    commit = re.search(r"\bcommit ([0-9a-f]{7,40})\b", readme)
    if not date or not commit:
        raise AuditError(f"{snapshot / 'README.md'} states no date or commit")
    return {"date": date[1], "commit": commit[1]}


def refresh(snapshot: Path, locks=LOCKS, vendored: Path = VENDORED, out=sys.stdout) -> int:
    database = snapshot / "pypi"
    if not database.is_dir() or not (snapshot / "LICENSE").exists():
        raise AuditError(f"{snapshot} is not an advisory snapshot (no pypi/ or LICENSE)")
    source = snapshot_source(snapshot)
    names = set(read_locks(locks)) | set(TOOLS)
    folders = {canonicalize_name(p.name): p for p in database.iterdir() if p.is_dir()}

    if (vendored / "pypi").exists():
        shutil.rmtree(vendored / "pypi")
    vendored.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(snapshot / "LICENSE", vendored / "LICENSE")
    packages: dict[str, list[str]] = {}
    for name in sorted(names):
        ids = []
        folder = folders.get(name)
        for path in sorted(folder.glob("*.yaml")) if folder else ():
            advisory = yaml.safe_load(path.read_text(encoding="utf-8"))
            ids.append(advisory["id"])
            target = vendored / "pypi" / name / f"{advisory['id']}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        packages[name] = ids
    manifest = {
        "source": {**source, "database": "PyPA advisory database (OSV format)"},
        "licence": "CC BY 4.0 (LICENSE); credit: the Python Packaging Authority and its "
        "contributors",
        "packages": packages,
    }
    (vendored / "manifest.json").write_text(
        json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    (vendored / "README.md").write_text(README.format(**source), encoding="utf-8")
    count = sum(len(ids) for ids in packages.values())
    print(
        f"advisories: {count} advisories of {len(packages)} packages copied from the snapshot of "
        f"{source['date']} (commit {source['commit']})",
        file=out,
    )
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="audit the locked packages (CI)")
    fresh = commands.add_parser("refresh", help="copy the locked packages' advisories in")
    fresh.add_argument(
        "snapshot", nargs="?", help="default: $ADVISORIES_DIR or ../shared/advisories"
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return check()
        snapshot = args.snapshot or os.environ.get("ADVISORIES_DIR") or DEFAULT_SNAPSHOT
        return refresh(Path(snapshot).resolve())
    except AuditError as error:
        print(f"audit-deps: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
