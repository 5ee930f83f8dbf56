#!/bin/sh
# Builds ridge's native files into juniper's folders. (An offline stand-in: a real image would
# compile them; this one writes them.) The Dockerfile COPYs this script, so editing it rebuilds
# the image and everything that uses it; no other project file is an input of the image.
set -e
mkdir -p /var/task/lambda_lib /var/task/lambda_bin
printf 'ridge native library %s\n' "$RIDGE_VERSION" > /var/task/lambda_lib/libridge.so.1
ln -s libridge.so.1 /var/task/lambda_lib/libridge.so
printf '#!/bin/sh\necho "ridge-cli %s $*"\n' "$RIDGE_VERSION" > /var/task/lambda_bin/ridge-cli
chmod 755 /var/task/lambda_bin/ridge-cli
