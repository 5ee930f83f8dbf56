"""The orders function."""
from common import ok


def handler(event, context):
    return ok({"function": "orders", "items": event.get("items", [])})
