"""Checks a dict against a minimal schema: {"field": type}."""


def validate(document, schema):
    errors = []
    for field, kind in schema.items():
        if field not in document:
            errors.append(f"missing {field}")
        elif not isinstance(document[field], kind):
            errors.append(f"{field} is not {kind.__name__}")
    return errors
