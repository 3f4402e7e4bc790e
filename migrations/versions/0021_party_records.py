"""party records and 产学研: an enterprise's party organisation is read from the organisation
records only (``enterprise.party_organisation``, the old yes/no kept with the enterprise, goes); a
joint activity's photos (party_activity_photo) and sign-in list (party_activity_attendee); the
产学研 partners (coop_partner), cooperation projects (coop_project) and 实习实训 placements
(coop_placement)

Revision ID: 0021
Revises: 0014

Before the column goes, an enterprise it marks as having an organisation that no active record
covers gets a record of its own (named after the enterprise), so no coverage the centre entered
is lost. The downgrade writes the column back from the records.

SQLite drops the column with ALTER TABLE DROP COLUMN: its CHECK is a column constraint (0007
added it with the column), which SQLite drops with it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

PARTY_KNOWN = "party_organisation IN ('none', 'branch', 'joint_branch', 'general_branch', 'committee')"
#: The old column's values → the records' 组织类型 and the name's ending. A 党委 has no kind of its
#: own in the records; the nearest, a 党总支, keeps it counted as covered.
KIND_OF_FLAG = {
    "branch": ("single", "党支部"),
    "joint_branch": ("joint", "联合党支部"),
    "general_branch": ("general", "党总支"),
    "committee": ("general", "党委"),
}
#: And back, for the downgrade.
FLAG_OF_KIND = {"single": "branch", "joint": "joint_branch", "general": "general_branch"}

enterprise = sa.table(
    "enterprise", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("party_organisation", sa.String)
)
organisation = sa.table(
    "party_organisation",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
    sa.column("members", sa.Integer),
    sa.column("active", sa.Boolean),
    sa.column("version", sa.Integer),
)
covers = sa.table("party_organisation_enterprise", sa.column("organisation_id", sa.Integer), sa.column("enterprise_id", sa.Integer))


def _covered_ids(bind) -> set[int]:
    stmt = (
        sa.select(covers.c.enterprise_id)
        .join(organisation, organisation.c.id == covers.c.organisation_id)
        .where(organisation.c.active.is_(True))
    )
    return set(bind.execute(stmt).scalars())


def _records_for_flags(bind) -> None:
    """An organisation record for each enterprise the old column marks but no record covers."""
    covered = _covered_ids(bind)
    taken = set(bind.execute(sa.select(organisation.c.name)).scalars())
    flagged = bind.execute(
        sa.select(enterprise.c.id, enterprise.c.name, enterprise.c.party_organisation)
        .where(enterprise.c.party_organisation != "none")
        .order_by(enterprise.c.id)
    ).all()
    for enterprise_id, name, flag in flagged:
        if enterprise_id in covered:
            continue
        kind, ending = KIND_OF_FLAG.get(flag, KIND_OF_FLAG["branch"])
        record_name = f"{name}{ending}"
        if record_name in taken:
            record_name = f"{record_name}（原企业名录登记）"
        taken.add(record_name)
        organisation_id = bind.execute(
            organisation.insert()
            .values(name=record_name[:100], kind=kind, members=0, active=True, version=1)
            .returning(organisation.c.id)
        ).scalar_one()
        bind.execute(covers.insert().values(organisation_id=organisation_id, enterprise_id=enterprise_id))


def upgrade():
    bind = op.get_bind()
    _records_for_flags(bind)
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE enterprise DROP CONSTRAINT ck_enterprise_party_organisation_known")
    op.execute("ALTER TABLE enterprise DROP COLUMN party_organisation")

    op.create_table(
        "party_activity_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("position BETWEEN 1 AND 9", name=op.f("ck_party_activity_photo_position_in_range")),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["party_activity.id"], name=op.f("fk_party_activity_photo_activity_id_party_activity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_party_activity_photo_created_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_activity_photo")),
        sa.UniqueConstraint("activity_id", "position", name="uq_party_activity_photo_position"),
    )  # fmt: skip
    op.create_index(op.f("ix_party_activity_photo_activity_id"), "party_activity_photo", ["activity_id"], unique=False)
    op.create_table(
        "party_activity_attendee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.CheckConstraint("name <> ''", name=op.f("ck_party_activity_attendee_name_not_empty")),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["party_activity.id"], name=op.f("fk_party_activity_attendee_activity_id_party_activity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["party_organisation.id"],
            name=op.f("fk_party_activity_attendee_organisation_id_party_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_activity_attendee")),
        sa.UniqueConstraint("activity_id", "organisation_id", "name", name="uq_party_activity_attendee_once"),
    )  # fmt: skip
    op.create_index(
        op.f("ix_party_activity_attendee_activity_id"), "party_activity_attendee", ["activity_id"], unique=False
    )
    op.create_index(
        op.f("ix_party_activity_attendee_organisation_id"), "party_activity_attendee", ["organisation_id"], unique=False
    )
    _cooperation_tables()


def _cooperation_tables():
    op.create_table(
        "coop_partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("contact_name", sa.String(length=40), nullable=True),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column("agreement", sa.String(length=200), nullable=True),
        sa.Column("agreement_signed_on", sa.Date(), nullable=True),
        sa.Column("agreement_ends_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("kind IN ('university', 'college', 'institute')", name=op.f("ck_coop_partner_kind_known")),
        sa.CheckConstraint(
            "agreement_ends_on IS NULL OR agreement_ends_on >= agreement_signed_on",
            name=op.f("ck_coop_partner_agreement_in_order"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coop_partner")),
        sa.UniqueConstraint("name", name=op.f("uq_coop_partner_name")),
    )
    op.create_table(
        "coop_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("qualified", sa.Integer(), server_default="0", nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint("kind IN ('base', 'research', 'training')", name=op.f("ck_coop_project_kind_known")),
        sa.CheckConstraint("status IN ('negotiating', 'active', 'done')", name=op.f("ck_coop_project_status_known")),
        sa.CheckConstraint("qualified >= 0", name=op.f("ck_coop_project_qualified_not_negative")),
        sa.CheckConstraint("kind = 'training' OR qualified = 0", name=op.f("ck_coop_project_qualified_only_for_training")),
        sa.CheckConstraint(
            "kind = 'training' OR enterprise_id IS NOT NULL", name=op.f("ck_coop_project_enterprise_unless_training")
        ),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprise.id"], name=op.f("fk_coop_project_enterprise_id_enterprise")),
        sa.ForeignKeyConstraint(["partner_id"], ["coop_partner.id"], name=op.f("fk_coop_project_partner_id_coop_partner")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coop_project")),
    )
    for column in ("enterprise_id", "partner_id", "started_on"):
        op.create_index(op.f(f"ix_coop_project_{column}"), "coop_project", [column], unique=False)
    op.create_table(
        "coop_placement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("students", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.CheckConstraint("students > 0", name=op.f("ck_coop_placement_students_positive")),
        sa.CheckConstraint("end_on >= start_on", name=op.f("ck_coop_placement_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprise.id"], name=op.f("fk_coop_placement_enterprise_id_enterprise")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["coop_partner.id"], name=op.f("fk_coop_placement_partner_id_coop_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coop_placement")),
    )
    for column in ("enterprise_id", "partner_id", "start_on"):
        op.create_index(op.f(f"ix_coop_placement_{column}"), "coop_placement", [column], unique=False)


def downgrade():
    for column in ("enterprise_id", "partner_id", "start_on"):
        op.drop_index(op.f(f"ix_coop_placement_{column}"), table_name="coop_placement")
    op.drop_table("coop_placement")
    for column in ("enterprise_id", "partner_id", "started_on"):
        op.drop_index(op.f(f"ix_coop_project_{column}"), table_name="coop_project")
    op.drop_table("coop_project")
    op.drop_table("coop_partner")
    op.drop_index(op.f("ix_party_activity_attendee_organisation_id"), table_name="party_activity_attendee")
    op.drop_index(op.f("ix_party_activity_attendee_activity_id"), table_name="party_activity_attendee")
    op.drop_table("party_activity_attendee")
    op.drop_index(op.f("ix_party_activity_photo_activity_id"), table_name="party_activity_photo")
    op.drop_table("party_activity_photo")

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE enterprise ADD COLUMN party_organisation VARCHAR(16) NOT NULL DEFAULT 'none'")
        op.execute(f"ALTER TABLE enterprise ADD CONSTRAINT ck_enterprise_party_organisation_known CHECK ({PARTY_KNOWN})")
    else:
        op.execute(
            "ALTER TABLE enterprise ADD COLUMN party_organisation VARCHAR(16) NOT NULL DEFAULT 'none' "
            f"CONSTRAINT ck_enterprise_party_organisation_known CHECK ({PARTY_KNOWN})"
        )
    rows = bind.execute(
        sa.select(covers.c.enterprise_id, organisation.c.kind)
        .join(organisation, organisation.c.id == covers.c.organisation_id)
        .where(organisation.c.active.is_(True))
    ).all()
    for enterprise_id, kind in rows:
        bind.execute(
            enterprise.update()
            .where(enterprise.c.id == enterprise_id)
            .values(party_organisation=FLAG_OF_KIND.get(kind, "branch"))
        )
