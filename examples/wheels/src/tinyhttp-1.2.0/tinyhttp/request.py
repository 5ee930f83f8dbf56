class Request:
    def __init__(self, method, url, headers):
        self.method = method
        self.url = url
        self.headers = dict(headers)

    def describe(self):
        return f"{self.method} {self.url}"
