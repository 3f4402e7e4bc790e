"""The rules of guides, on the service functions: codes, publishing with kept versions,
differences, restore, archive, review dates, and that every change is audited."""

from datetime import timedelta

import pytest

from hubapp import audit, clock
from hubapp.blueprints.guides import services
from hubapp.blueprints.guides.models import ARCHIVED, DRAFT, PUBLISHED
from hubapp.blueprints.guides.services import GuideError, GuideGone, GuideNotFound
from hubapp.extensions import db


def guide_data(**changes):
    data = {
        "name": "企业变更登记",
        "category": "enterprise",
        "matter_type": "instant",
        "department": "南海新区市场监督管理局",
        "window": "登记注册窗口",
        "service_object": "legal",
        "legal_basis": "《中华人民共和国市场主体登记管理条例》第二十四条",
        "conditions": "已在本机关登记\n已作出变更决议",
        "materials": [
            {"name": "变更登记申请书", "form": "original", "copies": 1, "required": True, "notes": ""},
            {"name": "股东会决议", "form": "original", "copies": 1, "required": True, "notes": "全体股东签字"},
        ],
        "steps": [{"title": "窗口受理", "detail": ""}, {"title": "领取执照", "detail": "当场领取"}],
        "legal_limit_days": 3,
        "promised_limit_days": 0,
        "fee_free": True,
        "place": "便民服务大厅1号窗口",
        "office_hours": "周一至周五 9:00–17:00",
        "consult_phone": "0631-3981008",
        "complaint_phone": "0631-12345",
        "tips": "带齐执照正副本",
        "value_added": "材料预审",
    }
    data.update(changes)
    return data


@pytest.fixture
def matter(users):
    return services.create_matter(users["staff"].id, "qy-bg", guide_data())


def test_a_new_matter_is_a_draft_and_not_public(matter):
    assert matter.status == DRAFT
    with pytest.raises(GuideNotFound):
        services.public_guide("qy-bg")


@pytest.mark.parametrize(
    ("code", "message"),
    [("QY", "3–20 位"), ("1abc", "以字母开头"), ("has space", "3–20 位"), ("new", "保留"), ("qy-bg", "已被使用")],
)
def test_a_code_must_be_short_well_formed_and_never_reused(matter, users, code, message):
    with pytest.raises(GuideError) as raised:
        services.create_matter(users["staff"].id, code, guide_data())
    assert raised.value.field == "code"
    assert message in raised.value.message


def test_an_archived_code_stays_taken(matter, users):
    services.archive(matter, users["staff"].id)
    with pytest.raises(GuideError, match="永不复用"):
        services.create_matter(users["staff"].id, "qy-bg", guide_data())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"category": "nonsense"}, "category"),
        ({"legal_limit_days": 3, "promised_limit_days": 5, "matter_type": "promised"}, "promised_limit_days"),
        ({"matter_type": "instant", "promised_limit_days": 5, "legal_limit_days": 20}, "promised_limit_days"),
        ({"fee_free": False, "fee_basis": "", "fee_amount": ""}, "fee_basis"),
        ({"online_url": "www.example.cn"}, "online_url"),
    ],
)
def test_inconsistent_guides_are_refused_with_a_chinese_message(users, changes, field):
    with pytest.raises(GuideError) as raised:
        services.create_matter(users["staff"].id, "fp-sl", guide_data(**changes))
    assert raised.value.field == field
    assert services.get_by_code("fp-sl") is None


def test_publishing_keeps_a_version_with_who_and_when(matter, users):
    version = services.publish(matter, users["staff"].id)
    assert (version.number, version.published_by_id) == (1, users["staff"].id)
    assert version.published_at == matter.reviewed_at
    assert matter.status == PUBLISHED
    guide = services.public_guide("qy-bg")
    assert guide.content["name"] == "企业变更登记"
    assert guide.version_number == 1


def test_an_incomplete_guide_cannot_be_published(users):
    matter = services.create_matter(users["staff"].id, "fp-sl", guide_data(materials=[], place=""))
    with pytest.raises(GuideError) as raised:
        services.publish(matter, users["staff"].id)
    assert "申请材料" in raised.value.message and "办理地点" in raised.value.message
    assert matter.status == DRAFT and not matter.versions


def test_edits_reach_the_public_only_when_republished(matter, users):
    staff = users["staff"].id
    services.publish(matter, staff)
    changed = services.update_matter(matter, staff, guide_data(office_hours="周一至周六 9:00–17:00"))
    assert changed == ["办理时间"]
    assert services.has_unpublished_changes(matter)
    assert services.public_guide("qy-bg").content["office_hours"] == "周一至周五 9:00–17:00"
    services.publish(matter, staff)
    assert services.public_guide("qy-bg").content["office_hours"] == "周一至周六 9:00–17:00"
    assert [v.number for v in matter.versions] == [2, 1]
    assert not services.has_unpublished_changes(matter)


def test_republishing_an_unchanged_guide_is_refused(matter, users):
    services.publish(matter, users["staff"].id)
    with pytest.raises(GuideError, match="相同"):
        services.publish(matter, users["staff"].id)


