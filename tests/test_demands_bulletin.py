"""The monthly 通报 (issue 14): one month's figures per department, outcomes added up exactly, the
overdue and handed-back demands and the red decisions named; its page and its A4 PDF."""

import subprocess
from datetime import date, datetime
from decimal import Decimal

import pytest
from factories import meetings

from hubapp import clock
from hubapp.blueprints.demands import bulletin, liaison, moves, outcomes
from hubapp.blueprints.meetings import decisions
from hubapp.database import atomic
from tests.test_demands_services import department, firms, raise_demand, transferred  # noqa: F401  (fixture)

OCTOBER = date(2026, 10, 1)


def _on(monkeypatch, day: date) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(day.year, day.month, day.day, 10, 0))


@pytest.fixture
def october(monkeypatch, users, firms):
    """October 2026 as the centre lived it, read on 5 November: at 税务分局 one demand answered on
    time with 300 万元 of loans and closed, one never acknowledged and left past its deadline, one
    handed back; at
    经济发展局 one still within its deadline; one demand handled by the centre itself with
    150.5 万元 guaranteed and 3 hires; and a meeting decision overdue since 20 October."""
    staff, tax_liaison = users["staff"], users["liaison"]
    _on(monkeypatch, date(2026, 10, 12))
    loan = transferred(users, firms, kind="funding", title="设备升级流动资金", deadline=date(2026, 10, 20))
    late = transferred(users, firms, title="出口退税进度", deadline=date(2026, 10, 14))
    misrouted = transferred(users, firms, title="厂区道路照明", deadline=date(2026, 11, 20))
    waiting = transferred(users, firms, "经济发展局", title="申报专精特新", deadline=date(2026, 11, 20))
    direct = raise_demand(users, firms["away"], kind="funding", title="厂房扩建贷款")
    with atomic():
        liaison.acknowledge(tax_liaison, loan)
        outcomes.record(tax_liaison, loan, outcomes.Outcome(Decimal("300"), "loan", "威海市商业银行"))
        moves.answer(tax_liaison, loan, "已放款。")
        moves.close(staff, loan, "satisfied")
        liaison.hand_back(tax_liaison, misrouted, "不属于本部门职责", "供电公司")
        moves.accept(staff, direct)
        outcomes.record(staff, direct, outcomes.Outcome(Decimal("150.5"), "guarantee", jobs_filled=3))
        moves.answer(staff, direct, "已担保放款。")
    meeting = meetings.meeting(staff, start=datetime(2026, 10, 9, 9, 0))
    decision = meetings.fill(staff, meeting, department("税务分局"))
    with atomic():
        decision.deadline = date(2026, 10, 20)
    meetings.issue(meeting, users["admin"], staff)
    _on(monkeypatch, date(2026, 11, 5))
    return {"late": late, "misrouted": misrouted, "waiting": waiting, "decision": decision}


def test_the_months_figures_per_department_and_outcomes_add_up(october):
    report = bulletin.bulletin(OCTOBER)
    assert report.as_of == date(2026, 10, 31)
    assert (report.received, report.closed, report.overdue) == (5, 1, 1)
    assert report.funding == Decimal("450.5") and report.jobs == 3
    tax, economy = report.departments
    assert (tax["name"], tax["received"], tax["closed"], tax["overdue"]) == ("国家税务总局威海南海新区税务局", 3, 1, 1)
    assert (tax["on_time_rate"], tax["satisfaction_rate"], tax["signing_rate"]) == ("50.0%", "100.0%", "50.0%")
    assert (economy["received"], economy["overdue"], economy["on_time_rate"]) == (1, 0, "—")
    assert [d.title for d in report.overdue_demands] == ["出口退税进度"]
    assert [(d.title, e.note) for d, e in report.returned] == [("厂区道路照明", "不属于本部门职责。建议转供电公司")]
    assert report.decisions.counts["red"] == 1 and report.decisions.overdue == [october["decision"]]
    assert report.headline == (
        "2026年10月共收集各类问题诉求5个，办结销号1个，截至10月31日逾期未反馈1个；协助企业完成融资450.5万元，解决就业3人。"
    )


def test_an_answer_after_the_month_still_counts_as_overdue_in_that_month(october, users):
    with atomic():
        moves.answer(users["liaison"], october["late"], "已退税。")
    assert bulletin.bulletin(OCTOBER).overdue == 1
    assert bulletin.bulletin(date(2026, 11, 1)).overdue == 0


def test_the_pdf_is_a4_and_says_the_figures(auth, client, october, tmp_path):
    auth.login("staff")
    response = client.get("/demands/report/2026-10.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "bulletin.pdf"
    pdf.write_bytes(response.data)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.2" in info and "841.8" in info  # A4 in points
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "企业服务直通车工作通报" in flat and "（2026年10月）" in flat
    assert "协助企业完成融资450.5万元，解决就业3人" in flat
    assert "出口退税进度" in flat and "不属于本部门职责" in flat
    assert "社保政策" in flat and "红色（已逾期）1项" in flat
    assert "50.0%" in flat


def test_the_page_previews_last_month_and_refuses_a_month_to_come(auth, client, october):
    auth.login("staff")
    page = client.get("/demands/report").get_data(as_text=True)
    assert "（2026年10月）" in page and "/demands/report/2026-10.pdf" in page and '<svg class="chart"' in page
    refused = client.get("/demands/report?month=2027-01")
    assert refused.status_code == 422 and "无法生成通报" in refused.get_data(as_text=True)
    assert client.get("/demands/report?month=abc").status_code == 422
    assert client.get("/demands/report/2026-12.pdf").status_code == 404
    assert client.get("/demands/report/2026-13.pdf").status_code == 404
    assert client.get(f"/meetings/decisions?colour=red&unit={october['decision'].department_id}").status_code == 200


def test_a_liaison_may_not_read_the_bulletin(auth, client, october):
    auth.login("liaison")
    assert client.get("/demands/report").status_code == 403
    assert client.get("/demands/report/2026-10.pdf").status_code == 403


def test_a_month_without_anything_still_prints(auth, client, users):
    auth.login("staff")
    response = client.get("/demands/report/2026-01.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert decisions.colour_report(date(2026, 1, 31), date(2026, 1, 1), date(2026, 1, 31)).counts == {
        "blue": 0,
        "yellow": 0,
        "red": 0,
    }


def test_a_decision_finished_after_the_month_is_still_red_in_that_months_bulletin(october, users):
    with atomic():
        decisions.complete_decision(users["liaison"], october["decision"], "已开展三场宣讲")
    assert bulletin.bulletin(OCTOBER).decisions.overdue == [october["decision"]]
    november = bulletin.bulletin(date(2026, 11, 1)).decisions
    assert november.counts["red"] == 0 and november.done_in_period == 1
