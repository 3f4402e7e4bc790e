"""Staff pages: writing a guide in the form (rows added, removed, moved), errors kept next to the
field, publishing, versions, restore and archive through the buttons, and the home page flag."""

import pytest
from factories import guides

from hubapp.blueprints.guides import reading, visitors, writing
from hubapp.database import atomic
from hubapp.extensions import db


def form_fields(**changes):
    fields = {
        "code": "qy-bg",
        "name": "企业变更登记",
        "category": "enterprise",
        "matter_type": "instant",
        "service_object": "legal",
        "department": "南海新区市场监督管理局",
        "window": "登记注册窗口",
        "materials-0-name": "变更登记申请书",
        "materials-0-form": "original",
        "materials-0-copies": "1",
        "materials-0-required": "y",
        "materials-0-notes": "",
        "materials-1-name": "股东会决议",
        "materials-1-form": "copy",
        "materials-1-copies": "2",
        "materials-1-notes": "全体股东签字",
        "steps-0-title": "窗口受理",
        "steps-0-detail": "",
        "legal_limit_days": "3",
        "promised_limit_days": "0",
        "fee_free": "1",
        "place": "便民服务大厅1号窗口",
        "office_hours": "周一至周五 9:00–17:00",
        "consult_phone": "0631-3981008",
        "complaint_phone": "12345",
    }
    fields.update(changes)
    return fields


@pytest.fixture
def staff(auth):
    auth.login("staff")


def test_staff_write_a_guide_in_the_form(client, staff):
    response = client.post("/guides/new", data=form_fields())
    assert response.status_code == 303
    assert response.headers["Location"] == "/guides/qy-bg"
    matter = reading.get_by_code("qy-bg")
    assert [(m["name"], m["form"], m["copies"], m["required"]) for m in matter.materials] == [
        ("变更登记申请书", "original", 1, True),
        ("股东会决议", "copy", 2, False),
    ]
    assert matter.status == "draft"


