from hubapp.blueprints.auth.models import User
from hubapp.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session id ``<user id>:<session version>`` (``User.get_id``). A session begun
    before the version last changed, or one of a deactivated account, is no session: the visitor
    is sent to the login page."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
