"""Turn command-line PATH arguments into packages, choosing files the way `go build` does.

The rules mirror go1.27's cmd/go (GOPATH mode, GO111MODULE=off, CGO_ENABLED=0) and go/build:

* A `.go` argument that names an existing file is a *named file*. All named files form one
  package (go's "command-line-arguments"); they must share one directory (compared the way
  go compares them: by ``filepath.Dir`` of the argument as written). As with go, build
  constraints and ``_GOOS``/``_GOARCH`` suffixes are NOT applied to named files (go/build's
  ``UseAllFiles``), files starting with ``_`` or ``.`` are silently dropped, files importing
  "C" are ignored (cgo is off) and the files keep their command-line order, which is the
  order in which go passes them to the compiler. Unlike ``go build`` (which silently skips
  them), named ``_test.go`` files are analyzed.
* Any other argument without ``...`` is a directory: its non-test ``.go`` files that satisfy
  the build constraints, sorted by name.
* An argument containing ``...`` is a pattern matched like cmd/go's ``search.MatchDirs``:
  ``testdata``, ``_*`` and ``.*`` directories are skipped, ``vendor`` subtrees are excluded
  (``./...`` matches ``./vendor`` itself but nothing below it), directories whose Go files
  are all excluded are not matched, and matched directories with only test files are
  silently omitted (cmd/go's ``omitTestOnly``).

Deviations, chosen because this is an analyzer rather than a build tool: absolute
directories and plain relative directories (``sub`` rather than ``./sub``) are accepted (in
GOPATH mode go treats them as import paths), and one bad argument never prevents the others
from loading (go aborts the whole command). Error messages are go's own, on one line.

Display paths are what the go command prints in compiler messages: the compiler is given
``<pkg dir>/<file>`` and cmd/go rewrites ``<pkg dir>`` (and its ancestors) in the output to
``base.ShortPath`` of it, e.g. ``./x.go`` from inside the package directory, ``sub/x.go``
from its parent, ``../x.go`` from a child, the absolute path when that is shorter.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "KNOWN_ARCH",
    "KNOWN_OS",
    "UNIX_OS",
    "LoadError",
    "Package",
    "SourceFile",
    "load_packages",
    "match_build_constraints",
]

# Newest release tag of the toolchain this project mirrors (go1.27.3): go1.1 ... go1.27.
GO_RELEASE_MINOR = 27

# internal/syslist: every GOOS/GOARCH ever known (used for file-name matching).
KNOWN_OS = frozenset({
    "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
    "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos",
})
UNIX_OS = frozenset({
    "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "linux",
    "netbsd", "openbsd", "solaris",
})
KNOWN_ARCH = frozenset({
    "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips",
    "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le",
    "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm",
})

# `go tool dist list` for go1.27.3.
_SUPPORTED_PLATFORMS = frozenset(
    """aix/ppc64 android/386 android/amd64 android/arm android/arm64 darwin/amd64
    darwin/arm64 dragonfly/amd64 freebsd/386 freebsd/amd64 freebsd/arm freebsd/arm64
    illumos/amd64 ios/amd64 ios/arm64 js/wasm linux/386 linux/amd64 linux/arm linux/arm64
    linux/loong64 linux/mips linux/mips64 linux/mips64le linux/mipsle linux/ppc64
    linux/ppc64le linux/riscv64 linux/s390x netbsd/386 netbsd/amd64 netbsd/arm netbsd/arm64
    openbsd/386 openbsd/amd64 openbsd/arm openbsd/arm64 openbsd/ppc64 openbsd/riscv64
    plan9/386 plan9/amd64 plan9/arm solaris/amd64 wasip1/wasm windows/386 windows/amd64
    windows/arm64""".split()
)

# Extensions go/build records for a package besides .go (they count for the file-name checks).
_OTHER_EXTS = frozenset({
    ".c", ".cc", ".cpp", ".cxx", ".m", ".h", ".hh", ".hpp", ".hxx", ".f", ".F", ".for",
    ".f90", ".s", ".S", ".sx", ".swig", ".swigcxx", ".syso",
})

# unicode.IsSpace, which Go's TrimSpace and Fields use.
_GO_SPACE = (
    " \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute path
    display: str  # the path as the go command prints it in compiler messages


@dataclass(frozen=True)
class Package:
    dir: Path  # absolute directory
    files: tuple[SourceFile, ...]  # in the order the go command passes them to the compiler
    ignored: tuple[Path, ...]  # .go files present but excluded by constraints (for messages)


class LoadError(Exception):
    """A one-line, user-facing message about an argument that could not be used."""


# ---------------------------------------------------------------------------------------------
# Go path helpers (POSIX filepath semantics, byte lengths as Go measures them)


def _go_clean(path: str) -> str:
    """filepath.Clean."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for comp in path.split("/"):
        if comp in ("", "."):
            continue
        if comp == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(comp)
    out = "/".join(parts)
    if rooted:
        return "/" + out
    return out or "."


def _go_join(*elems: str) -> str:
    """filepath.Join."""
    joined = "/".join(e for e in elems if e)
    return _go_clean(joined) if joined else ""


def _go_split(path: str) -> tuple[str, str]:
    """filepath.Split."""
    i = path.rfind("/")
    return path[: i + 1], path[i + 1 :]


def _go_dir(path: str) -> str:
    """filepath.Dir."""
    return _go_clean(path[: path.rfind("/") + 1])


def _go_rel(basepath: str, targpath: str) -> str | None:
    """filepath.Rel (POSIX); None where Go returns an error."""
    base = _go_clean(basepath)
    targ = _go_clean(targpath)
    if targ == base:
        return "."
    if base == ".":
        base = ""
    if base.startswith("/") != targ.startswith("/"):
        return None
    bl, tl = len(base), len(targ)
    b0 = bi = t0 = ti = 0
    while True:
        while bi < bl and base[bi] != "/":
            bi += 1
        while ti < tl and targ[ti] != "/":
            ti += 1
        if targ[t0:ti] != base[b0:bi]:
            break
        if bi < bl:
            bi += 1
        if ti < tl:
            ti += 1
        b0, t0 = bi, ti
    if base[b0:bi] == "..":
        return None
    if b0 != bl:
        seps = base[b0:bl].count("/")
        out = ".." + "/.." * seps
        if t0 != tl:
            out += "/" + targ[t0:]
        return _go_clean(out)
    return targ[t0:]


def _blen(s: str) -> int:
    return len(s.encode("utf-8", "surrogateescape"))


def _go_getwd() -> str:
    """os.Getwd: $PWD when it names the current directory, else the physical path."""
    dot = os.getcwd()
    pwd = os.environ.get("PWD", "")
    if pwd.startswith("/"):
        try:
            if os.path.samefile(pwd, dot):
                return pwd
        except OSError:
            pass
    return dot


def _strerror(e: OSError) -> str:
    """Go's spelling of an errno message ("no such file or directory")."""
    msg = os.strerror(e.errno) if e.errno else str(e)
    return msg[:1].lower() + msg[1:]


