"""``flask --app wsgi facilities mark-no-shows``: for cron, e.g. every 5 minutes."""

import click

from hubapp.blueprints.facilities import bp, services


@bp.cli.command("mark-no-shows")
def mark_no_shows():
    """Mark confirmed bookings not checked in after the room's grace period as no-shows."""
    lapsed = services.mark_no_shows()
    for booking in lapsed:
        click.echo(f"爽约：{booking.room.name} {booking.start_at:%Y-%m-%d %H:%M} {booking.title}")
    click.echo(f"共标记 {len(lapsed)} 个预约为爽约。")
