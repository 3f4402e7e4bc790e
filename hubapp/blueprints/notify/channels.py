"""The ways a message leaves the machine: a 企业微信 group robot, the site's SMS gateway, and e-mail
through the site's SMTP server (for staff who asked for it).

Each takes an outbox row and answers with a ``Delivery``: sent, or failed with the other side's
answer, and whether trying again can help. Nothing here touches the database."""

import json
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

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


#: How much of the text the subject line shows, in characters.
SUBJECT_CHARACTERS = 40


def email_message(address: str, text: str) -> EmailMessage:
    config = current_app.config
    first_line = text.split(" http", 1)[0]
    subject = first_line if len(first_line) <= SUBJECT_CHARACTERS else first_line[: SUBJECT_CHARACTERS - 1] + "…"
    message = EmailMessage()
    message["From"] = config["NOTIFY_SMTP_FROM"]
    message["To"] = address
    message["Subject"] = f"【{config['CENTRE_SHORT_NAME']}】{subject}"
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="hubapp")
    message.set_content(f"{text}\n\n—— {config['CENTRE_NAME']}（系统自动发送，请勿直接回复）\n")
    return message


def send_email(address: str, text: str) -> Delivery:
    """Through NOTIFY_SMTP_HOST: STARTTLS, implicit TLS (``ssl``) or none, as NOTIFY_SMTP_TLS says;
    a login when NOTIFY_SMTP_USER is set. An address the server refuses outright (5xx) is not retried."""
    config = current_app.config
    host, port, mode = config["NOTIFY_SMTP_HOST"], int(config["NOTIFY_SMTP_PORT"]), config["NOTIFY_SMTP_TLS"]
    try:
        if mode == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
        with server:
            if mode == "starttls":
                server.starttls(context=ssl.create_default_context())
            if config["NOTIFY_SMTP_USER"]:
                server.login(config["NOTIFY_SMTP_USER"], config["NOTIFY_SMTP_PASSWORD"])
            server.send_message(email_message(address, text))
    except smtplib.SMTPRecipientsRefused as error:
        code, answer = next(iter(error.recipients.values()))
        return Delivery(False, f"邮件服务器拒收 {address}：{code} {answer.decode(errors='replace')}", code >= 500)
    except (smtplib.SMTPException, OSError) as error:
        return Delivery(False, f"邮件服务器无法发送：{error}")
    return Delivery(True)


def _post(url: str, body: bytes, content_type: str) -> bytes:
    """The answer's body; an HTTP error status raises (OSError), as the other side is then unwell."""
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - configured URL
        return response.read()
