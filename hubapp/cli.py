"""``flask --app wsgi hub …``: demo data, users, backups and their restore. Each command is one unit of work."""

import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from hubapp import audit, clock
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.formatting import quoted
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
@click.option("--department", default=None, help="A liaison's department: its name, short name or number.")
@click.option("--grid", "grids", type=int, multiple=True, help="A grid worker's grid number (第N网格); repeat for more.")
@click.password_option("--password", prompt="密码", confirmation_prompt="再次输入密码")
@with_appcontext
def create_user(username, role, display_name, department, grids, password):
    """Create a user; the password is read from a prompt, so it can be piped."""
    from hubapp.blueprints.auth import services
    from hubapp.blueprints.directory import services as directory

    try:
        with atomic():
            department_id = None
            if department:
                found = directory.department_by_name(department)
                if found is None:
                    raise RuleError(f"没有名为{quoted(department)}的部门。现有部门：{_names(d.short_name for d in directory.departments())}。")
                department_id = found.id
            found_grids = directory.grids_by_number(grids)
            missing = sorted(set(grids) - {g.number for g in found_grids})
            if missing:
                numbers = "、".join(map(str, missing))
                raise RuleError(f"没有第{numbers}网格。现有网格：{_names(g.label for g in directory.grids())}。")
            profile = services.Profile(
                display_name=display_name or username, role=role, department_id=department_id,
                grid_ids=tuple(g.id for g in found_grids),
            )  # fmt: skip
            user = services.create_user(None, username, password, profile)
    except RuleError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"已创建用户 {user.username}（{user.role_label}）。")


def _names(names) -> str:
    """A list for a message, or what to do when it is empty."""
    return "、".join(names) or "无（请先在网页上添加）"


@hub.command("create-admin")
@click.argument("username", default="admin")
@click.option("--name", "display_name", default="系统管理员", help="Display name.")
@click.option(
    "--if-no-users", is_flag=True, help="Do nothing when the database already holds accounts (for `make run`)."
)
@with_appcontext
def create_admin(username, display_name, if_no_users):
    """Create an admin with a random password, printed once; it must be changed at first login."""
    from hubapp.blueprints.auth import services
    from hubapp.blueprints.auth.models import User

    if if_no_users and db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("数据库中已有账号，未创建管理员。忘记密码时可用 flask --app wsgi hub reset-password <用户名>。")
        return
    password = services.random_password()
    try:
        with atomic():
            profile = services.Profile(display_name=display_name, role="admin")
            services.create_user(None, username, password, profile, must_change_password=True)
    except RuleError as error:
        raise click.ClickException(f"{error.message}（用户名 {username}）") from None
    _print_password("已创建管理员账号。", username, password)


@hub.command("reset-password")
@click.argument("username")
@with_appcontext
def reset_password(username):
    """Give USERNAME a random password, printed once; it must be changed at next login."""
    from hubapp.blueprints.auth import services

    password = services.random_password()
    with atomic():
        user = services.find_by_username(username)
        if user is None:
            raise click.ClickException(f"没有用户名为 {username} 的账号。")
        services.reset_password(None, user, password, must_change=True)
    _print_password("已重置密码。", user.username, password)


@hub.command("unlock-login")
@click.argument("username")
@with_appcontext
def unlock_login(username):
    """Let USERNAME try passwords again at once from every address (after too many wrong ones)."""
    from hubapp.blueprints.auth import services, throttle

    with atomic():
        user = services.find_by_username(username)
        if user is None:
            raise click.ClickException(f"没有用户名为 {username} 的账号。")
        throttle.unlock(None, user)
        name = user.username
    click.echo(f"已解除 {name} 的登录限制。")


def _print_password(done: str, username: str, password: str) -> None:
    click.echo(done)
    click.echo(f"  用户名：{username}")
    click.echo(f"  密码：  {password}")
    click.echo("这个密码只显示这一次，请立即登录；登录后须先设置自己的新密码。")


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
    dest.parent.mkdir(parents=True, exist_ok=True)
    _copy_database(Path(engine.url.database), dest)
    click.echo(f"已备份到 {dest}")


