"""The ceiling for bench/pages.py: the portal's real app (create_app(), with
every request hook, the security headers, sessions and the rate limiter) plus
one route that renders the public page layout with no database work. It is
the best a page of this stack can do, and exists only here, never in the
production app. Served by gunicorn with the same settings as the portal:

    gunicorn --config gunicorn.conf.py bench.ceiling:app
"""

from __future__ import annotations

from flask import render_template
from jinja2 import ChoiceLoader, DictLoader

from portal import create_app

PATH = "/bench/ceiling"
TEMPLATE = """{% extends "public/layout.html" %}
{% block title %}Ceiling{% endblock %}
{% block content %}
  <h1 class="govuk-heading-l">Ceiling</h1>
  <p class="govuk-body">The public page layout, with no database work.</p>
{% endblock %}
"""

app = create_app()
# Compiled once and cached, as the portal's own templates are.
app.jinja_env.loader = ChoiceLoader(
    [DictLoader({"bench/ceiling.html": TEMPLATE}), app.jinja_env.loader]
)


@app.get(PATH)
def ceiling():
    return render_template("bench/ceiling.html")
