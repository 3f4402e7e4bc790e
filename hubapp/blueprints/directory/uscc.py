"""统一社会信用代码 (unified social credit code), GB 32100-2015.

18 characters from a 31-character alphabet (no I, O, Z, S, V); characters 9–17 are the
organisation code of GB 11714 with its own check character; the 18th is a check character
computed over the first 17 with weights 3^i mod 31.
"""

import re
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]
PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
#: Zero-width characters that text copied from web pages and chat windows carries unseen.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def organisation_check(first8: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def normalise(code: str) -> str:
    """The code as typed or pasted: full-width characters (from a Chinese input method) as their
    ASCII forms, without the spaces that group its digits on paper, in capitals."""
    text = unicodedata.normalize("NFKC", code).translate(INVISIBLE)
    return "".join(text.split()).upper()


def validation_error(code: str) -> str | None:
    """The Chinese message to show next to the field, or None when the code is valid."""
    code = normalise(code)
    if len(code) != 18:
        return f"统一社会信用代码应为18位，当前为{len(code)}位。"
    if not PATTERN.match(code):
        return "统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）。"
    if check_character(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确，请核对后重新输入。"
    return None


def is_valid(code: str) -> bool:
    return validation_error(code) is None


def make_code(region: str, sequence: int, registration: str = "91") -> str:
    """A valid code for demo data: registration authority+type, 6-digit region, organisation code."""
    org_body = f"{sequence:08d}"
    org = org_body + organisation_check(org_body)
    first17 = registration + region + org
    return first17 + check_character(first17)
