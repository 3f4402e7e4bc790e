"""An enterprise raises a demand on the public form, without an account, and follows it by its
private link: by HTTP, as a phone would send it."""

import io
import re

import pytest
from factories import directory
from PIL import Image

from hubapp.blueprints.demands import moves
from hubapp.blueprints.demands.models import Demand, DemandTopic
from hubapp.blueprints.directory.models import Enterprise
from hubapp.blueprints.notify.models import OutboxMessage
from hubapp.database import atomic
from hubapp.extensions import db

NAME = "威海汇科工控技术有限公司"


@pytest.fixture
def registered(app):
    return directory.enterprise(NAME, "汇科工控")


def topic_id(name: str) -> int:
    return db.session.scalar(db.select(DemandTopic.id).where(DemandTopic.name == name))


def form(enterprise_name=NAME, uscc="", **changes):
    values = {
        "kind": "funding",
        "description": "购置数控设备需流动资金约300万元，\n希望对接银行信用贷款。",
        "topic": topic_id("融资贷款"),
        "enterprise_name": enterprise_name,
        "uscc": uscc,
        "contact_name": "杨经理",
        "contact_mobile": "13985263751",
    }
    values.update(changes)
    return values


def photo(fmt="JPEG", size=(640, 480), exif=None) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (37.0, 30.0, 0.0), 3: "E", 4: (122.0, 5.0, 0.0)}  # GPSInfo
    exif[0x010F] = "PhoneMaker"
    return photo(exif=exif)


def only_demand() -> Demand:
    return db.session.scalars(db.select(Demand)).one()


def test_the_form_explains_each_of_the_four_lists(client):
    page = client.get("/e/demands/new").text
    for label, hint in [("问题诉求", "生产经营中遇到的困难"), ("技术需求", "技术攻关"), ("资金需求", "贷款"), ("配套需求", "用地")]:
        assert label in page and hint in page
    assert 'enctype="multipart/form-data"' in page


def test_a_demand_lands_as_submitted_self_reported_with_its_number_and_follow_link(client, registered, auth):
    response = client.post("/e/demands/new", data=form(uscc=registered.uscc))
    assert response.status_code == 303
    token = re.fullmatch(r"/e/follow/([\w-]+)", response.location).group(1)
    assert len(token) >= 40
    demand = only_demand()
    assert (demand.status_label, demand.source_label, demand.kind_label) == ("待受理", "企业自报", "资金需求")
    assert demand.enterprise_id == registered.id
    assert (demand.title, demand.topic.name) == ("购置数控设备需流动资金约300万元，", "融资贷款")
    page = client.get(response.location).text
    assert demand.number in page and "已收到您的诉求" in page and "请收藏本页" in page

    auth.login("staff")
    listed = client.get("/demands/").text
    assert demand.number in listed
    assert "企业自报" in client.get(f"/demands/{demand.id}").text


def test_an_enterprise_new_to_the_register_joins_it_for_staff_to_check(client, app):
    code = directory.code()
    assert client.post("/e/demands/new", data=form("威海新来科技有限公司", code)).status_code == 303
    joined = db.session.scalars(db.select(Enterprise).where(Enterprise.uscc == code)).one()
    assert joined.name == "威海新来科技有限公司" and "核实" in joined.notes and joined.grid_id is None
    assert only_demand().enterprise_id == joined.id


