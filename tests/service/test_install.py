"""`eti service install`: the Task Scheduler XML and the systemd user unit, never run for real."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from automation.cli.service import register
from automation.core.department import Department
from automation.service import install as I
from automation.service.install import CommandResult, install, uninstall

NS = {"t": I.TASK_NS}
ETI_EXE = r"C:\Program Files\Python311\Scripts\eti.exe"


class FakeRun:
    def __init__(self, fail: str = "") -> None:
        self.commands: list[list[str]] = []
        self.fail = fail

    def __call__(self, args: Sequence[str]) -> CommandResult:
        self.commands.append(list(args))
        if self.fail and self.fail in args:
            return CommandResult(1, "Access is denied.")
        return CommandResult(0, "")


def _which(name: str) -> str | None:
    return f"/usr/bin/{name}" if name == "systemctl" else None


@pytest.fixture
def dept(tmp_path: Path) -> Department:
    dept = Department.at(tmp_path / "ETI قسم")
    dept.ensure()
    dept.config_path.write_text("", encoding="utf-8")  # a department: eti.toml and inbox/
    return dept


def test_windows_task_definition(dept: Department) -> None:
    run = FakeRun()
    result = install(dept, platform="win32", run=run, command=[ETI_EXE], user="MOE\\staff")
    assert result.ok
    path = dept.data / "eti-watch-task.xml"
    assert result.files == [path]
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")  # UTF-16 with its BOM
    assert run.commands == [
        ["schtasks", "/Create", "/TN", "ETI automation watcher", "/XML", str(path), "/F"]
    ]
    task = ET.parse(path).getroot()
    assert task.tag == f"{{{I.TASK_NS}}}Task"
    trigger = task.find("t:Triggers/t:LogonTrigger", NS)
    assert trigger is not None
    assert trigger.findtext("t:UserId", namespaces=NS) == "MOE\\staff"
    assert trigger.findtext("t:Enabled", namespaces=NS) == "true"
    principal = task.find("t:Principals/t:Principal", NS)
    assert principal.findtext("t:RunLevel", namespaces=NS) == "LeastPrivilege"
    assert principal.findtext("t:LogonType", namespaces=NS) == "InteractiveToken"
    settings = task.find("t:Settings", NS)
    assert settings.findtext("t:ExecutionTimeLimit", namespaces=NS) == "PT0S"
    assert settings.findtext("t:MultipleInstancesPolicy", namespaces=NS) == "IgnoreNew"
    assert settings.findtext("t:DisallowStartIfOnBatteries", namespaces=NS) == "false"
    restart = settings.find("t:RestartOnFailure", NS)
    assert restart is not None and restart.findtext("t:Interval", namespaces=NS) == "PT1M"
    exec_ = task.find("t:Actions/t:Exec", NS)
    assert exec_.findtext("t:Command", namespaces=NS) == ETI_EXE
    assert exec_.findtext("t:Arguments", namespaces=NS) == f'watch --root "{dept.root}"'
    assert exec_.findtext("t:WorkingDirectory", namespaces=NS) == str(dept.root)


def test_windows_uninstall(dept: Department) -> None:
    install(dept, platform="win32", run=FakeRun(), command=[ETI_EXE], user="staff")
    run = FakeRun()
    result = uninstall(dept, platform="win32", run=run)
    assert result.ok
    assert run.commands == [["schtasks", "/Delete", "/TN", "ETI automation watcher", "/F"]]
    assert not (dept.data / "eti-watch-task.xml").exists()


def test_windows_schtasks_failure_is_reported(dept: Department) -> None:
    result = install(dept, platform="win32", run=FakeRun(fail="/Create"), command=[ETI_EXE],
                     user="staff")
    assert not result.ok
    assert "Access is denied." in result.messages


def test_systemd_user_unit(dept: Department, tmp_path: Path) -> None:
    home = tmp_path / "home"
    run = FakeRun()
    result = install(dept, platform="linux", run=run, home=home, which=_which,
                     command=["/opt/eti/bin/eti"])
    unit = home / ".config/systemd/user/eti-watch.service"
    assert result.ok and result.files == [unit]
    text = unit.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert f'ExecStart=/opt/eti/bin/eti watch --root "{dept.root}"' in lines
    assert f"WorkingDirectory={dept.root}" in lines
    assert "Restart=on-failure" in lines
    assert "WantedBy=default.target" in lines
    assert lines.index("[Install]") > lines.index("[Service]") > lines.index("[Unit]")
    assert run.commands == [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", "eti-watch.service"],
    ]


def test_systemd_quoting_of_special_characters(tmp_path: Path) -> None:
    text = I.unit_text(["/usr/bin/eti"], ["watch", "--root", "/srv/a 100%$x"], Path("/srv/a"))
    assert 'ExecStart=/usr/bin/eti watch --root "/srv/a 100%%$$x"' in text


def test_without_systemctl_says_so(dept: Department, tmp_path: Path) -> None:
    run = FakeRun()
    result = install(dept, platform="linux", run=run, home=tmp_path / "home",
                     which=lambda name: None, command=["/opt/eti/bin/eti"])
    assert not result.ok
    assert run.commands == []
    assert any("systemctl" in m for m in result.messages)
    assert (tmp_path / "home/.config/systemd/user/eti-watch.service").exists()


def test_systemd_uninstall(dept: Department, tmp_path: Path) -> None:
    home = tmp_path / "home"
    install(dept, platform="linux", run=FakeRun(), home=home, which=_which, command=["eti"])
    run = FakeRun()
    result = uninstall(dept, platform="linux", run=run, home=home, which=_which)
    assert result.ok
    assert not (home / ".config/systemd/user/eti-watch.service").exists()
    assert run.commands == [
        ["systemctl", "--user", "disable", "--now", "eti-watch.service"],
        ["systemctl", "--user", "daemon-reload"],
    ]


def test_eti_command_is_found() -> None:
    command = I.eti_command(which=lambda name: None)
    assert Path(command[0]).exists()
    if command[0] == sys.executable:
        assert command[1] == "-c"


def test_cli_install_and_uninstall(dept: Department, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    run = FakeRun()
    monkeypatch.setattr(I, "run_command", run)
    monkeypatch.setattr(I.shutil, "which", _which)
    monkeypatch.setattr(I.sys, "platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    @click.group()
    def eti() -> None:
        """test group"""

    register(eti)
    result = CliRunner().invoke(eti, ["service", "install", "--root", str(dept.root)])
    assert result.exit_code == 0, result.output
    assert "installed" in result.output
    assert (tmp_path / "home/.config/systemd/user/eti-watch.service").exists()
    result = CliRunner().invoke(eti, ["service", "uninstall", "--root", str(dept.root)])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "home/.config/systemd/user/eti-watch.service").exists()
    assert ["systemctl", "--user", "enable", "--now", "eti-watch.service"] in run.commands
