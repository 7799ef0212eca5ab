"""The department's settings: one model, read from ``eti.toml``.

Every setting is declared once here, with its default and its meaning; ``eti
config`` and :func:`default_toml` are derived from these declarations. A key
missing from ``eti.toml`` takes its default; a wrong value stops the product
with a :class:`~automation.core.errors.ConfigError` that names the key::

    [department]
    name = "قسم تكنولوجيا التعليم والمعلومات"
    quarter_start_month = 1
    school_year_start_month = 9

    [intake]
    stability_seconds = 5
    max_batch = 200

    [watch]
    poll = false
    rescan_minutes = 5

    [schedule]
    working_days = ["sun", "mon", "tue", "wed", "thu"]
    digest_time = "13:00"
    ...

    [logging]
    level = "INFO"

    [correspondence]
    number_format = "{prefix}/{year}/{sequence}"

    [ledger]
    url = ""          # or "postgresql://eti@db-host:5432/eti"
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from automation.core.department import Department
from automation.core.errors import ConfigError
from automation.core.periods import Calendar

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Day names as ``eti.toml`` writes them; the index is Python's ``date.weekday()``."""

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]

_DAY_NAMES: dict[str, str] = {
    **{d: d for d in WEEKDAYS},
    **dict(zip(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
               WEEKDAYS, strict=True)),
    **dict(zip(("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
               WEEKDAYS, strict=True)),
    "الإثنين": "mon", "الاربعاء": "wed", "الاحد": "sun",
}
"""A working day as ``eti.toml`` may write it (``sun``, ``Sunday``, «الأحد»)."""

_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_hhmm(value: object) -> dt.time:
    """``"13:00"`` (or a TOML local time) as a time of day."""
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    match = _TIME.match(str(value))
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"expected a time of day as HH:MM, got {value!r}")
    return dt.time(int(match[1]), int(match[2]))


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class DepartmentSettings(_Section):
    """[department]"""

    name: str = Field(
        "قسم تكنولوجيا التعليم والمعلومات",
        description="Name of the department as documents print it.",
    )
    quarter_start_month: int = Field(
        1, ge=1, le=12, description="Month the first quarter starts in (1 = January)."
    )
    school_year_start_month: int = Field(
        9, ge=1, le=12,
        description="Month a school year (2025/2026) starts in (9 = September).",
    )
    directorate: str = Field(
        "",
        description="The directorate this department belongs to (قصبة عمان); every "
        "submission and row carries it, and a shared PostgreSQL ledger keeps each "
        "directorate's records apart by it.",
    )
    directorate_code: str = Field(
        "", description="An optional short code for the directorate (documents may print it)."
    )

    @property
    def calendar(self) -> Calendar:
        """The quarters and school years every command and job reports on."""
        return Calendar(self.quarter_start_month, self.school_year_start_month)


class IntakeSettings(_Section):
    """[intake]"""

    stability_seconds: float = Field(
        5, gt=0, le=3600,
        description="Seconds a dropped file that is not yet a complete workbook must stay "
        "unchanged before it is picked up (a complete workbook is taken after 0.1 s).",
    )
    max_batch: int = Field(
        200, ge=1, le=10_000, description="Most files handed to one batch."
    )


class WatchSettings(_Section):
    """[watch]"""

    poll: bool = Field(
        False,
        description="Poll inbox/ instead of waiting for file events "
        "(automatic on a network share).",
    )
    rescan_minutes: float = Field(
        5, gt=0, le=1440, description="Minutes between full rescans of inbox/."
    )


