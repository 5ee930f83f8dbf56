"""ISO-8601 dates without dependencies."""
import datetime


def parse(text):
    return datetime.datetime.fromisoformat(text)
