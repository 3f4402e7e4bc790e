"""Configuration defaults.

Order of precedence (later wins): these defaults, then ``instance/config.py``, then ``HUB_*``
environment variables (``HUB_SQLALCHEMY_DATABASE_URI``, ``HUB_SECRET_KEY``, ``HUB_CENTRE_NAME``,
``HUB_PUBLIC_BASE_URL`` …).

Times are stored as naive local time of the centre (Asia/Shanghai): the centre, its rooms and
its users live in one time zone, and opening hours are wall-clock times. ``hubapp.clock.now()``
is the one place that reads the clock.
"""

CENTRE_NAME = "蓝色创业谷产业社区党群服务中心"
CENTRE_SHORT_NAME = "蓝色创业谷党群服务中心"
TIMEZONE = "Asia/Shanghai"

#: Printed QR codes encode this base + a stable address (/g/<code>, /s/<id>), so that a sheet
#: points at the host enterprises reach, not at the machine that rendered it.
PUBLIC_BASE_URL = "http://127.0.0.1:5000"

SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
SQLITE_BUSY_TIMEOUT_MS = 15000

#: How many reverse proxies stand in front of the app and add X-Forwarded-For (nginx: 1). 0 trusts
#: no such header, which is right when the app is reached directly.
PROXY_HOPS = 0
#: The largest request body, in MB: a room photo (8 MB), an Excel import (5 MB) or a public demand's
#: three photos (5 MB each) and the form around them. Larger bodies are refused with a 413 before
#: they are read.
MAX_UPLOAD_MB = 20

#: Made Secure when PUBLIC_BASE_URL is https (hubapp.configure).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
WTF_CSRF_TIME_LIMIT = None

#: memory:// is right for one server process; several gunicorn workers or hosts share counts
#: through Redis: HUB_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = True
#: Said explicitly: Flask-Limiter keeps one app's RATELIMIT_ENABLED=False for every later app that
#: does not say it (one limiter object serves every app the process makes).
RATELIMIT_ENABLED = True
#: A limit storage that cannot be reached (Redis restarting) lets requests through, logged, rather
#: than answering every visitor with an error.
RATELIMIT_SWALLOW_ERRORS = True
#: Wrong passwords for one account from one address: tiers, so that the wait grows with the
#: failures and ends by itself (auth/throttle.py). Another address is not slowed down.
LOGIN_LIMIT_PER_ACCOUNT_ADDRESS = "5 per minute; 10 per 10 minutes; 20 per hour"
#: Wrong passwords from one address, whatever the accounts.
LOGIN_LIMIT_PER_ADDRESS = "20 per 5 minutes"

PAGE_SIZE = 30

#: werkzeug's default; the test suite sets a cheap one so that making users does not dominate it.
PASSWORD_HASH_METHOD = "scrypt"

#: Field messages come from WTForms' own Chinese catalogue (HubForm sets the locale).
WTF_I18N_ENABLED = False

#: Guides (一事一码): flag published guides not reviewed for this many days on the staff home.
GUIDE_REVIEW_DAYS = 180
#: Views of /g/<code> are counted in memory and written at most this often, or after this many hits.
GUIDE_VIEW_FLUSH_SECONDS = 10
GUIDE_VIEW_FLUSH_HITS = 200
GUIDE_FEEDBACK_LIMIT = "5 per hour"
#: Public pages kept in a worker's memory (/g/, /s/, /e/): how long, in seconds, a worker may trust
#: what it last read of their version before asking the database again. A change made by another
#: worker or host shows within this (the issue asks for 1 s); one made by the same worker at once.
PUBLIC_STALE_SECONDS = 0.5

