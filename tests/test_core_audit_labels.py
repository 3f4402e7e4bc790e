"""Every change the services write to the audit trail reads in Chinese on the log page: each action
code, each object type and each detail key written by an ``audit.record`` call has its label."""

import ast
from pathlib import Path

import pytest

from hubapp import audit
from hubapp.blueprints.facilities.models import BOOKING_STATES

SOURCES = sorted((Path(__file__).parent.parent / "hubapp").rglob("*.py"))


def record_calls():
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_record = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
            if is_record and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit":
                yield path.name, node


CALLS = list(record_calls())


def test_the_services_write_audit_rows():
    assert len(CALLS) > 60


@pytest.mark.parametrize(("source", "call"), CALLS, ids=[f"{name}:{call.lineno}" for name, call in CALLS])
def test_each_audit_record_reads_in_chinese(app, source, call):
    action, object_type = call.args[1], call.args[2]
    if isinstance(action, ast.Constant):
        assert audit.action_label(action.value) != action.value, f"{action.value} has no label"
    if isinstance(object_type, ast.Constant):
        assert audit.object_name(object_type.value) != object_type.value, f"{object_type.value} has no name"
    for keyword in call.keywords:
        if keyword.arg:
            assert audit.detail_label(keyword.arg) != keyword.arg, f"detail {keyword.arg} has no label"


def test_every_booking_status_change_has_a_label(app):
    for status in BOOKING_STATES:
        if status != "pending":
            assert audit.action_label(f"booking.{status}") != f"booking.{status}"