def test_errors_are_shown_next_to_the_field_and_nothing_typed_is_lost(client, staff):
    response = client.post(
        "/guides/new", data=form_fields(code="QY BG", consult_phone="电话", **{"materials-1-name": ""})
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "3–20 位" in html and "请填写电话号码" in html
    assert "请填写材料名称" in html  # notes without a name
    assert 'value="全体股东签字"' in html and 'value="企业变更登记"' in html
    assert reading.get_by_code("qy-bg") is None


def test_a_taken_code_is_reported_on_the_code_field(client, staff, users):
    guides.matter("qy-bg", actor=users["staff"])
    response = client.post("/guides/new", data=form_fields(name="另一个事项"))
    assert response.status_code == 422
    assert "该编码已被使用" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("materials:add", ["变更登记申请书", "股东会决议", ""]),
        ("materials:remove:0", ["股东会决议"]),
        ("materials:up:1", ["股东会决议", "变更登记申请书"]),
        ("materials:down:0", ["股东会决议", "变更登记申请书"]),
    ],
)
def test_material_rows_are_added_removed_and_moved_without_saving(client, staff, op, expected):
    response = client.post("/guides/new", data=form_fields(row_op=op), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.startswith('\n<form id="guide-form"') or html.lstrip().startswith('<form id="guide-form"')
    names = [html.split(f'name="materials-{i}-name"')[1].split('value="')[1].split('"')[0] for i in range(len(expected))]
    assert names == expected
    assert f'name="materials-{len(expected)}-name"' not in html
    assert reading.get_by_code("qy-bg") is None


def test_a_moved_row_keeps_its_own_details(client, staff):
    html = client.post("/guides/new", data=form_fields(row_op="materials:up:1")).get_data(as_text=True)
    first = html.split('name="materials-0-notes"')[0].rsplit("<tr", 1)[1]
    assert 'value="股东会决议"' in first and 'selected value="copy"' in first


def test_editing_keeps_the_code_and_tells_what_changed(client, staff, users):
    guides.matter("qy-bg", actor=users["staff"], published=True)
    page = client.get("/guides/qy-bg/edit").get_data(as_text=True)
    assert 'value="变更登记申请书"' in page and "不可修改" in page
    response = client.post(
        "/guides/qy-bg/edit", data=form_fields(code="other", office_hours="周一至周六", version="1"), follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "已保存：" in html and "办理时间" in html and "重新发布后才会更新" in html
    assert reading.get_by_code("qy-bg").office_hours == "周一至周六"
    assert reading.get_by_code("other") is None


def test_publish_compare_restore_and_archive_through_the_buttons(client, staff, users):
    matter = guides.matter("qy-bg", actor=users["staff"])
    assert "已发布" in client.post("/guides/qy-bg/publish", follow_redirects=True).get_data(as_text=True)
    with atomic():
        writing.update_matter(users["staff"], matter, guides.content(name="企业变更登记（改）"))
    client.post("/guides/qy-bg/publish")
    diff = client.get("/guides/qy-bg/diff?from=1&to=2").get_data(as_text=True)
    assert "<del>企业变更登记</del>" in diff and "<ins>企业变更登记（改）</ins>" in diff
    client.post("/guides/qy-bg/versions/1/restore", data={"version": matter.version})
    db.session.refresh(matter)
    assert matter.name == "企业变更登记"
    detail = client.get("/guides/qy-bg").get_data(as_text=True)
    assert "尚未发布的修改" in detail
    assert client.get("/guides/qy-bg/versions/1").status_code == 200
    client.post("/guides/qy-bg/archive")
    assert client.get("/g/qy-bg").status_code == 410


def test_an_archived_guide_says_it_is_not_public_and_cannot_be_edited(client, staff, users):
    matter = guides.matter("qy-bg", actor=users["staff"], published=True)
    with atomic():
        writing.archive(users["staff"], matter)
    detail = client.get("/guides/qy-bg").get_data(as_text=True)
    assert "当前公开" not in detail and "已归档" in detail
    assert "第1版</small>" not in client.get("/guides/").get_data(as_text=True)
    response = client.get("/guides/qy-bg/edit", follow_redirects=True)
    assert response.request.path == "/guides/qy-bg"
    assert "请先恢复为草稿" in response.get_data(as_text=True)
    # Archived by a colleague while this form was open: the text typed stays on screen.
    response = client.post("/guides/qy-bg/edit", data=form_fields(name="企业变更登记（改）"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "请先恢复为草稿" in html and 'value="企业变更登记（改）"' in html
    db.session.refresh(matter)
    assert matter.name == "企业变更登记"


def test_a_refused_action_is_explained(client, staff, users):
    guides.matter("qy-bg", actor=users["staff"], steps=[])
    html = client.post("/guides/qy-bg/publish", follow_redirects=True).get_data(as_text=True)
    assert "发布前请补全：办理流程" in html


def test_unknown_codes_and_versions_answer_404(client, staff, users):
    guides.matter("qy-bg", actor=users["staff"])
    assert client.get("/guides/none-such").status_code == 404
    assert client.get("/guides/qy-bg/versions/3").status_code == 404
    assert client.get("/guides/qy-bg/diff?from=1").status_code == 302  # nothing published yet
    assert client.get("/guides/qr-sheet.pdf?category=nonsense").status_code == 404


def test_the_list_filters_and_flags_guides_due_for_review(client, demo):
    client.post("/login", data={"username": "staff", "password": "demo-2026"})
    html = client.get("/guides/?category=tax", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "发票领用" in html and "企业变更登记" not in html
    assert 'href="/guides/qr-sheet.pdf?category=tax"' in html
    assert "待复核" in client.get("/guides/?category=talent").get_data(as_text=True)


def test_the_home_page_flags_guides_not_reviewed_for_the_configured_days(app, client, staff, users):
    matter = guides.matter("qy-bg", actor=users["staff"], published=True)
    assert "待复核" not in client.get("/").get_data(as_text=True)
    guides.not_reviewed_for(matter, 100)
    assert "待复核" not in client.get("/").get_data(as_text=True)
    app.config["GUIDE_REVIEW_DAYS"] = 90
    html = client.get("/").get_data(as_text=True)
    assert "办事指南待复核（超过90天未复核）" in html and 'href="/guides/qy-bg"' in html


def test_qr_downloads_encode_the_public_address(client, staff, users):
    guides.matter("qy-bg", actor=users["staff"])
    svg = client.get("/guides/qy-bg/qr.svg")
    assert svg.mimetype == "image/svg+xml" and svg.data.startswith(b"<?xml")
    png = client.get("/guides/qy-bg/qr.png")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")


def test_the_feedback_page_lists_comments(client, staff, users):
    guides.matter("qy-bg", actor=users["staff"], published=True)
    with atomic():
        visitors.add_feedback(None, reading.public_guide("qy-bg"), False, "没写需要几份")
    html = client.get("/guides/qy-bg/feedback").get_data(as_text=True)
    assert "没写需要几份" in html and "没帮助 1" in html


def test_a_bad_material_row_is_explained_in_chinese_once(client, staff):
    response = client.post(
        "/guides/new", data=form_fields(**{"materials-1-copies": "1.5", "materials-0-form": "scan"})
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Not a valid" not in html
    assert html.count("份数为 1–99。") == 1 and "不是有效的整数" not in html
    assert "不是有效的选择" in html
    assert 'value="全体股东签字"' in html
    assert reading.get_by_code("qy-bg") is None


def test_many_guides_due_for_review_are_summed_up_on_home_and_listed_in_full(client, staff, users):
    for n in range(10):
        matter = guides.matter(f"jiu-{n}", actor=users["staff"], published=True, name=f"待复核事项{n}")
        guides.not_reviewed_for(matter, 200 + n)
    guides.matter("xin-de", actor=users["staff"], published=True, name="新近复核事项")
    home = client.get("/").get_data(as_text=True)
    assert home.count("待复核事项") == 8
    assert "共 10 项待复核" in home and 'href="/guides/?status=stale"' in home
    listed = client.get("/guides/?status=stale").get_data(as_text=True)
    assert listed.count("待复核事项") == 10 and "新近复核事项" not in listed


def test_a_demo_guide_loses_its_mark_once_staff_take_it_over_and_republish(client, staff, users):
    with atomic():
        matter = writing.create_matter(users["staff"], "qy-bg", guides.content(), is_demo=True)
        writing.publish(users["staff"], matter)
    assert "示例内容" in client.get("/g/qy-bg").get_data(as_text=True)
    detail = client.get("/guides/qy-bg").get_data(as_text=True)
    assert "内容已核对，去掉示例标记" in detail and "data-confirm=" in detail

    done = client.post("/guides/qy-bg/adopt", follow_redirects=True).get_data(as_text=True)
    assert "已去掉示例内容标记。重新发布后，公开页面不再显示该标记。" in done
    assert "尚未发布的修改" in done and "内容已核对，去掉示例标记" not in done
    assert "示例内容" in client.get("/g/qy-bg").get_data(as_text=True), "the public page shows what was published"
    client.post("/guides/qy-bg/publish")
    assert "示例内容" not in client.get("/g/qy-bg").get_data(as_text=True)
    again = client.post("/guides/qy-bg/adopt", follow_redirects=True)
    assert "已不是示例内容" in again.get_data(as_text=True)


def test_a_real_guide_is_never_marked_as_an_example(client, staff, users):
    guides.matter("qy-bg", actor=users["staff"], published=True)
    assert "示例内容" not in client.get("/g/qy-bg").get_data(as_text=True)
    assert "示例内容" not in client.get("/guides/qy-bg").get_data(as_text=True)