#: Rooms: a confirmed booking may be checked in from this many minutes before its start, so that
#: people can arrive a little early.
ROOM_CHECK_IN_OPENS_MINUTES = 30
#: Sessions: check-in at the door opens this many minutes before the start, so that the early
#: arrivals are let in while a scan weeks ahead (a wrong session picked) is refused.
SESSION_CHECK_IN_OPENS_MINUTES = 60
#: Sessions: public sign-ups allowed per address.
SESSION_SIGNUP_LIMIT = "30 per minute"
#: Enterprise-name suggestions on public forms, per address: plenty for typing one name, too few
#: to read the register out.
PUBLIC_SUGGEST_LIMIT = "60 per minute"

#: Demands raised on the public form (/e/demands/new): tries per address, demands per mobile.
FRONT_DEMAND_LIMIT_PER_ADDRESS = "20 per hour"
FRONT_DEMAND_LIMIT_PER_MOBILE = "5 per day"
#: Look-ups of a demand by number and mobile on 我的办件, per address.
FRONT_LOOKUP_LIMIT = "10 per hour"

#: The centre's public phone, shown to enterprises after they request a room and on /e/; None hides it.
CENTRE_PHONE = None
#: Where and when enterprises find the centre, as /e/ and its poster show them; None hides the line.
CENTRE_ADDRESS = "山东省威海南海新区蓝色创业谷"
CENTRE_HOURS = "周一至周日全天免费开放"

#: Print once as the app is made (hubapp.pdf.warm_up), so the first PDF a gunicorn worker makes
#: is as quick as the next; serve.conf.py turns it on for the workers (HUB_PDF_WARM_UP=1).
PDF_WARM_UP = False

#: Notifications (hubapp/blueprints/notify). Until a channel is switched on, the sender only records
#: its messages, visible to admins at /admin/notifications: the demo and the tests never text anyone.
NOTIFY_WECOM_SEND = False
NOTIFY_SMS_SEND = False
#: The centre's own 企业微信 group robot (staff): https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…
NOTIFY_STAFF_WEBHOOK = ""
#: A robot accepts at most 20 messages a minute; the sender waits rather than exceed it.
NOTIFY_WECOM_PER_MINUTE = 20
#: The site's SMS gateway (most 政务短信平台 take a POST with the mobile and the text). The body is
#: JSON unless NOTIFY_SMS_FORM is true (application/x-www-form-urlencoded); NOTIFY_SMS_EXTRA holds the
#: credentials and any fixed fields, e.g. HUB_NOTIFY_SMS_EXTRA='{"account": "…", "password": "…"}'.
NOTIFY_SMS_URL = ""
NOTIFY_SMS_FORM = False
NOTIFY_SMS_MOBILE_FIELD = "mobile"
NOTIFY_SMS_TEXT_FIELD = "content"
NOTIFY_SMS_EXTRA: dict = {}
#: The answer's field that says how it went, the value meaning success, and the values meaning the
#: number can never receive (not retried). An empty field name: any 2xx answer is success.
NOTIFY_SMS_RESULT_FIELD = "code"
NOTIFY_SMS_SUCCESS = "0"
NOTIFY_SMS_BAD_NUMBER: list = []
#: SMS are sent between these hours only; those queued outside wait for the morning.
NOTIFY_SMS_HOURS = "08:00-21:00"
#: E-mail for staff who ask for it on their 通知设置 page: sent through this SMTP server once
#: NOTIFY_SMTP_HOST is set (until then only recorded). NOTIFY_SMTP_TLS: "starttls", "ssl" (implicit
#: TLS, usually port 465) or "none"; a login only when NOTIFY_SMTP_USER is set.
NOTIFY_SMTP_HOST = ""
NOTIFY_SMTP_PORT = 587
NOTIFY_SMTP_TLS = "starttls"
NOTIFY_SMTP_USER = ""
NOTIFY_SMTP_PASSWORD = ""
NOTIFY_SMTP_FROM = "hub@localhost"
#: Tries before a message is given up as failed; the wait doubles after each (1, 2, 4 … minutes).
NOTIFY_MAX_ATTEMPTS = 6
#: The sender's loop (--loop) looks for due messages this often.
NOTIFY_POLL_SECONDS = 10
