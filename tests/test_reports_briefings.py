"""工作简报: its figures are ``centre_figures``' own and are printed in the PDF (demo data and a
randomized data set); a figure of zero is never printed as an achievement; numbering per year;
edits kept and version-checked; 重新生成 only after confirming; each 印发 kept byte for byte."""

import random
import re
import subprocess
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from factories import demands, directory
from factories.reports import YEAR, random_year
from PIL import Image
from sqlalchemy.exc import IntegrityError

from hubapp import audit, clock
from hubapp.blueprints.auth.models import User
from hubapp.blueprints.demands import moves, outcomes
from hubapp.blueprints.reports import briefing_printing, briefings
from hubapp.blueprints.reports.figures import centre_figures
from hubapp.blueprints.reports.models import MAX_TEXT, Briefing, BriefingPrint
from hubapp.blueprints.reports.periods import Period
from hubapp.database import atomic
from hubapp.extensions import db


def pdf_text(tmp_path, data: bytes) -> str:
    """The PDF's text as a reader would quote it: without blanks, line breaks and the page numbers
    ("— 1 —") that a sentence running onto the next page is printed around."""
    path = tmp_path / "briefing.pdf"
    path.write_bytes(data)
    found = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"—\d+—", "", re.sub(r"\s+", "", found))


def coverage_phrase(share, which: str) -> str:
    if share.value == share.of:
        return f"{share.of}家{which}实现党组织全覆盖"
    return f"{share.of}家{which}中已有{share.value}家建立党组织，覆盖率{share.percent}%"


def expected_phrases(f) -> list[str]:
    """What the 简报 must say, in its words, with the figures of ``f`` as the dashboard prints them:
    every figure that is not zero."""
    pairs = [
        (f.enterprises, f"现有企业{f.enterprises.text}家"),
        (f.regulated_enterprises, f"规上企业{f.regulated_enterprises.text}家"),
        (f.grids, f"划分{f.grids.text}个网格"),
        (f.grid_workers, f"由{f.grid_workers.text}名网格员"),
        (f.visited_enterprises, f"走访企业{f.visited_enterprises.text}家，走访覆盖率{f.visit_coverage.text}"),
        (f.meetings_held, f"联席会议等{f.meetings_held.text}次"),
        (f.decisions_done, f"已落实{f.decisions_done.text}项"),
        (f.decisions_open, f"正在推进{f.decisions_open.text}项"),
        (f.demands_collected, f"问题诉求{f.demands_collected.text}个"),
        (f.demands_solved, f"已推动解决{f.demands_solved.text}个"),
        (f.demands_on_time, f"按期办结{f.demands_on_time.text}个"),
        (f.satisfaction, f"企业满意率{f.satisfaction.text}"),
        (f.financing, f"完成融资{f.financing.text}万元"),
        (f.jobs, f"解决就业{f.jobs.text}人"),
        (f.sessions_held, f"主题活动{f.sessions_held.text}场"),
        (f.session_attendance, f"参加{f.session_attendance.text}人次"),
        (f.rooms_bookings, f"预约使用{f.rooms_bookings.text}次"),
        (f.room_hours, f"共{f.room_hours.text}小时"),
        (f.guide_views, f"查阅{f.guide_views.text}次"),
        (f.party_coverage_regulated, coverage_phrase(f.party_coverage_regulated, "规上企业")),
        (f.party_coverage_all, coverage_phrase(f.party_coverage_all, "在册企业")),
        (f.joint_activities, f"党建联建活动{f.joint_activities.text}次"),
        (f.activity_attendance, f"参加{f.activity_attendance.text}人次"),
        (f.trained, f"培养技能型人才{f.trained.text}名"),
        (f.placement_person_times, f"实习实训{f.placement_person_times.text}人次"),
    ]
    if f.financed_names:
        pairs.append((f.financing, f"已协助{f.financed_names[0]}"))
    return [phrase for figure, phrase in pairs if figure.value != 0]


@pytest.fixture(autouse=True)
def in_a_request(app):
    """The figures link to their lists (``url_for``), as when staff create a 简报 from its page."""
    with app.test_request_context():
        yield


def issue(actor, period: Period) -> Briefing:
    with atomic():
        return briefings.create(actor, period)


def print_now(actor, briefing: Briefing) -> BriefingPrint:
    with atomic():
        return briefings.print_briefing(actor, briefing, briefing.version)


def assert_printed_as_counted(tmp_path, actor, period: Period) -> list[str]:
    briefing = issue(actor, period)
    printed = pdf_text(tmp_path, print_now(actor, briefing).pdf)
    phrases = expected_phrases(centre_figures(period, clock.today()))
    missing = [phrase for phrase in phrases if phrase not in printed]
    assert not missing, f"not printed as counted: {missing}"
    return phrases


