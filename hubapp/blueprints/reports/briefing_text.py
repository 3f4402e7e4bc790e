"""The 工作简报's paragraphs, written from the centre's figures in the seed article's manner:
"今年以来，共上门收集企业融资需求等10个问题，已推动解决9个，已协助汇科工控公司完成融资450万元".

Every number printed is one of ``CentreFigures``' own, printed as the dashboard prints it
(``Figure.text``); nothing is estimated or rounded up to "余". A sentence whose figure is zero is
left out, and a section with nothing to report says so plainly, so that the 简报 never shows
"完成融资0万元" as an achievement.

A section heading is a line of its own, "一、……", which the print sets in 黑体 (``is_heading``).
"""

import re
from datetime import timedelta

from hubapp.blueprints.reports.figures import CentreFigures, Figure
from hubapp.blueprints.reports.periods import YEAR
from hubapp.formatting import chinese_date

#: "一、" … "十、" at the start of a short line: a section heading.
_HEADING = re.compile(r"^[一二三四五六七八九十]+、\S{1,30}$")
#: Enterprises named one by one in the financing sentence; more are counted ("等N家企业").
NAMED_MAX = 3


def is_heading(paragraph: str) -> bool:
    return bool(_HEADING.match(paragraph))


def n(figure: Figure) -> str:
    """The figure as the dashboard prints it: 450, 12.5, 9/9."""
    return figure.text


def _nonzero(figure: Figure) -> bool:
    return figure.value != 0


def _running(f: CentreFigures) -> bool:
    """The period has not ended: its figures are counted up to ``counted_until``, today."""
    return f.counted_until + timedelta(days=1) < f.period.end


def since(f: CentreFigures) -> str:
    """How the 简报 names its period: "2026年11月"; one still running "今年以来", "2026年11月以来"."""
    if _running(f):
        return {YEAR: "今年以来"}.get(f.period.kind, f"{f.period.label}以来")
    return f.period.label


def _opening(f: CentreFigures) -> str:
    """The first sentence, which says up to which day a running period is counted."""
    until = f"（截至{chinese_date(f.counted_until)}）" if _running(f) else ""
    return f"{since(f)}{until}，产业社区综合党委坚持党建引领，依托党群服务中心服务企业发展。现将有关工作情况简报如下："


def _join(clauses: list[str]) -> str:
    return "，".join(clauses) + "。"


def _financed(f: CentreFigures) -> str:
    names = f.financed_names[:NAMED_MAX]
    count = f.financed_enterprises.value
    if names and count <= NAMED_MAX:
        who = "、".join(names)
    elif names:
        who = f"{'、'.join(names)}等{count}家企业"
    else:
        who = f"{count}家企业"
    return f"已协助{who}完成融资{n(f.financing)}万元"


def _mechanism(f: CentreFigures, when: str) -> list[str]:
    if _nonzero(f.enterprises):
        register = [f"产业社区现有企业{n(f.enterprises)}家"]
        if _nonzero(f.regulated_enterprises):
            register[0] += f"，其中规上企业{n(f.regulated_enterprises)}家"
        if _nonzero(f.grids):
            register.append(f"划分{n(f.grids)}个网格")
        if _nonzero(f.grid_workers):
            register.append(f"由{n(f.grid_workers)}名网格员深入企业开展诉求收集、政策宣传")
        lines = [_join(register)]
    else:
        lines = ["企业名录中尚未登记企业。"]
    if _nonzero(f.visited_enterprises):
        lines.append(f"{when}，网格员走访企业{n(f.visited_enterprises)}家，走访覆盖率{f.visit_coverage.text}。")
    else:
        lines.append(f"{when}，暂无网格员走访企业的记录。")
    if _nonzero(f.meetings_held):
        clauses = [f"召开月度恳谈会、季度座谈会和联席会议等{n(f.meetings_held)}次"]
        if _nonzero(f.decisions_done):
            clauses.append(f"议定事项已落实{n(f.decisions_done)}项")
        if _nonzero(f.decisions_open):
            clauses.append(f"正在推进{n(f.decisions_open)}项")
        lines.append(_join(clauses))
    return lines


