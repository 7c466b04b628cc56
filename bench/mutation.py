"""Mutation testing of the modules that hold the rules (`make mutation`).

Each target below is one module (or some of its functions) and the tests that
cover it. Every target runs mutmut on its own, in a copy of the project made
outside the working tree, with only its tests selected; mutmut then runs, for
each mutant, just those of the tests that reach the mutated function. The
score of each target and every surviving mutant, with its diff, are written to
docs/mutation.md; a survivor listed in EQUIVALENT is shown with the reason it
cannot be told apart from the original.

To add a module, add one entry to TARGETS (one file per entry), for example:

    "casework engine": Target("portal/casework/engine.py", ("tests/test_casework_rules.py",)),
    "casework stages": Target("portal/casework/stages.py", ("tests/test_casework_rules.py",)),

and run it alone with MUTATION_TARGETS="casework engine" make mutation.

Settings (environment):
  MUTATION_TARGETS  names from TARGETS, comma-separated (default: all)
  MUTATION_SOURCE   "worktree" (default: the files as they are, committed or
                    not) or a git revision such as HEAD (its committed files)
  MUTATION_WORKDIR  where the copies go (default: a new temporary folder)
  MUTATION_REPORT   where the report goes (default: docs/mutation.md)
  MUTATION_REPORT_ONLY=1  write the report again from the copies in MUTATION_WORKDIR
"""

from __future__ import annotations

import fnmatch
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
# Built by `make setup`, ignored by git, and needed by every page the tests render.
BUILT = ("static/build",)


@dataclass(frozen=True)
class Target:
    path: str  # the module, from the project's root
    tests: tuple[str, ...]  # the test files (or node ids) that cover it
    functions: tuple[str, ...] = ()  # only these ("name" or "Class.method"); () for all

    @property
    def module(self) -> str:
        return self.path.removesuffix(".py").replace("/", ".")

    def patterns(self) -> list[str]:
        """mutmut's names for this target's mutants."""
        names = self.functions or ("*",)
        return [f"{self.module}.{_mangled(name)}__mutmut_*" for name in names]


def _mangled(name: str) -> str:
    if name == "*":
        return "x*"
    owner, _, method = name.rpartition(".")
    return f"xǁ{owner}ǁ{method}" if owner else f"x_{name}"


TARGETS: dict[str, Target] = {
    "deadlines": Target(
        "portal/deadlines.py",
        (
            "tests/test_deadlines.py",
            "tests/test_deadlines_of_a_case.py",
            "tests/test_casework_clocks.py",
        ),
    ),
    "crypto": Target(
        "portal/crypto.py",
        (
            "tests/test_key_ring.py",
            "tests/test_blind_index_secrecy.py",
            "tests/test_encryption.py",
        ),
    ),
    "blind indexes": Target(
        "portal/applications.py",
        ("tests/test_duplicate_keys.py", "tests/test_blind_index_secrecy.py"),
        ("person_text", "duplicate_texts", "duplicate_keys", "duplicate_lookups"),
    ),
    "retention": Target("portal/retention.py", ("tests/test_retention_boundary.py",)),
    "access control": Target(
        "portal/admin/auth.py",
        (
            "tests/test_staff_access_rules.py",
            "tests/test_access.py",
            "tests/test_staff_sign_in.py",
            "tests/test_csrf_staff.py",
        ),
    ),
    "suppression": Target(
        "portal/stats/suppression.py",
        ("tests/test_suppression.py",),
        ("rounded", "rounded_sql", "share", "share_value"),
    ),
    "suppression in charts": Target(
        "portal/admin/dashboard.py",
        ("tests/test_bar_chart.py", "tests/test_chart_suppression.py"),
        ("bar_chart",),
    ),
    "security headers": Target(
        "portal/security.py",
        ("tests/test_security_headers.py", "tests/test_unreadable_posts.py"),
    ),
    "casework rules": Target(
        "portal/casework/stages.py",
        (
            "tests/test_casework_rules.py",
            "tests/test_enquiries.py::"
            "test_a_decision_while_an_enquiry_awaits_a_reply_needs_a_recorded_reason",
        ),
        (
            "late",
            "checks_awaiting",
            "case_open",
            "case_closed",
            "triaged",
            "not_disclosed",
            "decision_to_sign_off",
            "approved",
            "decision_shown",
        ),
    ),
    "casework engine": Target(
        "portal/casework/engine.py",
        ("tests/test_casework_rules.py", "tests/test_casework_engine.py"),
        ("refusal", "unasked", "problems", "status_of"),
    ),
    "submission": Target(
        "portal/applications.py",
        (
            "tests/test_submission_record.py",
            "tests/test_submission.py",
            "tests/test_submission_constraint.py",
            "tests/test_faults.py::test_the_database_failing_at_accept_and_send_keeps_the_answers",
        ),
        ("submit", "new_application", "reference_taken"),
    ),
}