def _go_quote(s: str) -> str:
    """strconv.Quote, close enough for file names."""
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\a\b\f\n\r\t\v":
            out.append({"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
                        "\t": "\\t", "\v": "\\v"}[ch])
        elif "\udc80" <= ch <= "\udcff":
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def _printable(s: str) -> str:
    """Replace undecodable bytes (surrogate escapes) by U+FFFD, as Go prints them."""
    return re.sub("[\udc80-\udcff]", "\ufffd", s)


class _Cwd:
    """The go command's working directory and the path functions that depend on it."""

    def __init__(self, cwd: Path | None) -> None:
        if cwd is None:
            wd = _go_getwd()
        else:
            wd = os.fspath(cwd)
            if not wd.startswith("/"):
                wd = os.path.join(_go_getwd(), wd)
        self.wd = _go_clean(wd)

    def os_path(self, p: str) -> str:
        """A path usable by the OS as if the process ran in the go command's directory."""
        return os.path.join(self.wd, p) if p else self.wd

    def abs(self, p: str) -> str:
        """filepath.Abs."""
        return _go_clean(p) if p.startswith("/") else _go_join(self.wd, p)

    def short_path(self, path: str) -> str:
        """cmd/go base.ShortPath."""
        rel = _go_rel(self.wd, path)
        if rel is not None and _blen(rel) < _blen(path) and self._same_file(rel, path):
            return rel
        return path

    def _same_file(self, p1: str, p2: str) -> bool:
        try:
            st1 = os.stat(self.os_path(p1))
        except FileNotFoundError:
            st1 = None
        except OSError:
            return False
        try:
            st2 = os.stat(self.os_path(p2))
        except FileNotFoundError:
            st2 = None
        except OSError:
            return False
        if st1 is None or st2 is None:
            return st1 is None and st2 is None
        return (st1.st_dev, st1.st_ino) == (st2.st_dev, st2.st_ino)

    def display(self, pkg_dir: str, name: str) -> str:
        """How cmd/go shows `pkg_dir/name` in compiler output (Shell.reportCmd)."""
        text = _go_join(pkg_dir, name)
        d = pkg_dir
        while True:
            rel = self.short_path(d)
            if rel != d and text.startswith(d):
                text = rel + text[len(d) :]
            parent = _go_dir(d)
            if parent == d:
                break
            d = parent
        return text


# ---------------------------------------------------------------------------------------------
# Build constraints (go/build/constraint and go/build's shouldBuild / goodOSArchFile)


class _ConstraintError(Exception):
    pass


# An expression is ("tag", name), ("not", x), ("and", [x, ...]) or ("or", [x, ...]).
_Expr = tuple


def _go_trim(s: str) -> str:
    return s.strip(_GO_SPACE)


def _go_fields(s: str) -> list[str]:
    """strings.Fields."""
    return [f for f in re.split("[" + _GO_SPACE + "]+", s) if f]


def _is_tag_char(c: str) -> bool:
    return c.isalpha() or c.isdecimal() or c in "_."


def _is_valid_tag(word: str) -> bool:
    return word != "" and all(_is_tag_char(c) for c in word)


class _ExprParser:
    """go/build/constraint's parser for //go:build expressions."""

    def __init__(self, s: str) -> None:
        self.s = s
        self.i = 0
        self.tok = ""
        self.is_tag = False
        self.size = 0

    def parse(self) -> _Expr:
        try:
            x = self.or_expr()
        except RecursionError:
            raise _ConstraintError("build expression too large") from None
        if self.tok != "":
            raise _ConstraintError("unexpected token " + self.tok)
        return x

    def or_expr(self) -> _Expr:
        xs = [self.and_expr()]
        while self.tok == "||":
            xs.append(self.and_expr())
        return xs[0] if len(xs) == 1 else ("or", xs)

    def and_expr(self) -> _Expr:
        xs = [self.not_expr()]
        while self.tok == "&&":
            xs.append(self.not_expr())
        return xs[0] if len(xs) == 1 else ("and", xs)

    def not_expr(self) -> _Expr:
        self.size += 1
        if self.size > 1000:
            raise _ConstraintError("build expression too large")
        self.lex()
        if self.tok == "!":
            self.lex()
            if self.tok == "!":
                raise _ConstraintError("double negation not allowed")
            return ("not", self.atom())
        return self.atom()

    def atom(self) -> _Expr:
        if self.tok == "(":
            try:
                x = self.or_expr()
            except _ConstraintError as e:
                if str(e) == "unexpected end of expression":
                    raise _ConstraintError("missing close paren") from None
                raise
            if self.tok != ")":
                raise _ConstraintError("missing close paren")
            self.lex()
            return x
        if not self.is_tag:
            if self.tok == "":
                raise _ConstraintError("unexpected end of expression")
            raise _ConstraintError("unexpected token " + self.tok)
        tok = self.tok
        self.lex()
        return ("tag", tok)

    def lex(self) -> None:
        s, n = self.s, len(self.s)
        self.is_tag = False
        while self.i < n and s[self.i] in " \t":
            self.i += 1
        if self.i >= n:
            self.tok = ""
            return
        c = s[self.i]
        if c in "()!":
            self.tok = c
            self.i += 1
            return
        if c in "&|":
            if self.i + 1 >= n or s[self.i + 1] != c:
                raise _ConstraintError("invalid syntax at " + c)
            self.tok = c + c
            self.i += 2
            return
        j = self.i
        while j < n and _is_tag_char(s[j]):
            j += 1
        if j == self.i:
            raise _ConstraintError("invalid syntax at " + _printable(c))
        self.tok = s[self.i : j]
        self.i = j
        self.is_tag = True


def _split_go_build(line: str) -> str | None:
    """constraint.splitGoBuild: the expression of a //go:build line, or None."""
    if line.endswith("\n"):
        line = line[:-1]
    if "\n" in line or not line.startswith("//go:build"):
        return None
    line = _go_trim(line)[len("//go:build") :]
    trim = _go_trim(line)
    if len(line) == len(trim) and line != "":
        return None
    return trim


def _split_plus_build(line: str) -> str | None:
    """constraint.splitPlusBuild: the expression of a // +build line, or None."""
    if line.endswith("\n"):
        line = line[:-1]
    if "\n" in line or not line.startswith("//"):
        return None
    line = _go_trim(line[2:])
    if not line.startswith("+build"):
        return None
    line = line[len("+build") :]
    trim = _go_trim(line)
    if len(line) == len(trim) and line != "":
        return None
    return trim


def _parse_plus_build(text: str) -> _Expr:
    """constraint.parsePlusBuildExpr: space-separated OR of comma-separated ANDs."""
    size = 0
    clauses: list[_Expr] = []
    for clause in _go_fields(text):
        lits: list[_Expr] = []
        for lit in clause.split(","):
            z: _Expr
            if lit.startswith("!!") or lit == "!":
                z = ("tag", "ignore")
            else:
                neg = lit.startswith("!")
                if neg:
                    lit = lit[1:]
                z = ("tag", lit) if _is_valid_tag(lit) else ("tag", "ignore")
                if neg:
                    z = ("not", z)
            if lits:
                size += 1
                if size > 100:
                    raise _ConstraintError("expression too complex for // +build lines")
            lits.append(z)
        if clauses:
            size += 1
            if size > 100:
                raise _ConstraintError("expression too complex for // +build lines")
        clauses.append(lits[0] if len(lits) == 1 else ("and", lits))
    if not clauses:
        return ("tag", "ignore")
    return clauses[0] if len(clauses) == 1 else ("or", clauses)


