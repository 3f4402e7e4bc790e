"""The poster of the centre's own code: one big QR code to /e/ for the lobby, the lifts and every
enterprise's reception."""

from flask import url_for

from hubapp import pdf, qr

#: What an enterprise can do once it has scanned, as the poster lists it.
SERVICES = [
    ("查办事指南", "“一事一码”事前指南，来前备齐材料"),
    ("报名活动", "政策推送、银企对接、税企联动、法律咨询、引才用工"),
    ("预约场地", "会议室、文化活动室、党员组织生活教育馆等免费预约"),
    ("提诉求", "问题诉求、技术需求、资金需求、配套需求，直通车办理"),
    ("我的办件", "查看诉求办理进度，办结后评价"),
]


def front_url() -> str:
    return qr.public_url(url_for("front.home"))


def poster_pdf(address: str | None, hours: str | None, phone: str | None) -> bytes:
    return pdf.render_pdf(
        "front/pdf/poster.html",
        qr_svg=qr.svg(front_url(), border=0, scalable=True),
        url=front_url(),
        services=SERVICES,
        address=address,
        hours=hours,
        phone=phone,
    )