def test_the_demo_years_briefing_prints_the_centres_figures(app, demo, tmp_path):
    staff = db.session.scalar(db.select(User).filter_by(username="staff"))
    phrases = assert_printed_as_counted(tmp_path, staff, Period.containing("year", clock.today()))
    assert len(phrases) > 10, "the demo data should give most sections something to say"


@pytest.mark.parametrize("seed", [7, 2026])
def test_a_randomized_data_sets_briefing_prints_its_figures(app, users, tmp_path, seed):
    rng = random.Random(seed)
    staff = users["staff"]
    enterprises = [
        directory.enterprise(
            f"威海随机{seed}企业{i}有限公司",
            f"随机{i}",
            above_designated_size=rng.random() < 0.4,
        )
        for i in range(rng.randint(2, 7))
    ]
    today = clock.today()
    for index in range(rng.randint(3, 14)):
        received = today - timedelta(days=rng.randint(0, max((today - date(today.year, 1, 1)).days, 0)))
        # The first one financed, so that every data set has a sum of financing to print.
        kind = "funding" if index == 0 else rng.choice(["problem", "funding", "support"])
        made = demands.demand(staff, rng.choice(enterprises), kind=kind, title=f"随机诉求{index}", received_on=received)
        if index == 0 or rng.random() < 0.6:
            with atomic():
                moves.accept(staff, made)
                funding = Decimal(rng.randint(1, 90_000)) / 100 if kind == "funding" else None
                outcome = outcomes.Outcome(
                    funding_amount=funding, funding_instrument="loan" if funding else None,
                    jobs_filled=rng.choice([None, rng.randint(1, 12)]),
                )  # fmt: skip
                outcomes.record(staff, made, outcome)
                moves.answer(staff, made, "已协调解决。")
                moves.close(staff, made, rng.choice(["satisfied", "basic"]))
    phrases = assert_printed_as_counted(tmp_path, staff, Period.containing("year", today))
    assert any(phrase.startswith("完成融资") for phrase in phrases)


def test_the_reports_randomized_years_briefing_prints_every_figure_of_it(app, users, monkeypatch, tmp_path):
    """The year the reports tests build through every domain's services (``random_year``): sessions with
    check-ins, joint activities, placements, training and meetings besides the demands."""
    random_year(users, monkeypatch)
    phrases = assert_printed_as_counted(tmp_path, users["staff"], Period("year", YEAR, 1))
    assert len(phrases) >= 20


def test_an_empty_centre_says_plainly_that_it_has_nothing_to_report(app, users, tmp_path):
    period = Period.containing("month", clock.today())
    briefing = issue(users["staff"], period)
    assert "未收集到企业问题诉求" in briefing.text
    for boast in ("已推动解决", "完成融资", "提供大学生实习实训", "解决就业", "开展联合主题党日"):
        assert boast not in briefing.text
    assert not re.search(r"(?<![\d.])0(个|万元|名|人次|场|小时)", briefing.text)


def test_numbers_run_per_year_of_writing_and_each_is_audited(app, users, monkeypatch):
    staff = users["staff"]
    first = issue(staff, Period.parse("2026-10"))
    second = issue(staff, Period.parse("2026-q3"))
    assert (first.number, second.number) == (1, 2)
    assert first.issue_label == f"{clock.today().year}年第1期"
    new_year = datetime(clock.today().year + 1, 1, 5, 9, 0)
    monkeypatch.setattr(clock, "now", lambda: new_year)
    next_year = issue(staff, Period.parse("2026"))
    assert (next_year.year, next_year.number) == (first.year + 1, 1)
    assert [e.action for e in audit.entries_for("briefing", first.id)] == ["briefing.create"]


def test_the_database_refuses_a_number_given_twice_in_a_year(app, users):
    first = issue(users["staff"], Period.parse("2026-10"))
    twin = Briefing(
        year=first.year, number=first.number, period_slug="2026-09", text="同号简报", created_at=first.created_at,
        updated_at=first.created_at,
    )  # fmt: skip
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_pages_create_edit_keep_the_text_and_refuse_a_stale_save(client, auth, users):
    auth.login("staff")
    assert "还没有工作简报" in client.get("/reports/briefings/").get_data(as_text=True)
    period = Period.containing("month", clock.today())
    response = client.post("/reports/briefings/new", data={"period": period.slug})
    assert response.status_code == 303
    briefing = db.session.scalar(db.select(Briefing))
    edited = "一、本月工作\n\n本月中心接待企业来访，已逐一登记。"
    saved = client.post(f"/reports/briefings/{briefing.id}", data={"text": edited, "version": "1"})
    assert saved.status_code == 303
    db.session.refresh(briefing)
    assert briefing.text == edited and briefing.version == 2
    page = client.get(f"/reports/briefings/{briefing.id}").get_data(as_text=True)
    assert "本月中心接待企业来访，已逐一登记。" in page
    stale = client.post(f"/reports/briefings/{briefing.id}", data={"text": "旧页面上的修改", "version": "1"})
    assert stale.status_code == 409
    db.session.refresh(briefing)
    assert briefing.text == edited


