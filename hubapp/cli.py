"""``flask --app wsgi hub …``: demo data, users, backups. Each command is one unit of work."""

import sqlite3
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import RuleError


@click.group()
def hub():
    """hubapp 管理命令。"""


@hub.command("seed-demo")
@click.option("--force", is_flag=True, help="Seed even if the database already holds users.")
@with_appcontext
def seed_demo(force: bool):
    """Fill an empty database with demo data from the article and print the demo accounts."""
    from hubapp import demo
    from hubapp.blueprints.auth.models import User

    if db.session.scalar(select(User.id).limit(1)) is not None and not force:
        click.echo("数据库已有数据，跳过演示数据。")
        return
    with atomic():
        accounts = demo.seed_all()
    click.echo("已写入演示数据。演示账号（用户名 / 密码 / 角色）：")
    for username, password, role_label in accounts:
        click.echo(f"  {username:<12} {password:<14} {role_label}")


@hub.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["admin", "staff", "grid_worker", "liaison"]))
@click.option("--name", "display_name", default=None, help="Display name (defaults to USERNAME).")
@click.option("--department", "department_id", type=int, default=None, help="Department id (liaison).")
@click.option("--grid", "grid_id", type=int, default=None, help="Grid id (grid worker).")
@click.password_option("--password", prompt="密码", confirmation_prompt="再次输入密码")
@with_appcontext
def create_user(username, role, display_name, department_id, grid_id, password):
    """Create a user; the password is read from a prompt, so it can be piped."""
    from hubapp.blueprints.auth import services

    try:
        with atomic():
            user = services.create_user(None, username, display_name or username, password, role, department_id, grid_id)
    except RuleError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"已创建用户 {user.username}（{user.role_label}）。")


@hub.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(dest: Path):
    """Copy the SQLite database to DEST with SQLite's online backup API (safe while serving)."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise click.ClickException(
            "当前数据库是 PostgreSQL，请用 pg_dump 备份，例如：pg_dump -Fc -d <数据库名> -f hub.dump"
        )
    source_path = engine.url.database
    dest.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(dest)
    try:
        with target:
            source.backup(target)
    finally:
        source.close()
        target.close()
    click.echo(f"已备份到 {dest}")

