"""C++ harness generator: one g++ call (precompiled prelude, prebuilt runtime) and one process for every test."""

from __future__ import annotations

from judge.bank import Signature, split_type
from judge.harness_base import MESSAGE_CHARS, PROGRAM_DIR, HarnessProgram
from judge.harness_cpp_prelude import (
    PRELUDE,
    PRELUDE_HEADER,
    RUNTIME,
    RUNTIME_SOURCE,
    SANDBOX_CXX_FLAGS,
    ensure_prelude,
)

SOURCE_FILE = "solution.cpp"
MAIN_FILE = "main.cpp"
BINARY = "prog"
# glibc's malloc keeps freed small blocks in a per-thread cache (tcache) and writes a key into each, drawn at random
# for every process (getrandom) to catch double frees: reading a block after it was freed (a reference into a
# vector's buffer kept across a push_back that moved it) read that key, a different value on every run. Without the
# cache, freed small blocks go to the fast bins, whose links are the same on every run (addresses are: judge.bwrap).
RUN_ENV = {"GLIBC_TUNABLES": "glibc.malloc.tcache_count=0"}
_CPP = {"int": "int", "long": "long long", "float": "double", "bool": "bool", "string": "std::string"}


def _cpp_type(t: str) -> str:
    scalar, depth = split_type(t)
    out = _CPP[scalar]
    for _ in range(depth):
        out = f"std::vector<{out}>"
    return out


_MAIN = r"""#include "__PRELUDE__"
#include "solution.cpp"
#line 1 "harness.cpp"

int main() {
  using namespace shadows;
  init(__MESSAGE__);
  std::string nonce, text;
  while (next_frame(nonce, text)) {
    Reader in(text);
    in.expect('[');
__READ__
    in.expect(']');
    begin_test(nonce);
    try {
      Solution sol;
      auto r = sol.__FUNCTION__(__ARGS__);
      flush_all();
      std::string rec = record_head(true);
      rec += ",\"v\":";
      write(rec, r);
      rec += "}\n";
      emit(rec);
    } catch (const std::bad_alloc&) {
      flush_all();
      emit_error("memory", "std::bad_alloc: memory limit exceeded");
    } catch (const std::exception& e) {
      flush_all();
      emit_error("runtime", std::string("exception: ") + e.what());
    } catch (...) {
      flush_all();
      emit_error("runtime", "an exception that is not a std::exception was thrown");
    }
  }
  flush_all();
  _exit(0);
}
"""


def build(
    signature: Signature,
    source: str,
    cxx_bin: str,
    *,
    portable: bool = False,
    lean: bool = True,
    program_dir: str = PROGRAM_DIR,
) -> HarnessProgram:
    """The C++ program. `portable` ships the prelude and runtime as sources (for hosts without our per-host build
    cache, e.g. Judge0) instead of using the precompiled header and prebuilt runtime object. Unless the code asks
    for <bits/stdc++.h>, it is first compiled against the lean precompiled prelude, with the full one as the
    fallback should that fail (code relying on a header the lean prelude does not include)."""
    reads, args = [], []
    for k, param in enumerate(signature.params):
        sep = "" if k == 0 else "    in.expect(',');\n"
        reads.append(f"{sep}    {_cpp_type(param.type)} a{k}; in.read(a{k});")
        args.append(f"a{k}")
    files: dict[str, str] = {SOURCE_FILE: source}
    fallback: HarnessProgram | None = None
    linker: tuple[str, ...]
    ro_binds: tuple[str, ...]
    sources: tuple[str, ...]
    if portable:
        # One translation unit (the runtime included after main): <bits/stdc++.h> is parsed once, not twice.
        header, sources, linker, ro_binds = PRELUDE_HEADER, (MAIN_FILE,), (), ()
        files[PRELUDE_HEADER] = PRELUDE
        files[RUNTIME_SOURCE] = RUNTIME
    else:
        prelude = ensure_prelude(cxx_bin)
        header, linker = prelude.header, prelude.linker_flags
        sources = (MAIN_FILE, prelude.runtime_object)
        ro_binds = (prelude.directory,)
        if lean and prelude.lean and "bits/stdc++.h" not in source:
            header = prelude.lean_header
            fallback = build(signature, source, cxx_bin, lean=False, program_dir=program_dir)
    files[MAIN_FILE] = (
        _MAIN.replace("__PRELUDE__", header)
        .replace("__MESSAGE__", str(MESSAGE_CHARS))
        .replace("__READ__", "\n".join(reads))
        .replace("__FUNCTION__", signature.function_name("cpp"))
        .replace("__ARGS__", ", ".join(args))
    )
    if portable:
        files[MAIN_FILE] += f'#include "{RUNTIME_SOURCE}"\n'
    return HarnessProgram(
        language="cpp",
        files=files,
        compile_argv=[cxx_bin, *SANDBOX_CXX_FLAGS, *linker, "-o", BINARY, *sources],
        run_argv=[f"{program_dir}/{BINARY}"],
        ro_binds=ro_binds,
        fallback=fallback,
        binary=BINARY,
        run_env={} if portable else RUN_ENV,
    )
