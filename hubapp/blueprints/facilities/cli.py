"""``flask --app wsgi facilities mark-no-shows``: for cron, e.g. every 5 minutes."""

import click

from hubapp.blueprints.facilities import bp, sweeper


@bp.cli.command("mark-no-shows")
def mark_no_shows():
    """Mark confirmed bookings not checked in after the room's grace period as no-shows, and
    reject requests still pending at their start."""
    lapsed, expired = sweeper.sweep()
    for booking in lapsed:
        click.echo(f"爽约：{booking.room.name} {booking.start_at:%Y-%m-%d %H:%M} {booking.title}")
    click.echo(f"共标记 {len(lapsed)} 个预约为爽约。")
    if expired:
        click.echo(f"另有 {len(expired)} 个申请到开始时间仍未审核，已自动驳回。")
