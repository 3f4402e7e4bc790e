"""Staff on a phone match a 技术需求 demand to a partner from the demand's page and come back to
see the partner named on it; the page fits the phone's width."""

from factories import demands, directory

from hubapp.blueprints.cooperation import services
from hubapp.database import atomic
from tests.e2e.test_demands_browser import log_in


def test_staff_match_a_technology_demand_on_a_phone(users, live_server, phone_page):
    with atomic():
        services.create_partner(None, services.PartnerDetails(name="吉林大学威海仿生研究院", kind="institute"))
        services.create_partner(None, services.PartnerDetails(name="山东铝业职业学院", kind="college"))
    firm = directory.enterprise("威海汇科工控技术有限公司", "汇科工控")
    demand = demands.demand(
        users["staff"], firm, kind="tech", title="伺服电机控制算法优化", description="需要高校协助优化控制算法。"
    )
    # Read before the server starts: reading later would open a transaction in this process.
    demand_url = f"/demands/{demand.id}"
    server = live_server(workers=1)
    log_in(phone_page, server, "staff")
    phone_page.goto(server.url + demand_url)
    phone_page.click("#demand-body a:text-is('对接合作单位')")
    assert phone_page.input_value("input[name=title]") == "伺服电机控制算法优化"
    phone_page.select_option("select[name=partner_id]", label="吉林大学威海仿生研究院")
    phone_page.select_option("select[name=status]", "active")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.click("button:has-text('创建科研对接项目')")
    phone_page.wait_for_url(server.url + demand_url)
    body = phone_page.locator("#demand-body").inner_text()
    assert "对接吉林大学威海仿生研究院，项目已启动" in body and "尚未对接合作单位" not in body
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