def test_the_difference_between_two_versions_names_fields_and_lines(matter, users):
    staff = users["staff"].id
    v1 = services.publish(matter, staff)
    materials = guide_data()["materials"] + [
        {"name": "章程修正案", "form": "original", "copies": 1, "required": False, "notes": ""}
    ]
    services.update_matter(matter, staff, guide_data(materials=materials, promised_limit_days=0, legal_limit_days=5))
    v2 = services.publish(matter, staff)
    changes = {c.label: c.lines for c in services.diff(v1.content, v2.content)}
    assert set(changes) == {"申请材料", "法定办结时限"}
    assert "+ 章程修正案（原件，1份，视情况提供）" in changes["申请材料"]
    assert changes["法定办结时限"] == ["- 3个工作日", "+ 5个工作日"]


def test_restoring_a_version_brings_its_content_back_into_the_working_copy(matter, users):
    staff = users["staff"].id
    services.publish(matter, staff)
    services.update_matter(matter, staff, guide_data(name="企业变更登记（新）", steps=[{"title": "网上申报", "detail": ""}]))
    services.publish(matter, staff)
    services.restore_version(matter, 1, staff)
    assert matter.name == "企业变更登记"
    assert [s["title"] for s in matter.steps] == ["窗口受理", "领取执照"]
    # The public page changes only when the restored content is published again.
    assert services.public_guide("qy-bg").content["name"] == "企业变更登记（新）"
    version = services.publish(matter, staff)
    assert version.number == 3
    assert services.public_guide("qy-bg").content["name"] == "企业变更登记"


def test_restoring_an_unknown_version_is_refused(matter, users):
    with pytest.raises(GuideError, match="没有这个版本"):
        services.restore_version(matter, 7, users["staff"].id)


def test_archiving_takes_the_guide_off_the_public_page_and_reopening_makes_a_draft(matter, users):
    staff = users["staff"].id
    services.publish(matter, staff)
    services.archive(matter, staff)
    assert matter.status == ARCHIVED
    with pytest.raises(GuideGone):
        services.public_guide("qy-bg")
    with pytest.raises(GuideError):
        services.publish(matter, staff)
    services.reopen(matter, staff)
    assert matter.status == DRAFT
    with pytest.raises(GuideNotFound):
        services.public_guide("qy-bg")
    services.update_matter(matter, staff, guide_data(name="企业变更登记（恢复）"))
    assert services.publish(matter, staff).number == 2


def test_an_archived_guide_is_not_edited_until_reopened(matter, users):
    staff = users["staff"].id
    services.publish(matter, staff)
    services.archive(matter, staff)
    with pytest.raises(GuideError, match="请先恢复为草稿"):
        services.update_matter(matter, staff, guide_data(name="企业变更登记（改）"))
    db.session.rollback()
    assert matter.name == "企业变更登记"
    assert not services.has_unpublished_changes(matter)


def test_a_reopened_draft_has_no_public_version_to_compare_with(matter, users):
    staff = users["staff"].id
    services.publish(matter, staff)
    services.archive(matter, staff)
    services.reopen(matter, staff)
    services.update_matter(matter, staff, guide_data(name="企业变更登记（恢复）"))
    assert not services.has_unpublished_changes(matter)


def test_every_state_change_is_audited(matter, users):
    staff = users["staff"].id
    services.publish(matter, staff)
    services.update_matter(matter, staff, guide_data(tips="新的提示"))
    services.mark_reviewed(matter, staff)
    services.restore_version(matter, 1, staff)
    services.archive(matter, staff)
    services.reopen(matter, staff)
    entries = audit.entries_for("guide", matter.id)
    assert [e.action for e in entries] == [
        "guide.create", "guide.publish", "guide.update", "guide.review", "guide.restore", "guide.archive", "guide.reopen",
    ]  # fmt: skip
    assert all(e.actor_id == staff for e in entries)
    assert entries[2].detail_dict["fields"] == ["事前辅导"]
    assert (entries[5].from_state, entries[5].to_state) == (PUBLISHED, ARCHIVED)


def test_guides_not_reviewed_for_the_configured_days_are_stale(matter, users):
    staff = users["staff"].id
    services.publish(matter, staff)
    assert services.stale_guides(180) == []
    matter.reviewed_at = clock.now() - timedelta(days=181)
    db.session.commit()
    assert services.stale_guides(180) == [matter]
    assert services.stale_guides(200) == []
    services.mark_reviewed(matter, staff)
    assert services.stale_guides(180) == []


def test_feedback_is_kept_per_matter_and_long_comments_refused(matter, users):
    services.publish(matter, users["staff"].id)
    services.add_feedback(matter.id, 1, True, "很清楚")
    services.add_feedback(matter.id, 1, False, "")
    assert services.feedback_summary(matter) == {"yes": 1, "no": 1}
    with pytest.raises(GuideError):
        services.add_feedback(matter.id, 1, False, "长" * 501)
    assert services.feedback_summary(matter) == {"yes": 1, "no": 1}


def test_the_public_index_groups_published_guides_by_category_and_searches(matter, users):
    staff = users["staff"].id
    services.publish(matter, staff)
    tax = services.create_matter(staff, "fp-sl", guide_data(name="发票领用", category="tax"))
    services.publish(tax, staff)
    services.create_matter(staff, "gs-hs", guide_data(name="个税汇算", category="personal_tax"))
    groups = services.public_index()
    assert [(label, [m.code for m in ms]) for label, ms in groups] == [
        ("企业开办与变更", ["qy-bg"]),
        ("税务发票", ["fp-sl"]),
    ]
    assert [m.code for _, ms in services.public_index("发票") for m in ms] == ["fp-sl"]