# Survivors that behave exactly as the original: (function, mutated line) -> why.
DEFAULT_ENTROPY = (
    "secrets.token_bytes(None) gives secrets.DEFAULT_ENTROPY bytes, 32 on every Python "
    "this project supports: the same key length."
)
COMPACT = (
    "only the spaces json.dumps puts after ',' and ':' change, inside the sealed text; "
    "every reader parses it, so nothing differs but a few bytes of ciphertext."
)
HOOKS_EXIST = (
    "Flask has registered before-request functions for every request (None) by the time the "
    "portal's are added, so setdefault finds the list and never uses its default."
)
EQUIVALENT: dict[tuple[str, str], str] = {
    ("portal.security.x_check_form_text", 'raw.decode("UTF-8")'): (
        "Python's codec names are case-insensitive: 'UTF-8' and 'utf-8' are the same codec, "
        "so the same posts are refused."
    ),
    **dict.fromkeys(
        [
            ("portal.security.x_register", line)
            for line in (
                "app.before_request_funcs.setdefault(None, None).insert(0, check_form_text)",
                "app.before_request_funcs.setdefault(None, ).insert(0, check_form_text)",
            )
        ],
        HOOKS_EXIST,
    ),
    ("portal.crypto.xǁKeyRingǁopen", 'kid, _, body = token.rpartition(":")'): (
        "a sealed value is '<key id>:<base64>'; a key id cannot hold ':' (parse_keys refuses "
        "it) and base64 has none, so the first ':' is the last."
    ),
    (
        "portal.crypto.x_new_key_text",
        'return f"{kid}={base64.b64encode(secrets.token_bytes(None)).decode()}"',
    ): DEFAULT_ENTROPY,
    (
        "portal.crypto.x_instance_keys",
        '"index": base64.b64encode(secrets.token_bytes(None)).decode(),',
    ): DEFAULT_ENTROPY,
    (
        "portal.crypto.x_seal_json",
        "return ring().seal(json.dumps(value, separators=None).encode(), aad)",
    ): COMPACT,
    ("portal.crypto.x_seal_json", "return ring().seal(json.dumps(value, ).encode(), aad)"): COMPACT,
    **dict.fromkeys(
        [
            # a line the mutant changes or removes
            (
                "portal.retention.x_delete_old_events",
                'execution_options={"synchronize_session": False},',
            )
        ],
        "synchronize_session only says whether objects the session has loaded follow the bulk "
        "delete; this session holds no journey events and commits at once, so the default "
        "deletes the same rows.",
    ),
    (
        "portal.admin.auth.x_access_of",
        'view = current_app.view_functions.get(endpoint or "XXXX")',
    ): (
        "a staff request that matches no route has no endpoint: it finds no view under '' or "
        "'XXXX' alike, and is refused."
    ),
    ("portal.retention.x_due_for_erasure", ".order_by(None)"): (
        "which due cases a batch takes first: run() erases every due case whatever the order."
    ),
    ("portal.retention.x_due_for_erasure", "def due_for_erasure(limit: int = 201) -> list[int]:"): (
        "the batch size only: run() takes batches until none is left, so it erases the same "
        "cases in batches of 200 or 201."
    ),
    **dict.fromkeys(
        [
            ("portal.admin.dashboard.x_bar_chart", f"top = max({counted}) or {fallback}")
            for counted, fallback in (
                ("(n for _label, n in points if n is not None and n >= SMALL), default=None", 1),
                ("(n for _label, n in points if n is not None and n >= SMALL), default=1", 1),
                ("(n for _label, n in points if n is not None and n >= SMALL), default=0", 2),
            )
        ],
        "top scales only counts of 5 or more; when there are none every bar is 0 high, "
        "whatever top is.",
    ),
    **dict.fromkeys(
        [
            ("portal.security.x_set_security_headers", f'headers["{name}"] = {value}')
            for original, value in (
                ("Content-Security-Policy", "content_security_policy(csp_nonce())"),
                ("X-Content-Type-Options", '"nosniff"'),
                ("Referrer-Policy", '"same-origin"'),
                ("X-Frame-Options", '"DENY"'),
                ("Cross-Origin-Opener-Policy", '"same-origin"'),
                (
                    "Permissions-Policy",
                    '"camera=(), microphone=(), geolocation=(), interest-cohort=()"',
                ),
                ("Cache-Control", '"no-store"'),
                ("Strict-Transport-Security", '"max-age=31536000; includeSubDomains"'),
            )
            for name in (original.lower(), original.upper())
        ],
        "HTTP header names are case-insensitive: the response carries the same header, "
        "and browsers read it alike.",
    ),
    **dict.fromkeys(
        [
            ("portal.security.x_set_security_headers", f'if request.endpoint != "{name}":')
            for name in ("XXstaticXX", "STATIC")
        ],
        "WhiteNoise serves every static file before the app sees the request; Flask's own "
        "static route answers only for a file that does not exist, with a 404 that no-store "
        "or not leaves the same.",
    ),
    **dict.fromkeys(
        [
            ("portal.security.x_csp_nonce", f"g.csp_nonce = secrets.token_urlsafe({size})")
            for size in ("None", "17")
        ],
        "a longer nonce (17 or 32 random bytes, not 16) is as unguessable, and browsers take "
        "a nonce of any length.",
    ),
    **dict.fromkeys(
        [
            ("portal.applications.x_new_application", line)  # a line the mutant changes
            for line in (
                'current_risk=columns.get("risk_level") if columns.get("risk_level") in RISK_RANK '
                "else None,",
            )
        ],
        "the current_risk given to the new row is set again from its stored risk level "
        "straight after the insert, before anything reads or commits it.",
    ),
    **dict.fromkeys(
        [
            (
                "portal.casework.stages.x_checks_awaiting",
                f"return [str(systems.get({args})) for r in facts.awaiting_checks(case)] + [",
            )
            for args in (
                'r.data.get("system"), None',
                'r.data.get("system"), ',
                'r.data.get("system"), "XXXX"',
            )
        ],
        "the check form accepts only a system listed in forms.SYSTEMS (the demo seeds only "
        "those too), so every awaited check names a listed system and the default is never used.",
    ),
    **dict.fromkeys(
        [
            ("portal.casework.stages.x_decision_shown", f'return {{"decision": str({message})}}')
            for message in (
                "None",
                "_l(None)",
                '_l("XXThe decision has changed since you opened the page.XX")',
                '_l("the decision has changed since you opened the page.")',
                '_l("THE DECISION HAS CHANGED SINCE YOU OPENED THE PAGE.")',
            )
        ],
        "no page shows this text: a problem on the decision a sign-off page showed makes "
        "case_record show the page anew with its own warning that the decision changed, so "
        "only the field the problem is on counts.",
    ),
    (
        "portal.casework.stages.x_late",
        "return [str(None)] if deadline and deadline.missed(case, now) else []",
    ): (
        "the late departure's message does not name the deadline and the engine asks only "
        "whether the list is empty, so the text standing for the missed deadline is never shown."
    ),
    (
        "portal.casework.engine.x_status_of",
        "when_closed = having if having and RANK[having] >= RANK[status] else status",
    ): (
        "the only stage that closes a case having reached a status is triage, with 'triaged', "
        "a rank no other status shares: at an equal rank the case is already 'triaged', so "
        "either side of the choice gives the same."
    ),
    (
        "portal.casework.engine.x_unasked",
        "if d.known_before and not d.applies(case, stage, None, now)",
    ): (
        "only the departures decided by the case and the time alone (known_before: late, checks "
        "awaited) are tried here, and neither reads the answers, so {} and None give the same; "
        "the unsafe-contact departure, which reads them, is never tried here."
    ),
    (
        "portal.applications.x_submit",
        "application.risk_level if (application.risk_level in RISK_RANK) or True else None",
    ): (
        "every risk level a referrer can choose is ranked, and no risk level stays none: "
        "the test changes nothing."
    ),
}

