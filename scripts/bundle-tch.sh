#!/usr/bin/env bash
# Packs the `tch` build of `ember` (scripts/setup-libtorch.sh) for a Linux GPU machine that has
# Python with torch 2.11 but no Rust toolchain (and perhaps no network):
#
#   dist/ember-tch-<commit>-linux-x86_64.tar.gz
#     ember-tch/ember            the binary, stripped
#     ember-tch/lib/             its non-system shared libraries: HDF5 and its dependency closure
#                                (libcurl, libsz, libaec, ...), as `ldd` resolves them here
#     ember-tch/run.sh           sets LD_LIBRARY_PATH to lib/ and to that machine's torch/lib,
#                                then runs `ember "$@"`
#     ember-tch/torch_updates.py the PyTorch reference updates for `bench --torch`, when
#                                ../shared/reference/torch_updates.py exists here
#
# Not bundled: libtorch, libc10 and the CUDA libraries (the target machine's pip torch provides
# them, built for its driver), and the C/C++ runtime (glibc >= 2.34, libstdc++, libgcc_s).
#
# Usage: scripts/bundle-tch.sh [BINARY]   (default: $CARGO_TARGET_DIR/release/ember, with
#        CARGO_TARGET_DIR defaulting to target/tch as in scripts/setup-libtorch.sh)
# On the GPU machine:
#   tar xzf ember-tch-*.tar.gz && ember-tch/run.sh bench --devices tch-cuda --torch \
#       --torch-script ember-tch/torch_updates.py
#   (PYTHON=/path/to/venv/bin/python picks the interpreter whose torch is used; default python3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="${1:-${CARGO_TARGET_DIR:-$root/target/tch}/release/ember}"
torch_version="2.11"

fail() { echo "bundle-tch: $*" >&2; exit 1; }
[ -x "$binary" ] || fail "no binary at $binary; build it with scripts/setup-libtorch.sh"
readelf -d "$binary" | grep -q 'NEEDED.*libtorch' ||
    fail "$binary does not link libtorch; build it with scripts/setup-libtorch.sh (feature tch)"
missing="$(ldd "$binary" | grep 'not found' || true)"
[ -z "$missing" ] || fail "ldd cannot resolve all of $binary's libraries here:"$'\n'"$missing"

commit="$(git -C "$root" rev-parse --short HEAD)"
name="ember-tch-$commit-linux-x86_64"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bundle="$work/ember-tch"
mkdir -p "$bundle/lib"

strip --strip-all -o "$bundle/ember" "$binary"
# Every library ldd resolves, except the ones the target machine must provide itself.
ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' | while read -r soname path; do
    case "$soname" in
        # torch's own libraries and the NVIDIA ones: from the target machine's torch.
        libtorch* | libc10* | libgomp* | libcu* | libnv* | libcudnn* | libshm*) continue ;;
        # glibc and the C++ runtime: part of the system, tied to its loader.
        libc.so.* | libm.so.* | libdl.so.* | librt.so.* | libpthread.so.* | libresolv.so.* | \
            libutil.so.* | libgcc_s.so.* | libstdc++.so.*) continue ;;
    esac
    case "$path" in */torch/lib/* | */nvidia/*) continue ;; esac
    cp -L "$path" "$bundle/lib/$soname"
done

reference="$root/../shared/reference/torch_updates.py"
[ -f "$reference" ] && cp "$reference" "$bundle/torch_updates.py"

cat > "$bundle/run.sh" <<EOF
#!/bin/sh
# Runs the bundled \`ember\` (built against torch $torch_version, feature tch) with its libraries
# and this machine's torch: LD_LIBRARY_PATH = lib/ + torch/lib of \$PYTHON (default python3).
set -eu
here="\$(cd "\$(dirname "\$0")" && pwd)"
python="\${PYTHON:-python3}"
torch_dir="\$("\$python" -W ignore -c 'import torch, os; print(os.path.dirname(torch.__file__))' 2>/dev/null)" || {
    echo "run.sh: \$python cannot import torch; activate the environment that has torch $torch_version or set PYTHON=/path/to/python" >&2
    exit 1
}
version="\$("\$python" -W ignore -c 'import torch; print(torch.__version__)')"
case "\$version" in
    $torch_version.*) ;;
    *) echo "run.sh: warning: this ember was built against torch $torch_version, \$python has torch \$version" >&2 ;;
esac
LD_LIBRARY_PATH="\$here/lib:\$torch_dir/lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
exec "\$here/ember" "\$@"
EOF
chmod +x "$bundle/run.sh"

mkdir -p "$root/dist"
tarball="$root/dist/$name.tar.gz"
tar -C "$work" -czf "$tarball" ember-tch
echo "bundle-tch: $tarball ($(du -h "$tarball" | cut -f1); $(ls "$bundle/lib" | wc -l) libraries)"
