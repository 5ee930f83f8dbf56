"""The reports function."""
from common import ok


def handler(event, context):
    return ok({"function": "reports", "items": event.get("items", [])})
