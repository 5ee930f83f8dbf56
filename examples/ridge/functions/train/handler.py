import subprocess


def handler(event, context):
    return subprocess.run(["./ridge-cli", "train"], capture_output=True, text=True).stdout
