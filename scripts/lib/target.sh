# The one target directory every script builds into and runs from: $CARGO_TARGET_DIR if set,
# else the workspace's `target/`, cargo's own default. Source it after setting `root`.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
