"""Alembic environment: migrations run on the connection the portal hands over
(`flask --app wsgi db upgrade`, `make setup`, and the test suite)."""

from alembic import context

from portal.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through the portal: flask --app wsgi db upgrade")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
