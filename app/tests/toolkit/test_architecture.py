"""The layering the README promises, read from the source with ``ast`` (nothing is imported):
the interfaces depend on the domain and on the neutral modules beside them, never on each other;
the domain knows no interface; no two domain modules import each other, not even from inside a
function (tasks call services, services enqueue tasks by name)."""

import ast

import pytest

from tests.helpers import APP_DIR

INTERFACES = ["web", "rest", "graphql"]


def module_name(path, root=APP_DIR):
    relative = path.relative_to(root).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def imports_of(path, root=APP_DIR):
    """Every module ``path`` imports, at the top or inside a function, relative imports made
    absolute; ``from a import b`` counts as ``a`` and ``a.b`` (``b`` may be a module)."""
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def modules_under(folder, root=APP_DIR):
    paths = sorted((root / folder).rglob("*.py"))
    return {module_name(path, root): path for path in paths if "migrations" not in path.parts}


def within(name, package):
    return name == package or name.startswith(package + ".")


def import_graph(modules, root=APP_DIR):
    """Module -> the modules of the same set it imports."""
    return {
        name: {other for other in imports_of(path, root) if other in modules and other != name}
        for name, path in modules.items()
    }


def find_cycle(graph):
    """One cycle of ``graph`` as a list of nodes (first == last), or None."""
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for successor in sorted(graph.get(node, ())):
            if state.get(successor) == "open":
                return [*trail[trail.index(successor) :], successor]
            if successor not in state:
                cycle = visit(successor, [*trail, successor])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start, [start])
            if cycle:
                return cycle
    return None


@pytest.mark.parametrize("interface", INTERFACES)
def test_an_interface_imports_no_other_interface(interface):
    others = [f"interfaces.{other}" for other in INTERFACES if other != interface]
    offending = {
        name: sorted(
            imported for imported in imports_of(path) if any(map(imported.startswith, others))
        )
        for name, path in modules_under(f"interfaces/{interface}").items()
    }

    assert {name: found for name, found in offending.items() if found} == {}


@pytest.mark.parametrize("interface", ["web", "graphql"])
def test_only_the_rest_api_imports_drf_the_others_go_through_the_neutral_modules(interface):
    # interfaces/throttling.py and interfaces/authentication.py build on DRF and simplejwt and
    # speak to the other interfaces in their own terms.
    offending = {
        name: sorted(
            imported
            for imported in imports_of(path)
            if within(imported, "rest_framework") or within(imported, "rest_framework_simplejwt")
        )
        for name, path in modules_under(f"interfaces/{interface}").items()
    }

    assert {name: found for name, found in offending.items() if found} == {}


def test_the_domain_imports_no_interface_and_no_project_module():
    offending = {
        name: sorted(
            imported
            for imported in imports_of(path)
            if within(imported, "interfaces") or within(imported, "config")
        )
        for name, path in modules_under("domain").items()
    }

    assert {name: found for name, found in offending.items() if found} == {}


def test_the_domain_writes_no_url_of_an_interface():
    # The web pages' paths reach the domain through settings (ACTIVATION_URL, LOGIN_URL).
    prefixes = ("/accounts/", "/mtv/", "/api/", "/graphql/")
    found = [
        (name, node.value)
        for name, path in modules_under("domain").items()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith(prefixes)
    ]

    assert found == []


def test_no_two_modules_of_the_domain_import_each_other():
    assert find_cycle(import_graph(modules_under("domain"))) is None


def test_no_two_modules_of_the_interfaces_import_each_other():
    assert find_cycle(import_graph(modules_under("interfaces"))) is None


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "services.py").write_text("def enqueue():\n    from .tasks import run\n")
    (package / "tasks.py").write_text("from pkg.services import enqueue\n")

    cycle = find_cycle(import_graph(modules_under("pkg", tmp_path), tmp_path))

    assert cycle == ["pkg.services", "pkg.tasks", "pkg.services"]


def test_the_interface_check_sees_a_relative_import_of_another_interface(tmp_path):
    module = tmp_path / "interfaces" / "graphql" / "mutations.py"
    module.parent.mkdir(parents=True)
    module.write_text("from ..rest.serializers import PostSerializer\n")

    assert "interfaces.rest.serializers" in imports_of(module, tmp_path)