def _eval(x: _Expr, match: Callable[[str], bool]) -> bool:
    op = x[0]
    if op == "tag":
        return match(x[1])
    if op == "not":
        return not _eval(x[1], match)
    results = [_eval(y, match) for y in x[1]]  # Go evaluates every operand
    return all(results) if op == "and" else any(results)


def _parse_file_header(content: str) -> tuple[str, str | None]:
    """go/build.parseFileHeader: the leading comment block that may hold // +build lines
    and the //go:build line, if any (raises on several //go:build lines)."""
    end = 0
    pos = 0
    n = len(content)
    ended = False
    in_slash_star = False
    go_build: str | None = None
    while pos < n:
        i = content.find("\n", pos)
        if i >= 0:
            line, pos = content[pos:i], i + 1
        else:
            line, pos = content[pos:], n
        line = _go_trim(line)
        if not line and not ended:
            end = pos
            continue
        if not line.startswith("//"):
            ended = True
        if not in_slash_star and line.startswith("//go:build"):
            rest = line[len("//go:build") :]
            if not rest or len(_go_trim(rest)) < len(rest):
                if go_build is not None:
                    raise _ConstraintError("multiple //go:build comments")
                go_build = line
        rest = line
        while rest:
            if in_slash_star:
                j = rest.find("*/")
                if j >= 0:
                    in_slash_star = False
                    rest = _go_trim(rest[j + 2 :])
                    continue
                break
            if rest.startswith("//"):
                break
            if rest.startswith("/*"):
                in_slash_star = True
                rest = _go_trim(rest[2:])
                continue
            return content[:end], go_build
    return content[:end], go_build


_REGABI_ARCH = frozenset({"amd64", "arm64", "loong64", "ppc64le", "ppc64", "riscv64", "s390x"})


def _tool_tags(goos: str, goarch: str) -> list[str]:
    """build.Default.ToolTags for the default GOEXPERIMENT and GOAMD64/GOARM/... levels."""
    tags: list[str] = []
    if goarch in _REGABI_ARCH:
        tags += ["goexperiment.regabiwrappers", "goexperiment.regabiargs"]
    if goos not in ("darwin", "ios", "aix"):
        tags.append("goexperiment.dwarf5")
    tags += ["goexperiment.jsonv2", "goexperiment.greenteagc",
             "goexperiment.randomizedheapbase64", "goexperiment.sizespecializedmalloc"]
    levels = {
        "386": ["sse2"], "amd64": ["v1"], "arm": ["5", "6", "7"], "arm64": ["v8.0"],
        "mips": ["hardfloat"], "mipsle": ["hardfloat"], "mips64": ["hardfloat"],
        "mips64le": ["hardfloat"], "ppc64": ["power8"], "ppc64le": ["power8"],
        "riscv64": ["rva20u64"], "wasm": ["satconv", "signext"],
    }
    tags += [f"{goarch}.{lvl}" for lvl in levels.get(goarch, [])]
    return tags


@dataclass(frozen=True)
class _BuildContext:
    goos: str
    goarch: str
    tags: frozenset[str]
    cgo_enabled: bool = False
    tool_tags: frozenset[str] = field(default=frozenset())

    @classmethod
    def make(cls, tags: Iterable[str], goos: str, goarch: str) -> _BuildContext:
        # Like go's -tags flag, an element may hold several comma- or space-separated tags.
        user = frozenset(t for tag in tags for t in re.split(r"[,\s]+", tag) if t)
        return cls(goos, goarch, user, False, frozenset(_tool_tags(goos, goarch)))

    def match_tag(self, name: str) -> bool:
        """go/build Context.matchTag."""
        if self.cgo_enabled and name == "cgo":
            return True
        if name in (self.goos, self.goarch, "gc"):
            return True
        if (self.goos, name) in (("android", "linux"), ("illumos", "solaris"), ("ios", "darwin")):
            return True
        if name == "unix" and self.goos in UNIX_OS:
            return True
        if name == "boringcrypto":
            name = "goexperiment.boringcrypto"
        if name in self.tags or name in self.tool_tags:
            return True
        m = re.fullmatch(r"go1\.([1-9][0-9]*)", name)
        return m is not None and int(m.group(1)) <= GO_RELEASE_MINOR

    def good_os_arch_file(self, name: str) -> bool:
        """go/build Context.goodOSArchFile: the _GOOS, _GOARCH, _GOOS_GOARCH name rules."""
        name = name.split(".", 1)[0]
        i = name.find("_")
        if i < 0:
            return True
        parts = name[i:].split("_")
        if parts[-1] == "test":
            parts = parts[:-1]
        n = len(parts)
        if n >= 2 and parts[-2] in KNOWN_OS and parts[-1] in KNOWN_ARCH:
            return self.match_tag(parts[-1]) and self.match_tag(parts[-2])
        if n >= 1 and (parts[-1] in KNOWN_OS or parts[-1] in KNOWN_ARCH):
            return self.match_tag(parts[-1])
        return True

    def should_build(self, content: str) -> bool:
        """go/build Context.shouldBuild; raises _ConstraintError with go's message."""
        header, go_build = _parse_file_header(content)
        if go_build is not None:
            text = _split_go_build(go_build)
            try:
                if text is None:
                    raise _ConstraintError("not a build constraint")
                x = _ExprParser(text).parse()
            except _ConstraintError as e:
                raise _ConstraintError(f"parsing //go:build line: {e}") from None
            return _eval(x, self.match_tag)
        ok = True
        for line in header.split("\n"):
            line = _go_trim(line)
            if not line.startswith("//") or "+build" not in line:
                continue
            text = _split_plus_build(line)
            if text is None:
                continue
            try:
                x = _parse_plus_build(text)
            except _ConstraintError:
                continue
            if not _eval(x, self.match_tag):
                ok = False
        return ok


def match_build_constraints(src: bytes, filename: str, tags: set[str], goos: str,
                            goarch: str) -> bool:
    """Report whether a file named `filename` with contents `src` is part of the build for
    goos/goarch with the user `tags`: its _GOOS/_GOARCH name suffixes and its //go:build
    (or, without one, // +build) lines, as go/build decides for files found in a directory.
    Raises LoadError with go's message for a malformed //go:build line."""
    name = os.path.basename(filename)
    ctx = _BuildContext.make(tags, goos, goarch)
    if not ctx.good_os_arch_file(name):
        return False
    try:
        return ctx.should_build(_header_text(src))
    except _ConstraintError as e:
        raise LoadError(f"{name}: {e}") from None


# ---------------------------------------------------------------------------------------------
# Reading a file's header (go/build's importReader) and parsing it (go/parser, ImportsOnly)


class _HeaderNUL(Exception):
    pass


def _is_ident_byte(c: int) -> bool:
    return (0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A or 0x30 <= c <= 0x39 or c == 0x5F
            or c >= 0x80)


