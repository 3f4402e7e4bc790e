from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Column, DateTime, ForeignKey, Integer, String, Table, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from hubapp.blueprints.auth.roles import Role
from hubapp.extensions import db

#: The grids a grid worker covers: one or more (a worker may cover a neighbouring grid too).
user_grid = Table(
    "user_grid",
    db.metadata,
    Column("user_id", Integer, ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
    Column("grid_id", Integer, ForeignKey("grid.id"), primary_key=True, index=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'staff', 'grid_worker', 'liaison')", name="role_known"),
        CheckConstraint("role <> 'liaison' OR department_id IS NOT NULL", name="liaison_has_department"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(20))
    #: A liaison belongs to the department whose transferred demands and decisions they answer.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Set when an admin gives the password (a new account, a reset): every page leads to the
    #: password page until the user has chosen their own.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Part of the id every session and remember-me cookie carries (``get_id``): raising it — a
    #: password change, an admin's reset, a logout — ends every session that carries the old one.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    department = relationship("Department")
    #: A grid worker visits the enterprises of these grids and acts for them.
    grids = relationship("Grid", secondary=user_grid, order_by="Grid.number")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Every session and remember-me cookie of this user stops working from the next request."""
        self.session_version += 1

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def grid_ids(self) -> set[int]:
        return {grid.id for grid in self.grids}

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.ADMIN, Role.STAFF)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)
