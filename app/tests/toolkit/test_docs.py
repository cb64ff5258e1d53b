"""The documentation site (docs/, `nox -s docs`): the configuration page cannot drift from
.env.example and the code, every command a page names exists and every command is documented,
the built pages load nothing from another host, and the executed guide's rules hold."""

import fcntl
import hashlib
import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path

import pytest

from tests.helpers import REPO_DIR
from tests.live import free_port

DOCS = REPO_DIR / "docs"


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ublog_docs = load("ublog_docs", DOCS / "_ext/ublog_docs.py")
docs_exec = load("docs_exec", REPO_DIR / "tools/docs_exec.py")


def documented_variables():
    return [v.name for section in ublog_docs.read_env_example() for v in section.variables]


# --- Configuration: one source -------------------------------------------------------------


def test_every_variable_the_code_reads_is_in_env_example_and_the_other_way_round():
    reads = ublog_docs.read_defaults()
    # The application's variables; tools/ and the noxfile also read their own (CI's, PATH...).
    read_by_app = {
        name for name, where in reads.items() if any(f.startswith("app/") for f, _ in where)
    }
    documented = set(documented_variables())

    assert {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"} <= read_by_app
    assert read_by_app - documented == set(), "read by the app, missing from .env.example"
    assert documented - set(reads) == set(), "in .env.example, read by no code"
    assert len(documented_variables()) == len(documented), ".env.example names one twice"


def test_the_configuration_page_shows_every_variable_with_default_and_effect():
    page = ublog_docs.configuration_markdown()
    entries = {
        name: (effect, default)
        for name, effect, default in re.findall(
            r"^`([A-Z0-9_]+)`\n: (.*)\n\n  Default when unset: (.*)\. In `.env.example`: ",
            page,
            re.M,
        )
    }

    assert ublog_docs.CONFIGURATION_MARKER in (DOCS / "configuration.md").read_text()
    assert list(entries) == documented_variables()
    for name, (effect, default) in entries.items():
        assert effect, f"{name} has no comment in .env.example"
        assert default and default != "not read by the code", name
    assert entries["DEBUG"][1] == (
        "`False` in `config/settings/base.py`, `True` in `config/settings/local.py`"
    )


def test_a_comment_covers_the_variables_right_below_it_and_no_further(tmp_path):
    example = tmp_path / ".env.example"
    example.write_text(
        "# intro, not a section\n\n# --- Mail ---\n# Where mail goes.\nEMAIL_URL=x\nFROM=y\n\n"
        "# Seconds.\nTIMEOUT=10\n\nBARE=1\n"
    )

    (section,) = ublog_docs.read_env_example(example)

    assert section.title == "Mail"
    assert [(v.name, v.example, v.effect) for v in section.variables] == [
        ("EMAIL_URL", "x", "Where mail goes."),
        ("FROM", "y", "Where mail goes."),
        ("TIMEOUT", "10", "Seconds."),
        ("BARE", "1", ""),
    ]


def test_defaults_are_read_from_every_kind_of_environment_read(tmp_path):
    (tmp_path / "app/config").mkdir(parents=True)
    (tmp_path / "app/tests").mkdir()
    (tmp_path / "app/config/x.py").write_text(
        "import os\nA = env.int('A', default=3 * 2)\nB = env('B')\n"
        "os.environ.setdefault('C', 'c')\nD = os.getenv('D')\nE = os.environ.get('E', 'e')\n"
        "F = other.get('F', 1)\nG = env.str(NAME)\n"
    )
    (tmp_path / "app/tests/t.py").write_text("env.str('IN_TESTS', default='no')\n")

    assert ublog_docs.read_defaults(tmp_path) == {
        "A": [("app/config/x.py", "3 * 2")],
        "B": [("app/config/x.py", "(none)")],
        "C": [("app/config/x.py", "'c'")],
        "D": [("app/config/x.py", "(none)")],
        "E": [("app/config/x.py", "'e'")],
    }


# --- Commands named in the docs exist; every command is documented ----------------------------


def prose_files():
    return [REPO_DIR / "README.md", *sorted(DOCS.rglob("*.md"))]


def code_in(text):
    """The code a Markdown page shows: fenced blocks and inline spans."""
    fenced = re.findall(r"^```[^\n]*\n(.*?)^```", text, re.M | re.S)
    text = re.sub(r"^```[^\n]*\n.*?^```", "", text, flags=re.M | re.S)
    return fenced + re.findall(r"`([^`\n]+)`", text)


def named_commands(code):
    """(make targets, nox sessions) that a piece of shell names."""
    targets, sessions = set(), set()
    for line in code.splitlines():
        # make as the command: at the start or after a shell operator (not "apt install make").
        for words in re.findall(r"(?:^|[;&|(]) *make((?: +[A-Za-z0-9_.$/=-]+)+)", line.strip()):
            targets |= {word for word in words.split() if "=" not in word}
        for words in re.findall(r"\bnox(?:\.exe)? -s((?: +[a-z0-9_]+)+)", line):
            sessions |= set(words.split())
    return targets, sessions


def test_named_commands_are_read_from_code_only():
    assert named_commands("make PYTHON=python3.11 run && .tools/bin/nox -s lint tests -- -x") == (
        {"run"},
        {"lint", "tests"},
    )
    assert named_commands("apt-get install git make curl\n  make test; make e2e") == (
        {"test", "e2e"},
        set(),
    )
    assert code_in("Make sure.\n`make test` and\n```bash\nmake e2e\n```\n") == [
        "make e2e\n",
        "make test",
    ]


def test_every_make_target_and_nox_session_named_in_the_docs_exists():
    targets = set(ublog_docs.make_targets()) | {".tools/bin/nox"}
    sessions = set(ublog_docs.nox_sessions())
    unknown = []
    for path in prose_files():
        for code in code_in(path.read_text()):
            named_targets, named_sessions = named_commands(code)
            unknown += [f"{path.name}: make {t}" for t in sorted(named_targets - targets)]
            unknown += [f"{path.name}: nox -s {s}" for s in sorted(named_sessions - sessions)]

    assert unknown == []


def test_every_make_target_and_nox_session_is_documented():
    page = ublog_docs.commands_markdown()
    sessions, targets = ublog_docs.nox_sessions(), ublog_docs.make_targets()

    assert ublog_docs.COMMANDS_MARKER in (DOCS / "commands.md").read_text()
    assert {"docs", "docs_serve", "docs_exec", "tests"} <= set(sessions)
    for session, docstring in sessions.items():
        assert docstring, f"nox session {session} has no docstring"
        assert f"| `nox -s {session}` | {docstring} |" in page
    for target, (text, command) in targets.items():
        assert f"| `make {target}` | {text} |" in page
    assert targets["docs"] == (
        "Serve the documentation at http://127.0.0.1:8001, rebuilt live on every change",
        "nox -s docs_serve",
    )


def test_every_top_level_page_is_in_a_toctree_and_optional_pages_only_when_present(tmp_path):
    for name in ["index", "guide", "extra"]:
        (tmp_path / f"{name}.md").write_text("# x\n")
    source = "```{toctree}\nguide\n?extra\n?missing\n```\n```{toctree}\n% every other page\n```"
    (tmp_path / "later.md").write_text("# added by another change\n")

    expanded = ublog_docs.expand_index(source, tmp_path)

    assert expanded.splitlines() == [
        "```{toctree}",
        "guide",
        "extra",
        "```",
        "```{toctree}",
        "later",
        "```",
    ]


# --- The built site loads nothing from another host --------------------------------------------

EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
CSS_URL = re.compile(r"""(?:@import\s+(?:url\()?|url\()\s*['"]?([^'")\s]+)""", re.I)
# Attributes a browser fetches from on its own (an <a href> is a link the reader may follow).
LOADING = {
    ("script", "src"),
    ("img", "src"),
    ("iframe", "src"),
    ("link", "href"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("img", "srcset"),
    ("source", "srcset"),
    ("video", "poster"),
}


class Loads(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if (tag, name) in LOADING and value:
                self.urls += [part.split()[0] for part in value.split(",") if part.strip()]
            if name == "style" and value:
                self.urls += CSS_URL.findall(value)

    def handle_data(self, data):
        self.urls += CSS_URL.findall(data)  # <style> blocks; harmless on other text


def external_loads(site):
    """{file: [external URL, ...]} for every HTML, CSS and JS file of a built site."""
    found = {}
    for path in sorted(site.rglob("*")):
        if path.suffix == ".html":
            parser = Loads()
            parser.feed(path.read_text(encoding="utf-8"))
            urls = parser.urls
        elif path.suffix in {".css", ".js"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            urls = CSS_URL.findall(text)
            urls += re.findall(r"""\b(?:src|href)\s*=\s*['"]((?:https?:)?//[^'"]+)""", text)
        else:
            continue
        if external := [url for url in urls if EXTERNAL.match(url)]:
            found[str(path.relative_to(site))] = external
    return found


def test_the_scanner_finds_fonts_cdn_scripts_and_css_imports(tmp_path):
    (tmp_path / "page.html").write_text(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<script src="//cdn.example.com/x.js"></script><a href="https://12factor.net/">ok</a>'
        '<img src="_images/local.png"><div style="background: url(https://x.test/b.png)">'
    )
    (tmp_path / "a.css").write_text("@import url('https://fonts.test/a.css'); b{x:url(c.png)}")
    (tmp_path / "b.js").write_text('el.src = "x"; s.innerHTML = \'<img src="https://t.test/p">\'')

    assert external_loads(tmp_path) == {
        "a.css": ["https://fonts.test/a.css"],
        "b.js": ["https://t.test/p"],
        "page.html": [
            "https://fonts.googleapis.com/css?family=Roboto",
            "//cdn.example.com/x.js",
            "https://x.test/b.png",
        ],
    }


SPHINX = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q", "-b", "html"]


def build_inputs():
    """A digest of everything the strict build reads: the files under docs/ (pages, images,
    conf.py, the extension), the pages the extension generates from the code, the installed
    packages (Sphinx, the theme...) and the command."""
    digest = hashlib.sha256()
    files = [path for path in sorted(DOCS.rglob("*")) if path.is_file()]
    for path in files:
        if not {"_build", "__pycache__"} & set(path.relative_to(DOCS).parts):
            digest.update(f"{path.relative_to(DOCS)}\0".encode() + path.read_bytes() + b"\0")
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    generated = [ublog_docs.configuration_markdown(), ublog_docs.commands_markdown()]
    for text in [*generated, *packages, sys.version, *SPHINX]:
        digest.update(text.encode() + b"\0")
    return digest.hexdigest()


def built_once(folder, key, command):
    """folder/site, as `command folder/site` made it for this key: from an earlier run of the
    command when that one succeeded for the same key, else built afresh. A lock lets one process
    build while another (an xdist worker) waits for it."""
    folder.mkdir(parents=True, exist_ok=True)
    output, stamp = folder / "site", folder / "key"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (stamp.is_file() and stamp.read_text() == key):
            stamp.unlink(missing_ok=True)
            shutil.rmtree(output, ignore_errors=True)
            result = subprocess.run(
                [*command, str(output)], capture_output=True, text=True, timeout=600
            )
            assert result.returncode == 0, result.stderr
            stamp.write_text(key)
    return output


# Writes its first argument to page.html in the folder named last; fails for "broken".
FAKE_BUILD = (
    "import pathlib, sys; text, out = sys.argv[1:]; pathlib.Path(out).mkdir(); "
    "(pathlib.Path(out) / 'page.html').write_text(text); sys.exit(text == 'broken')"
)


def test_a_build_is_kept_for_its_key_and_one_that_failed_is_not(tmp_path):
    def build(key, text):
        site = built_once(tmp_path, key, [sys.executable, "-c", FAKE_BUILD, text])
        assert site == tmp_path / "site"
        return (site / "page.html").read_text()

    assert build("a", "first") == "first"
    assert build("a", "second") == "first"
    assert build("b", "third") == "third"
    with pytest.raises(AssertionError):
        build("c", "broken")
    assert build("c", "fifth") == "fifth"


@pytest.fixture(scope="module")
def site():
    """The site as `nox -s docs` builds it (strict, from scratch). A warm run reuses the last
    run's site when build_inputs() is unchanged: the same input makes the same site and the same
    warnings, and that site was built without any. Any change to docs/, the generated pages or
    the packages rebuilds it whole, so the checks below always see the current docs."""
    checkout = hashlib.sha256(str(REPO_DIR).encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"ublog-docs-site-{checkout}"
    return built_once(folder, build_inputs(), [*SPHINX, str(DOCS)])


def test_no_built_page_loads_anything_from_the_internet(site):
    pages = list(site.rglob("*.html"))

    assert len(pages) > 20
    assert (site / "_static").is_dir()
    assert external_loads(site) == {}


def test_the_built_site_has_every_generated_table_and_the_screenshots(site):
    configuration = (site / "configuration.html").read_text()
    commands = (site / "commands.html").read_text()

    for name in documented_variables():
        assert f'<code class="docutils literal notranslate"><span class="pre">{name}</span>' in (
            configuration
        )
    for session in ublog_docs.nox_sessions():
        assert f'nox</span> <span class="pre">-s</span> <span class="pre">{session}<' in (commands)
    images = re.findall(
        r'<img[^>]+src="(_images/[^"]+)"', (site / "implementations.html").read_text()
    )
    assert len(images) == 7
    assert all((site / image).stat().st_size > 10_000 for image in images)


# --- The executed guide ---------------------------------------------------------------------

GUIDE = """# Guide

% exec: run
```bash
echo one
```

```text
shown, never run
```

% exec: background http://127.0.0.1:${PORT}/healthz
```bash
make run
```
"""


def test_the_debian_guide_is_executable_as_committed():
    blocks = docs_exec.parse_blocks(docs_exec.GUIDE.read_text())
    substitutions, environment = docs_exec.read_table()

    docs_exec.substitute(blocks, substitutions)
    assert [block.mode for block in blocks].count("background") == 1
    assert any("make run" in block.code for block in blocks)
    assert any("make test" in block.code for block in blocks)
    assert "git clone " + str(REPO_DIR) in "\n".join(block.code for block in blocks)
    assert environment["PORT"] and environment["PORT"] != "8000"


def test_guide_blocks_and_markers_are_read_in_order():
    blocks = docs_exec.parse_blocks(GUIDE)

    assert [(b.line, b.mode, b.argument, b.code) for b in blocks] == [
        (4, "run", "", "echo one"),
        (13, "background", "http://127.0.0.1:${PORT}/healthz", "make run"),
    ]


@pytest.mark.parametrize(
    "guide, error",
    [
        ("```bash\necho unmarked\n```\n", "line 1: shell block without a `% exec:` marker"),
        ("% exec: skip\n```bash\necho\n```\n", "line 1: unknown exec mode 'skip'"),
        ("% exec: background\n```bash\nx\n```\n", "`% exec: background` needs an argument"),
        ("% exec: run\nsome prose\n```bash\nx\n```\n", "marker with no shell block after it"),
        ("% exec: run\n```text\nx\n```\n", "marker before a text block"),
        ("% exec: run\n", "marker with no shell block after it"),
        ("% exec: run\n```bash\nx\n", "line 2: code block never closed"),
        ("# nothing to run\n", "no shell block found"),
    ],
)
def test_a_block_that_would_be_skipped_fails_before_anything_runs(guide, error):
    with pytest.raises(docs_exec.GuideError, match=re.escape(error)):
        docs_exec.parse_blocks(guide)


def test_every_substitution_must_match_a_block():
    blocks = docs_exec.parse_blocks(GUIDE)

    with pytest.raises(docs_exec.GuideError, match="matching no block: \\['sudo '\\]"):
        docs_exec.substitute(blocks, {"make run": "make run", "sudo ": ""})


def test_blocks_run_in_order_carry_the_directory_and_a_failure_stops_the_run(tmp_path):
    blocks = docs_exec.parse_blocks(
        "% exec: run\n```bash\nmkdir sub\ncd sub\n```\n"
        "% exec: run\n```bash\npwd > where\n```\n"
        "% exec: run\n```bash\nfalse\necho never > after\n```\n"
    )
    environment = docs_exec.clean_environment({})

    with pytest.raises(docs_exec.GuideError, match="block 3 \\(line 11\\) exited 1"):
        docs_exec.execute(blocks, tmp_path, environment)

    assert (tmp_path / "sub/where").read_text().strip() == str(tmp_path / "sub")
    assert not (tmp_path / "sub/after").exists()


def test_a_background_block_must_answer_its_url(tmp_path):
    blocks = docs_exec.parse_blocks(
        "% exec: background http://127.0.0.1:${PORT}/\n```bash\necho starting; exit 3\n```\n"
    )

    with pytest.raises(docs_exec.GuideError, match="never answered\nstarting"):
        docs_exec.execute(blocks, tmp_path, docs_exec.clean_environment({"PORT": "8249"}))


def test_a_clean_environment_has_no_project_variables_but_the_machines_network_settings():
    inherited = {"DATABASE_URL": "postgres://x", "SSL_CERT_FILE": "/ca.pem", "https_proxy": "p"}

    environment = docs_exec.clean_environment({"PORT": "8210"}, inherited)

    assert "DATABASE_URL" not in environment
    assert environment["SSL_CERT_FILE"] == "/ca.pem" and environment["https_proxy"] == "p"
    assert environment["PORT"] == "8210"
    assert "/.nox/" not in environment["PATH"]


def test_a_background_block_serves_while_later_blocks_run_and_is_stopped_at_the_end(tmp_path):
    blocks = docs_exec.parse_blocks(
        "% exec: background http://127.0.0.1:${PORT}/\n```bash\n"
        "python3 -m http.server ${PORT} --bind 127.0.0.1\n```\n"
        # Python, not curl: the suite also runs in the slim backend image (nox -s docker_test).
        "% exec: run\n```bash\npython3 -c 'import sys, urllib.request as r; "
        'r.urlretrieve(sys.argv[1], "page")\' http://127.0.0.1:${PORT}/\n```\n'
    )

    port = free_port()
    timings = docs_exec.execute(blocks, tmp_path, docs_exec.clean_environment({"PORT": str(port)}))

    assert [block.mode for block, seconds in timings] == ["background", "run"]
    assert "Directory listing" in (tmp_path / "page").read_text()
    with pytest.raises(OSError):
        docs_exec.urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
