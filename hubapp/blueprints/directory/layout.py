"""The layout of the register's Excel files — the template, the export and what an import reads —
so that a file exported, edited in Excel and imported again means the same thing in every column.

An import finds its columns by their headers (in any order, with the other names centres give
them in their own spreadsheets), so a centre's existing 企业底数 sheet can be read as it is.
"""

import unicodedata
from dataclasses import dataclass

from hubapp.blueprints.directory.models import ENTERPRISE_KINDS
from hubapp.blueprints.directory.register import FIELD_LABELS

SHEET_TITLE = "企业名录"
HELP_SHEET_TITLE = "填写说明"
YES, NO = "是", "否"
ACTIVE_LABEL, INACTIVE_LABEL = "在册", "已停用"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    #: What the explanation sheet says about the column.
    note: str
    required: bool = False
    #: Other headers centres use for the same column.
    aliases: tuple[str, ...] = ()
    #: Text, even when it looks like a number: Excel would drop a code's digits or a mobile's format.
    text: bool = False


COLUMNS = [
    Column("name", FIELD_LABELS["name"], 34, "必填；与营业执照一致，名录中不能重名。", True, ("单位名称", "企业全称", "名称", "企业")),
    Column("uscc", FIELD_LABELS["uscc"], 24, "必填；18位，末位为校验码（GB 32100-2015）。导入时按此代码匹配名录中已有的企业：代码相同即更新该企业。",
           True, ("信用代码", "社会信用代码", "统一信用代码", "统一代码"), text=True),
    Column("short_name", FIELD_LABELS["short_name"], 14, "选填；不超过30个字。", aliases=("企业简称",)),
    Column("kind", FIELD_LABELS["kind"], 12, "新增企业必填：" + "、".join(ENTERPRISE_KINDS.values()) + "。",
           aliases=("类型", "企业类别", "所在载体", "载体类型", "载体")),
    Column("grid_id", FIELD_LABELS["grid_id"], 12, "选填；写“第1网格”或网格序号“1”，须是系统中已有的网格；留空为未划分网格。", aliases=("网格",)),
    Column("address", FIELD_LABELS["address"], 34, "选填；不超过200个字。", aliases=("企业地址", "注册地址", "经营地址", "办公地址")),
    Column("industry", FIELD_LABELS["industry"], 12, "选填；如：高端装备、新材料、电子信息。", aliases=("行业",)),
    Column("above_designated_size", FIELD_LABELS["above_designated_size"], 10, "填“是”或“否”；留空为“否”。",
           aliases=("是否规上企业", "是否规上", "规上", "规模以上企业")),
    Column("contact_name", FIELD_LABELS["contact_name"], 10, "选填。", aliases=("联系人姓名", "企业联系人")),
    Column("contact_phone", FIELD_LABELS["contact_phone"], 15, "选填；11位手机号码。",
           aliases=("手机", "手机号", "手机号码", "联系电话", "联系方式", "联系人电话"), text=True),
    Column("status", "状态", 8, f"“{ACTIVE_LABEL}”或“{INACTIVE_LABEL}”；新增企业留空为在册，已有企业留空则状态不变。", aliases=("名录状态",)),
    Column("notes", FIELD_LABELS["notes"], 30, "选填；不超过2000个字。", aliases=("说明",)),
]  # fmt: skip
BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_KEYS = [column.key for column in COLUMNS if column.required]


def header_key(text) -> str:
    """A header as written, reduced to what identifies it: full-width letters and brackets,
    spaces, required-field stars and “（必填）” notes do not matter."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = "".join(text.split()).replace("*", "")
    for note in ("(必填)", "(选填)"):
        text = text.replace(note, "")
    return text


HEADERS = {header_key(name): column.key for column in COLUMNS for name in (column.header, *column.aliases)}

#: The values a yes/no column accepts, besides the two words themselves.
YES_WORDS = {YES, "规上", "规上企业", "Y", "YES", "TRUE", "1", "√", "✓", "✔"}
NO_WORDS = {NO, "N", "NO", "FALSE", "0", "×", "✗", "非规上", "无"}
STATUS_WORDS = {ACTIVE_LABEL: True, "正常": True, "启用": True, INACTIVE_LABEL: False, "停用": False}
KIND_WORDS = {label: code for code, label in ENTERPRISE_KINDS.items()} | {
    "众创空间企业": "maker_space",
    "孵化器企业": "incubator",
    "加速器企业": "accelerator",
    "周边": "nearby",
}
