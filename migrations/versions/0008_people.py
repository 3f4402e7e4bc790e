"""people: grid workers cover one or more grids; departments' contact and active flag; forced
password change

Revision ID: 0008
Revises: 0006

``app_user.grid_id`` becomes the association ``user_grid``: each grid worker keeps the grid they
had. A grid worker's grids can no longer be held by a CHECK on ``app_user``; the services refuse a
grid worker without a grid.

SQLite cannot drop a column that a foreign key or a CHECK names, so ``app_user`` is rebuilt. Other
tables reference it and foreign keys are on (they cannot be turned off inside the migration's
transaction), so the rebuild defers them: the old rows are copied aside, the table dropped (which
counts each referencing row as a pending violation), created anew and filled with the same ids
(which clears them again). A row that lost its user would still fail the commit. No ``ALTER TABLE
RENAME``, which would rewrite the other tables' references.
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COPY = "_app_user_0008"
#: The columns both versions of app_user have.
KEPT = "id, username, display_name, password_hash, role, phone, department_id, active, created_at, last_login_at"


def _user_columns():
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("display_name", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
    ]


def _user_constraints():
    return [
        sa.CheckConstraint(
            "role <> 'liaison' OR department_id IS NOT NULL", name=op.f("ck_app_user_liaison_has_department")
        ),
        sa.CheckConstraint("role IN ('admin', 'staff', 'grid_worker', 'liaison')", name=op.f("ck_app_user_role_known")),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"], name=op.f("fk_app_user_department_id_department")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    ]


def _create_user_grid():
    op.create_table(
        "user_grid",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], name=op.f("fk_user_grid_grid_id_grid")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_user_grid_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "grid_id", name=op.f("pk_user_grid")),
    )
    op.create_index(op.f("ix_user_grid_grid_id"), "user_grid", ["grid_id"], unique=False)


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA defer_foreign_keys = ON")
        op.execute(f"CREATE TABLE {COPY} AS SELECT * FROM app_user")
        op.execute("DROP TABLE app_user")
        op.create_table(
            "app_user",
            *_user_columns(),
            sa.Column("active", sa.Boolean(), nullable=False),
            sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("last_login_at", sa.DateTime(), nullable=True),
            *_user_constraints(),
        )
        op.execute(f"INSERT INTO app_user ({KEPT}) SELECT {KEPT} FROM {COPY}")
        _create_user_grid()
        op.execute(f"INSERT INTO user_grid (user_id, grid_id) SELECT id, grid_id FROM {COPY} WHERE grid_id IS NOT NULL")
        op.execute(f"DROP TABLE {COPY}")
    else:
        _create_user_grid()
        op.execute("INSERT INTO user_grid (user_id, grid_id) SELECT id, grid_id FROM app_user WHERE grid_id IS NOT NULL")
        op.drop_constraint(op.f("ck_app_user_grid_worker_has_grid"), "app_user", type_="check")
        op.drop_constraint(op.f("fk_app_user_grid_id_grid"), "app_user", type_="foreignkey")
        op.drop_column("app_user", "grid_id")
        op.add_column(
            "app_user", sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    # Plain ADD COLUMN on both: department is referenced by other tables and must not be rebuilt.
    op.add_column("department", sa.Column("contact_name", sa.String(length=40), nullable=True))
    op.add_column("department", sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    """Back to one grid per user: the lowest-numbered of a worker's grids. A grid worker left
    without any grid fails the restored CHECK, and the downgrade with it."""
    op.execute("ALTER TABLE department DROP COLUMN active")
    op.execute("ALTER TABLE department DROP COLUMN contact_name")

    first_grid = (
        "(SELECT g.id FROM user_grid ug JOIN grid g ON g.id = ug.grid_id "
        "WHERE ug.user_id = app_user.id ORDER BY g.number LIMIT 1)"
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA defer_foreign_keys = ON")
        op.execute(f"CREATE TABLE {COPY} AS SELECT {KEPT}, {first_grid} AS grid_id FROM app_user")
        op.drop_index(op.f("ix_user_grid_grid_id"), table_name="user_grid")
        op.drop_table("user_grid")
        op.execute("DROP TABLE app_user")
        op.create_table(
            "app_user",
            *_user_columns(),
            sa.Column("grid_id", sa.Integer(), nullable=True),
            sa.Column("active", sa.Boolean(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("last_login_at", sa.DateTime(), nullable=True),
            sa.CheckConstraint("role <> 'grid_worker' OR grid_id IS NOT NULL", name=op.f("ck_app_user_grid_worker_has_grid")),
            sa.ForeignKeyConstraint(["grid_id"], ["grid.id"], name=op.f("fk_app_user_grid_id_grid")),
            *_user_constraints(),
        )
        op.execute(f"INSERT INTO app_user ({KEPT}, grid_id) SELECT {KEPT}, grid_id FROM {COPY}")
        op.execute(f"DROP TABLE {COPY}")
    else:
        op.drop_column("app_user", "must_change_password")
        op.add_column("app_user", sa.Column("grid_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_app_user_grid_id_grid"), "app_user", "grid", ["grid_id"], ["id"])
        op.execute(f"UPDATE app_user SET grid_id = {first_grid}")
        op.drop_index(op.f("ix_user_grid_grid_id"), table_name="user_grid")
        op.drop_table("user_grid")
        op.create_check_constraint(
            op.f("ck_app_user_grid_worker_has_grid"), "app_user", "role <> 'grid_worker' OR grid_id IS NOT NULL"
        )
