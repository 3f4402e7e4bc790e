"""Guide search finds what enterprises type (社保, 个税, 开发票, 贷款): synonyms, the keywords staff
add, categories and materials, names first; a search that finds nothing is counted for staff."""

import pytest
from factories import guides

from hubapp.audit import AuditEntry
from hubapp.blueprints.guides import writing
from hubapp.blueprints.guides.content import Material
from hubapp.blueprints.guides.models import GuideSearchMiss
from hubapp.database import atomic
from hubapp.extensions import db


@pytest.fixture
def published(app):
    return {
        "sb": guides.matter("sb-dj", published=True, name="单位参加社会保险登记", category="social_insurance"),
        "gs": guides.matter("gs-hs", published=True, name="个人所得税综合所得年度汇算", category="personal_tax"),
        "fp": guides.matter("fp-ly", published=True, name="发票领用", category="tax"),
        "gjj": guides.matter("gjj-kh", published=True, name="单位住房公积金缴存登记", category="housing_fund"),
        "rz": guides.matter("rz-dj", published=True, name="科技型中小企业融资对接", category="finance"),
        "bg": guides.matter(
            "qy-bg", published=True, materials=[Material("营业执照正副本"), Material("税务登记表")], name="企业变更登记"
        ),
    }


def found(client, q: str) -> str:
    """The results of searching ``q`` (without the popular guides suggested when there are none)."""
    response = client.get("/g/", query_string={"q": q})
    assert response.status_code == 200
    return response.text.split("大家常看")[0]


@pytest.mark.parametrize(
    ("typed", "code"),
    [("社保", "sb-dj"), ("个税", "gs-hs"), ("开发票", "fp-ly"), ("公积金", "gjj-kh"), ("贷款", "rz-dj")],
)
def test_everyday_words_find_the_guide_with_its_category(client, published, typed, code):
    page = found(client, typed)
    assert f'href="/g/{code}"' in page
    assert "没有找到" not in page


def test_a_material_finds_the_guide_that_asks_for_it(client, published):
    page = found(client, "税务登记表")
    assert 'href="/g/qy-bg"' in page


def test_name_matches_come_before_other_matches_in_a_category(client, app):
    guides.matter("fp-dk", published=True, name="增值税专用发票代开", category="tax")
    guides.matter("ts-zx", published=True, name="注销税务登记", category="tax", materials=[Material("已缴销的发票")])
    page = found(client, "发票")
    assert page.index('href="/g/fp-dk"') < page.index('href="/g/ts-zx"')


def test_keywords_staff_add_find_the_guide_at_once(client, published, users):
    assert 'href="/g/qy-bg"' not in found(client, "改名字")
    with atomic():
        writing.set_keywords(users["staff"], published["bg"], "改名字，换法人、 改名字")
    assert published["bg"].keywords == "改名字 换法人"
    assert 'href="/g/qy-bg"' in found(client, "改名字")


def test_staff_edit_keywords_on_the_guide_page_with_an_audit_row(client, published, auth, users):
    auth.login("staff")
    response = client.post("/guides/qy-bg/keywords", data={"keywords": "开公司 改名"})
    assert response.status_code == 303
    assert 'value="开公司 改名"' in client.get("/guides/qy-bg").text
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "guide.keywords")).one()
    assert (entry.object_id, entry.actor_id) == (str(published["bg"].id), users["staff"].id)


def test_a_search_without_result_suggests_popular_guides_and_the_phone_and_is_counted(client, app, published, auth):
    app.config["CENTRE_PHONE"] = "0631-3961234"
    page = client.get("/g/", query_string={"q": "出口退税"}).text
    assert "没有找到与“出口退税”相关的事项" in page
    assert "大家常看" in page and 'href="/g/' in page and 'href="tel:0631-3961234"' in page
    found(client, "出口退税")
    found(client, "  危化品  ")
    found(client, "社保")  # found: not counted
    misses = {m.term: m.count for m in db.session.scalars(db.select(GuideSearchMiss))}
    assert misses == {"出口退税": 2, "危化品": 1}

    auth.login("staff")
    listing = client.get("/guides/searches").text
    assert listing.index("出口退税") < listing.index("危化品")


def test_the_no_result_list_says_so_when_empty(client, auth):
    auth.login("staff")
    assert "还没有未找到结果的搜索" in client.get("/guides/searches").text


def test_the_code_on_a_printed_sheet_still_finds_its_guide(client, published):
    assert 'href="/g/fp-ly"' in found(client, "FP-LY")