class ScheduleSettings(_Section):
    """[schedule]"""

    working_days: list[Weekday] = Field(
        default_factory=lambda: ["sun", "mon", "tue", "wed", "thu"],
        description="Working days: the digest runs on them, quarterly reports on the first one "
        "after a quarter ends.",
    )
    digest_time: dt.time = Field(
        dt.time(13, 0), description="Time of the daily digest for the head of department."
    )
    quarterly_report_time: dt.time = Field(
        dt.time(8, 0), description="Time of the quarterly reports on their day."
    )
    backup_time: dt.time = Field(dt.time(2, 0), description="Time of the nightly ledger backup.")
    register_refresh_time: dt.time = Field(
        dt.time(2, 30), description="Time of the nightly regeneration of every register."
    )
    retention_day: int = Field(
        1, ge=1, le=28, description="Day of the month of the retention sweep."
    )
    backups_kept: int = Field(14, ge=1, le=1000, description="Ledger backups kept.")

    @field_validator(
        "digest_time", "quarterly_report_time", "backup_time", "register_refresh_time",
        mode="before",
    )
    @classmethod
    def _time(cls, value: object) -> dt.time:
        return parse_hhmm(value)

    @field_validator("working_days", mode="before")
    @classmethod
    def _days(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            days = [_DAY_NAMES.get(str(v).strip().lower(), v) for v in value]
            if not days:
                raise ValueError("at least one working day is needed")
            return days
        return value

    @property
    def weekday_numbers(self) -> frozenset[int]:
        """Working days as ``date.weekday()`` numbers."""
        return frozenset(WEEKDAYS.index(d) for d in self.working_days)


class LoggingSettings(_Section):
    """[logging]"""

    level: LogLevel = Field("INFO", description="Level of data/logs/eti.log.")

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value


class CorrespondenceSettings(_Section):
    """[correspondence]"""

    number_format: str = Field(
        "{prefix}/{year}/{sequence}",
        description="Number of outgoing letters and decisions: {prefix} (the directorate's "
        "letter prefix), {year}, {sequence} (one numbering per calendar year).",
    )

    @field_validator("number_format")
    @classmethod
    def _format(cls, value: str) -> str:
        if "{sequence}" not in value:
            raise ValueError("must contain {sequence}")
        try:
            value.format(prefix="P", year=2026, sequence=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"only {{prefix}}, {{year}} and {{sequence}} may be used ({exc})") \
                from exc
        return value


class LedgerSettings(_Section):
    """[ledger]"""

    url: str = Field(
        "",
        description="Where the ledger lives: empty for the department's own SQLite file "
        "(data/ledger.sqlite), or postgresql://user@host:5432/eti for a shared PostgreSQL "
        "database. The environment variable ETI_LEDGER_URL, when set, wins.",
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("postgresql://", "postgres://", "sqlite:")):
            raise ValueError("expected postgresql://user@host:5432/eti, or nothing for SQLite")
        return value


class CollectionSettings(_Section):
    """[collection]"""

    months_off: list[int] = Field(
        default_factory=lambda: [7, 8],
        description="Months of the summer holiday, when schools owe no monthly report "
        "(default: the two months before school_year_start_month, July and August).",
    )
    due_days: dict[str, int] = Field(
        default_factory=dict,
        description='Due day of a form schools send, by form code: {"QF70-2-3" = 10} (a monthly '
        "form: day of the following month; a once-a-year form: day of its due month).",
    )
    forms_off: list[str] = Field(
        default_factory=list,
        description='Forms schools send that are not followed up: ["QF70-2-19"].',
    )

    @field_validator("months_off")
    @classmethod
    def _months(cls, value: list[int]) -> list[int]:
        if any(not 1 <= m <= 12 for m in value):
            raise ValueError("months are numbers 1-12")
        return value

    @field_validator("due_days")
    @classmethod
    def _days(cls, value: dict[str, int]) -> dict[str, int]:
        if any(not 1 <= d <= 31 for d in value.values()):
            raise ValueError("a due day is a day of the month, 1-31")
        return value


class Settings(BaseModel):
    """Every setting of a department, by section of ``eti.toml``."""

    # eti.toml is the only source (no environment, no .env): what `eti config` shows is
    # all there is. A plain model: pydantic-settings would cost a quarter of start-up.
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    department: DepartmentSettings = Field(default_factory=DepartmentSettings)
    intake: IntakeSettings = Field(default_factory=IntakeSettings)
    watch: WatchSettings = Field(default_factory=WatchSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    correspondence: CorrespondenceSettings = Field(default_factory=CorrespondenceSettings)
    ledger: LedgerSettings = Field(default_factory=LedgerSettings)
    collection: CollectionSettings = Field(default_factory=CollectionSettings)


SECTIONS: tuple[str, ...] = tuple(Settings.model_fields)


_DETAIL_AR: dict[str, str] = {
    "expected a time of day as HH:MM": "اكتب الوقت بالساعة والدقيقة مثل \"13:00\"",
    "at least one working day is needed": "يلزم يوم عمل واحد على الأقل",
    "must contain {sequence}": "يجب أن يحوي الرقم {sequence}",
    "only {prefix}, {year} and {sequence} may be used":
        "لا يُستعمل فيه إلا {prefix} و{year} و{sequence}",
    "expected postgresql://": "اكتب عنواناً مثل postgresql://user@host:5432/eti أو اتركه فارغاً",
}
"""The Arabic of the validators' own messages (by how the English one starts)."""


def _detail_ar(error: Any) -> str:
    """What is wrong with a value, in Arabic words (never pydantic's English)."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"القيم المقبولة: {'، '.join(allowed)}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = next(iter(ctx.values()), "")
        words = {"greater_than_equal": "لا تقل عن", "greater_than": "أكبر من",
                 "less_than_equal": "لا تزيد على", "less_than": "أصغر من"}[kind]
        return f"يجب أن تكون القيمة {words} {bound}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "اكتب عدداً صحيحاً"
    if kind in ("float_parsing", "float_type"):
        return "اكتب عدداً"
    if kind in ("bool_parsing", "bool_type"):
        return "اكتب true أو false"
    if kind in ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type"):
        return {"string_type": "اكتب نصاً بين علامتي تنصيص",
                "list_type": "اكتب قائمة بين قوسين مربعين [ ]",
                "dict_type": "اكتب جدولاً {مفتاح = قيمة}"}.get(kind, "اكتب قسماً [..] في الملف")
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    for english, arabic in _DETAIL_AR.items():
        if message.startswith(english):
            return arabic
    return "القيمة غير مقبولة"


def _given(data: Any, loc: tuple[Any, ...]) -> tuple[object, object]:
    """(the whole value of the setting as ``eti.toml`` wrote it, the part at fault: an
    item of a list, or the value itself)."""
    whole: object = data
    for step in loc:
        if isinstance(step, str) and isinstance(whole, dict) and step in whole:
            whole = whole[step]
        else:
            break
    part: object = whole
    for step in loc[len([s for s in loc if isinstance(s, str)]):]:
        if isinstance(step, int) and isinstance(part, list | tuple) and 0 <= step < len(part):
            part = part[step]
    return whole, part


def _quoted(value: object) -> str:
    """A value as ``eti.toml`` writes it, whole (Arabic as it is)."""
    try:
        return format_value(value)
    except (TypeError, ValueError):
        return repr(value)


def _nearest(key: str) -> str:
    """The setting ``key`` was probably meant to be (a typing slip), or ""."""
    import difflib

    known = [f"{section}.{name}" for section in Settings.model_fields
             for name in Settings.model_fields[section].annotation.model_fields]  # type: ignore[union-attr]
    found = difflib.get_close_matches(key, known + list(Settings.model_fields), n=1, cutoff=0.75)
    return found[0] if found else ""


def settings_from(data: dict[str, Any]) -> Settings:
    """Settings from the parsed contents of ``eti.toml``; a bad value names its key and
    quotes the value as written, whole."""
    try:
        return Settings(**data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"] if isinstance(p, str)) or "eti.toml"
        if first["type"] == "extra_forbidden":
            near = _nearest(key)
            raise ConfigError(
                f"unknown setting {key} in eti.toml" + (f" (did you mean {near}?)" if near
                                                         else ""),
                f"إعداد غير معروف {key} في ملف eti.toml" + (f"؛ هل تقصد {near}؟" if near
                                                             else "؛ احذف السطر أو صحّح اسمه."),
            ) from exc
        detail = str(first["msg"]).removeprefix("Value error, ")
        whole, part = _given(data, tuple(first["loc"]))
        shown = _quoted(whole)
        item_en = item_ar = ""
        if part is not whole:
            item_en, item_ar = f" (the item {_quoted(part)})", f" (في العنصر {_quoted(part)})"
        raise ConfigError(
            f"bad value for the setting {key} in eti.toml: {shown}{item_en}: {detail}",
            f"قيمة غير صحيحة للإعداد {key} في ملف eti.toml: {shown}{item_ar} — "
            f"{_detail_ar(first)}. صحّحها في eti.toml أو احذف السطر لتعود القيمة الافتراضية.",
        ) from exc


def read_toml(dept: Department) -> dict[str, Any]:
    """The parsed ``eti.toml`` of a department ({} when there is none)."""
    path = dept.config_path
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"cannot read {path}: not UTF-8 text ({exc})",
            "تعذرت قراءة ملف الإعدادات eti.toml: ليس محفوظاً بترميز UTF-8. احفظه من جديد "
            "بترميز UTF-8 (في المفكرة: حفظ باسم ← الترميز UTF-8).",
        ) from exc
    except OSError as exc:
        raise ConfigError(
            f"cannot read {path}: {exc}",
            "تعذرت قراءة ملف الإعدادات eti.toml؛ تأكد أنه غير مفتوح في برنامج آخر وأن لك "
            "صلاحية قراءته.",
        ) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        at = f" في السطر {where[1]}، العمود {where[2]}" if where else ""
        raise ConfigError(
            f"eti.toml is not valid TOML: {exc}",
            f"ملف الإعدادات eti.toml غير صالح{at}: تحقق من علامات التنصيص والأقواس وعلامة = "
            "في ذلك السطر.",
        ) from exc


def load_settings(dept: Department) -> Settings:
    """The department's settings: ``eti.toml`` over the defaults."""
    return settings_from(read_toml(dept))


@dataclass(frozen=True)
class SettingValue:
    """One effective setting, for ``eti config``."""

    key: str
    value: object
    source: Literal["default", "eti.toml"]
    description: str

    @property
    def text(self) -> str:
        return format_value(self.value)


def format_value(value: object) -> str:
    """A value as it would be written in ``eti.toml``."""
    if isinstance(value, dt.time):
        return json.dumps(value.strftime("%H:%M"))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value, ensure_ascii=False)


def effective(settings: Settings) -> list[SettingValue]:
    """Every setting with its value and where the value came from."""
    values = []
    for section in SECTIONS:
        model: BaseModel = getattr(settings, section)
        given = section in settings.model_fields_set
        for name, info in type(model).model_fields.items():
            source = "eti.toml" if given and name in model.model_fields_set else "default"
            values.append(
                SettingValue(f"{section}.{name}", getattr(model, name), source,
                             info.description or "")
            )
    return values


def default_toml() -> str:
    """An ``eti.toml`` listing every setting commented out, with its meaning."""
    lines = [
        "# ETI automation settings for this department.",
        '# Every line is commented out: the defaults shown apply. Remove the "#" to change one.',
    ]
    for section in SECTIONS:
        lines += ["", f"# [{section}]"]
        model_cls = Settings.model_fields[section].annotation
        defaults = model_cls()  # type: ignore[misc]
        for name, info in model_cls.model_fields.items():  # type: ignore[union-attr]
            lines.append(f"# # {info.description}")
            lines.append(f"# {name} = {format_value(getattr(defaults, name))}")
    return "\n".join(lines) + "\n"
