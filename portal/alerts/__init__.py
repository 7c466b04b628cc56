"""Staff alerts by e-mail (DESIGN.md section 7), never to applicants.

- `kinds`: each kind of alert, declared once: who gets it and its words on
  the preferences page; each member of staff can turn each one off.
- `events`: the one hook casework calls: a new application with a high or
  urgent risk, a decision awaiting sign-off, a decision returned.
- `digest`: the daily digest of each member of staff's cases due or
  overdue, from the declared deadlines (casework/stages.py) and clocks
  (casework/clocks.py).
- `outbox`: the queue, written in the caller's transaction; choices; what
  administrators see.
- `delivery` and `mail`: `flask --app wsgi alerts send` takes the alerts due
  and sends them by SMTP, retrying with a growing wait; composes each
  message from the reference, a link, counts and due dates only.
- `command`: the command itself.

An alert holds no personal data and neither does its message: no name, no
answer, no reason, no free text.
"""