def test_a_text_too_long_is_refused_next_to_the_field(client, auth, users):
    auth.login("staff")
    briefing = issue(users["staff"], Period.containing("month", clock.today()))
    response = client.post(
        f"/reports/briefings/{briefing.id}", data={"text": "字" * (MAX_TEXT + 1), "version": str(briefing.version)}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'<p class="error" id="text-error">正文不超过20000字。</p>', page)
    assert "字" * 100 in page, "what the user typed stays in the form"


def test_a_period_that_is_not_one_is_a_400_that_says_why(client, auth, users):
    auth.login("staff")
    for slug in ("2026-13", "2026-q5", "abc", "1999"):
        refused = client.get(f"/reports/briefings/new?period={slug}")
        assert refused.status_code == 400 and "统计期间格式不正确" in refused.get_data(as_text=True)
    assert client.get("/reports/briefings/new?period=2025-q2").status_code == 200


def test_a_period_not_begun_is_refused_with_a_message(client, auth, users):
    auth.login("staff")
    next_year = Period("year", clock.today().year + 1, 1)
    response = client.post("/reports/briefings/new", data={"period": next_year.slug})
    assert response.status_code == 422
    assert f"{next_year.label}尚未开始，无法编写简报。" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Briefing.id))) == 0


def test_each_print_is_kept_byte_for_byte_and_downloadable(client, auth, users, tmp_path):
    auth.login("staff")
    staff = users["staff"]
    briefing = issue(staff, Period.containing("month", clock.today()))
    first = print_now(staff, briefing)
    with atomic():
        briefings.save_text(staff, briefing, "一、改后的正文\n\n第二次印发的内容。", briefing.version)
    second = print_now(staff, briefing)
    assert first.pdf != second.pdf and first.text != second.text
    for kept in (first, second):
        response = client.get(f"/reports/briefings/{briefing.id}/prints/{kept.id}.pdf")
        assert response.status_code == 200 and response.data == kept.pdf
    assert "第二次印发的内容。" in pdf_text(tmp_path, second.pdf)
    assert "第二次印发的内容。" not in pdf_text(tmp_path, first.pdf)
    listing = client.get("/reports/briefings/").get_data(as_text=True)
    assert f"/reports/briefings/{briefing.id}/prints/{first.id}.pdf" in listing
    assert f"/reports/briefings/{briefing.id}/prints/{second.id}.pdf" in listing
    assert client.get(f"/reports/briefings/{briefing.id + 1}/prints/{first.id}.pdf").status_code == 404


def test_a_print_of_a_version_someone_changed_since_is_refused(client, auth, users):
    auth.login("staff")
    staff = users["staff"]
    briefing = issue(staff, Period.containing("month", clock.today()))
    with atomic():
        briefings.save_text(staff, briefing, "他人刚保存的正文。", briefing.version)
    response = client.post(f"/reports/briefings/{briefing.id}/print", data={"version": "1"})
    assert response.status_code == 409
    assert db.session.scalar(db.select(db.func.count(BriefingPrint.id))) == 0


def test_regenerating_needs_confirming_and_discards_the_edits(client, auth, users):
    auth.login("staff")
    staff = users["staff"]
    briefing = issue(staff, Period.containing("month", clock.today()))
    generated = briefing.text
    with atomic():
        briefings.save_text(staff, briefing, "手工改写的正文。", briefing.version)
    unconfirmed = client.post(f"/reports/briefings/{briefing.id}/regenerate", data={"version": str(briefing.version)})
    assert unconfirmed.status_code == 422
    assert "请先勾选确认" in unconfirmed.get_data(as_text=True)
    db.session.refresh(briefing)
    assert briefing.text == "手工改写的正文。"
    confirmed = client.post(
        f"/reports/briefings/{briefing.id}/regenerate", data={"version": str(briefing.version), "confirm": "y"}
    )
    assert confirmed.status_code == 303
    db.session.refresh(briefing)
    assert briefing.text == generated
    assert [e.action for e in audit.entries_for("briefing", briefing.id)] == [
        "briefing.create", "briefing.update", "briefing.regenerate",
    ]  # fmt: skip


