"""The centre's own code: /e/ is what the lobby poster's QR code opens."""

from bench.api import HttpRow


def rows(app):
    return [HttpRow("一码通 /e/（扫码热路径）", "/e/")]
