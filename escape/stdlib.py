"""Standard-library data: declaration stubs plus the compiler's escape tags and inlinability.

The data file `escape/data/stdlib-go1.27.3.zip` is made by `tools/gen_stdlib.py` from the
real toolchain (linux/amd64, CGO_ENABLED=0). It is a zip archive (deflate) holding
`meta.json` (version; per package its name, files and import map) and, per package,
`pkg/<import path>/stub.go` and `.../funcs.tsv` (one `KEY<TAB>JSON` line per function).
Loading a package reads and inflates only its own two members; function records are
JSON-decoded on first access.

A package entry (`StdPackage`):

* `stub`: Go source of the package's declarations with function bodies removed: package
  clause, merged imports, types (struct tags dropped), consts, vars (initializer dropped
  when a type is written; function-literal bodies in kept initializers are `{}`), and
  function/method signatures. A method with its own type parameters (Go 1.27), which
  tree-sitter-go cannot parse, appears as a `// escape:generic-method <signature>` line.
  When files import different packages under one name, all but one get an alias `name_N`
  and the kept references are rewritten to it.
* `funcs`: a read-only mapping (`FuncTable`), keyed as the compiler names functions (`F`,
  `T.M`, `(*T).M`, `init.N`; type parameters are not part of the key). Each value is a dict:

  - `pos` (`file.go:line`), `body` (False for assembly declarations), `generic`, `recv`;
  - `inline`: `{"cost": N}` when the compiler printed `can inline`, else None, with the
    compiler's reason in `inline_reason` (generic functions: the compiler prints nothing);
  - `noescape` (body-less functions only): a `//go:noescape` directive precedes it;
  - `pragmas`: the `//go:` directives directly above the declaration, if any;
  - `results`: result names (None when unnamed);
  - `params`: receiver first, then parameters, each
    `{"index", "name", "recv", "reported", "heap", "mutator", "callee", "results"}`:
    `heap` is the minimum deref count of a leak to the heap (None if none), `mutator` and
    `callee` the minimum deref counts at which the value is mutated or called (the tag's
    other two slots, printed as `mutates param: P derefs=N` and `calls param: P derefs=N`
    under `-d=escapemutationscalls=1`; None if none) and `results[i]` the deref count of the
    leak to result i (0..4), as the compiler reports them (after its Optimize step, which
    drops mutator, callee and result slots at or above the heap leak). A body-less
    `//go:noescape` function's pointer parameters have `mutator` and `callee` 0, as the
    compiler tags them (it prints only `P does not escape`). `reported` says whether the compiler
    printed any line for the parameter (scalars, unnamed and blank parameters and all
    parameters of generic functions are silent). Optional keys: `moved` (the parameter is
    moved to the heap; it then leaks to the heap with derefs 0) and `uintptr`
    (`"unsafe"`/`"escapes"` for the compiler's uintptr rules).
"""

from __future__ import annotations

import functools
import io
import json
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

GO_VERSION = "go1.27.3"
DATA_NAME = f"stdlib-{GO_VERSION}.zip"

__all__ = ["FuncTable", "StdPackage", "go_version", "has_package", "list_packages", "load_package"]


class FuncTable(Mapping[str, dict[str, Any]]):
    """Read-only mapping of function key to its record, decoded on first access."""

    __slots__ = ("_raw", "_done")

    def __init__(self, raw: dict[str, str]) -> None:
        self._raw = raw
        self._done: dict[str, dict[str, Any]] = {}

    def __getitem__(self, key: str) -> dict[str, Any]:
        rec = self._done.get(key)
        if rec is None:
            rec = self._done[key] = json.loads(self._raw[key])
        return rec

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def raw(self, key: str) -> str | None:
        """The record's JSON text, undecoded (None if there is no such function)."""
        return self._raw.get(key)

    def __repr__(self) -> str:
        return f"FuncTable({len(self._raw)} functions)"


@dataclass(frozen=True)
class StdPackage:
    """One standard-library package: its stub source and its functions' tags."""

    name: str
    path: str
    stub: str
    funcs: Mapping[str, dict[str, Any]]
    files: tuple[str, ...] = ()
    import_map: dict[str, str] = field(default_factory=dict)
    generic: Mapping[str, dict[str, Any]] = field(default_factory=dict)  # key -> body source
    # (stub line, file, original line) at the start of each run of stub lines that
    # follow the original file line for line, by stub line
    lines: tuple[tuple[int, str, int], ...] = ()
    # declarations that lead to generic instances: "T" (its underlying type), "T.M"
    reach: frozenset[str] = frozenset()


def _data_ref() -> Traversable | Path:
    try:
        return resources.files("escape") / "data" / DATA_NAME
    except (ModuleNotFoundError, TypeError):  # e.g. loaded outside the package
        return Path(__file__).resolve().parent / "data" / DATA_NAME


