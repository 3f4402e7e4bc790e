"""The rules of guides, on the service functions: codes, publishing with kept versions,
differences, restore, archive, review dates, and that every change is audited."""

import pytest
from factories import guides
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from hubapp import audit
from hubapp.blueprints.guides import content, reading, visitors, writing
from hubapp.blueprints.guides.content import Material, Step
from hubapp.blueprints.guides.models import ARCHIVED, DRAFT, PUBLISHED, Matter
from hubapp.blueprints.guides.reading import GuideGone, GuideNotFound
from hubapp.database import atomic
from hubapp.extensions import db
from hubapp.rules import Conflict, RuleError


@pytest.fixture
def staff(users):
    return users["staff"]


@pytest.fixture
def matter(staff):
    return guides.matter("qy-bg", actor=staff)


def test_a_new_matter_is_a_draft_and_not_public(matter):
    assert matter.status == DRAFT
    with pytest.raises(GuideNotFound):
        reading.public_guide("qy-bg")


@pytest.mark.parametrize(
    ("code", "message"),
    [("QY", "3–20 位"), ("1abc", "以字母开头"), ("has space", "3–20 位"), ("new", "保留"), ("qy-bg", "已被使用")],
)
def test_a_code_must_be_short_well_formed_and_never_reused(matter, staff, code, message):
    with pytest.raises(RuleError) as raised, atomic():
        writing.create_matter(staff, code, guides.content())
    assert raised.value.field == "code"
    assert message in raised.value.message


def test_an_archived_code_stays_taken(matter, staff):
    with atomic():
        writing.archive(staff, matter)
    with pytest.raises(RuleError, match="永不复用"), atomic():
        writing.create_matter(staff, "qy-bg", guides.content())


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
def test_inconsistent_guides_are_refused_with_a_chinese_message(staff, changes, field):
    with pytest.raises(RuleError) as raised, atomic():
        writing.create_matter(staff, "fp-sl", guides.content(**changes))
    assert raised.value.field == field
    assert reading.get_by_code("fp-sl") is None


def test_publishing_keeps_a_version_with_who_and_when(matter, users):
    with atomic():
        version = writing.publish(users["staff"], matter)
    assert (version.number, version.published_by_id) == (1, users["staff"].id)
    assert version.published_at == matter.reviewed_at
    assert matter.status == PUBLISHED
    guide = reading.public_guide("qy-bg")
    assert guide.content["name"] == "企业变更登记"
    assert guide.version_number == 1


def test_an_incomplete_guide_cannot_be_published(staff):
    matter = guides.matter("fp-sl", actor=staff, materials=[], place="")
    with pytest.raises(RuleError) as raised, atomic():
        writing.publish(staff, matter)
    assert "申请材料" in raised.value.message and "办理地点" in raised.value.message
    assert matter.status == DRAFT and not matter.versions


def test_edits_reach_the_public_only_when_republished(matter, staff):
    with atomic():
        writing.publish(staff, matter)
    with atomic():
        changed = writing.update_matter(staff, matter, guides.content(office_hours="周一至周六 9:00–17:00"))
    assert changed == ["办理时间"]
    assert reading.has_unpublished_changes(matter)
    assert reading.public_guide("qy-bg").content["office_hours"] == "周一至周五 9:00–17:00"
    with atomic():
        writing.publish(staff, matter)
    assert reading.public_guide("qy-bg").content["office_hours"] == "周一至周六 9:00–17:00"
    assert [v.number for v in matter.versions] == [2, 1]
    assert not reading.has_unpublished_changes(matter)


def test_republishing_an_unchanged_guide_is_refused(matter, staff):
    with atomic():
        writing.publish(staff, matter)
    with pytest.raises(RuleError, match="相同"), atomic():
        writing.publish(staff, matter)


def test_the_difference_between_two_versions_names_fields_and_lines(matter, staff):
    with atomic():
        v1 = writing.publish(staff, matter)
    materials = guides.content().materials + [Material("章程修正案", required=False)]
    with atomic():
        writing.update_matter(
            staff, matter, guides.content(materials=materials, promised_limit_days=0, legal_limit_days=5)
        )
        v2 = writing.publish(staff, matter)
    changes = {c.label: c.lines for c in content.diff(v1.content, v2.content)}
    assert set(changes) == {"申请材料", "法定办结时限"}
    assert "+ 章程修正案（原件，1份，视情况提供）" in changes["申请材料"]
    assert changes["法定办结时限"] == ["- 3个工作日", "+ 5个工作日"]


def test_restoring_a_version_brings_its_content_back_into_the_working_copy(matter, staff):
    with atomic():
        writing.publish(staff, matter)
        writing.update_matter(staff, matter, guides.content(name="企业变更登记（新）", steps=[Step("网上申报")]))
        writing.publish(staff, matter)
    with atomic():
        writing.restore_version(staff, matter, 1)
    assert matter.name == "企业变更登记"
    assert [s["title"] for s in matter.steps] == ["窗口受理", "领取执照"]
    # The public page changes only when the restored content is published again.
    assert reading.public_guide("qy-bg").content["name"] == "企业变更登记（新）"
    with atomic():
        version = writing.publish(staff, matter)
    assert version.number == 3
    assert reading.public_guide("qy-bg").content["name"] == "企业变更登记"


