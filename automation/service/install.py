"""``eti service install``: start the watcher when the staff account logs on.

Windows: a Task Scheduler task with a logon trigger for the current user (not a
Windows service: Office must not be automated from a service, and the watcher
may drive Excel through xlwings). Linux: a systemd *user* unit. Running the
commands (``schtasks``, ``systemctl``) and the home folder are parameters, so
tests check the definitions without installing anything.
"""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from automation.core.department import Department
from automation.core.errors import EtiError

TASK_NAME = "ETI automation watcher"
TASK_FILE = "eti-watch-task.xml"
UNIT_NAME = "eti-watch.service"
TASK_NS = "http://schemas.microsoft.com/windows/2004/02/mit/task"


@dataclass(frozen=True)
class CommandResult:
    returncode: int
    output: str = ""


Runner = Callable[[Sequence[str]], CommandResult]


def run_command(args: Sequence[str]) -> CommandResult:
    """Run a system command and keep what it printed."""
    try:
        done = subprocess.run(
            list(args), capture_output=True, text=True, errors="replace", check=False
        )
    except OSError as exc:
        return CommandResult(127, str(exc))
    return CommandResult(done.returncode, (done.stdout + done.stderr).strip())


@dataclass
class InstallResult:
    """What install/uninstall wrote, ran, and has to say."""

    platform: str
    files: list[Path] = field(default_factory=list)
    commands: list[list[str]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    ok: bool = True


class InstallError(EtiError):
    """The service could not be registered or removed."""

    code = "install"


def eti_command(which: Callable[[str], str | None] = shutil.which) -> list[str]:
    """How to start ``eti``: the script beside this Python, on PATH, or Python itself."""
    exe = Path(sys.executable)
    names = ("eti.exe",) if os.name == "nt" else ("eti",)
    for folder in (exe.parent, exe.parent / "Scripts", exe.parent / "bin"):
        for name in names:
            candidate = folder / name
            if candidate.is_file():
                return [str(candidate)]
    found = which("eti")
    if found:
        return [found]
    return [str(exe), "-c", "from automation.cli.main import main; main()"]


def watch_arguments(dept: Department) -> list[str]:
    return ["watch", "--root", str(dept.root)]


def _quote_windows(args: Sequence[str]) -> str:
    return subprocess.list2cmdline(list(args))


def current_user() -> str:
    domain = os.environ.get("USERDOMAIN", "")
    user = os.environ.get("USERNAME") or getpass.getuser()
    return f"{domain}\\{user}" if domain else user


def task_xml(command: Sequence[str], arguments: Sequence[str], workdir: Path, user: str) -> str:
    """The Task Scheduler definition: at logon of ``user``, no time limit, restart on failure."""
    ET.register_namespace("", TASK_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
        node = ET.SubElement(parent, f"{{{TASK_NS}}}{tag}")
        if text is not None:
            node.text = text
        return node

    task = ET.Element(f"{{{TASK_NS}}}Task", {"version": "1.2"})
    info = sub(task, "RegistrationInfo")
    sub(info, "Description", f"ETI automation: watch {workdir / 'inbox'} and run the scheduled "
        "jobs (eti watch).")
    sub(info, "Author", user)
    trigger = sub(sub(task, "Triggers"), "LogonTrigger")
    sub(trigger, "Enabled", "true")
    sub(trigger, "UserId", user)
    principal = sub(sub(task, "Principals"), "Principal", None)
    principal.set("id", "Author")
    sub(principal, "UserId", user)
    sub(principal, "LogonType", "InteractiveToken")
    sub(principal, "RunLevel", "LeastPrivilege")
    settings = sub(task, "Settings")
    for tag, text in (
        ("MultipleInstancesPolicy", "IgnoreNew"),
        ("DisallowStartIfOnBatteries", "false"),
        ("StopIfGoingOnBatteries", "false"),
        ("AllowHardTerminate", "true"),
        ("StartWhenAvailable", "true"),
        ("RunOnlyIfNetworkAvailable", "false"),
        ("AllowStartOnDemand", "true"),
        ("Enabled", "true"),
        ("Hidden", "false"),
        ("RunOnlyIfIdle", "false"),
        ("WakeToRun", "false"),
        ("ExecutionTimeLimit", "PT0S"),
        ("Priority", "7"),
    ):
        sub(settings, tag, text)
    idle = sub(settings, "IdleSettings")
    sub(idle, "StopOnIdleEnd", "false")
    sub(idle, "RestartOnIdle", "false")
    restart = sub(settings, "RestartOnFailure")
    sub(restart, "Interval", "PT1M")
    sub(restart, "Count", "999")
    actions = sub(task, "Actions")
    actions.set("Context", "Author")
    exec_ = sub(actions, "Exec")
    sub(exec_, "Command", command[0])
    sub(exec_, "Arguments", _quote_windows([*command[1:], *arguments]))
    sub(exec_, "WorkingDirectory", str(workdir))
    ET.indent(task)
    body = ET.tostring(task, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-16"?>\n' + body + "\n"


def _systemd_quote(arg: str) -> str:
    escaped = arg.replace("%", "%%").replace("$", "$$")
    if escaped and all(c.isalnum() or c in "/._-=:+,@" for c in escaped):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unit_text(command: Sequence[str], arguments: Sequence[str], workdir: Path) -> str:
    """The systemd user unit running the watcher for the logged-on user."""
    exec_start = " ".join(_systemd_quote(a) for a in [*command, *arguments])
    return (
        "[Unit]\n"
        f"Description=ETI automation watcher ({workdir})\n"
        "\n"
        "[Service]\n"
        "Type=simple\n"
        f"WorkingDirectory={str(workdir).replace('%', '%%')}\n"
        f"ExecStart={exec_start}\n"
        "Environment=PYTHONIOENCODING=utf-8\n"
        "Restart=on-failure\n"
        "RestartSec=30\n"
        "KillSignal=SIGTERM\n"
        "TimeoutStopSec=120\n"
        "\n"
        "[Install]\n"
        "WantedBy=default.target\n"
    )


def unit_path(home: Path) -> Path:
    return home / ".config" / "systemd" / "user" / UNIT_NAME


def _run_all(result: InstallResult, run: Runner, commands: list[list[str]]) -> None:
    for args in commands:
        result.commands.append(args)
        done = run(args)
        if done.output:
            result.messages.append(done.output)
        if done.returncode != 0:
            result.ok = False
            result.messages.append(f"{' '.join(args)}: exit {done.returncode}")
            return


def install(
    dept: Department,
    *,
    platform: str | None = None,
    run: Runner | None = None,
    home: Path | None = None,
    which: Callable[[str], str | None] | None = None,
    command: Sequence[str] | None = None,
    user: str | None = None,
) -> InstallResult:
    """Register the watcher of ``dept`` to start at logon."""
    platform, run, which = platform or sys.platform, run or run_command, which or shutil.which
    command = list(command or eti_command(which))
    result = InstallResult(platform)
    if platform == "win32":
        path = dept.data / TASK_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        text = task_xml(command, watch_arguments(dept), dept.root, user or current_user())
        path.write_text(text, encoding="utf-16")
        result.files.append(path)
        _run_all(result, run, [["schtasks", "/Create", "/TN", TASK_NAME, "/XML", str(path),
                                "/F"]])
        return result
    path = unit_path(home or Path.home())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(unit_text(command, watch_arguments(dept), dept.root), encoding="utf-8")
    result.files.append(path)
    if which("systemctl") is None:
        result.ok = False
        result.messages.append(
            "systemctl not found: the unit was written but not enabled; start `eti watch` "
            "yourself at logon. / لم يُعثر على systemctl: كُتب ملف الخدمة دون تفعيله."
        )
        return result
    _run_all(result, run, [["systemctl", "--user", "daemon-reload"],
                           ["systemctl", "--user", "enable", "--now", UNIT_NAME]])
    return result


def uninstall(
    dept: Department,
    *,
    platform: str | None = None,
    run: Runner | None = None,
    home: Path | None = None,
    which: Callable[[str], str | None] | None = None,
) -> InstallResult:
    """Remove what :func:`install` registered."""
    platform, run, which = platform or sys.platform, run or run_command, which or shutil.which
    result = InstallResult(platform)
    if platform == "win32":
        _run_all(result, run, [["schtasks", "/Delete", "/TN", TASK_NAME, "/F"]])
        path = dept.data / TASK_FILE
        if path.exists():
            path.unlink()
            result.files.append(path)
        return result
    path = unit_path(home or Path.home())
    has_systemctl = which("systemctl") is not None
    if has_systemctl and path.exists():
        _run_all(result, run, [["systemctl", "--user", "disable", "--now", UNIT_NAME]])
    if path.exists():
        path.unlink()
        result.files.append(path)
    if has_systemctl:
        _run_all(result, run, [["systemctl", "--user", "daemon-reload"]])
    return result
