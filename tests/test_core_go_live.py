"""A centre goes live on an empty database and carries a first demand to closure, through the pages
only: the admin made by ``hub create-admin`` sets up a department and a grid, imports the register
from an Excel file (whose preview names a bad credit code and a duplicate), opens accounts for a grid
worker and a liaison; the grid worker records a visit and the demand it raised, staff transfer it,
the liaison answers, staff close it."""

import io
import re

from openpyxl import Workbook
from sqlalchemy import select

from hubapp import clock
from hubapp.blueprints.demands.models import CLOSED, Demand
from hubapp.blueprints.directory.layout import COLUMNS
from hubapp.blueprints.directory.models import Enterprise
from hubapp.blueprints.directory.uscc import make_code
from hubapp.extensions import db

HUIKE, HONGRUI = make_code("371000", 70001), make_code("371000", 70002)


def register_file() -> bytes:
    """The centre's own spreadsheet: two good rows, one with a mistyped check digit, one twice."""
    headers = [column.header for column in COLUMNS]

    def row(**values) -> list:
        return [values.get(header, "") for header in headers]

    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    sheet.append(row(企业名称="威海汇科工控技术有限公司", 统一社会信用代码=HUIKE, 企业类型="孵化器", 所属网格="第1网格"))
    sheet.append(row(企业名称="威海鸿锐金属制品有限公司", 统一社会信用代码=HONGRUI, 企业类型="周边企业", 所属网格="第1网格"))
    sheet.append(row(企业名称="威海蓝海新材料有限公司", 统一社会信用代码=HUIKE[:-1] + "0", 企业类型="周边企业"))
    sheet.append(row(企业名称="威海鸿锐金属制品有限公司", 统一社会信用代码=HONGRUI, 企业类型="周边企业", 所属网格="第1网格"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def log_in(client, username: str, password: str, new_password: str | None = None) -> None:
    assert client.post("/login", data={"username": username, "password": password}).status_code == 303
    if new_password:  # an account made by someone else asks for a password of one's own first
        assert client.get("/").headers["Location"] == "/account/password"
        changed = {"current_password": password, "new_password": new_password, "confirm": new_password}
        assert client.post("/account/password", data=changed).status_code == 303


def test_from_an_empty_database_to_a_closed_demand_through_the_pages(app, client):
    made = app.test_cli_runner().invoke(args=["hub", "create-admin", "--if-no-users"])
    password = re.search(r"密码：\s*(\S+)", made.output).group(1)
    log_in(client, "admin", password, "centre-2026")

    home = client.get("/").get_data(as_text=True)
    assert "开始使用" in home and 'href="/directory/departments/new"' in home

    department = {"name": "威海市住房和城乡建设局", "short_name": "住建局", "contact_name": "孙科长", "phone": "0631-5227000"}
    assert client.post("/directory/departments/new", data=department).status_code == 303
    assert client.post("/directory/grids/new", data={"number": "1", "name": "创业谷东区", "area": "1号楼"}).status_code == 303

    uploaded = client.post(
        "/directory/enterprises/import", data={"file": (io.BytesIO(register_file()), "企业底数.xlsx")},
        content_type="multipart/form-data",
    )  # fmt: skip
    preview = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    assert "第4行“统一社会信用代码”：统一社会信用代码校验位不正确" in preview
    assert "第5行“统一社会信用代码”：与第3行重复" in preview
    assert db.session.scalar(select(Enterprise.id)) is None  # nothing is written before staff confirm
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]{64})"', preview).group(1)
    imported = client.post(uploaded.headers["Location"], data={"digest": digest, "skip_errors": "y"})
    assert imported.status_code == 303
    # A row the file holds twice is held back both times: staff decide which one is right.
    assert list(db.session.scalars(select(Enterprise.name))) == ["威海汇科工控技术有限公司"]

    grid_id = re.search(r'name="grid_ids" type="checkbox" value="(\d+)"', client.get("/admin/users/new").get_data(as_text=True))
    users_form = client.get("/admin/users/new?role=liaison").get_data(as_text=True)
    department_id = re.search(r'<option value="(\d+)">威海市住房和城乡建设局</option>', users_form).group(1)
    worker = {"username": "zhou", "display_name": "周海涛", "role": "grid_worker", "password": "first-2026",
              "grid_ids": [grid_id.group(1)], "must_change_password": "y"}  # fmt: skip
    liaison = {"username": "sun", "display_name": "孙立", "role": "liaison", "password": "first-2026",
               "department_id": department_id, "must_change_password": "y"}  # fmt: skip
    assert client.post("/admin/users/new", data=worker).status_code == 303
    assert client.post("/admin/users/new", data=liaison).status_code == 303
    client.post("/logout")

    log_in(client, "zhou", "first-2026", "grid-2026a")
    today = clock.today().isoformat()
    visit = client.post("/demands/visits/new", data={"enterprise": "汇科", "visited_on": today, "topics": ["industry"]})
    assert visit.status_code == 422 and "您负责的网格中没有“汇科”" in visit.get_data(as_text=True)
    visit = client.post(
        "/demands/visits/new", data={"enterprise": "威海汇科工控技术有限公司", "visited_on": today, "topics": ["industry"]}
    )
    assert visit.status_code == 303
    raised = client.post(visit.headers["Location"], data={
        "enterprise": "威海汇科工控技术有限公司", "kind": "support", "title": "厂区门前路灯损坏",
        "description": "夜间下班职工出行不便。", "contact_name": "杨先生", "contact_mobile": "13985263751",
        "source": "visit", "received_on": today,
    })  # fmt: skip
    assert raised.status_code == 303
    demand = db.session.scalar(select(Demand))
    assert demand.visit_id is not None
    client.post("/logout")

    log_in(client, "admin", "centre-2026")
    deadline = clock.today().replace(day=28).isoformat() if clock.today().day < 28 else today
    transfer = {"department_id": department_id, "note": "请修复路灯", "deadline": deadline}
    assert client.post(f"/demands/{demand.id}/transfer", data=transfer).status_code == 303
    client.post("/logout")

    log_in(client, "sun", "first-2026", "sun-2026ab")
    assert "厂区门前路灯损坏" in client.get("/demands/department").get_data(as_text=True)
    assert client.post(f"/demands/{demand.id}/answer", data={"answer": "已更换灯具。"}).status_code == 303
    client.post("/logout")

    log_in(client, "admin", "centre-2026")
    assert client.post(f"/demands/{demand.id}/close", data={"satisfaction": "satisfied"}).status_code == 303
    db.session.expire_all()
    assert demand.status == CLOSED