def test_a_wrong_check_digit_is_refused_next_to_the_code_and_nothing_typed_is_lost(client, registered):
    wrong = registered.uscc[:-1] + ("0" if registered.uscc[-1] != "0" else "1")
    response = client.post("/e/demands/new", data=form(uscc=wrong))
    assert response.status_code == 422
    page = response.text
    assert re.search(r'id="uscc-error">[^<]*校验', page)
    assert "希望对接银行信用贷款" in page and 'value="杨经理"' in page and 'value="13985263751"' in page
    assert db.session.scalar(db.select(db.func.count(Demand.id))) == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"description": ""}, "description", "请写明您需要解决的问题"),
        ({"description": "问" * 2001}, "description", "不超过2000字"),
        ({"contact_mobile": "1398526375"}, "contact_mobile", "11位手机号码"),
        ({"kind": ""}, "kind", "请选择诉求类别"),
        ({"uscc": ""}, "uscc", "统一社会信用代码"),
    ],
)
def test_what_is_missing_or_wrong_is_said_next_to_its_field(client, registered, changes, field, message):
    response = client.post("/e/demands/new", data=form(**{"uscc": registered.uscc, **changes}))
    assert response.status_code == 422
    assert re.search(rf'id="{field}-error">[^<]*{message}', response.text)
    assert db.session.scalar(db.select(db.func.count(Demand.id))) == 0


def test_a_filled_honeypot_writes_nothing(client, registered):
    response = client.post("/e/demands/new", data=form(uscc=registered.uscc, homepage="http://spam.example"))
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Demand.id))) == 0


