"""The schema comes from the migrations, and matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from portal.database import downgrade, upgrade
from portal.models import Base


def test_the_migrated_schema_matches_the_models(app):
    engine = create_engine(app.config["DATABASE_URL"])
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_migrations_go_down_and_up_again(tmp_path):
    engine = create_engine("sqlite:///" + str(tmp_path / "m.sqlite3"))
    upgrade(engine)
    assert {"application", "draft"} <= set(inspect(engine).get_table_names())
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert {"application", "draft"} <= set(inspect(engine).get_table_names())
    engine.dispose()
