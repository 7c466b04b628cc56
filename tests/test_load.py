"""A small version of bench/load.py: twenty applicants complete Right to Ask
at once against gunicorn with 2 workers. Every one is given a reference, no
reference is given twice, every application is stored once and holds what its
applicant sent, and no response is a server error. Timings are printed, never
asserted."""

from __future__ import annotations

from .live import answers_for, check_stored, run_crowd, serve, stored_answers

APPLICANTS = 20


def test_twenty_applicants_at_once(served_database, tmp_path):
    app = served_database.app
    with serve(served_database, tmp_path / "gunicorn.log") as server:
        first = run_crowd(server.url, 1, first=0, limit=120)
        assert first.failures == [] and first.server_errors == 0
        (reference,) = first.references
        reference_answers = stored_answers(app)[reference]
        assert reference_answers["your-name"] == answers_for(0)["your-name"]
        assert reference_answers["concern-details"] == answers_for(0)["concern-details"]

        crowd = run_crowd(server.url, APPLICANTS, first=1, limit=300)
    stored = stored_answers(app)
    del stored[reference]
    assert check_stored(crowd, stored, reference_answers) == []
    assert len(stored) == APPLICANTS
    print(crowd.summary())
