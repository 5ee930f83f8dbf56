from pdfutil import render


def handler(event, context):
    return render(event["html"]).decode()