class _Archive:
    """Just enough of a zip reader for the shipped archive: `read` and `namelist`.

    zipfile builds a ZipInfo object per member when it opens an archive, which costs more
    than everything else a one-file run does with the data; this indexes the central
    directory with one struct call per member. Members are inflated (and their CRC
    checked) on demand. An archive this does not expect (zip64, encryption, a compression
    other than deflate) raises ValueError, and the caller uses zipfile instead."""

    __slots__ = ("_buf", "_index")

    def __init__(self, buf: bytes) -> None:
        import struct

        self._buf = buf
        end = buf.rfind(b"PK\x05\x06", max(0, len(buf) - 22 - 65535))
        if end < 0 or len(buf) < end + 22:
            raise ValueError("no end of central directory")
        (_, disk, cd_disk, _n_disk, count, cd_size, cd_off,
         _clen) = struct.unpack_from("<4s4H2LH", buf, end)
        if disk or cd_disk or count == 0xFFFF or cd_off == 0xFFFFFFFF or \
                cd_off + cd_size > end:
            raise ValueError("multi-disk or zip64 archive")
        index: dict[str, tuple[int, int, int, int, int]] = {}
        unpack = struct.Struct("<4s6H3L5H2L").unpack_from
        pos = cd_off
        for _ in range(count):
            (sig, _made, _need, flags, method, _time, _date, crc, csize, usize, nlen, elen,
             clen, _start, _iattr, _eattr, off) = unpack(buf, pos)
            if sig != b"PK\x01\x02" or flags & 1 or method not in (0, 8) or \
                    0xFFFFFFFF in (csize, usize, off):
                raise ValueError("unexpected member")
            raw = buf[pos + 46:pos + 46 + nlen]
            name = raw.decode("utf-8" if flags & 0x800 else "cp437")
            index[name] = (off, method, csize, usize, crc)
            pos += 46 + nlen + elen + clen
        self._index = index

    def namelist(self) -> list[str]:
        return list(self._index)

    def read(self, name: str) -> bytes:
        import struct
        import zlib

        entry = self._index.get(name)
        if entry is None:
            raise KeyError(f"There is no item named {name!r} in the archive")
        off, method, csize, usize, crc = entry
        sig, nlen, elen = struct.unpack_from("<4s22xHH", self._buf, off)
        if sig != b"PK\x03\x04":
            raise zipfile.BadZipFile("Bad magic number for file header")
        start = off + 30 + nlen + elen
        data = self._buf[start:start + csize]
        if method == 8:
            data = zlib.decompress(data, -15)
        if len(data) != usize or zlib.crc32(data) != crc:
            raise zipfile.BadZipFile(f"Bad CRC-32 for file {name!r}")
        return data


@functools.lru_cache(maxsize=1)
def _archive() -> _Archive | zipfile.ZipFile:
    # Opening reads only the central directory; members are decompressed on demand.
    ref = _data_ref()
    buf = ref.read_bytes()
    try:
        return _Archive(buf)
    except ValueError:
        pass
    if isinstance(ref, Path):
        return zipfile.ZipFile(ref)
    return zipfile.ZipFile(io.BytesIO(buf))  # e.g. installed as a zip


@functools.lru_cache(maxsize=1)
def _meta() -> dict[str, Any]:
    return json.loads(_archive().read("meta.json"))


def _member(path: str, part: str) -> str:
    return f"pkg/{path}/{part}"


def go_version() -> str:
    """The Go version the data was generated with, e.g. "go1.27.3"."""
    return str(_meta()["go_version"])


def has_package(path: str) -> bool:
    """True if `path` is a standard-library import path (incl. internal and vendor/...)."""
    return path in _meta()["packages"]


def list_packages() -> list[str]:
    """All import paths in the data, sorted."""
    return sorted(_meta()["packages"])


@functools.lru_cache(maxsize=512)  # more than the ~380 packages: never evicts
def load_package(import_path: str) -> StdPackage | None:
    """The package's data, or None if it is not in the standard library.

    Reads only this package's two members of the archive; function records are decoded on
    first access.
    """
    head = _meta()["packages"].get(import_path)
    if head is None:
        return None
    zf = _archive()
    stub = zf.read(_member(import_path, "stub.go")).decode()
    raw: dict[str, str] = {}
    for line in zf.read(_member(import_path, "funcs.tsv")).decode().splitlines():
        key, _, rec = line.partition("\t")
        raw[key] = rec
    generic: dict[str, str] = {}
    for line in _optional_lines(import_path, "generic.tsv"):
        key, _, rec = line.partition("\t")
        generic[key] = rec
    lines: list[tuple[int, str, int]] = []
    for line in _optional_lines(import_path, "lines.tsv"):
        stub_line, fname, orig = line.split("\t")
        lines.append((int(stub_line), fname, int(orig)))
    reach = frozenset(_optional_lines(import_path, "reach.tsv"))
    return StdPackage(name=head["name"], path=head["path"], stub=stub, funcs=FuncTable(raw),
                      files=tuple(head.get("files", ())),
                      import_map=head.get("import_map", {}), generic=FuncTable(generic),
                      lines=tuple(lines), reach=reach)


def _optional_lines(import_path: str, name: str) -> list[str]:
    """The lines of a package's member that only some packages have (none if absent)."""
    member = _member(import_path, name)
    return _archive().read(member).decode().splitlines() if member in _names() else []


@functools.lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    return frozenset(_archive().namelist())


def package_name(import_path: str) -> str | None:
    """The declared package name of a standard-library package (None if not std)."""
    head = _meta()["packages"].get(import_path)
    return None if head is None else str(head["name"])
