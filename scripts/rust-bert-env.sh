# Sourced by scripts/test-rust-bert.sh (and by hand before `cargo ... --features rust-bert`):
# the environment that builds and runs newsgraph's rust-bert backend against the PyTorch in
# .torch/venv. torch-sys 0.17 asks `python` (the venv's, since VIRTUAL_ENV is set) where
# libtorch is (LIBTORCH_USE_PYTORCH=1), so nothing is downloaded at build time; the feature
# build goes to target/rust-bert so that the default build in target/ stays as it was.
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export VIRTUAL_ENV="$_root/.torch/venv"
export PATH="$VIRTUAL_ENV/bin:$PATH"
export LIBTORCH_USE_PYTORCH=1
export CARGO_TARGET_DIR="$_root/target/rust-bert"
# libtorch's shared libraries, for the binaries and tests at run time.
_torch_lib="$("$VIRTUAL_ENV/bin/python" -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')"
export LD_LIBRARY_PATH="$_torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
unset _root _torch_lib
