"""μblog's own Sphinx extension: pages generated from the code at build time, so they can't drift.

- The configuration page's tables come from ONE source, `.env.example` (every variable, its
  example value and the comment above it), joined with the defaults the code itself passes to
  `env.*()` / `os.environ.get()` (read with `ast`, nothing imported). A variable in one place and
  not the other fails `app/tests/toolkit/test_docs.py`.
- The command reference lists every make target (its `## help` text) and every nox session (its
  docstring), so no command goes undocumented.
- The home page's toctrees may name optional pages (`?docker`): listed when docs/docker.md
  exists, dropped otherwise; `% every other page` lists the top-level pages no toctree names,
  so a page another change adds is never an orphan that breaks the strict build.
"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parents[2]
CONFIGURATION_MARKER = "% generated: environment variables"
COMMANDS_MARKER = "% generated: commands"
MAKE_TARGET = re.compile(r"^([a-z0-9][a-z0-9_.-]*):[^#=]*## (.+)$")
OTHER_PAGES_MARKER = "% every other page"
SECTION = re.compile(r"^# --- (.+?) -+$")
VARIABLE = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")
ENV_READERS = {"get", "setdefault", "getenv"}


@dataclass
class Variable:
    name: str
    example: str
    effect: str
    defaults: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Section:
    title: str
    variables: list[Variable] = field(default_factory=list)


def read_env_example(path: Path = ROOT / ".env.example") -> list[Section]:
    """The sections of `.env.example`, each with its variables. A variable's effect is the
    comment block above it; variables on consecutive lines share that comment."""
    sections, shared = [Section("General")], ""
    comment: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if heading := SECTION.match(line):
            sections.append(Section(heading.group(1).strip()))
            comment, shared = [], ""
        elif line.startswith("#"):
            comment.append(line.lstrip("#").strip())
        elif variable := VARIABLE.match(line):
            if comment:
                shared, comment = " ".join(comment), []
            sections[-1].variables.append(Variable(variable[1], variable[2], shared))
        else:
            comment, shared = [], ""
    return [section for section in sections if section.variables]


def _literal_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _env_read(call: ast.Call) -> tuple[str, ast.expr | None] | None:
    """(name, default node or None) when `call` reads an environment variable, else None:
    `env.<type>("NAME", default=...)`, `env("NAME")`, `os.environ.get/setdefault("NAME", d)`,
    `os.getenv("NAME", d)`."""
    function = call.func
    if not call.args or (name := _literal_name(call.args[0])) is None:
        return None
    dotted = ast.unparse(function)
    default = next((k.value for k in call.keywords if k.arg == "default"), None)
    if dotted == "env" or (dotted.startswith("env.") and dotted.count(".") == 1):
        return name, default
    if isinstance(function, ast.Attribute) and function.attr in ENV_READERS:
        if dotted in {"os.environ.get", "os.environ.setdefault", "os.getenv"}:
            return name, call.args[1] if len(call.args) > 1 else default
    return None


def read_defaults(root: Path = ROOT) -> dict[str, list[tuple[str, str | None]]]:
    """{variable: [(file relative to the repo, default as written in the code), ...]} for every
    environment read in app/ (outside the tests), tools/ and the top-level scripts (noxfile)."""
    defaults: dict[str, list[tuple[str, str | None]]] = {}
    paths = [*(root / "app").rglob("*.py"), *(root / "tools").rglob("*.py"), *root.glob("*.py")]
    for path in sorted(paths):
        relative = path.relative_to(root).as_posix()
        # app/mutants/ is mutmut's mutated copy of app/ (nox -s mutation), never committed.
        if relative.startswith(("app/tests/", "app/mutants/")):
            continue
        source = path.read_text(encoding="utf-8")
        if "env" not in source:  # every read _env_read knows names env, environ or getenv
            continue
        lines = source.splitlines(keepends=True)
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and (read := _env_read(node)):
                name, default = read
                written = "(none)" if default is None else _written(lines, default)
                defaults.setdefault(name, []).append((relative, written))
    return defaults


def _written(lines: list[str], node: ast.expr) -> str | None:
    """The node's source text. ast.get_source_segment given the whole file splits it into lines
    again on every call (most of read_defaults' time): it is given the node's lines only."""
    first, last = node.lineno - 1, node.end_lineno or node.lineno
    where = ast.expr(
        lineno=1,
        col_offset=node.col_offset,
        end_lineno=last - first,
        end_col_offset=node.end_col_offset,
    )
    return ast.get_source_segment("".join(lines[first:last]), where)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _code(text: str | None) -> str:
    return f"`{_cell(text)}`" if text else "(empty)"


def configuration_markdown(root: Path = ROOT) -> str:
    """The configuration reference, one section per `.env.example` section and one definition
    per variable (effect; default when unset, per file that reads it; example), as MyST."""
    defaults = read_defaults(root)
    lines: list[str] = []
    for section in read_env_example(root / ".env.example"):
        lines += [f"### {section.title}", ""]
        for variable in section.variables:
            read = defaults.get(variable.name, [])
            default = ", ".join(
                f"{_code(value)} in `{where.removeprefix('app/')}`" for where, value in read
            )
            lines += [
                f"`{variable.name}`",
                f": {variable.effect}",
                "",
                f"  Default when unset: {default or 'not read by the code'}."
                f" In `.env.example`: {_code(variable.example)}.",
                "",
            ]
    return "\n".join(lines)


def make_targets(root: Path = ROOT) -> dict[str, tuple[str, str]]:
    """{target: (help text, the recipe's first command)} for every documented make target."""
    targets: dict[str, tuple[str, str]] = {}
    variables: dict[str, str] = {}
    current: str | None = None
    for line in (root / "Makefile").read_text(encoding="utf-8").splitlines():
        if assignment := re.match(r"^([A-Z_]+) :?= (.+)$", line):
            variables[assignment[1]] = assignment[2]
        if match := MAKE_TARGET.match(line):
            current = match[1]
            targets[current] = (match[2].strip(), "")
        elif line.startswith("\t") and current and not targets[current][1]:
            command = line.strip()
            for name, value in sorted(variables.items()):
                command = command.replace(f"$({name})", value)
            # "@..." is make's own plumbing (the help printer), not a command worth showing.
            command = "" if command.startswith("@") else command.replace(".tools/bin/nox", "nox")
            targets[current] = (targets[current][0], command)
        elif not line.startswith("\t"):
            current = None
    return targets


def nox_sessions(root: Path = ROOT) -> dict[str, str]:
    """{session: its docstring's first line} for every session in noxfile.py."""
    tree = ast.parse((root / "noxfile.py").read_text(encoding="utf-8"))
    return {
        _session_name(node): (ast.get_docstring(node) or "").partition("\n")[0]
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("nox.session" in ast.unparse(d) for d in node.decorator_list)
    }


def _session_name(function: ast.FunctionDef) -> str:
    """A session is named after its function unless its decorator says `name=`."""
    for decorator in function.decorator_list:
        for keyword in getattr(decorator, "keywords", []):
            if keyword.arg == "name":
                name: str = ast.literal_eval(keyword.value)
                return name
    return function.name


def commands_markdown(root: Path = ROOT) -> str:
    """Two tables: the make targets (help text, what they run) and the nox sessions."""
    lines = ["## make targets", "", "| target | what it does | runs |", "| --- | --- | --- |"]
    for target, (text, command) in sorted(make_targets(root).items()):
        lines.append(f"| `make {target}` | {_cell(text)} | {_code(command) if command else ''} |")
    lines += ["", "## nox sessions", "", "| session | what it does |", "| --- | --- |"]
    for session, text in sorted(nox_sessions(root).items()):
        lines.append(f"| `nox -s {session}` | {_cell(text)} |")
    return "\n".join(lines + [""])


def top_level_pages(docs: Path) -> list[str]:
    return sorted(
        path.stem
        for path in docs.glob("*.md")
        if path.stem not in {"index", "README"} and not path.stem.startswith("_")
    )


def expand_index(source: str, docs: Path) -> str:
    """Resolve `?page` entries and the every-other-page marker of the home page."""
    lines: list[str] = []
    for line in source.splitlines():
        if line.startswith("?"):
            if (docs / f"{line[1:].strip()}.md").is_file():
                lines.append(line[1:].strip())
        else:
            lines.append(line)
    text = "\n".join(lines)
    named = set(re.findall(r"^([a-z0-9_/-]+)$", text, re.M))
    others = [page for page in top_level_pages(docs) if page not in named]
    return text.replace(OTHER_PAGES_MARKER, "\n".join(others))


def replace_marker(source: str, marker: str, generated: str) -> str:
    """The source with the whole line that starts with marker replaced by generated text (the
    rest of that line is a note for readers of the raw Markdown)."""
    return re.sub(f"^{re.escape(marker)}.*$", lambda match: generated, source, flags=re.M)


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    docs = Path(app.srcdir)
    if docname == "index":
        source[0] = expand_index(source[0], docs)
    if COMMANDS_MARKER in source[0]:
        source[0] = replace_marker(source[0], COMMANDS_MARKER, commands_markdown())
        for path in [ROOT / "Makefile", ROOT / "noxfile.py"]:
            app.env.note_dependency(str(path))
    if CONFIGURATION_MARKER in source[0]:
        source[0] = replace_marker(source[0], CONFIGURATION_MARKER, configuration_markdown())
        # A change to these files rebuilds the page (sphinx-autobuild included).
        for path in [ROOT / ".env.example", *sorted((ROOT / "app").rglob("*.py"))]:
            if "tests" not in path.parts:
                app.env.note_dependency(str(path))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("source-read", _source_read)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