class _ImportReader:
    """A port of go/build's importReader, which decides how much of a file go/build reads."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.err: str | None = None  # "syntax" or "nul"
        self.eof = False
        self.peek = 0

    def read_byte(self) -> int:
        if self.pos < len(self.data):
            c = self.data[self.pos]
            self.pos += 1
            if c == 0 and self.err is None:
                self.err = "nul"
            return c
        self.eof = True
        return 0

    def syntax_error(self) -> None:
        if self.err is None:
            self.err = "syntax"

    def peek_byte(self, skip_space: bool) -> int:
        if self.err is not None:
            return 0
        c = self.peek
        if c == 0:
            c = self.read_byte()
        while self.err is None and not self.eof:
            if skip_space:
                if c in b" \f\t\r\n;":
                    c = self.read_byte()
                    continue
                if c == 0x2F:  # '/'
                    c = self.read_byte()
                    if c == 0x2F:
                        while c != 0x0A and self.err is None and not self.eof:
                            c = self.read_byte()
                    elif c == 0x2A:
                        c1 = 0
                        while (c != 0x2A or c1 != 0x2F) and self.err is None:
                            if self.eof:
                                self.syntax_error()
                            c, c1 = c1, self.read_byte()
                    else:
                        self.syntax_error()
                    c = self.read_byte()
                    continue
            break
        self.peek = c
        return c

    def next_byte(self, skip_space: bool) -> int:
        c = self.peek_byte(skip_space)
        self.peek = 0
        return c

    def read_keyword(self, kw: bytes) -> None:
        self.peek_byte(True)
        for ch in kw:
            if self.next_byte(False) != ch:
                self.syntax_error()
                return
        if _is_ident_byte(self.peek_byte(False)):
            self.syntax_error()

    def read_ident(self) -> None:
        if not _is_ident_byte(self.peek_byte(True)):
            self.syntax_error()
            return
        while _is_ident_byte(self.peek_byte(False)):
            self.peek = 0

    def read_string(self) -> None:
        c = self.next_byte(True)
        if c == 0x60:  # `
            while self.err is None:
                if self.next_byte(False) == 0x60:
                    break
                if self.eof:
                    self.syntax_error()
        elif c == 0x22:  # "
            while self.err is None:
                c = self.next_byte(False)
                if c == 0x22:
                    break
                if self.eof or c == 0x0A:
                    self.syntax_error()
                if c == 0x5C:
                    self.next_byte(False)
        else:
            self.syntax_error()

    def read_import(self) -> None:
        c = self.peek_byte(True)
        if c == 0x2E:
            self.peek = 0
        elif _is_ident_byte(c):
            self.read_ident()
        self.read_string()

    def header(self) -> bytes:
        """readGoInfo's reading: package clause and imports; the whole file on a syntax
        error. Raises _HeaderNUL for a NUL byte in what was read."""
        self.read_keyword(b"package")
        self.read_ident()
        while self.peek_byte(True) == 0x69:  # 'i'
            self.read_keyword(b"import")
            if self.peek_byte(True) == 0x28:  # '('
                self.next_byte(False)
                while self.peek_byte(True) != 0x29 and self.err is None:
                    self.read_import()
                self.next_byte(False)
            else:
                self.read_import()
        if self.err == "nul":
            raise _HeaderNUL
        if self.err == "syntax":
            return self.data
        return self.data[: self.pos - 1] if not self.eof else self.data[: self.pos]


def _strip_bom(src: bytes) -> bytes:
    return src[3:] if src.startswith(b"\xef\xbb\xbf") else src


def _header_text(src: bytes) -> str:
    return _strip_bom(src).decode("utf-8", "surrogateescape")


class _ParseError(Exception):
    """A go/parser error; `style` says how go/build and cmd/go print it: "list" (a
    scanner.ErrorList, shortened path), "single" (a scanner.Error, absolute path) or "read"
    (a plain error wrapped as "read FILE: ...")."""

    def __init__(self, offset: int, msg: str, style: str = "list") -> None:
        super().__init__(msg)
        self.offset = offset
        self.msg = msg
        self.style = style


_KEYWORDS = frozenset({
    "break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
    "for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
    "return", "select", "struct", "switch", "type", "var",
})
_SEMI_KEYWORDS = frozenset({"break", "continue", "fallthrough", "return"})
_OPERATORS = sorted(
    """<<= >>= &^= ... && || <- ++ -- == != <= >= := += -= *= /= %= &= |= ^= << >> &^ ~ + - *
    / % & | ^ < > = ! ( ) [ ] { } , ; . :""".split(),
    key=len, reverse=True,
)
@dataclass(frozen=True)
class _Tok:
    kind: str  # ident, keyword, lit, op, semi, eof
    text: str
    offset: int

    def is_op(self, op: str) -> bool:
        return self.kind == "op" and self.text == op

    def found(self) -> str:
        """The ", found ..." part of go/parser's errorExpected."""
        if self.kind == "semi" and self.text == "\n":
            return ", found newline"
        if self.kind in ("ident", "lit"):
            return ", found " + _printable(self.text)
        if self.kind == "eof":
            return ", found 'EOF'"
        return f", found '{self.text}'"


def _fmt_rune(c: str) -> str:
    """fmt's %#U."""
    return f"U+{ord(c):04X}" + (f" '{c}'" if c.isprintable() or c == " " else "")


def _digit_val(c: str | None) -> int:
    if c is None:
        return 16
    if "0" <= c <= "9":
        return ord(c) - 48
    if "a" <= c.lower() <= "f" and c.isascii():
        return ord(c.lower()) - 87
    return 16


def _invalid_sep(x: str) -> int:
    """go/scanner invalidSep: index of the first misplaced '_' in a number literal, or -1."""
    x1 = " "
    d = "."
    i = 0
    if len(x) >= 2 and x[0] == "0":
        x1 = chr(ord(x[1]) | 0x20)
        if x1 in "xob":
            d = "0"
            i = 2
    while i < len(x):
        p = d
        d = x[i]
        if d == "_":
            if p != "0":
                return i
        elif "0" <= d <= "9" or (x1 == "x" and _digit_val(d) < 16):
            d = "0"
        else:
            if p == "_":
                return i - 1
            d = "."
        i += 1
    return len(x) - 1 if d == "_" else -1


_Errors = list[tuple[int, str]]


