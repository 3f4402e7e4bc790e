"""Every Excel file the centre hands out writes what people typed as text, never as a formula
(CWE-1236): an anonymous sign-up or a demand title that begins with "=" opens in Excel as the
words typed, not as a live HYPERLINK to somebody else's site."""

import io

from factories import demands, directory, facilities
from factories import sessions as make
from openpyxl import Workbook, load_workbook

from hubapp import clock, spreadsheets

LINK = '=HYPERLINK("http://evil.example/x","点此查看")'
SUM = "=1+2"
PLUS = "+8613906310001"
AT = "@SUM(A1:A9)"
MINUS = "-2+3+cmd|' /C calc'!A0"
TAB = "\t=1+1"
CR = "\r=1+1"


def cells(data: bytes) -> list:
    workbook = load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_plain_text(data: bytes, *typed: str) -> None:
    """No formula anywhere, and each hostile text is there as typed, marked as text."""
    found = cells(data)
    formulas = [(cell.coordinate, cell.value) for cell in found if cell.data_type == "f"]
    assert not formulas, f"formula cells: {formulas}"
    by_value = {cell.value: cell for cell in found if isinstance(cell.value, str)}
    for text in typed:
        assert text in by_value, f"{text!r} is not in the workbook as typed: {list(by_value)}"
        assert by_value[text].data_type == "s" and by_value[text].quotePrefix, f"{text!r} is not marked as text"


def test_the_helper_marks_every_formula_trigger_as_text_and_leaves_other_text_alone():
    workbook = Workbook()
    workbook.active.append([LINK, PLUS, AT, MINUS, TAB, CR, "王敏", "2026-11-29", 42])
    found = cells(spreadsheets.workbook_bytes(workbook))
    # XML reads a carriage return back as a line feed; the text is otherwise as written.
    assert [cell.value for cell in found] == [LINK, PLUS, AT, MINUS, TAB, "\n=1+1", "王敏", "2026-11-29", 42]
    assert [cell.quotePrefix for cell in found] == [True] * 6 + [False] * 3
    assert not [cell for cell in found if cell.data_type == "f"]


def test_an_anonymous_sign_up_is_text_in_the_registrations_workbook(client, auth):
    hall = make.hall()
    session = make.session(hall, capacity=5)
    question = make.question(session, "贵企业员工人数")
    response = client.post(
        f"/s/{session.id}",
        data={"enterprise_name": LINK, "attendee_name": "王敏", "phone": "13906310001", "position": AT,
              "questions": MINUS, f"q_{question.id}": SUM},
    )  # fmt: skip
    assert response.status_code == 303
    auth.login("staff")
    download = client.get(f"/sessions/{session.id}/registrations.xlsx")
    assert download.status_code == 200
    assert_plain_text(download.data, LINK, AT, MINUS, SUM)


def test_a_demand_and_a_visit_typed_as_formulas_are_text_in_both_demand_workbooks(client, auth, users):
    hostile = directory.enterprise(name=LINK, short_name=None, grid_id=min(users["grid_worker"].grid_ids))
    demands.demand(users["staff"], hostile, title=SUM, description=AT, contact_name=PLUS)
    demands.visit(users["grid_worker"], hostile, notes=MINUS)
    auth.login("staff")

    listed = client.get("/demands/export.xlsx")
    assert listed.status_code == 200
    # The register writes the brackets of a name full-width, as Chinese company names are registered.
    assert_plain_text(listed.data, hostile.name, SUM, AT, PLUS)

    ledger = client.get(f"/demands/visits.xlsx?month={clock.today():%Y-%m}")
    assert ledger.status_code == 200
    assert_plain_text(ledger.data, hostile.name, MINUS)


def test_the_enterprise_register_export_keeps_formula_like_names_as_text(client, auth):
    hostile = directory.enterprise(name=LINK, short_name=PLUS, address=AT)
    auth.login("staff")
    response = client.get("/directory/enterprises/export.xlsx")
    assert response.status_code == 200
    assert_plain_text(response.data, hostile.name, PLUS, AT)


def test_the_utilisation_workbook_keeps_a_formula_like_room_name_as_text(client, auth):
    facilities.room(name=SUM)
    auth.login("staff")
    response = client.get(f"/facilities/utilisation.xlsx?month={clock.today():%Y-%m}")
    assert response.status_code == 200
    assert_plain_text(response.data, SUM)
