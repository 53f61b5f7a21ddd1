#!/usr/bin/env bash
# Rebuilds every WebAssembly module in the repository; the one command for handlers and fixtures:
#   handlers/*.c       -> handlers/<name>.wasm        (C, wasi-libc, 64 MiB memory ceiling)
#   handlers/*.rs      -> handlers/<name>.wasm        (Rust std, wasm32-wasi)
#   handlers/conformance/*.c, *.rs -> handlers/conformance/<name>.wasm
#                                                     (the conformance kit: one handler per clause of
#                                                      the handler contract; same flags as handlers/)
#   src/test/wasm/*.c  -> src/test/wasm/<name>.wasm   (test fixtures, 256 MiB ceiling so the
#                                                      memory hog meets the host's cap first)
#   src/test/wasm/*.wat -> src/test/wasm/<name>.wasm  (hand-written fixtures for what C cannot express,
#                                                      e.g. several memories or huge fixed tables; wabt)
# Shared code: C headers in handlers/include/, Rust modules in handlers/lib/ (pulled in with
# #[path = "lib/x.rs"] mod x;). Output is stripped and byte-for-byte reproducible.
# Usage: handlers/build.sh   (from any directory)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export LC_ALL=C   # stable glob order
shopt -s nullglob

APT_LINE="apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32 wabt rustc libstd-rust-dev-wasm32"
RUSTC=/usr/bin/rustc   # Debian's rustc has the wasm32-wasi std; a rustup rustc on PATH does not

die() {
    echo "build.sh: $1" >&2
    echo "build.sh: install the toolchain (Debian/Ubuntu) with: $APT_LINE" >&2
    exit 1
}

C_SOURCES=(handlers/*.c handlers/conformance/*.c src/test/wasm/*.c)
RS_SOURCES=(handlers/*.rs handlers/conformance/*.rs)
WAT_SOURCES=(src/test/wasm/*.wat)

# --- toolchain checks: fail early with the install line instead of a cryptic linker error ---
for tool in clang wasm-ld wasm-strip; do
    command -v "$tool" >/dev/null || die "'$tool' not found"
done
[ -f /usr/lib/wasm32-wasi/libc.a ] || die "wasi-libc not found (/usr/lib/wasm32-wasi/libc.a)"
[ -f "$(clang --target=wasm32-wasi -print-libgcc-file-name)" ] \
    || die "clang's wasm32 runtime library (libclang_rt.builtins-wasm32.a) not found"
if [ ${#WAT_SOURCES[@]} -gt 0 ]; then
    command -v wat2wasm >/dev/null || die "'wat2wasm' (wabt) not found"
fi
if [ ${#RS_SOURCES[@]} -gt 0 ]; then
    [ -x "$RUSTC" ] || die "$RUSTC not found"
    [ -d "$("$RUSTC" --print sysroot)/lib/rustlib/wasm32-wasi" ] || die "Rust std for wasm32-wasi not found"
fi

CFLAGS=(--target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -I handlers/include)
HANDLER_MEM=$((64 * 1024 * 1024))
FIXTURE_MEM=$((256 * 1024 * 1024))

# Builds into a hidden temp file beside the target, then renames it over the target only if the
# bytes changed: a server watching handlers/ for *.wasm never sees a half-written module, and an
# unchanged module keeps its mtime (no needless hot reload).
tmp=
trap 'rm -f "$tmp"' EXIT   # a failed compile or strip leaves no stray temp file behind
install_wasm() {
    local tmp=$1 out=$2
    wasm-strip "$tmp"
    chmod 644 "$tmp"   # data, not an executable: keep the git mode stable
    if cmp -s "$tmp" "$out"; then
        rm -f "$tmp"
    else
        mv -f "$tmp" "$out"
        echo "built $out ($(wc -c <"$out") bytes)"
    fi
}

for src in "${C_SOURCES[@]}"; do
    out=${src%.c}.wasm
    tmp=$(dirname "$src")/.$(basename "$out").tmp
    case $src in
        handlers/*) mem=$HANDLER_MEM ;;
        *) mem=$FIXTURE_MEM ;;
    esac
    clang "${CFLAGS[@]}" -Wl,--max-memory=$mem -o "$tmp" "$src"
    install_wasm "$tmp" "$out"
done

for src in "${RS_SOURCES[@]}"; do
    out=${src%.rs}.wasm
    tmp=$(dirname "$src")/.$(basename "$out").tmp
    "$RUSTC" --edition 2021 --target wasm32-wasi -C opt-level=s --crate-type bin \
        -C link-arg=--max-memory=$HANDLER_MEM \
        --crate-name "$(basename "${src%.rs}" | tr -c 'A-Za-z0-9_\n' '_')" \
        -o "$tmp" "$src"
    install_wasm "$tmp" "$out"
done

for src in "${WAT_SOURCES[@]}"; do
    out=${src%.wat}.wasm
    tmp=$(dirname "$src")/.$(basename "$out").tmp
    wat2wasm --enable-multi-memory -o "$tmp" "$src"
    install_wasm "$tmp" "$out"
done

echo "build.sh: ${#C_SOURCES[@]} C, ${#RS_SOURCES[@]} Rust and ${#WAT_SOURCES[@]} WAT module(s) up to date"
