"""An enterprise on a phone (390 px): from the centre's page it raises a 资金需求, is refused a
wrong credit code without losing what it typed, gets its number and follow link; staff transfer
it, the department answers, and the enterprise rates the answer 满意, which closes it."""

import re

from factories import directory
from playwright.sync_api import expect

from hubapp.blueprints.demands import moves
from hubapp.blueprints.demands.models import Demand
from hubapp.database import atomic
from hubapp.extensions import db


def test_an_enterprise_raises_follows_and_rates_a_demand_on_a_phone(app, users, live_server, phone_page, page_watch):
    enterprise = directory.enterprise("威海鸿锐金属制品有限公司", "鸿锐金属")
    code = enterprise.uscc
    server = live_server(workers=1)

    phone_page.goto(f"{server.url}/e/")
    phone_page.get_by_role("link", name=re.compile("提诉求")).click()
    phone_page.get_by_role("radio", name=re.compile("资金需求")).check()
    phone_page.get_by_label("需要解决什么问题").fill("扩产需要流动资金300万元，希望对接银行信用贷款。")
    phone_page.get_by_label("主题（选填）").select_option("融资贷款")
    phone_page.get_by_label("企业名称").fill("威海鸿锐金属制品有限公司")
    phone_page.get_by_label("统一社会信用代码").fill(code[:-1] + ("0" if code[-1] != "0" else "1"))
    phone_page.get_by_label("联系人").fill("杨经理")
    phone_page.get_by_label("手机号码").fill("13985263751")
    page_watch.allow("status of 422")  # the refused form comes back as 422, on purpose
    phone_page.get_by_role("button", name="提交诉求").click()
    expect(phone_page.locator("#uscc-error")).to_contain_text("校验")
    expect(phone_page.get_by_label("需要解决什么问题")).to_have_value("扩产需要流动资金300万元，希望对接银行信用贷款。")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"

    phone_page.get_by_label("统一社会信用代码").fill(code)
    phone_page.get_by_role("button", name="提交诉求").click()
    expect(phone_page.get_by_text(re.compile(r"已收到您的诉求，编号 ZTC-\d{4}-\d{3}"))).to_be_visible()
    follow_link = phone_page.url
    assert re.search(r"/e/follow/[\w-]{40,}$", follow_link)

    # Staff and the liaison act through the services, each in a unit of work that ends before
    # the browser goes on (on SQLite an open one would hold the server's write lock).
    with atomic():
        demand = db.session.scalars(db.select(Demand)).one()
        assert demand.source_label == "企业自报"
        number, demand_id = demand.number, demand.id
        moves.transfer(users["staff"], demand, users["liaison"].department_id, "请对接合作银行", demand.deadline)
    with atomic():
        moves.answer(users["liaison"], db.session.get(Demand, demand_id), "已对接威海农商银行，客户经理3日内上门。")

    phone_page.get_by_role("link", name="我的办件").click()
    phone_page.get_by_role("link", name=re.compile(number)).click()
    expect(phone_page.get_by_text("已对接威海农商银行，客户经理3日内上门。")).to_be_visible()
    phone_page.get_by_role("radio", name="满意", exact=True).check()
    phone_page.get_by_role("button", name="提交评价").click()
    expect(phone_page.get_by_text("感谢您的评价，诉求已办结。")).to_be_visible()
    expect(phone_page.get_by_text("您的评价：满意。")).to_be_visible()
    assert phone_page.url.split("#")[0] == follow_link

    with atomic():
        closed = db.session.get(Demand, demand_id)
        assert (closed.status_label, closed.satisfaction_label) == ("已销号", "满意")