audit.describe("database", "数据库", actions={"database.restore": "从备份恢复"}, details={"kept": "恢复前的数据库另存为"})


@hub.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@with_appcontext
def restore(source: Path, yes: bool):
    """Replace the SQLite database with SOURCE, a copy made by `hub backup`.

    The database as it is now is first kept next to it (hub.sqlite3.before-restore-<time>), and
    the copy goes through SQLite's backup API, which takes the write lock: a request under way
    finishes first, and none sees half a database. Stop the server anyway, so that nothing is
    written between the backup's time and now that would be lost without anyone noticing."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        raise click.ClickException(
            "当前数据库是 PostgreSQL，请停止服务后用 pg_restore 恢复 pg_dump 的备份，例如："
            "pg_restore --clean --if-exists --single-transaction --no-owner -d <数据库名> hub.dump"
        )
    backup_revision = _backup_revision(source)
    live = Path(engine.url.database)
    kept = live.with_name(f"{live.name}.before-restore-{clock.now():%Y%m%d-%H%M%S}")
    click.echo(f"将用备份 {source} 替换当前数据库 {live}。")
    click.echo(f"当前数据库先另存为 {kept}，恢复后如有需要可再恢复它。")
    if not yes:
        click.confirm("确定恢复吗？", abort=True)
    live_revision = _revision_of(live)
    # The command's own connections must not hold a snapshot of the database being replaced.
    db.session.remove()
    engine.dispose()
    _copy_database(live, kept)
    _copy_database(source, live)
    with atomic():
        audit.record(None, "database.restore", "database", source.name, kept=str(kept))
    click.echo(f"已从 {source} 恢复。")
    if backup_revision != live_revision:
        click.echo("备份的数据库结构版本与恢复前不同，请运行：flask --app wsgi db upgrade")


def _copy_database(source_path: Path, dest_path: Path) -> None:
    """Copy one SQLite database onto another, page by page under the destination's write lock."""
    source = sqlite3.connect(source_path)
    target = sqlite3.connect(dest_path, timeout=current_app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000)
    try:
        with target:
            source.backup(target)
    finally:
        source.close()
        target.close()


def _backup_revision(path: Path) -> str:
    """The schema revision of a backup, once it is known to be a whole hubapp database."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            intact = connection.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            revision = _revision(connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        intact, revision = False, None
    if not intact or revision is None:
        raise click.ClickException(f"{path} 不是完整的 hubapp 数据库备份（应由 hub backup 生成），未做任何改动。")
    return revision


def _revision_of(path: Path) -> str | None:
    connection = sqlite3.connect(path)
    try:
        return _revision(connection)
    finally:
        connection.close()


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # no such table: not a migrated hubapp database
        return None
    return row[0] if row else None


@hub.command("notify")
@click.option("--loop", is_flag=True, help="Keep running, looking for due messages every NOTIFY_POLL_SECONDS.")
@with_appcontext
def notify(loop: bool):
    """Send the notifications that are due (SMS, 企业微信), then exit: for cron, or with --loop beside the server."""
    import time

    from hubapp.blueprints.notify.sender import Sender

    sender = Sender()
    while True:
        tally = sender.send_due()
        if tally.sent or tally.recorded or tally.retrying or tally.failed or not loop:
            click.echo(
                f"{clock.now():%Y-%m-%d %H:%M:%S} 已发送 {tally.sent} 条，仅记录 {tally.recorded} 条，"
                f"稍后重试 {tally.retrying} 条，发送失败 {tally.failed} 条，等待限速 {tally.paced} 条。"
            )
            for error in tally.errors:
                click.echo(f"  {error}", err=True)
        if not loop:
            return
        # The session's connection goes back to the pool between rounds, so that a restarted
        # database is met with a fresh one.
        db.session.remove()
        time.sleep(float(current_app.config["NOTIFY_POLL_SECONDS"]))
