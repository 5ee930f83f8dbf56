"""The payments function."""
from common import ok


def handler(event, context):
    return ok({"function": "payments", "items": event.get("items", [])})
