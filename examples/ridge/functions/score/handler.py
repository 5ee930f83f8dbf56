import subprocess


def handler(event, context):
    return subprocess.run(["/opt/bin/ridge-cli", "score"], capture_output=True, text=True).stdout
