"""Correction requests (更正申请): a county asks to correct its values of a year outside an open round.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 23:24:25.336324
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('correction_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('adcode', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('values', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('previous', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['adcode'], ['region.adcode'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('correction_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_correction_request_adcode'), ['adcode'], unique=False)
        batch_op.create_index(batch_op.f('ix_correction_request_year'), ['year'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('correction_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_correction_request_year'))
        batch_op.drop_index(batch_op.f('ix_correction_request_adcode'))

    op.drop_table('correction_request')
