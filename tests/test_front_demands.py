"""An enterprise raises a demand on the public form, without an account, and follows it by its
private link: by HTTP, as a phone would send it."""

import io
import re

import pytest
from factories import directory
from PIL import Image

from hubapp.blueprints.demands.models import Demand
from hubapp.blueprints.directory.models import Enterprise
from hubapp.extensions import db

NAME = "威海汇科工控技术有限公司"


@pytest.fixture
def registered(app):
    return directory.enterprise(NAME, "汇科工控")


def form(enterprise_name=NAME, uscc="", **changes):
    values = {
        "kind": "funding",
        "description": "购置数控设备需流动资金约300万元，\n希望对接银行信用贷款。",
        "topic": "融资贷款",
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
    assert demand.title == "【融资贷款】购置数控设备需流动资金约300万元，"
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
        ([(b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "big.jpg")], "不能超过5MB"),
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
