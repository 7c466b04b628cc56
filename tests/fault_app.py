"""wsgi.py's app with a fault to order, for tests/test_faults.py (test code only:
nothing in portal/ knows about it).

With FAULT_PAUSE_FILE set, the first "Accept and send" writes its application
and empties the draft inside the transaction, then writes the worker's process
id to that file and sleeps before the commit, so that the test can kill the
worker there. Later sends (the file exists) go through as usual."""

from __future__ import annotations

import os
import time

from portal import applications, create_app
from portal.extensions import db

PAUSE_FILE = os.environ.get("FAULT_PAUSE_FILE", "")
PAUSE_SECONDS = 60

app = create_app()

if PAUSE_FILE:
    real_submit = applications.submit

    def submit_then_pause(draft, scheme, **options):
        application = real_submit(draft, scheme, **options)
        db.session.flush()  # the application row and the emptied draft are written, not committed
        if not os.path.exists(PAUSE_FILE):
            partial = PAUSE_FILE + ".partial"
            with open(partial, "w") as file:
                file.write(str(os.getpid()))
            os.replace(partial, PAUSE_FILE)
            time.sleep(PAUSE_SECONDS)  # the test kills this worker here
        return application

    applications.submit = submit_then_pause
