"""The one table of what a rejection tells the sender: every problem code with what is
wrong and the one thing to do about it, in Arabic for staff and English for the IT
colleague who supports them.

A *file* problem is about the file as a whole (not a workbook, damaged, too large,
hostile, an unknown layout): its message says what to do with the file, never
"correct the red cells". A *cell* problem points at cells of an identified form
(or at a column or field missing from it); its own text comes from where it was
found (the reader, validation, the catalog's value parsers), and what to do is
the same for all of them: correct the red cells in the errors workbook.

Placeholders (``{limit}``, ``{sheet}`` …) are filled by :func:`render`; sizes come
already worded (``50 MB``).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

from automation.core.errors import UnreadableWorkbook

__all__ = ["MESSAGES", "Message", "action_for", "format_ar", "render", "scope_of",
           "unreadable"]

Scope = Literal["file", "cell"]

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Message:
    """One code of the table: what is wrong and what to do, in both languages."""

    code: str
    scope: Scope
    what_ar: str
    what_en: str
    action_ar: str
    action_en: str

    @property
    def params(self) -> frozenset[str]:
        """The placeholders its texts use."""
        return frozenset(
            name
            for text in (self.what_ar, self.what_en, self.action_ar, self.action_en)
            for _, name, _, _ in string.Formatter().parse(text)
            if name
        )

    def render(self, **params: object) -> tuple[str, str]:
        """(Arabic, English): what is wrong, then what to do. A ``format`` (an English
        format name) is worded in Arabic on the Arabic line (:func:`format_ar`), a ``day``
        (an ISO date) written day/month/year as staff write dates."""
        arabic = dict(params)
        if "format" in arabic:
            arabic["format"] = format_ar(str(arabic["format"]))
        if "day" in arabic and _ISO_DAY.fullmatch(str(arabic["day"])):
            arabic["day"] = "/".join(reversed(str(arabic["day"]).split("-")))
        return (
            f"{self.what_ar.format(**arabic)} المطلوب: {self.action_ar.format(**arabic)}",
            f"{self.what_en.format(**params)} What to do: {self.action_en.format(**params)}",
        )


BLANK_FORM_AR = (
    "املأ النموذج الفارغ الصحيح (من مجلد workbooks/forms في مجلد القسم، أو اطلبه من قسم "
    "تكنولوجيا المعلومات) في Excel، واحفظه مصنفَ Excel بصيغة .xlsx، ثم أرسله من جديد."
)
BLANK_FORM_EN = (
    "Fill in the right blank form (workbooks/forms/ in the department folder; IT can make "
    "a school's copy with `eti forms issue`) in Excel, save it as an Excel workbook (.xlsx) "
    "and send it again."
)
SAVE_AS_AR = (
    "افتح الملف في Excel واختر «حفظ باسم» ثم «مصنف Excel (*.xlsx)»، وأرسل الملف الجديد."
)
SAVE_AS_EN = (
    "Open the file in Excel, choose Save As → Excel Workbook (*.xlsx), and send the new file."
)
COPY_AR = (
    "انسخ القيم (لصق ← قيم فقط) إلى النموذج الفارغ الصحيح من مجلد workbooks/forms، واحفظه "
    "في Excel بصيغة .xlsx، ثم أرسله من جديد."
)
COPY_EN = (
    "Copy the values (Paste → Values only) into the right blank form from workbooks/forms/, "
    "save it in Excel as .xlsx and send it again."
)
SMALLER_AR = "احذف الصور والأوراق غير اللازمة أو قسّم البيانات على أكثر من ملف، ثم أرسله من جديد."
SMALLER_EN = (
    "Remove pictures and sheets that are not needed, or split the data over several files, "
    "then send it again."
)
CELLS_AR = (
    "صحّح الخلايا الملوّنة بالأحمر في ملف الأخطاء (مرّر المؤشر فوق الخلية لقراءة الملاحظة)، "
    "ثم احفظ الملف وأرسله من جديد."
)
CELLS_EN = (
    "Correct the red cells listed in the errors workbook (hover over a cell to read its note), "
    "save the file and send it again."
)


def _file(code: str, what_ar: str, what_en: str, action_ar: str, action_en: str) -> Message:
    return Message(code, "file", what_ar, what_en, action_ar, action_en)


def _cell(code: str, what_ar: str, what_en: str, action_ar: str = CELLS_AR,
          action_en: str = CELLS_EN) -> Message:
    return Message(code, "cell", what_ar, what_en, action_ar, action_en)


_TABLE = (
    # -- what the file is
    _file("empty-file", "الملف فارغ لا يحتوي على أي بيانات.", "The file is empty.",
          BLANK_FORM_AR, BLANK_FORM_EN),
    _file("csv", "الملف نصّي (CSV أو نص مفصول بفواصل) وليس مصنف Excel، فليس فيه شكل النموذج.",
          "The file is text (CSV or delimited text), not an Excel workbook, so it has no "
          "form layout.", BLANK_FORM_AR, BLANK_FORM_EN),
    _file("web-page", "الملف {format} حُفظت باسم ملف Excel، وليست مصنف Excel.",
          "The file is a web page ({format}) saved under an Excel name, not an Excel "
          "workbook.", BLANK_FORM_AR, BLANK_FORM_EN),
    _file("zip-archive", "الملف مجلد مضغوط (ZIP) وليس مصنف Excel.",
          "The file is a ZIP archive (a compressed folder), not an Excel workbook.",
          "فكّ ضغط المجلد وأرسل كل نموذج ملفاً مستقلاً بصيغة .xlsx.",
          "Extract the folder and send each form as its own .xlsx file."),
    _file("pdf", "الملف بصيغة PDF وليس مصنف Excel، ولا تُقرأ منه البيانات.",
          "The file is a PDF, not an Excel workbook; no data can be read from it.",
          BLANK_FORM_AR, BLANK_FORM_EN),
    _file("image", "الملف {format} وليس مصنف Excel، ولا تُقرأ البيانات من الصور.",
          "The file is a picture ({format}), not an Excel workbook; no data is read from "
          "pictures.", BLANK_FORM_AR, BLANK_FORM_EN),
    _file("word", "الملف مستند Word وليس مصنف Excel.",
          "The file is a Word document, not an Excel workbook.", BLANK_FORM_AR, BLANK_FORM_EN),
    _file("other-format", "الملف {format}، وليس مصنف Excel.",
          "The file is {format}, not an Excel workbook.", BLANK_FORM_AR, BLANK_FORM_EN),
    _file("not-a-workbook", "الملف ليس مصنف Excel ولم يُعرف نوعه.",
          "The file is not an Excel workbook, nor any known kind of file.",
          BLANK_FORM_AR, BLANK_FORM_EN),
    _file("old-excel", "الملف مصنف Excel قديم جداً ({format})، بصيغة لا يقرؤها النظام.",
          "The file is an {format} workbook (.xls from the early 1990s), a format the "
          "product does not read.", SAVE_AS_AR, SAVE_AS_EN),
    _file("xlsb", "الملف مصنف Excel ثنائي (.xlsb)، وهي صيغة لا يقرؤها النظام.",
          "The file is a binary Excel workbook (.xlsb), a format the product does not read.",
          SAVE_AS_AR, SAVE_AS_EN),
    _file("cannot-read", "تعذّرت قراءة الملف، وهو {format}، بصيغته الحالية.",
          "The file ({format}) could not be read in its present format.",
          SAVE_AS_AR, SAVE_AS_EN),
    _file("encrypted", "الملف محمي بكلمة مرور فلا يمكن قراءته.",
          "The file is password-protected and cannot be read.",
          "افتحه في Excel وأزل كلمة المرور (ملف ← معلومات ← حماية المصنف ← التشفير بكلمة مرور، "
          "ثم امسحها)، واحفظه ثم أرسله من جديد.",
          "Open it in Excel, remove the password (File → Info → Protect Workbook → Encrypt "
          "with Password, then clear it), save it and send it again."),
    _file("corrupt", "الملف تالف أو ناقص (ربما انقطع نسخه أو تنزيله).",
          "The file is damaged or incomplete (perhaps cut short while copied or downloaded).",
          "أرسل نسخة سليمة من الملف؛ وإن فتحه Excel فاحفظه باسم جديد وأرسل الملف الجديد.",
          "Send an intact copy; if Excel opens it, save it under a new name and send that."),
    # -- what it would cost to read (each names its limit)
    _file("too-large", "حجم الملف {size}، وهو أكبر من الحد المسموح به ({limit}).",
          "The file is {size}, over the {limit} limit.", SMALLER_AR, SMALLER_EN),
    _file("content-too-large",
          "محتوى الملف بعد فكّ ضغطه أكبر من الحد المسموح به ({limit}).",
          "Unpacked, the file's content is over the {limit} limit.", SMALLER_AR, SMALLER_EN),
    _file("zip-bomb",
          "محتوى الملف مضغوط بنسبة غير طبيعية (أكثر من {limit} ضعفاً)، وهذا لا يكتبه Excel.",
          "The file's content is packed over {limit} times smaller than it unpacks (a zip "
          "bomb), which Excel never writes.", COPY_AR, COPY_EN),
    _file("too-many-parts", "الملف يتكوّن من {count} جزءاً، والحد المسموح به {limit}.",
          "The file is made of {count} parts; the limit is {limit}.", COPY_AR, COPY_EN),
    _file("too-many-rows", "في الورقة «{sheet}» بيانات في الصف {row}، والحد المسموح به "
          "{limit} صف.", "Sheet '{sheet}' has data in row {row}; the limit is {limit} rows.",
          "احذف الصفوف الزائدة أو قسّم البيانات على أكثر من ملف، ثم أرسله من جديد.",
          "Delete the extra rows, or split the data over several files, then send it again."),
    _file("too-many-columns", "في الورقة «{sheet}» بيانات في العمود {column}، والحد المسموح "
          "به {limit} عمود.", "Sheet '{sheet}' has data in column {column}; the limit is "
          "{limit} columns.",
          "احذف الأعمدة الزائدة بعد جدول النموذج (أو انسخ الجدول إلى النموذج الفارغ)، ثم أرسله "
          "من جديد.", "Delete the extra columns after the form's table (or copy the table "
          "into the blank form), then send it again."),
    _file("too-many-cells", "الورقة «{sheet}» تمتد على {cells} خلية، والحد المسموح به {limit} "
          "خلية.", "Sheet '{sheet}' spans {cells} cells; the limit is {limit}.",
          "احذف ما كُتب بعيداً عن جدول النموذج (أو انسخ الجدول إلى النموذج الفارغ)، ثم أرسله من "
          "جديد.", "Delete what was typed far from the form's table (or copy the table into "
          "the blank form), then send it again."),
    _file("too-deep", "في الورقة «{sheet}» عناصر متداخلة أعمق من {limit} مستوى، وهذا لا يكتبه "
          "Excel.", "Sheet '{sheet}' nests XML elements deeper than {limit} levels, which "
          "Excel never writes.", COPY_AR, COPY_EN),
    _file("too-slow", "استغرقت قراءة الملف أكثر من {limit} ثانية.",
          "Reading the file took longer than {limit} seconds.", COPY_AR, COPY_EN),
    _file("hostile-xml", "الملف يحتوي على تعريفات XML (DOCTYPE أو ENTITY) لا يكتبها Excel ولا "
          "يُسمح بها.", "The file holds XML declarations (DOCTYPE or ENTITY) that Excel never "
          "writes and that are not allowed.", COPY_AR, COPY_EN),
    _file("hostile-zip", "الملف المضغوط فيه أجزاء بأسماء أو أحجام غير سليمة لا يكتبها Excel.",
          "The file's zip structure has parts with unsafe names or false sizes, which Excel "
          "never writes.", COPY_AR, COPY_EN),
    # -- what it holds
    _file("no-sheet", "لا يحتوي المصنف على ورقة عمل تُقرأ.",
          "The workbook has no worksheet to read.", BLANK_FORM_AR, BLANK_FORM_EN),
    _file("unknown-form", "لم يُتعرَّف على النموذج: عناوين الملف لا تطابق أي نموذج معروف "
          "بوضوح. {found_ar}", "The form was not recognised: the file's labels match no "
          "known form clearly. {found_en}",
          "املأ النموذج الفارغ الصحيح من مجلد workbooks/forms في مجلد القسم دون تغيير عناوينه "
          "(أو اطلبه من قسم تكنولوجيا المعلومات)، ثم أرسله من جديد.",
          "Fill in the right blank form from workbooks/forms/ in the department folder "
          "without changing its labels (IT: `eti forms`), then send it again."),
    _file("not-a-file", "ما في مجلد inbox اختصار (رابط) أو مجلد وليس ملفاً، فلا يُقرأ.",
          "What is in inbox/ is a shortcut (link) or a folder, not a file, so it is not read.",
          "انسخ الملف نفسه إلى مجلد inbox واحذف الاختصار أو المجلد.",
          "Copy the file itself into inbox/ and remove the shortcut or folder."),
    _file("internal", "تعذّرت معالجة الملف بسبب خطأ داخلي في البرنامج.",
          "The file could not be handled because of an internal error of the product.",
          "أبلغ مسؤول تكنولوجيا المعلومات وأرسل الملف إليه.",
          "Tell the IT colleague and send them the file."),
    # -- the layout of an identified form
    _cell("missing-column", "العمود «{label}» غير موجود في جدول النموذج.",
          "Table column '{label}' is not in the form's table.",
          "أعِد العمود بعنوانه كما في النموذج الفارغ، ثم أرسل الملف من جديد.",
          "Put the column back with its title as in the blank form, then send the file again."),
    _cell("missing-field", "الحقل «{label}» غير موجود في رأس النموذج.",
          "Header field '{label}' is not in the form's header.",
          "أعِد الحقل بعنوانه كما في النموذج الفارغ واكتب قيمته، ثم أرسل الملف من جديد.",
          "Put the field back with its label as in the blank form and fill it in, then send "
          "the file again."),
    _cell("extra-column", "عمود غير معروف في جدول النموذج: «{label}»؛ لن تُقرأ قيمه.",
          "Unknown table column '{label}': its values are not read.",
          "احذف العمود أو انقل قيمه إلى عمود من أعمدة النموذج.",
          "Delete the column, or move its values into one of the form's columns."),
    _cell("formula-no-value", "الخلية تحتوي على معادلة بلا قيمة محسوبة.",
          "The cell holds a formula without a computed value.",
          "افتح الملف في Excel واحفظه (فتُحسب المعادلة)، أو اكتب القيمة مباشرة.",
          "Open the file in Excel and save it (so the formula is computed), or type the "
          "value itself."),
    _cell("cell-error", "الخلية تحتوي على خطأ في المعادلة ({error}).",
          "The cell holds a formula error ({error}).",
          "صحّح المعادلة أو اكتب القيمة مباشرة.", "Fix the formula or type the value itself."),
    _cell("no-rows", "الجدول فارغ: لم تُعبَّأ أي صفوف تحت عناوين الأعمدة.",
          "The table is empty: no row was filled in under the column titles.",
          "اكتب صفوف البيانات تحت عناوين الأعمدة، ثم أرسل الملف من جديد.",
          "Fill in the rows under the column titles, then send the file again."),
    # -- the values of an identified form (their own texts say which value and why)
    _cell("empty", "الخانة فارغة.", "The cell is empty."),
    _cell("required", "قيمة مطلوبة غير مكتوبة.", "A required value is missing."),
    _cell("bad-value", "قيمة غير صالحة.", "The value is not valid."),
    _cell("bad-date", "التاريخ غير مفهوم.", "The date cannot be read."),
    _cell("impossible-date", "التاريخ غير موجود في التقويم.", "The date does not exist."),
    _cell("bad-month", "الشهر غير مفهوم.", "The month cannot be read."),
    _cell("bad-year", "السنة غير مفهومة.", "The year cannot be read."),
    _cell("bad-number", "الرقم غير مفهوم.", "The number cannot be read."),
    _cell("negative", "الرقم سالب.", "The number is negative."),
    _cell("out-of-range", "القيمة خارج المدى المسموح به.", "The value is out of range."),
    _cell("bad-choice", "القيمة ليست من خيارات القائمة.", "The value is not one of the choices."),
    _cell("bad-yesno", "القيمة ليست «نعم» أو «لا».", "The value is not yes or no."),
    _cell("unknown-school", "المدرسة غير موجودة في قائمة المدارس.",
          "The school is not in the list of schools."),
    _cell("duplicate-key", "القيمة مكررة في الملف.", "The value is repeated in the file."),
    _cell("date-order", "التاريخان في غير ترتيبهما.", "Two dates are out of order."),
    _cell("too-many", "العدد أكبر من العدد الذي يحده.", "A count exceeds the one bounding it."),
    _cell("needs-value", "قيمة مطلوبة بسبب قيمة أخرى غير مكتوبة.",
          "A value another value requires is missing."),
    _cell("unknown-reference", "القيمة غير موجودة في النموذج الذي تشير إليه.",
          "The value is not found in the form it refers to."),
    _cell("no-unrepairable-report", "لا يوجد تقرير صيانة يثبت أن الجهاز غير قابل للإصلاح.",
          "No maintenance report finds the device unrepairable."),
    _cell("unknown-staff", "الاسم غير موجود في قائمة العاملين (staff.xlsx).",
          "The name is not in the staff list (staff.xlsx).",
          "قُبل الملف؛ إن كان الاسم لأحد العاملين في القسم فأضفه إلى قائمة العاملين أو صحّح كتابته.",
          "The file was accepted; add the name to staff.xlsx or correct its spelling."),
    # -- warnings on accepted files (each names the value and where it was checked)
    _cell("manual-for-computed",
          "المؤشر «{indicator}» يحسبه النظام من السجلات: المنجز المحسوب من {start} إلى {end} "
          "حتى الآن {computed}، والقيمة المكتوبة في «المنجز (يدوي)» ({typed}) لا تُستخدم.",
          "Indicator {indicator} is computed from the registers: {computed} from {start} to "
          "{end} so far; the value typed in manual_achieved ({typed}) is not used.",
          "قُبل الملف؛ اترك «المنجز (يدوي)» فارغاً في أسطر المؤشرات التي يحسبها النظام، فهو "
          "للمؤشرات التي لا يحسبها فقط.",
          "The file was accepted; leave manual_achieved empty on lines whose indicator the "
          "product computes (it is only for indicators it does not compute)."),
    _file("older-than-current",
          "هذا الملف أقدم من بيانات وصلت قبله (حتى {day}): لم تحلّ {rows} من صفوفه محل القيم "
          "الأحدث، وبقيت القيم الأحدث في السجلات.",
          "This file describes an earlier date than data already received (up to {day}): "
          "{rows} of its rows did not replace the newer values, which stay in the registers.",
          "قُبل الملف، وأُخذت منه القيم التي لم تكن في السجلات فقط؛ إن كان فيه تصحيح لقيم أحدث "
          "فأرسله من جديد بتاريخ أحدث.",
          "The file was accepted: an older copy of this list arrived after a newer one, so "
          "its rows fill gaps only and the newer values are kept; if it corrects newer "
          "values, send it again with a later date."),
    _cell("unknown-spec",
          "المواصفات «{spec}» غير موجودة في قائمة المواصفات الفنية المعتمدة "
          "(workbooks/reference/device_specs.xlsx).",
          "Specification {spec} is not in the list of approved specifications "
          "(workbooks/reference/device_specs.xlsx).",
          "قُبل الملف، ويُعدّ البند في سجل المشاريع بمواصفات غير معتمدة؛ اختر المواصفات من "
          "القائمة المنسدلة، أو أضفها إلى device_specs.xlsx إن كانت معتمدة.",
          "The file was accepted and the item counts as following unapproved specifications "
          "in the projects register; pick the specification from the dropdown, or add it to "
          "device_specs.xlsx if it is approved."),
    _cell("spec-of-other-type",
          "المواصفات «{spec}» معتمدة في قائمة المواصفات الفنية "
          "(workbooks/reference/device_specs.xlsx) لـ«{types}»، وليس لـ«{device_type}».",
          "Specification {spec} is approved in workbooks/reference/device_specs.xlsx for "
          "{types}, not for {device_type}.",
          "قُبل الملف؛ تأكد من نوع الجهاز أو المواصفات في الصف، أو أضف المواصفات لهذا النوع "
          "إلى device_specs.xlsx إن كانت معتمدة له.",
          "The file was accepted; check the row's device type or specification, or add the "
          "specification for this type to device_specs.xlsx if it is approved for it."),
)

MESSAGES: dict[str, Message] = {message.code: message for message in _TABLE}
"""Every problem code the intake reports, by code."""
if len(MESSAGES) != len(_TABLE):  # pragma: no cover - caught by the tests at import
    raise AssertionError("a code is in the table of messages twice")


_FORMATS_AR = {
    "HTML": "صفحة ويب",
    "MHTML": "صفحة ويب بصورها (أرشيف ويب)",
    "Excel 2003 XML": "جدول محفوظ بصيغة Excel 2003 النصية القديمة",
    "OpenDocument flat XML (.fods)": "جدول من ليبر أوفيس محفوظ بصيغة نصية مسطّحة",
    "XML": "ملف بيانات نصي مرمّز وليس جدولاً",
    "PowerPoint": "عرض تقديمي من باوربوينت",
    "Visio": "مخطط من فيزيو",
    "Outlook (.msg)": "رسالة بريد محفوظة من أوتلوك",
    "OLE2 (Office)": "ملف أوفيس من نوع غير معروف",
    "Excel 97-2003 (.xls)": "مصنف Excel قديم (97-2003)",
    "Excel 5.0/95 (.xls)": "مصنف Excel قديم (5.0 أو 95)",
    "OpenDocument (.ods)": "جدول بيانات من ليبر أوفيس أو أوبن أوفيس",
    "Excel (.xlsx)": "مصنف Excel",
    "Excel 2.1": "من الإصدار 2.1",
    "Excel 3.0": "من الإصدار 3.0",
    "Excel 4.0": "من الإصدار 4.0",
    "Lotus 1-2-3": "جدول لوتس 1-2-3 قديم",
    "SYLK": "جدول محفوظ بصيغة الربط الرمزي القديمة",
}
_IMAGES_AR = {"PNG", "JPEG", "GIF", "TIFF", "WebP", "HEIC", "BMP"}
_OPENDOCUMENT_AR = {
    "text": "مستند نصي", "presentation": "عرض تقديمي", "graphics": "رسم",
    "spreadsheet": "جدول بيانات", "chart": "مخطط بياني", "formula": "معادلة",
    "database": "قاعدة بيانات", "image": "صورة",
}


def format_ar(name: str) -> str:
    """An English format name (``PNG``, ``OpenDocument presentation-template``) in Arabic
    words, for the Arabic line of a message; the English line keeps the name."""
    if name in _FORMATS_AR:
        return _FORMATS_AR[name]
    if name in _IMAGES_AR:
        return "صورة"
    if name.startswith("ZIP"):
        return "ملف مضغوط بطريقة ضغط لا يقرؤها النظام"
    if name.startswith("OpenDocument"):
        kind = name.removeprefix("OpenDocument").strip().split("-")
        noun = _OPENDOCUMENT_AR.get(kind[0], "ملف")
        template = "قالب " if "template" in kind[1:] else ""
        return f"{template}{noun} من ليبر أوفيس أو أوبن أوفيس"
    return "ملف من نوع آخر"


def render(code: str, **params: object) -> tuple[str, str]:
    """(Arabic, English) message of ``code`` with its placeholders filled."""
    return MESSAGES[code].render(**params)


def scope_of(code: str) -> Scope:
    """``file`` or ``cell`` (a code outside the table is about cells)."""
    message = MESSAGES.get(code)
    return message.scope if message is not None else "cell"


def unreadable(code: str, detail: str, **params: object) -> UnreadableWorkbook:
    """An :class:`UnreadableWorkbook` carrying the table's messages of ``code`` (Arabic and
    English, for people) and ``detail`` (what exactly was found, for the log)."""
    message_ar, message_en = render(code, **params)
    error = UnreadableWorkbook(message_en, message_ar, code=code)
    error.detail = detail
    return error


class _Coded(Protocol):
    code: str
    severity: str


def action_for(problems: Iterable[_Coded]) -> tuple[str, str]:
    """The one thing the sender should do about a rejection: correct the red cells when
    any error is about cells, else what the first file problem says."""
    errors = [p for p in problems if p.severity == "error"]
    first_file = next((p for p in errors if scope_of(p.code) == "file"), None)
    if first_file is None or any(scope_of(p.code) == "cell" for p in errors):
        return CELLS_AR, CELLS_EN
    message = MESSAGES[first_file.code]
    return message.action_ar, message.action_en