class _Lexer:
    """Enough of go/scanner for a package clause and import declarations: tokens, automatic
    semicolons and the scanner's error messages."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.i = 0
        self.insert_semi = False
        # The first character the scanner rejects wherever it appears.
        m = re.search("[\x00\udc80-\udcff]|(?<=.)\ufeff", src, re.DOTALL)
        self.bad_at = m.start() if m else len(src) + 1

    def ch(self, i: int) -> str | None:
        return self.src[i] if i < len(self.src) else None

    def next(self) -> _Tok:
        tok, errs = self._scan()
        # go/scanner reads one character ahead; a bad character read so far is reported.
        if self.bad_at <= self.i and self.bad_at < len(self.src):
            c = self.src[self.bad_at]
            msg = {"\ufeff": "illegal byte order mark", "\x00": "illegal character NUL"}
            errs.append((self.bad_at, msg.get(c, "illegal UTF-8 encoding")))
        if errs:
            raise _ParseError(*min(errs))
        return tok

    def _scan(self) -> tuple[_Tok, _Errors]:
        s, n = self.src, len(self.src)
        while True:
            while self.i < n and (s[self.i] in " \t\r" or (s[self.i] == "\n"
                                                          and not self.insert_semi)):
                self.i += 1
            start = self.i
            if start >= n:
                if self.insert_semi:
                    self.insert_semi = False
                    return _Tok("semi", "\n", n), []
                return _Tok("eof", "", n), []
            c = s[start]
            if c == "\n":
                self.insert_semi = False
                self.i += 1
                return _Tok("semi", "\n", start), []
            if s.startswith("//", start):
                # The newline ending the comment is scanned next (as a semicolon if due).
                j = s.find("\n", start)
                self.i = n if j < 0 else j
                continue
            if s.startswith("/*", start):
                j = s.find("*/", start + 2)
                if j < 0:
                    self.i = n
                    return _Tok("eof", "", n), [(start, "comment not terminated")]
                self.i = j + 2
                nl = s.find("\n", start, j)
                if self.insert_semi and nl >= 0:
                    # An automatic semicolon at the comment's first newline.
                    self.insert_semi = False
                    return _Tok("semi", "\n", nl), []
                continue
            break
        errs: _Errors = []
        if c == "_" or c.isalpha():
            j = start + 1
            while j < n and (s[j] == "_" or s[j].isalpha() or s[j].isdecimal()):
                j += 1
            self.i = j
            word = s[start:j]
            if word in _KEYWORDS:
                self.insert_semi = word in _SEMI_KEYWORDS
                return _Tok("keyword", word, start), errs
            self.insert_semi = True
            return _Tok("ident", word, start), errs
        if "0" <= c <= "9" or (c == "." and "0" <= (self.ch(start + 1) or "") <= "9"):
            self.i = self._number(start, errs)
            self.insert_semi = True
            return _Tok("lit", s[start : self.i], start), errs
        if c == '"':
            self.i = self._string(start, errs)
        elif c == "'":
            self.i = self._rune(start, errs)
        elif c == "`":
            j = s.find("`", start + 1)
            if j < 0:
                errs.append((start, "raw string literal not terminated"))
            self.i = n if j < 0 else j + 1
        if c in "\"'`":
            self.insert_semi = True
            return _Tok("lit", s[start : self.i], start), errs
        for op in _OPERATORS:
            if s.startswith(op, start):
                self.i = start + len(op)
                self.insert_semi = op in (")", "]", "}", "++", "--")
                return _Tok("semi" if op == ";" else "op", op, start), errs
        self.i = start + 1
        if not ("\udc80" <= c <= "\udcff" or c == "\x00" or (c == "\ufeff" and start > 0)):
            errs.append((start, "illegal character " + _fmt_rune(c)))
        return _Tok("illegal", c, start), errs

    def _digits(self, i: int, base: int) -> tuple[int, int, int]:
        """go/scanner digits: (new index, digsep bits, offset of an invalid digit or -1)."""
        s, n = self.src, len(self.src)
        digsep, invalid = 0, -1
        while i < n and (s[i] == "_" or (_digit_val(s[i]) < 10 if base <= 10
                                         else _digit_val(s[i]) < 16)):
            if s[i] == "_":
                digsep |= 2
            else:
                digsep |= 1
                if base <= 10 and _digit_val(s[i]) >= base and invalid < 0:
                    invalid = i
            i += 1
        return i, digsep, invalid

    def _number(self, start: int, errs: _Errors) -> int:
        """go/scanner scanNumber."""
        i = start
        kind = "ILLEGAL"
        base, prefix, digsep, invalid = 10, "", 0, -1
        names = {"x": "hexadecimal literal", "o": "octal literal", "0": "octal literal",
                 "b": "binary literal", "": "decimal literal"}

        def lower(c: str | None) -> str:
            return chr(ord(c) | 0x20) if c else ""

        if self.ch(i) != ".":
            kind = "INT"
            if self.ch(i) == "0":
                i += 1
                low = lower(self.ch(i))
                if low in ("x", "o", "b"):
                    i += 1
                    base, prefix = {"x": 16, "o": 8, "b": 2}[low], low
                else:
                    base, prefix, digsep = 8, "0", 1
            i, ds, invalid = self._digits(i, base)
            digsep |= ds
        if self.ch(i) == ".":
            kind = "FLOAT"
            if prefix in ("o", "b"):
                errs.append((i, "invalid radix point in " + names[prefix]))
            i, ds, inv = self._digits(i + 1, base)
            digsep |= ds
            invalid = invalid if invalid >= 0 else inv
        if digsep & 1 == 0:
            errs.append((i, names[prefix] + " has no digits"))
        e = lower(self.ch(i))
        if e in ("e", "p"):
            ch = self.ch(i) or ""
            if e == "e" and prefix not in ("", "0"):
                errs.append((i, f"'{ch}' exponent requires decimal mantissa"))
            elif e == "p" and prefix != "x":
                errs.append((i, f"'{ch}' exponent requires hexadecimal mantissa"))
            i += 1
            kind = "FLOAT"
            if self.ch(i) in ("+", "-"):
                i += 1
            i, ds, _ = self._digits(i, 10)
            digsep |= ds
            if ds & 1 == 0:
                errs.append((i, "exponent has no digits"))
        elif prefix == "x" and kind == "FLOAT":
            errs.append((i, "hexadecimal mantissa requires a 'p' exponent"))
        if self.ch(i) == "i":
            kind = "IMAG"
            i += 1
        lit = self.src[start:i]
        if kind == "INT" and invalid >= 0:
            errs.append((invalid, f"invalid digit '{self.src[invalid]}' in {names[prefix]}"))
        if digsep & 2:
            k = _invalid_sep(lit)
            if k >= 0:
                errs.append((start + k, "'_' must separate successive digits"))
        return i

    def _escape(self, i: int, quote: str, errs: _Errors) -> tuple[int, bool]:
        """go/scanner scanEscape, with i just after the backslash."""
        offs = i
        c = self.ch(i)
        if c is not None and (c in "abfnrtv\\" or c == quote):
            return i + 1, True
        if c is not None and c in "01234567":
            nd, base, mx = 3, 8, 255
        elif c in ("x", "u", "U"):
            i += 1
            nd, base, mx = {"x": (2, 16, 255), "u": (4, 16, 0x10FFFF),
                            "U": (8, 16, 0x10FFFF)}[c]
        else:
            errs.append((offs, "unknown escape sequence" if c is not None
                         else "escape sequence not terminated"))
            return i, False
        x = 0
        while nd > 0:
            c = self.ch(i)
            d = _digit_val(c)
            if d >= base:
                errs.append((i, "escape sequence not terminated" if c is None
                             else f"illegal character {_fmt_rune(c)} in escape sequence"))
                return i, False
            x = x * base + d
            i += 1
            nd -= 1
        if x > mx or 0xD800 <= x < 0xE000:
            errs.append((offs, "escape sequence is invalid Unicode code point"))
            return i, False
        return i, True

    def _string(self, start: int, errs: _Errors) -> int:
        i = start + 1
        while True:
            c = self.ch(i)
            if c is None or c == "\n":
                errs.append((start, "string literal not terminated"))
                return i
            i += 1
            if c == '"':
                return i
            if c == "\\":
                i, _ = self._escape(i, '"', errs)

    def _rune(self, start: int, errs: _Errors) -> int:
        i = start + 1
        valid, count = True, 0
        while True:
            c = self.ch(i)
            if c is None or c == "\n":
                if valid:
                    errs.append((start, "rune literal not terminated"))
                    valid = False
                break
            i += 1
            if c == "'":
                break
            count += 1
            if c == "\\":
                i, ok = self._escape(i, "'", errs)
                valid = valid and ok
        if valid and count != 1:
            errs.append((start, "illegal rune literal"))
        return i


_SIMPLE_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92,
                   '"': 34}


def _unquote(lit: str) -> str | None:
    """strconv.Unquote for an import path literal; None if it is malformed."""
    if lit.startswith("`"):
        return lit[1:-1].replace("\r", "")
    body = lit[1:-1]
    out = bytearray()
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8", "surrogateescape")
            i += 1
            continue
        e = body[i + 1 : i + 2]
        if e in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[e])
            i += 2
            continue
        width = {"x": 2, "u": 4, "U": 8}.get(e)
        digits = body[i + 2 : i + 2 + width] if width else body[i + 1 : i + 4]
        try:
            v = int(digits, 16 if width else 8)
        except ValueError:
            return None
        if width is None and (len(digits) != 3 or v > 255):
            return None
        if width is not None and len(digits) != width:
            return None
        if e in "uU":
            if v > 0x10FFFF or 0xD800 <= v < 0xE000:
                return None
            out += chr(v).encode("utf-8")
        else:
            out.append(v)
        i += 2 + width if width else 4
    return out.decode("utf-8", "surrogateescape")


def _is_valid_import(path: str) -> bool:
    illegal = "!\"#$%&'()*,:;<=>?[\\]^{|}`\ufffd"
    return path != "" and all(
        ch.isprintable() and ch not in _GO_SPACE and ch not in illegal
        and not ("\udc80" <= ch <= "\udcff") for ch in path
    )


def _parse_header(header: str) -> tuple[str, list[str]]:
    """go/parser.ParseFile(ImportsOnly) of a header: the package name and import paths.
    Raises _ParseError at the first error go/parser reports."""
    lx = _Lexer(header)

    def expected(what: str, tok: _Tok) -> _ParseError:
        return _ParseError(tok.offset, f"expected {what}{tok.found()}")

    def expect_semi(tok: _Tok) -> _Tok:
        if tok.is_op(")") or tok.is_op("}"):
            return tok
        if tok.kind == "semi":
            return lx.next()
        raise expected("';'", tok)

    def import_spec(tok: _Tok, paths: list[tuple[int, str]]) -> _Tok:
        if tok.kind == "ident" or tok.is_op("."):
            tok = lx.next()
        if tok.kind == "lit" and tok.text[0] in "\"`":
            paths.append((tok.offset, tok.text))
            tok = lx.next()
        elif tok.kind in ("lit", "ident"):  # go/token counts IDENT as a literal
            raise _ParseError(tok.offset, "import path must be a string")
        else:
            raise _ParseError(tok.offset, "missing import path")
        return expect_semi(tok)

    tok = lx.next()
    if not (tok.kind == "keyword" and tok.text == "package"):
        raise expected("'package'", tok)
    tok = lx.next()
    if tok.kind != "ident":
        raise expected("'IDENT'", tok)
    name = tok.text
    tok = expect_semi(lx.next())
    paths: list[tuple[int, str]] = []
    while tok.kind == "keyword" and tok.text == "import":
        tok = lx.next()
        if tok.is_op("("):
            tok = lx.next()
            while not tok.is_op(")") and tok.kind != "eof":
                tok = import_spec(tok, paths)
            if not tok.is_op(")"):
                raise expected("')'", tok)
            tok = expect_semi(lx.next())
        else:
            tok = import_spec(tok, paths)
    imports: list[str] = []
    for offset, lit in paths:
        path = _unquote(lit)
        if path is None:
            raise _ParseError(offset, f"parser returned invalid quoted string: <{lit}>", "read")
        if not _is_valid_import(path):
            raise _ParseError(offset, "invalid import path: " + _printable(path), "single")
        imports.append(path)
    return name, imports


def _position(text: str, offset: int) -> tuple[int, int]:
    """go/token line:column of offset (a file's final newline does not start a line)."""
    end = offset
    if offset == len(text) and text.endswith("\n"):
        end = offset - 1
    line_start = text.rfind("\n", 0, end) + 1
    return text.count("\n", 0, end) + 1, _blen(text[line_start:offset]) + 1


# ---------------------------------------------------------------------------------------------
# Examining files and directories (go/build Context.Import)


@dataclass
class _FileInfo:
    kind: str  # "ignored", "bad" or "ok"
    error: str = ""
    pkg: str = ""
    imports_c: bool = False


def _examine_file(ctx: _BuildContext, wd: _Cwd, pkg_dir: str, name: str,
                  use_all_files: bool) -> _FileInfo:
    """go/build's matchFile and readGoInfo for one .go file not starting with _ or ."""
    if not use_all_files and not ctx.good_os_arch_file(name):
        return _FileInfo("ignored")
    path = _go_join(pkg_dir, name)
    try:
        with open(wd.os_path(path), "rb") as f:
            data = f.read()
    except OSError as e:
        return _FileInfo("bad", f"open {path}: {_strerror(e)}")
    data = _strip_bom(data)
    try:
        header = _ImportReader(data).header().decode("utf-8", "surrogateescape")
    except _HeaderNUL:
        return _FileInfo("bad", f"read {path}: unexpected NUL in input")
    try:
        ok = ctx.should_build(header)
    except _ConstraintError as e:
        return _FileInfo("bad", f"{name}: {e}")
    if not ok and not use_all_files:
        return _FileInfo("ignored")
    try:
        pkg, imports = _parse_header(header)
    except _ParseError as e:
        line, col = _position(header, e.offset)
        msg = _printable(e.msg)
        if e.style == "read":
            return _FileInfo("bad", f"read {path}: {msg}")
        shown = wd.short_path(path) if e.style == "list" else path
        return _FileInfo("bad", f"{shown}:{line}:{col}: {msg}")
    if pkg == "documentation":
        return _FileInfo("ignored")
    return _FileInfo("ok", pkg=pkg, imports_c="C" in imports)


@dataclass
class _DirScan:
    """What go/build's Import found in a directory (or in a set of named files)."""

    dir: str
    files: list[str] = field(default_factory=list)  # GoFiles
    tests: list[str] = field(default_factory=list)  # TestGoFiles + XTestGoFiles
    ignored: list[str] = field(default_factory=list)  # IgnoredGoFiles
    inputs: list[str] = field(default_factory=list)  # every file go would record
    error: str | None = None  # go/build's first bad-file error
    pkg_name: str = ""
    first_file: str = ""

    def no_go(self) -> bool:
        """go/build would return a NoGoError."""
        return self.error is None and not self.files and not self.tests

    def add(self, ctx: _BuildContext, wd: _Cwd, name: str, use_all_files: bool) -> str | None:
        """Examine one .go file and record it; return the error it causes, if any."""
        info = _examine_file(ctx, wd, self.dir, name, use_all_files)
        if info.kind == "bad":
            return info.error
        self.inputs.append(name)
        if info.kind == "ignored":
            self.ignored.append(name)
            return None
        pkg = info.pkg
        is_test = name.endswith("_test.go")
        if is_test and pkg.endswith("_test") and self.pkg_name != pkg:
            pkg = pkg[: -len("_test")]
        if self.pkg_name == "":
            self.pkg_name, self.first_file = pkg, name
        elif pkg != self.pkg_name:
            self.inputs.pop()
            return (f"found packages {self.pkg_name} ({self.first_file}) and {pkg} ({name}) "
                    f"in {self.dir}")
        if info.imports_c:
            if is_test:
                self.inputs.pop()
                path = _go_join(self.dir, name)
                return f"use of cgo in test {path} not supported"
            if not ctx.cgo_enabled:
                self.ignored.append(name)
                return None
        (self.tests if is_test else self.files).append(name)
        return None


def _scan_dir(ctx: _BuildContext, wd: _Cwd, pkg_dir: str) -> _DirScan:
    """go/build ImportDir for a directory (raises OSError when it cannot be read)."""
    scan = _DirScan(pkg_dir)
    with os.scandir(wd.os_path(pkg_dir)) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        name = entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                continue
            if entry.is_symlink() and entry.is_dir():
                continue  # symlinks to directories are not source files
        except OSError:
            pass
        if name.startswith(("_", ".")):
            continue
        ext = name[name.rfind(".") :] if "." in name else ""
        if ext != ".go":
            if ext in _OTHER_EXTS:
                scan.inputs.append(name)
            continue
        err = scan.add(ctx, wd, name, use_all_files=False)
        if err is not None and scan.error is None:
            scan.error = err
    return scan


def _safe_arg(name: str) -> bool:
    """cmd/go load.SafeArg."""
    if name == "":
        return False
    c = name[0]
    return c.isascii() and (c.isalnum() or c in "._/") or not c.isascii()


def _fold(s: str) -> str:
    return s.lower()


def _fold_dup(names: Iterable[str]) -> tuple[str, str] | None:
    """cmd/go str.FoldDup: the first pair of names equal under case folding."""
    seen: dict[str, str] = {}
    for s in names:
        key = _fold(s)
        if key in seen:
            t = seen[key]
            return (s, t) if s < t else (t, s)
        seen[key] = s
    return None


def _dir_to_import_path(d: str) -> str:
    """cmd/go's import path for a directory outside GOPATH: "_" + dir."""
    illegal = "!\"#$%&'()*,:;<=>?[\\]^{|}`\ufffd"
    valid = "".join(
        "_" if (not ch.isprintable() and ch != " ") or ch in _GO_SPACE or ch in illegal else ch
        for ch in d
    )
    return _go_clean("_/" + valid)


def _package_checks(label: str, scan: _DirScan, import_path: str) -> str | None:
    """cmd/go's checks after go/build (file name collisions, unsafe names)."""
    dup = _fold_dup(scan.inputs)
    if dup is not None:
        return (f"package {label}: case-insensitive file name collision: "
                f"{_go_quote(dup[0])} and {_go_quote(dup[1])}")
    for name in scan.inputs:
        if not _safe_arg(name) or name.startswith("_cgo_"):
            return f"package {label}: invalid input file name {_go_quote(name)}"
    base = import_path.rsplit("/", 1)[-1]
    if not _safe_arg(base):
        return f"package {label}: invalid input directory name {_go_quote(base)}"
    if "\r" in scan.dir or "\n" in scan.dir:
        return f"package {label}: invalid package directory {_go_quote(scan.dir)}"
    return None


# ---------------------------------------------------------------------------------------------
# Patterns (cmd/go search.MatchDirs and internal/pkgpattern)


def _quote_meta(s: str) -> str:
    return "".join("\\" + c if c in "\\.+*?()|[]{}^$" else c for c in s)


def _replace_vendor(x: str, repl: str) -> str:
    if "vendor" not in x:
        return x
    elem = x.split("/")
    for i in range(len(elem) - 1):
        if elem[i] == "vendor":
            elem[i] = repl
    return "/".join(elem)


def _match_pattern(pattern: str) -> Callable[[str], bool]:
    """pkgpattern.MatchPattern: `...` matches any string, but not across vendor/."""
    vc = "\x00"
    if vc in pattern or re.search("[\udc80-\udcff]", pattern):
        return lambda name: False
    rx = _replace_vendor(_quote_meta(pattern), vc)
    wild = "[^\x00]*"
    dots = "/\\.\\.\\."
    if rx.endswith("/" + vc + dots):
        rx = rx[: -len("/" + vc + dots)] + "(/vendor|/" + vc + dots + ")"
    elif rx == vc + dots:
        rx = "(/vendor|/" + vc + dots + ")"
    if rx.endswith(dots):
        rx = rx[: -len(dots)] + "(" + dots + ")?"
    compiled = re.compile(rx.replace("\\.\\.\\.", wild), re.DOTALL)

    def match(name: str) -> bool:
        if vc in name:
            return False
        return compiled.fullmatch(_replace_vendor(name, vc)) is not None

    return match


def _clean_pattern(arg: str) -> str:
    """search.CleanPatterns for one argument."""
    if arg.startswith("/"):
        return _go_clean(arg)
    p = arg.replace("\\", "/")
    if p.startswith("./"):
        p = "./" + _go_clean(p)
        return "." if p == "./." else p
    return _go_clean(p)


def _is_local(p: str) -> bool:
    """build.IsLocalImport or absolute."""
    return p in (".", "..") or p.startswith(("./", "../", "/"))


# ---------------------------------------------------------------------------------------------
# The loader


class _Loader:
    def __init__(self, ctx: _BuildContext, wd: _Cwd) -> None:
        self.ctx = ctx
        self.wd = wd
        self.errors: list[str] = []
        self.packages: dict[tuple[str, tuple[str, ...]], Package] = {}
        self.scans: dict[str, _DirScan] = {}

    def error(self, msg: str) -> None:
        if msg not in self.errors:
            self.errors.append(msg)

    def scan(self, pkg_dir: str) -> _DirScan:
        if pkg_dir not in self.scans:
            self.scans[pkg_dir] = _scan_dir(self.ctx, self.wd, pkg_dir)
        return self.scans[pkg_dir]

    def add_package(self, pkg_dir: str, names: Sequence[str], ignored: Sequence[str]) -> None:
        base = Path(pkg_dir)
        pkg = Package(
            dir=base,
            files=tuple(SourceFile(base / n, self.wd.display(pkg_dir, n)) for n in names),
            ignored=tuple(base / n for n in ignored),
        )
        self.packages.setdefault((pkg_dir, tuple(names)), pkg)

    # -- directories ---------------------------------------------------------------------

    def load_dir(self, label: str, pkg_dir: str, literal: bool) -> None:
        try:
            scan = self.scan(pkg_dir)
        except OSError as e:
            self.error(f"open {pkg_dir}: {_strerror(e)}")
            return
        if scan.error is not None:
            self.error(scan.error)
            return
        import_path = _dir_to_import_path(pkg_dir)
        if scan.no_go():
            if not literal:
                return
            what = "build constraints exclude all" if scan.ignored else "no"
            self.error(f"package {label}: {what} Go files in {pkg_dir}")
            return
        err = _package_checks(label, scan, import_path)
        if err is not None:
            self.error(err)
            return
        if not scan.files:
            if literal:  # wildcard matches with only test files are silently omitted
                what = ("build constraints exclude all" if scan.ignored
                        else "no non-test")
                self.error(f"{import_path}: {what} Go files in {pkg_dir}")
            return
        self.add_package(pkg_dir, scan.files, scan.ignored)

    def load_literal_dir(self, arg: str) -> None:
        label = _clean_pattern(arg)
        pkg_dir = self.wd.abs(label)
        try:
            st = os.stat(pkg_dir)
        except OSError as e:
            if e.errno == errno.ENOENT:
                self.error(f"stat {pkg_dir}: directory not found")
            else:
                self.error(f"stat {pkg_dir}: {_strerror(e)}")
            return
        if not stat.S_ISDIR(st.st_mode):
            self.error(f"named files must be .go files: {arg}")
            return
        self.load_dir(label, pkg_dir, literal=True)

    def load_pattern(self, arg: str) -> None:
        pattern = _clean_pattern(arg)
        if not _is_local(pattern):
            pattern = "./" + pattern  # a relative path such as sub/... (go: an import path)
        dirs, err = self.match_dirs(pattern)
        if err is not None:
            self.error(f"pattern {pattern}: {err}")
            return
        if not dirs:
            self.error(f'warning: "{pattern}" matched no packages')
            return
        for name in dirs:
            self.load_dir(name, self.wd.abs(name), literal=False)

    def match_dirs(self, pattern: str) -> tuple[list[str], str | None]:
        """search.Match.MatchDirs: the directories (as names like ./a/b) matching pattern."""
        clean = _go_clean(pattern)
        prefix = ""
        if clean != "." and pattern.startswith("./"):
            prefix = "./"
            clean = "./" + clean
        match = _match_pattern(clean)
        top, _ = _go_split(clean[: clean.index("...")])
        if top and not top.endswith("/"):
            top += "/"
        try:
            st = os.lstat(self.wd.os_path(top)) if top else None
        except OSError as e:
            return [], f"lstat {top}: {_strerror(e)}"
        if st is None:
            return [], f"lstat {top}: no such file or directory"
        dirs: list[str] = []
        if not stat.S_ISDIR(st.st_mode):
            return dirs, None

        def visit(path: str, is_top: bool) -> str | None:
            if is_top:
                path = _go_clean(path)
            _, elem = _go_split(path)
            dot = elem.startswith(".") and elem not in (".", "..")
            if dot or elem.startswith("_") or elem == "testdata":
                return None
            name = prefix + path
            if match(name):
                abs_dir = self.wd.abs(path)
                try:
                    if not self.scan(abs_dir).no_go():
                        dirs.append(name)
                except OSError:
                    dirs.append(name)
            try:
                with os.scandir(self.wd.os_path(path)) as it:
                    subdirs = sorted(e.name for e in it if e.is_dir(follow_symlinks=False))
            except OSError as e:
                return f"open {path}: {_strerror(e)}"
            for sub in subdirs:
                err = visit(_go_join(path, sub), False)
                if err is not None:
                    return err
            return None

        err = visit(top, True)
        return dirs, err

    # -- named files ---------------------------------------------------------------------

    def load_files(self, args: list[str]) -> None:
        """cmd/go GoFilesPackage, except that a bad file only drops that file."""
        first_dir: str | None = None
        names: list[str] = []
        for arg in args:
            d = _go_dir(arg)
            if first_dir is None:
                first_dir = d
            elif d != first_dir:
                self.error(f"named files must all be in one directory; have {first_dir} and {d}")
                continue
            names.append(os.path.basename(arg))
        if first_dir is None:
            return
        pkg_dir = self.wd.abs(first_dir)
        label = "command-line-arguments"
        scan = _DirScan(pkg_dir)
        seen: dict[str, str] = {}
        had_error = False
        for name in names:
            if name.startswith(("_", ".")):
                continue  # go/build skips these even when named
            key = _fold(name)
            if key in seen:
                a, b = sorted((name, seen[key]))
                self.error(f"package {label}: case-insensitive file name collision: "
                           f"{_go_quote(a)} and {_go_quote(b)}")
                had_error = True
                continue
            if not _safe_arg(name) or name.startswith("_cgo_"):
                self.error(f"package {label}: invalid input file name {_go_quote(name)}")
                had_error = True
                continue
            seen[key] = name
            err = scan.add(self.ctx, self.wd, name, use_all_files=True)
            if err is not None:
                self.error(err)
                had_error = True
        if "\r" in pkg_dir or "\n" in pkg_dir:
            self.error(f"package {label}: invalid package directory {_go_quote(pkg_dir)}")
            return
        ordered = [n for n in names if n in scan.files or n in scan.tests]
        ordered = list(dict.fromkeys(ordered))
        if not ordered:
            if not had_error:
                what = "build constraints exclude all" if scan.ignored else "no"
                self.error(f"package {label}: {what} Go files in {pkg_dir}")
            return
        self.add_package(pkg_dir, ordered, scan.ignored)

    # -- arguments -----------------------------------------------------------------------

    def load(self, args: Sequence[str]) -> tuple[list[Package], list[str]]:
        if not args:
            args = ["."]
        files: list[str] = []
        for arg in args:
            if not arg.endswith(".go"):
                continue
            try:
                st = os.stat(self.wd.os_path(arg))
            except OSError:
                continue
            if not stat.S_ISDIR(st.st_mode):
                files.append(arg)
        files_loaded = False
        for arg in args:
            if arg in files:
                if not files_loaded:
                    files_loaded = True
                    self.load_files(files)
            elif "..." in arg:
                self.load_pattern(arg)
            elif arg.endswith(".go") and not os.path.isdir(self.wd.os_path(arg)):
                try:
                    os.stat(self.wd.os_path(arg))
                except OSError as e:
                    self.error(f"stat {arg}: {_strerror(e)}")
            else:
                self.load_literal_dir(arg)
        packages = sorted(self.packages.values(),
                          key=lambda p: (str(p.dir), [f.path.name for f in p.files]))
        return packages, list(self.errors)


def load_packages(args: Sequence[str], *, tags: Iterable[str] = (), goos: str = "linux",
                  goarch: str = "amd64", cwd: Path | None = None
                  ) -> tuple[list[Package], list[str]]:
    """Return the packages to analyze (deterministic order) and a list of one-line error messages
    for arguments that could not be used (missing path, directory with no buildable Go files, etc.).
    One bad argument never prevents the others from loading.

    Raises LoadError only for an unsupported GOOS/GOARCH pair."""
    if f"{goos}/{goarch}" not in _SUPPORTED_PLATFORMS:
        raise LoadError(f"unsupported GOOS/GOARCH pair {goos}/{goarch}")
    loader = _Loader(_BuildContext.make(tags, goos, goarch), _Cwd(cwd))
    return loader.load(list(args))
