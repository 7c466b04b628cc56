"""The disclosure portal: create_app() builds the Flask application."""

from __future__ import annotations

import os

from flask import Flask
from flask.templating import Environment
from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    Undefined,
)

from .config import load_config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class PortalEnvironment(Environment):
    """Each template's globals as one dict, not Jinja's ChainMap over the
    environment's. Every `{% from … import %}` of a GOV.UK macro file compares
    the two templates' globals, key by key: through a ChainMap that took about
    a millisecond of each question page. Every global is registered before the
    first template loads (as Jinja asks), so nothing is missed."""

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


class PortalFlask(Flask):
    jinja_environment = PortalEnvironment


class LoudUndefined(ChainableUndefined):
    """Fails when an undefined value would be printed. GOV.UK Frontend's
    macros test optional parameters with `if`, so those stay quiet."""

    __str__ = Undefined._fail_with_undefined_error


def create_app(config: dict | None = None) -> Flask:
    app = PortalFlask(
        __name__,
        instance_path=os.environ.get("PORTAL_INSTANCE_PATH") or os.path.join(ROOT, "instance"),
        static_folder=os.path.join(ROOT, "static"),
        template_folder=os.path.join(ROOT, "templates"),
    )
    load_settings(app, config or {})
    from .ids import RowIdConverter

    app.url_map.converters["int"] = RowIdConverter  # before any route is added
    register_templates(app)
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_commands(app)
    trust_proxies(app)
    validate_journeys()
    return app


def load_settings(app: Flask, overrides: dict) -> None:
    env_name = overrides.pop("PORTAL_ENV", None)
    app.config.from_mapping(load_config(app.instance_path, env_name).as_dict())
    app.config.from_mapping(overrides)
    # ProductionConfig has checked the environment's settings; settings given
    # in code (create_app({...})) get the same check.
    if overrides and app.config["ENV_NAME"] == "production":
        from .config import ConfigError
        from .config_check import production_problems

        problems = production_problems(app.config)
        if problems:
            raise ConfigError("\n".join(problems))
    from .crypto import KeyRing, parse_index_keys, parse_keys
    from .crypto import install as install_keys
    from .database import engine_options
    from .force import load_force

    url = app.config["DATABASE_URL"]
    app.config["SQLALCHEMY_ENGINES"] = {"default": {"url": url, **engine_options(url)}}

    app.extensions["force"] = load_force(app.config["FORCE_CONFIG"])
    try:
        index_keys = parse_index_keys(app.config["BLIND_INDEX_KEY"])
    except ValueError as error:
        from .config import ConfigError

        raise ConfigError(str(error)) from None  # the message, not base64's traceback
    keys = KeyRing(parse_keys(app.config["ENCRYPTION_KEYS"]), index_keys)
    install_keys(app, keys)


def register_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(os.path.join(ROOT, "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    if app.config["STRICT_TEMPLATES"]:
        app.jinja_env.undefined = LoudUndefined
    from . import rendering

    rendering.register(app)


def register_extensions(app: Flask) -> None:
    from . import assets, database, request_log, security
    from .extensions import babel, csrf, db, limiter

    db.init_app(app)
    database.register_unit_of_work(app)
    # flask-sqlalchemy-lite also registers an async teardown for async sessions,
    # which Flask runs by starting a thread on every request (about 1 ms). The
    # portal has no async engine, so it goes.
    app.teardown_appcontext_funcs[:] = [
        func
        for func in app.teardown_appcontext_funcs
        if getattr(func, "__name__", "") != "_close_async_sessions"
    ]
    with app.app_context():
        database.configure_sqlite(db.engine)
    csrf.init_app(app)
    limiter.init_app(app)
    from . import languages

    babel.init_app(app, locale_selector=languages.select)
    security.register(app)
    request_log.register(app)
    assets.register(app)


def register_blueprints(app: Flask) -> None:
    from . import admin, health, public

    app.register_blueprint(public.register_views())
    app.register_blueprint(admin.register_views(app))
    app.register_blueprint(health.register_views())


def register_errors(app: Flask) -> None:
    from . import errors

    errors.register(app)


def register_commands(app: Flask) -> None:
    from . import cli, database, demo, retention
    from .alerts import command as alerts
    from .stats import events

    database.register(app)
    alerts.register(app)
    retention.register(app)
    cli.register(app)
    events.register(app)
    demo.register(app)


def trust_proxies(app: Flask) -> None:
    """Take the client's address and scheme from the trusted proxy hops only."""
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def validate_journeys() -> None:
    from .journeys.registry import validate_all

    validate_all()
