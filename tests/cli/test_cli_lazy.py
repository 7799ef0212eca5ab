"""The command modules are imported only when one of their commands runs."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys

import click

from automation.cli.main import LAZY_COMMANDS, LazyGroup


def test_the_lazy_map_names_every_command_its_module_registers() -> None:
    for module in sorted(set(LAZY_COMMANDS.values())):
        group = click.Group()
        importlib.import_module(f"automation.cli.{module}").register(group)
        assert set(group.commands) == {n for n, m in LAZY_COMMANDS.items() if m == module}, module


def test_a_command_loads_its_module_only() -> None:
    @click.command()
    def here() -> None:
        """Defined with the group."""

    group = LazyGroup("eti", lazy={"figures": "figures", "watch": "service"})
    group.add_command(here)
    ctx = click.Context(group)
    assert group.list_commands(ctx) == ["figures", "here", "watch"]
    assert group.get_command(ctx, "figures").name == "figures"  # type: ignore[union-attr]
    assert group.list_commands(ctx) == ["figures", "here", "watch"]
    assert group._lazy == {"watch": "service"}
    assert set(group.commands) == {"figures", "here", "watch", "jobs", "retention", "config",
                                   "status", "service"}  # reading them all loads them all
    assert group._lazy == {}
    assert group.get_command(ctx, "nothing") is None


def test_version_and_a_report_do_not_import_the_other_commands() -> None:
    code = (
        "import sys\n"
        "from automation.cli.main import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('automation.cli.')))\n"
        "print('pydantic_settings' in sys.modules, 'automation.documents' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[-2] == "['automation.cli.main', 'automation.cli.options']"
    assert out[-1] == "False False"
    code = (
        "import sys\n"
        "from automation.cli.main import main\n"
        "try:\n"
        "    main(['report', 'quarterly', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('automation.cli.')))\n"
        "import automation.documents\n"
        "print('matplotlib' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    loaded = {m.rsplit(".", 1)[1] for m in ast.literal_eval(out[-2])}
    assert "documents" in loaded
    assert not loaded & (set(LAZY_COMMANDS.values()) - {"documents"})
    assert out[-1] == "False"  # charts are native Word charts: no plotting library