def test_only_the_newest_issue_never_printed_may_be_deleted_and_its_number_is_taken_again(client, auth, users):
    auth.login("staff")
    staff = users["staff"]
    first = issue(staff, Period.parse("2026-09"))
    printed = issue(staff, Period.parse("2026-10"))
    print_now(staff, printed)
    mistaken = issue(staff, Period.parse("2026-q3"))
    first_id, mistaken_id = first.id, mistaken.id
    older = client.get(f"/reports/briefings/{first_id}").get_data(as_text=True)
    assert "已有更新的一期，删除本期会造成期号断号，不能删除。" in older and "/delete" not in older
    page = client.get(f"/reports/briefings/{mistaken_id}").get_data(as_text=True)
    assert "删除本期" in page and f"确定删除工作简报{mistaken.issue_label}吗？" in page
    stale = client.post(f"/reports/briefings/{mistaken_id}/delete", data={"version": str(mistaken.version - 1)})
    assert stale.status_code == 409
    deleted = client.post(f"/reports/briefings/{mistaken_id}/delete", data={"version": str(mistaken.version)})
    assert deleted.status_code == 303 and deleted.headers["Location"].endswith("/reports/briefings/")
    assert db.session.get(Briefing, mistaken_id) is None
    assert [e.action for e in audit.entries_for("briefing", mistaken_id)] == ["briefing.create", "briefing.delete"]
    # The printed one is now the newest, and still may not go: what was issued stays.
    refused = client.post(f"/reports/briefings/{printed.id}/delete", data={"version": str(printed.version)})
    assert refused.status_code == 403 and "该期已印发，不能删除" in refused.get_data(as_text=True)
    refused_older = client.post(f"/reports/briefings/{first_id}/delete", data={"version": str(first.version)})
    assert refused_older.status_code == 403
    assert issue(staff, Period.parse("2026-q3")).number == 3


def test_the_draft_preview_is_marked_and_the_print_carries_number_and_date(app, users, tmp_path):
    staff = users["staff"]
    briefing = issue(staff, Period.containing("month", clock.today()))
    draft = pdf_text(tmp_path, briefing_printing.briefing_pdf(briefing))
    assert "草稿（未印发）" in draft
    issued = pdf_text(tmp_path, print_now(staff, briefing).pdf)
    assert "草稿" not in issued
    assert "工作简报" in issued and f"第{briefing.number}期" in issued
    today = clock.today()
    assert f"{today.year}年{today.month}月{today.day}日印发" in issued


def poppler(tmp_path, tool: str, data: bytes, *args: str) -> str:
    path = tmp_path / "briefing.pdf"
    path.write_bytes(data)
    return subprocess.run([tool, *args, str(path)], check=True, capture_output=True, text=True).stdout


def red_rows_mm(tmp_path, data: bytes) -> list[float]:
    """Millimetres from the paper's top edge of every row of page 1 holding red ink."""
    path = tmp_path / "red.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "100", "-f", "1", "-l", "1", "-png", str(path), str(tmp_path / "p")], check=True)
    image = Image.open(next(tmp_path.glob("p-*.png"))).convert("RGB")
    pixels, mm = image.load(), 100 / 25.4
    return [
        y / mm
        for y in range(image.height)
        if any(
            pixels[x, y][0] > 150 and pixels[x, y][1] < 90 and pixels[x, y][2] < 90 for x in range(0, image.width, 2)
        )
    ]


def test_the_printed_briefing_is_an_a4_gongwen_with_a_red_masthead(app, demo, tmp_path):
    """A4 with the CJK fonts embedded; red ink only in the masthead and the rule under it, inside the
    text block that starts 37 mm from the top (GB/T 9704)."""
    staff = db.session.scalar(db.select(User).filter_by(username="staff"))
    data = print_now(staff, issue(staff, Period.containing("year", clock.today()))).pdf
    assert "595.276 x 841.89 pts (A4)" in poppler(tmp_path, "pdfinfo", data)
    embedded = [line for line in poppler(tmp_path, "pdffonts", data).splitlines() if "CJK" in line]
    assert any("Serif-CJK-SC" in line for line in embedded) and any("Sans-CJK-SC-Bold" in line for line in embedded)
    assert all(line.split()[-5] == "yes" for line in embedded)
    red = red_rows_mm(tmp_path, data)
    assert red and 37 <= min(red) and max(red) < 110, (min(red), max(red))
