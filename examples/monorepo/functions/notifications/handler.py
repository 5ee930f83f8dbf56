"""The notifications function."""
from common import ok


def handler(event, context):
    return ok({"function": "notifications", "items": event.get("items", [])})
