def handler(event, context):
    import tinyhttp
    return tinyhttp.get(event["url"]).describe()
