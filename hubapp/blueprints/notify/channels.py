"""The two ways a message leaves the machine: a 企业微信 group robot and the site's SMS gateway.

Each takes an outbox row and answers with a ``Delivery``: sent, or failed with the other side's
answer, and whether trying again can help. Nothing here touches the database."""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from flask import current_app

#: What a robot accepts in one text message, in bytes of UTF-8.
WECOM_MAX_BYTES = 2048
TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Delivery:
    ok: bool
    error: str = ""
    #: The other side said the recipient can never receive it (a bad number): not retried.
    permanent: bool = False


def truncate_utf8(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, never in the middle of a character."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    ellipsis = "…"
    return encoded[: limit - len(ellipsis.encode())].decode("utf-8", errors="ignore") + ellipsis


def wecom_payload(text: str, mentions: list[str]) -> dict:
    content = {"content": truncate_utf8(text, WECOM_MAX_BYTES)}
    if mentions:
        content["mentioned_mobile_list"] = mentions
    return {"msgtype": "text", "text": content}


def send_wecom(url: str, text: str, mentions: list[str]) -> Delivery:
    """POST to the robot; ``{"errcode": 0}`` is success, any other errcode a failure with its errmsg."""
    try:
        answer = _post(url, json.dumps(wecom_payload(text, mentions), ensure_ascii=False).encode(), "application/json")
        reply = json.loads(answer)
    except (OSError, ValueError) as error:
        return Delivery(False, f"机器人无法访问：{error}")
    if reply.get("errcode") == 0:
        return Delivery(True)
    return Delivery(False, f"errcode {reply.get('errcode')}: {reply.get('errmsg', '')}")


def sms_text(text: str) -> str:
    """The signature 【centre】 first, as every 政务短信 must carry."""
    return f"【{current_app.config['CENTRE_SHORT_NAME']}】{text}"


def sms_segments(text: str) -> int:
    """How many messages the gateway splits a text into: 70 characters fit one, longer texts go
    in parts of 67 (the rest carries the joining header)."""
    return 1 if len(text) <= 70 else -(-len(text) // 67)


def send_sms(mobile: str, text: str) -> Delivery:
    config = current_app.config
    fields = dict(config["NOTIFY_SMS_EXTRA"])
    fields[config["NOTIFY_SMS_MOBILE_FIELD"]] = mobile
    fields[config["NOTIFY_SMS_TEXT_FIELD"]] = sms_text(text)
    if config["NOTIFY_SMS_FORM"]:
        body, kind = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
    else:
        body, kind = json.dumps(fields, ensure_ascii=False).encode(), "application/json"
    try:
        answer = _post(config["NOTIFY_SMS_URL"], body, kind)
    except OSError as error:
        return Delivery(False, f"短信网关无法访问：{error}")
    field = config["NOTIFY_SMS_RESULT_FIELD"]
    if not field:
        return Delivery(True)
    try:
        reply = json.loads(answer)
        result = str(reply.get(field))
    except (ValueError, AttributeError):
        return Delivery(False, f"短信网关的回答无法识别：{answer[:200]!r}")
    if result == str(config["NOTIFY_SMS_SUCCESS"]):
        return Delivery(True)
    bad_number = result in {str(code) for code in config["NOTIFY_SMS_BAD_NUMBER"]}
    return Delivery(False, f"短信网关答复 {json.dumps(reply, ensure_ascii=False)[:300]}", bad_number)


def _post(url: str, body: bytes, content_type: str) -> bytes:
    """The answer's body; an HTTP error status raises (OSError), as the other side is then unwell."""
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - configured URL
        return response.read()