def test_photos_are_kept_without_their_location_and_shown_on_the_follow_page(client, registered):
    data = form(uscc=registered.uscc, photos=[(io.BytesIO(with_gps()), "现场.jpg"), (io.BytesIO(photo("PNG")), "b.png")])
    response = client.post("/e/demands/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    demand = only_demand()
    assert len(demand.photos) == 2
    stored = Image.open(io.BytesIO(demand.photos[0].content))
    assert stored.format == "JPEG" and stored.size == (640, 480)
    assert not stored.getexif()  # no GPS, no maker: nothing but pixels
    page = client.get(response.location).text
    url = f"{response.location}/photos/{demand.photos[0].id}.jpg"
    assert url in page
    served = client.get(url)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    # A photo is reached only through its own demand's token.
    assert client.get(f"/e/follow/not-the-token/photos/{demand.photos[0].id}.jpg").status_code == 404


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([(b"%PDF-1.7\n" + b"0" * 1000, "a.jpg")], "只能上传照片"),
        ([(b"%PDF-1.7\n" + b"0" * (6 * 1024 * 1024), "big.jpg")], "不能超过5MB"),
        ([(photo(), f"{n}.jpg") for n in range(4)], "最多上传3张照片"),
    ],
)
def test_what_is_not_a_photo_or_too_much_is_refused_with_the_text_kept(client, registered, files, message):
    data = form(uscc=registered.uscc, photos=[(io.BytesIO(content), name) for content, name in files])
    response = client.post("/e/demands/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.text and "希望对接银行信用贷款" in response.text
    assert db.session.scalar(db.select(db.func.count(Demand.id))) == 0


def test_one_address_is_stopped_after_the_limit_with_a_chinese_message_and_its_text(client, app, registered):
    app.config["FRONT_DEMAND_LIMIT_PER_ADDRESS"] = "3 per minute"
    statuses = [
        client.post("/e/demands/new", data=form(uscc=registered.uscc, contact_mobile=f"139000000{n:02d}")).status_code
        for n in range(5)
    ]
    assert statuses == [303, 303, 303, 429, 429]
    refused = client.post("/e/demands/new", data=form(uscc=registered.uscc, description="第六次提交的内容"))
    assert refused.status_code == 429
    assert "提交过于频繁" in refused.text and "第六次提交的内容" in refused.text
    assert db.session.scalar(db.select(db.func.count(Demand.id))) == 3


def test_one_mobile_is_stopped_after_the_limit_but_mistakes_do_not_count(client, app, registered):
    app.config["FRONT_DEMAND_LIMIT_PER_MOBILE"] = "2 per day"
    assert client.post("/e/demands/new", data=form(uscc="123")).status_code == 422
    assert [client.post("/e/demands/new", data=form(uscc=registered.uscc)).status_code for _ in range(3)] == [303, 303, 429]
    other_mobile = client.post("/e/demands/new", data=form(uscc=registered.uscc, contact_mobile="13700000000"))
    assert other_mobile.status_code == 303


def test_a_post_without_the_form_token_writes_nothing(registered, client):
    client.application.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/e/demands/new", data=form(uscc=registered.uscc))
    assert response.status_code in (400, 422)
    assert db.session.scalar(db.select(db.func.count(Demand.id))) == 0


# --- following it -----------------------------------------------------------------------------


@pytest.fixture
def raised(client, registered):
    """A demand the enterprise raised from this test client's browser, and its follow link."""
    response = client.post("/e/demands/new", data=form(uscc=registered.uscc))
    return only_demand(), response.location


def test_the_timeline_says_who_has_it_and_the_answer_but_no_staff_names_or_notes(client, raised, users):
    demand, link = raised
    department = users["liaison"].department
    with atomic():
        moves.transfer(users["staff"], demand, department.id, "内部备注：请优先对接农商行", demand.deadline)
    with atomic():
        moves.supervise(users["staff"], demand, "督办意见：本周内答复")
    with atomic():
        moves.answer(users["liaison"], demand, "已对接威海农商银行，客户经理将于3日内上门。")
    page = client.get(link).text
    assert "已受理并转办" in page and f"已转交{department.name}办理" in page
    assert "已对接威海农商银行，客户经理将于3日内上门。" in page
    for hidden in ["内部备注", "督办意见", "工作人员乙", "联络员丁"]:
        assert hidden not in page
    assert "请评价办理结果" in page


def test_a_declined_demand_shows_the_reason(client, raised, users):
    demand, link = raised
    with atomic():
        moves.decline(users["staff"], demand, "属于企业内部经营事项，不在直通车受理范围。")
    page = client.get(link).text
    assert "不予受理" in page and "不在直通车受理范围" in page
    assert "请评价办理结果" not in page


def test_rated_satisfied_closes_it_with_that_rating_for_staff(client, raised, users, auth):
    demand, link = raised
    with atomic():
        moves.accept(users["staff"], demand)
    with atomic():
        moves.answer(users["staff"], demand, "已协调银行授信。")
    response = client.post(f"{link}/rate", data={"satisfaction": "satisfied", "comment": "很及时"})
    assert response.status_code == 303
    db.session.refresh(demand)
    assert (demand.status_label, demand.satisfaction_label) == ("已销号", "满意")
    assert "您的评价：满意" in client.get(link).text
    auth.login("staff")
    assert "企业评价：满意。很及时" in client.get(f"/demands/{demand.id}").text


def test_rated_unsatisfied_sends_it_back_to_the_department_that_answered(client, raised, users):
    demand, link = raised
    department = users["liaison"].department
    with atomic():
        moves.transfer(users["staff"], demand, department.id, "请解答", demand.deadline)
    with atomic():
        moves.answer(users["liaison"], demand, "请自行到窗口咨询。")
    assert client.post(f"{link}/rate", data={"satisfaction": "unsatisfied", "comment": "没解决"}).status_code == 303
    db.session.refresh(demand)
    assert (demand.status_label, demand.department_id, demand.answer) == ("已转办", department.id, None)
    page = client.get(link).text
    assert "您对答复不满意，已退回重新办理" in page and "请评价办理结果" not in page


def test_rating_twice_or_before_the_answer_is_refused(client, raised, users):
    demand, link = raised
    early = client.post(f"{link}/rate", data={"satisfaction": "satisfied"})
    assert early.status_code == 409 and "不能销号" in early.text
    assert client.post(f"{link}/rate", data={}).status_code in (409, 422)


def test_reloading_the_rating_address_opens_the_follow_page(client, raised):
    demand, link = raised
    response = client.get(f"{link}/rate")
    assert response.status_code == 302 and response.headers["Location"] == link
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_changed_or_foreign_token_finds_nothing(client, raised, registered):
    demand, link = raised
    assert client.get(link[:-1] + ("A" if link[-1] != "A" else "B")).status_code == 404
    assert client.get("/e/follow/" + "x" * 200).status_code == 404
    assert client.post("/e/follow/made-up/rate", data={"satisfaction": "satisfied"}).status_code == 404


def test_my_items_lists_what_this_browser_raised_and_not_another_s(client, raised, app):
    demand, link = raised
    page = client.get("/e/mine").text
    assert demand.number in page and link in page
    stranger = app.test_client()
    elsewhere = stranger.get("/e/mine").text
    assert link not in elsewhere and "还没有提交过诉求" in elsewhere


def test_my_items_finds_a_demand_by_number_and_mobile_only(client, raised, app):
    demand, link = raised
    stranger = app.test_client()
    wrong = stranger.post("/e/mine", data={"number": demand.number, "mobile": "13900000000"})
    assert wrong.status_code == 404 and "没有找到" in wrong.text and demand.number in wrong.text
    found = stranger.post("/e/mine", data={"number": demand.number.lower(), "mobile": "13985263751"})
    assert found.status_code == 303 and found.location == link
    assert link in stranger.get("/e/mine").text


def test_looking_up_is_limited_per_address(client, app):
    app.config["FRONT_LOOKUP_LIMIT"] = "2 per minute"
    codes = [client.post("/e/mine", data={"number": "ZTC-2026-001", "mobile": "13900000000"}).status_code for _ in range(3)]
    assert codes == [404, 404, 429]


def test_staff_see_the_photos_and_the_enterprise_as_the_one_who_raised_it(client, registered, auth, app):
    data = form(uscc=registered.uscc, photos=[(io.BytesIO(photo()), "a.jpg")])
    client.post("/e/demands/new", data=data, content_type="multipart/form-data")
    demand = only_demand()
    url = f"/demands/{demand.id}/photos/{demand.photos[0].id}.jpg"
    assert app.test_client().get(url).status_code in (302, 303)  # behind the login
    auth.login("staff")
    page = client.get(f"/demands/{demand.id}").text
    assert url in page and "· 企业" in page
    assert client.get(url).mimetype == "image/jpeg"


def test_staff_cannot_record_a_demand_as_self_reported(registered, users):
    from hubapp.blueprints.demands.moves import DemandDraft
    from hubapp.rules import RuleError

    draft = DemandDraft(registered.id, "problem", "标题", "内容", "杨经理", "13985263751", "self")
    with pytest.raises(RuleError, match="企业自报"), atomic():
        moves.create_demand(users["staff"], draft)


def test_my_items_lists_the_sign_ups_made_in_this_browser(client, app):
    from factories import sessions

    session = sessions.session(sessions.hall())
    data = {"enterprise_name": NAME, "attendee_name": "王敏", "phone": "13900000001"}
    response = client.post(f"/s/{session.id}", data=data)
    assert response.status_code == 303
    page = client.get("/e/mine").text
    assert "我的活动报名" in page and response.location in page and "王敏" in page
    assert "我的活动报名" not in app.test_client().get("/e/mine").text


def test_the_sms_of_a_self_reported_demand_carries_its_follow_link(client, raised):
    demand, link = raised
    [sms] = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.event == "demand.created")).all()
    assert sms.recipient == "13985263751" and sms.link.endswith(link)


def test_a_demand_staff_registered_is_followed_by_its_own_link_too(app, registered, users):
    from factories import demands

    demand = demands.demand(users["staff"], registered, title="厂区门口路灯不亮")
    link = f"/e/follow/{demand.follow_token}"
    [sms] = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.event == "demand.created")).all()
    assert sms.link.endswith(link)
    stranger = app.test_client()
    assert demand.number in stranger.get(link).text and "已收到您的诉求" in stranger.get(link).text
    found = stranger.post("/e/mine", data={"number": demand.number, "mobile": demand.contact_mobile})
    assert found.status_code == 303 and found.location == link
