"""The department folder: where every file of the product lives (SPEC.md "The folders")."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from automation.core.errors import DepartmentError


@dataclass(frozen=True)
class Department:
    """Paths of one department folder; nothing here touches the disk but ``ensure``."""

    root: Path

    @classmethod
    def at(cls, root: str | Path | None = None) -> Department:
        return cls(Path(root or ".").resolve())

    @property
    def workbooks(self) -> Path:
        return self.root / "workbooks"

    @property
    def forms(self) -> Path:
        return self.workbooks / "forms"

    @property
    def reference(self) -> Path:
        return self.workbooks / "reference"

    @property
    def registers(self) -> Path:
        return self.workbooks / "registers"

    @property
    def archive(self) -> Path:
        return self.registers / "archive"

    @property
    def templates(self) -> Path:
        return self.root / "templates_docx"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def claimed(self) -> Path:
        """Work area: a file renamed here is being handled."""
        return self.inbox / ".claimed"

    @property
    def processed(self) -> Path:
        return self.inbox / "processed"

    @property
    def rejected(self) -> Path:
        return self.inbox / "rejected"

    @property
    def outbox(self) -> Path:
        return self.root / "outbox"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def ledger_path(self) -> Path:
        return self.data / "ledger.sqlite"

    @property
    def backups(self) -> Path:
        return self.data / "backups"

    @property
    def logs(self) -> Path:
        return self.data / "logs"

    @property
    def files_archive(self) -> Path:
        """Original files whose retention period has passed."""
        return self.data / "archive"

    @property
    def config_path(self) -> Path:
        return self.root / "eti.toml"

    def reference_file(self, name: str) -> Path:
        return self.reference / name

    def ensure(self) -> None:
        """Create every folder the product writes to."""
        for folder in (
            self.forms,
            self.reference,
            self.registers,
            self.templates,
            self.inbox,
            self.claimed,
            self.processed,
            self.rejected,
            self.outbox,
            self.data,
            self.backups,
            self.logs,
        ):
            folder.mkdir(parents=True, exist_ok=True)


def not_a_department(root: Path) -> DepartmentError | None:
    """Why ``root`` is not a department folder (no ``eti.toml`` or no ``inbox/``), or None.

    Every command that reads a department asks this before it touches anything, so a
    wrong folder is refused with the same message everywhere and nothing is created in
    it (no ``data/ledger.sqlite``, no figures of zero)."""
    dept = Department.at(root)
    missing = [name for name, there in (("eti.toml", dept.config_path.is_file()),
                                        ("inbox/", dept.inbox.is_dir())) if not there]
    if not missing:
        return None
    return DepartmentError(
        f"{dept.root} is not a department folder (no {' and no '.join(missing)}): give the "
        "department's folder with --root, or run `eti init` there to make it one (it keeps "
        "whatever is there)",
        f"المجلد {dept.root} ليس مجلد قسم (لا يوجد فيه {' ولا '.join(missing)}). اختر مجلد "
        "القسم الصحيح بالخيار ‎--root، أو شغّل eti init فيه ليصبح مجلد قسم (لا يحذف شيئاً "
        "موجوداً فيه).",
        code="not-a-department",
    )


def require_department(root: str | Path | None) -> Department:
    """The department at ``root``; :class:`DepartmentError` when the folder is not one
    (:func:`not_a_department`)."""
    dept = Department.at(root)
    problem = not_a_department(dept.root)
    if problem is not None:
        raise problem
    return dept
