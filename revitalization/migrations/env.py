"""Alembic's environment: migrations run on the connection ``revitalization.schema`` hands in
(never on a URL of their own), against the SQLModel tables of ``revitalization.store``."""

from alembic import context
from sqlmodel import SQLModel

import revitalization.store  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=SQLModel.metadata,
                  render_as_batch=True,  # SQLite alters a table by copying it
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