DETECTED = {"killed", "timeout", "caught by type check", "segfault"}


@dataclass
class Result:
    name: str
    target: Target
    seconds: float
    statuses: dict[str, str] = field(default_factory=dict)  # mutant -> status
    diffs: dict[str, str] = field(default_factory=dict)  # survivor -> diff
    error: str | None = None

    def count(self, *statuses: str) -> int:
        return sum(1 for status in self.statuses.values() if status in statuses)

    @property
    def survivors(self) -> list[str]:
        return sorted(m for m, status in self.statuses.items() if status not in DETECTED)

    def equivalent(self, mutant: str) -> str | None:
        """Why the mutant is equivalent, if EQUIVALENT names a line it adds or removes."""
        function = mutant.partition("__mutmut_")[0]
        for line in changed_lines(self.diffs.get(mutant, "")):
            reason = EQUIVALENT.get((function, line))
            if reason:
                return reason
        return None

    @property
    def score(self) -> float:
        return 100 * self.count(*DETECTED) / max(1, len(self.statuses))


def changed_lines(diff: str) -> list[str]:
    return [
        line[1:].strip()
        for line in diff.splitlines()
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]


def source_files(source: str) -> list[Path]:
    if source == "worktree":
        listed = git("ls-files", "--cached", "--others", "--exclude-standard", "-z")
        return [Path(name) for name in listed.split("\0") if name and (ROOT / name).is_file()]
    return []