def test_restoring_an_unknown_version_is_refused(matter, staff):
    with pytest.raises(RuleError, match="没有这个版本"), atomic():
        writing.restore_version(staff, matter, 7)


def test_archiving_takes_the_guide_off_the_public_page_and_reopening_makes_a_draft(matter, staff):
    with atomic():
        writing.publish(staff, matter)
    with atomic():
        writing.archive(staff, matter)
    assert matter.status == ARCHIVED
    with pytest.raises(GuideGone):
        reading.public_guide("qy-bg")
    with pytest.raises(RuleError), atomic():
        writing.publish(staff, matter)
    with atomic():
        writing.reopen(staff, matter)
    assert matter.status == DRAFT
    with pytest.raises(GuideNotFound):
        reading.public_guide("qy-bg")
    with atomic():
        writing.update_matter(staff, matter, guides.content(name="企业变更登记（恢复）"))
        assert writing.publish(staff, matter).number == 2


def test_archiving_a_guide_a_colleague_archived_meanwhile_is_a_conflict(matter, staff):
    with db.engine.begin() as colleague:
        colleague.execute(update(Matter).where(Matter.code == "qy-bg").values(status=ARCHIVED))
    # This request read the guide as a draft before the colleague's change was committed.
    set_committed_value(matter, "status", DRAFT)
    with pytest.raises(Conflict), atomic():
        writing.archive(staff, matter)
    assert [e.action for e in audit.entries_for("guide", matter.id)] == ["guide.create"]


def test_an_archived_guide_is_not_edited_until_reopened(matter, staff):
    with atomic():
        writing.publish(staff, matter)
        writing.archive(staff, matter)
    with pytest.raises(RuleError, match="请先恢复为草稿"), atomic():
        writing.update_matter(staff, matter, guides.content(name="企业变更登记（改）"))
    assert matter.name == "企业变更登记"
    assert not reading.has_unpublished_changes(matter)


def test_a_reopened_draft_has_no_public_version_to_compare_with(matter, staff):
    with atomic():
        writing.publish(staff, matter)
        writing.archive(staff, matter)
        writing.reopen(staff, matter)
        writing.update_matter(staff, matter, guides.content(name="企业变更登记（恢复）"))
    assert not reading.has_unpublished_changes(matter)


def test_every_state_change_is_audited(matter, staff):
    with atomic():
        writing.publish(staff, matter)
        writing.update_matter(staff, matter, guides.content(tips="新的提示"))
        writing.mark_reviewed(staff, matter)
        writing.restore_version(staff, matter, 1)
        writing.archive(staff, matter)
        writing.reopen(staff, matter)
    entries = audit.entries_for("guide", matter.id)
    assert [e.action for e in entries] == [
        "guide.create", "guide.publish", "guide.update", "guide.review", "guide.restore", "guide.archive", "guide.reopen",
    ]  # fmt: skip
    assert all(e.actor_id == staff.id for e in entries)
    assert entries[2].detail_dict["fields"] == ["事前辅导"]
    assert (entries[5].from_state, entries[5].to_state) == (PUBLISHED, ARCHIVED)


def test_guides_not_reviewed_for_the_configured_days_are_stale(matter, staff):
    with atomic():
        writing.publish(staff, matter)
    assert reading.stale_guides(180) == []
    guides.not_reviewed_for(matter, 181)
    assert reading.stale_guides(180) == [matter]
    assert reading.stale_guides(200) == []
    with atomic():
        writing.mark_reviewed(staff, matter)
    assert reading.stale_guides(180) == []


def test_feedback_is_kept_per_matter_and_long_comments_refused(matter, staff):
    with atomic():
        writing.publish(staff, matter)
    guide = reading.public_guide("qy-bg")
    with atomic():
        visitors.add_feedback(None, guide, True, "很清楚")
        visitors.add_feedback(None, guide, False, "")
    assert visitors.feedback_summary(matter) == {"yes": 1, "no": 1}
    with pytest.raises(RuleError), atomic():
        visitors.add_feedback(None, guide, False, "长" * 501)
    assert visitors.feedback_summary(matter) == {"yes": 1, "no": 1}


def test_the_public_index_groups_published_guides_by_category_and_searches(matter, staff):
    with atomic():
        writing.publish(staff, matter)
    guides.matter("fp-sl", actor=staff, published=True, name="发票领用", category="tax")
    guides.matter("gs-hs", actor=staff, name="个税汇算", category="personal_tax")
    groups = reading.public_index()
    assert [(label, [m.code for m in ms]) for label, ms in groups] == [
        ("企业开办与变更", ["qy-bg"]),
        ("税务发票", ["fp-sl"]),
    ]
    assert [m.code for _, ms in reading.public_index("发票") for m in ms] == ["fp-sl"]