def _demands(f: CentreFigures, when: str) -> list[str]:
    if not _nonzero(f.demands_collected):
        return [f"{when}，未收集到企业问题诉求。"]
    clauses = [f"{when}，共上门收集企业各类问题诉求{n(f.demands_collected)}个"]
    if _nonzero(f.demands_solved):
        solved = f"已推动解决{n(f.demands_solved)}个"
        if _nonzero(f.demands_on_time):
            solved += f"，其中按期办结{n(f.demands_on_time)}个"
        clauses.append(solved)
    if _nonzero(f.satisfaction):
        clauses.append(f"企业满意率{f.satisfaction.text}")
    lines = [_join(clauses)]
    results = []
    if _nonzero(f.financing):
        results.append(_financed(f))
    if _nonzero(f.jobs):
        results.append(f"帮助企业解决就业{n(f.jobs)}人")
    if results:
        lines.append(_join(results))
    return lines


def _services(f: CentreFigures) -> list[str]:
    clauses = []
    if _nonzero(f.sessions_held):
        session = (
            f"依托党群服务中心开展政策推送、银企对接、税企联动、法律咨询、引才用工等主题活动{n(f.sessions_held)}场"
        )
        if _nonzero(f.session_attendance):
            session += f"，参加{n(f.session_attendance)}人次"
        clauses.append(session)
    if _nonzero(f.rooms_bookings):
        where = "各功能室" if clauses else "党群服务中心各功能室"
        clauses.append(f"{where}接待预约使用{n(f.rooms_bookings)}次、共{n(f.room_hours)}小时")
    if _nonzero(f.guide_views):
        clauses.append(f"“一事一码”事前指南被查阅{n(f.guide_views)}次")
    return [_join(clauses)] if clauses else ["本期未开展主题活动，暂无功能室预约和指南查阅记录。"]


def _coverage(share: Figure, which: str) -> str | None:
    """ "9家规上企业实现党组织全覆盖", or how many of them have one; nothing when there are none."""
    if not share.of:
        return None
    if share.value == share.of:
        return f"{share.of}家{which}实现党组织全覆盖。"
    return f"{share.of}家{which}中已有{share.value}家建立党组织，覆盖率{share.percent}%。"


def _party(f: CentreFigures) -> list[str]:
    lines = [sentence for sentence in (_coverage(f.party_coverage_regulated, "规上企业"),
                                       _coverage(f.party_coverage_all, "在册企业")) if sentence]  # fmt: skip
    if _nonzero(f.joint_activities):
        activity = f"开展联合主题党日、党建工作交流会议等党建联建活动{n(f.joint_activities)}次"
        if _nonzero(f.activity_attendance):
            activity += f"，参加{n(f.activity_attendance)}人次"
        lines.append(activity + "。")
    cooperation = []
    if _nonzero(f.trained):
        cooperation.append(f"培养技能型人才{n(f.trained)}名")
    if _nonzero(f.placement_person_times):
        cooperation.append(f"提供大学生实习实训{n(f.placement_person_times)}人次")
    if cooperation:
        lines.append("与合作院校深化产学研合作，" + _join(cooperation))
    return lines or ["本期暂无党组织覆盖、党建联建活动和产学研合作的记录。"]


def paragraphs(figures: CentreFigures) -> list[str]:
    """The 简报's paragraphs for ``figures``, headings included."""
    when = since(figures)
    return [
        _opening(figures),
        "一、强化机制支撑，健全服务体系",
        *_mechanism(figures, when),
        "二、畅通诉求渠道，推动闭环办理",
        *_demands(figures, when),
        "三、深化惠企服务，提升服务质效",
        *_services(figures),
        "四、强化作用发挥，激活发展动能",
        *_party(figures),
    ]


def text(figures: CentreFigures) -> str:
    """The paragraphs as the one text staff edit, a blank line between two."""
    return "\n\n".join(paragraphs(figures))
