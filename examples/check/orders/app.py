from common.responses import ok


def handler(event, context):
    return ok({"orders": []})