def git(*args: str, text: bool = True):
    command = [shutil.which("git"), *args]
    return subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=text).stdout  # noqa: S603


def copy_project(source: str, to: Path) -> None:
    """The project's files (not .venv, not node_modules), and the built assets."""
    to.mkdir(parents=True)
    if source == "worktree":
        for name in source_files(source):
            (to / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, to / name)
    else:
        with tarfile.open(fileobj=io.BytesIO(git("archive", source, text=False))) as archive:
            archive.extractall(to, filter="data")
    for name in BUILT:
        shutil.copytree(ROOT / name, to / name, dirs_exist_ok=True)


def configure(project: Path, target: Target) -> None:
    """This checkout's [tool.mutmut] settings, with the target's module and tests."""
    ours = tomllib.loads((ROOT / "pyproject.toml").read_text())
    settings = ours.get("tool", {}).get("mutmut", {})
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    settings |= {
        "only_mutate": [target.path],
        "pytest_add_cli_args_test_selection": list(target.tests),
    }
    kept, skipping = [], False
    for line in text.splitlines():
        if line.startswith("["):
            skipping = line.strip() == "[tool.mutmut]"
        if not skipping:
            kept.append(line)
    section = ["", "[tool.mutmut]", *(f"{k} = {json.dumps(v)}" for k, v in settings.items())]
    pyproject.write_text("\n".join(kept + section) + "\n")


def mutmut(project: Path, *args: str, log=None) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "mutmut", *args],
        cwd=project,
        stdout=log or subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def run_target(name: str, target: Target, workdir: Path, source: str) -> Result:
    project = workdir / name.replace(" ", "-")
    copy_project(source, project)
    configure(project, target)
    started = time.monotonic()
    with open(project / "mutmut.log", "w") as log:
        done = mutmut(project, "run", *target.patterns(), log=log)
    (project / "seconds.txt").write_text(f"{time.monotonic() - started:.0f}\n")
    result = collect(name, target, project)
    if done.returncode != 0:
        result.error = f"mutmut exited {done.returncode}; see {project / 'mutmut.log'}"
    return result


def collect(name: str, target: Target, project: Path) -> Result:
    """A target's results, from the copy mutmut ran in."""
    seconds = project / "seconds.txt"
    result = Result(name, target, float(seconds.read_text()) if seconds.exists() else 0.0)
    meta = project / "mutants" / (target.path + ".meta")
    if not meta.exists():
        result.error = f"mutmut made no results; see {project / 'mutmut.log'}"
        return result
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    for mutant, code in codes.items():
        if any(fnmatch.fnmatch(mutant, pattern) for pattern in target.patterns()):
            result.statuses[mutant] = status_by_exit_code[code]
    for mutant in result.survivors:
        shown = mutmut(project, "show", mutant).stdout
        result.diffs[mutant] = shown.partition("\n")[2].strip()
    return result


