def handler(event, context):
    from jsonschema_lite import validate
    return validate(event, {"id": int})
