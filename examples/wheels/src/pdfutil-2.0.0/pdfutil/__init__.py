"""Calls a wkhtmltopdf-style binary shipped in the function's zip (lambda_bin)."""
import os
import subprocess

BIN = os.path.join(os.environ.get("LAMBDA_TASK_ROOT", "."), "wkhtmltopdf")


def render(html):
    return subprocess.run([BIN, "-"], input=html.encode(), capture_output=True, check=True).stdout