def report(results: list[Result], seconds: float, source: str) -> str:
    lines = [
        "# Mutation testing",
        "",
        "Written by `make mutation` (bench/mutation.py, mutmut). Each module holding a rule is",
        "mutated one small change at a time and its tests run against each change; a mutant that",
        "no test notices has *survived*. Not part of CI: a run takes minutes, not seconds.",
        "",
        "Each target is one entry in `TARGETS` in bench/mutation.py: the module, the tests that",
        "cover it, and optionally the functions to mutate. To add a module, add one entry:",
        "",
        "```python",
        '"casework engine": Target("portal/casework/engine.py", '
        '("tests/test_casework_rules.py",)),',
        "```",
        "",
        '`MUTATION_TARGETS="casework engine" make mutation` runs it alone (the report then has',
        "only its rows).",
        "A survivor that behaves exactly as the original is explained in `EQUIVALENT` there.",
        "",
        f"Last run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {source}, {seconds / 60:.1f} minutes "
        f"on {os.cpu_count()} cores, SQLite.",
        "",
        "| Target | Module | Mutants | Killed | Timed out | Survived | of which equivalent "
        "| Score | Score of the rest |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        equivalent = sum(1 for m in r.survivors if r.equivalent(m))
        scope = r.target.path + (
            f" ({', '.join(r.target.functions)})" if r.target.functions else ""
        )
        lines.append(
            f"| {r.name} | {scope} | {len(r.statuses)} | {r.count('killed')} | "
            f"{r.count('timeout')} | {len(r.survivors)} | {equivalent} | {r.score:.0f}% | "
            f"{100 * r.count(*DETECTED) / max(1, len(r.statuses) - equivalent):.0f}% |"
        )
    total = sum(len(r.statuses) for r in results)
    detected = sum(r.count(*DETECTED) for r in results)
    lines += [
        "",
        f"Overall: {detected} of {total} mutants detected ({100 * detected / max(1, total):.0f}%).",
    ]
    lines += [
        "",
        "Timed out means the mutant made a test loop until mutmut stopped it: detected. The",
        "score counts every mutant; the score of the rest leaves out the survivors shown below",
        "as equivalent (no test can tell them from the original), as mutation scores usually do.",
        "",
    ]
    lines += ["## Surviving mutants", ""]
    survivors = [(r, m) for r in results for m in r.survivors]
    if not survivors:
        lines.append("None.")
    for r, mutant in survivors:
        reason = r.equivalent(mutant)
        verdict = f"equivalent: {reason}" if reason else f"{r.statuses[mutant]}: not explained"
        lines += [f"### `{mutant}`", "", verdict, "", "```diff", r.diffs.get(mutant, ""), "```", ""]
    errors = [r for r in results if r.error]
    if errors:
        lines += ["## Errors", ""] + [f"- {r.name}: {r.error}" for r in errors]
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    chosen = [n.strip() for n in os.environ.get("MUTATION_TARGETS", "").split(",") if n.strip()]
    unknown = set(chosen) - set(TARGETS)
    if unknown:
        print(f"Unknown targets {sorted(unknown)}; known: {sorted(TARGETS)}")
        return 2
    source = os.environ.get("MUTATION_SOURCE", "worktree")
    workdir = Path(os.environ.get("MUTATION_WORKDIR") or tempfile.mkdtemp(prefix="mutation-"))
    out = Path(os.environ.get("MUTATION_REPORT") or ROOT / "docs" / "mutation.md")
    if os.environ.get("MUTATION_REPORT_ONLY"):  # the report again, from the last run's copies
        results = [
            collect(name, TARGETS[name], workdir / name.replace(" ", "-"))
            for name in chosen or TARGETS
        ]
        out.write_text(report(results, sum(r.seconds for r in results), source))
        print(f"Report: {out}")
        return 0
    if workdir.exists():
        shutil.rmtree(workdir)
    started, results = time.monotonic(), []
    for name in chosen or TARGETS:
        print(f"== {name}: {TARGETS[name].path}", flush=True)
        result = run_target(name, TARGETS[name], workdir, source)
        results.append(result)
        print(
            f"   {result.count(*DETECTED)} of {len(result.statuses)} detected "
            f"({result.score:.0f}%), {len(result.survivors)} survived, "
            f"{result.seconds:.0f} s{'; ' + result.error if result.error else ''}",
            flush=True,
        )
    out.write_text(report(results, time.monotonic() - started, source))
    print(f"Report: {out}; the mutated copies stay in {workdir}")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
