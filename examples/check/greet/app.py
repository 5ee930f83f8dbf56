import os

import tinyhttp


def handler(event, context):
    print(f"greeting {event.get('name', 'world')}")
    request = tinyhttp.get("https://example.invalid/hello")
    return {
        "statusCode": 200,
        "body": f"hello {event.get('name', 'world')} from {context.function_name} ({os.environ['STAGE']})",
        "method": request.method,
    }
