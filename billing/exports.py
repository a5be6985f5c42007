"""Bill and consumption exports: CSV, XLSX (openpyxl) and PDF (WeasyPrint, embedded CJK font).

Headers are Chinese (the documents go to Chinese finance departments); numbers are numbers in XLSX,
with a totals row. Large exports (consumption detail, a whole month for finance) stream: CSV row by
row, XLSX written in openpyxl's write-only mode to a temporary file served in chunks.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from billing.choices import INVOICE_ITEM, SERVICE_ITEM
from billing.selectors import consumption_row
from mcu_console.timeutil import display_tz

# The contracts app ships the font in the repo; billing reuses that file (it does not import contracts).
FONT_CANDIDATES = [
    Path(settings.BASE_DIR) / "contracts" / "fonts" / "wqy-microhei.ttc",
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
]

BILL_HEADERS = [
    "账期", "客户", "纳税人识别号", "服务项目", "发票项目", "行号", "类型", "区域", "说明", "MCU 数",
    "单价(含税)", "计费天数", "当月天数", "加权 MCU·h", "不含税金额", "增值税(6%)", "价税合计",
    "已预付", "应付金额",
]  # fmt: skip
CONSUMPTION_HEADERS = ["日期", "MCU", "区域", "负载类型", "分配 MCU·h", "繁忙 MCU·h", "系数", "加权 MCU·h"]
KIND_ZH = {
    "training": "训练",
    "inference": "推理",
    "development": "开发",
    "data_processing": "数据处理",
    "": "空闲",
}
LINE_KIND_ZH = {"pool": "资源池", "payg": "按量付费", "adjustment": "调整"}
FORM_ZH = {"annual": "包年资源池", "monthly": "包月资源池", "payg": "按量付费"}
MONEY_FORMAT = "#,##0.00"


def font_path() -> Path:
    for path in FONT_CANDIDATES:
        if path.exists():
            return path
    raise FileNotFoundError("no CJK font for PDFs: install fonts-wqy-microhei")


def line_description_zh(line) -> str:
    if line.kind == "adjustment":
        return f"更正 {line.corrects.period_label if line.corrects_id else ''} 账单:{line.description}"
    form = FORM_ZH.get(line.sales_form, "")
    if line.kind == "payg":
        return f"{line.region.name} {form} {line.weighted_mcu_hours.normalize():f} 加权 MCU·h"
    prorate = "" if line.days == line.days_in_period else f"(按日折算 {line.days}/{line.days_in_period} 天)"
    return f"{line.region.name} {form} {line.quantity} MCU{prorate}"


def _bill_rows(bill) -> Iterator[list]:
    """One row per line, then the totals row — the same numbers as the bill (lines add up exactly)."""
    org = bill.organization
    for n, line in enumerate(bill.lines.all(), start=1):
        yield [
            bill.period_label, bill.invoice_title or org.legal_name, bill.tax_id, SERVICE_ITEM, INVOICE_ITEM,
            n,
            LINE_KIND_ZH[line.kind], line.region.name if line.region_id else "", line_description_zh(line),
            line.quantity, line.unit_price, line.days, line.days_in_period, line.weighted_mcu_hours,
            line.net, line.vat, line.gross, line.prepaid, line.amount_due,
        ]  # fmt: skip


def _totals_row(bill) -> list:
    return [bill.period_label, "合计", "", "", "", "", "", "", "", "", "", "", "", "",
            bill.net, bill.vat, bill.total, bill.prepaid, bill.amount_due]  # fmt: skip


class _Echo:
    def write(self, value):
        return value


def csv_stream(header: list, rows: Iterable[list]) -> Iterator[str]:
    """CSV text, row by row, with a BOM so that Excel opens the Chinese correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def bill_csv(bill) -> Iterator[str]:
    return csv_stream(BILL_HEADERS, [*_bill_rows(bill), _totals_row(bill)])


def bills_csv(bills) -> Iterator[str]:
    """A whole month for all customers (finance): every line of every bill, then each bill's total row."""

    def rows():
        for bill in bills:
            yield from _bill_rows(bill)
            yield _totals_row(bill)

    return csv_stream(BILL_HEADERS, rows())


def _workbook_file(sheets: list[tuple[str, list, Iterable[list], list[int]]]):
    """Write sheets (title, header, rows, money column indexes) to a temporary XLSX file, write-only mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    for title, header, rows, money_cols in sheets:
        ws = wb.create_sheet(title)
        bold = Font(bold=True)
        head = []
        for text in header:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = bold
            head.append(cell)
        ws.append(head)
        for row in rows:
            out = []
            for i, value in enumerate(row):
                cell = WriteOnlyCell(ws, value=value)
                if i in money_cols:
                    cell.number_format = MONEY_FORMAT
                out.append(cell)
            ws.append(out)
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    wb.save(tmp)
    tmp.seek(0)
    return tmp


BILL_MONEY_COLS = {10, 14, 15, 16, 17, 18}


def bill_xlsx(bill):
    """The bill as XLSX: numbers as numbers (Decimal cells), totals row last. Returns an open binary file."""
    return _workbook_file([(f"账单 {bill.period_label}", BILL_HEADERS, [*_bill_rows(bill), _totals_row(bill)],
                            BILL_MONEY_COLS)])  # fmt: skip


def bills_xlsx(bills, period_label: str):
    """All customers' bills of one month: a summary sheet and a sheet of lines (each bill's total row too)."""
    bills = list(bills)

    def lines():
        for bill in bills:
            yield from _bill_rows(bill)
            yield _totals_row(bill)

    summary_header = [
        "账期",
        "客户",
        "纳税人识别号",
        "状态",
        "不含税金额",
        "增值税(6%)",
        "价税合计",
        "已预付",
        "应付金额",
        "银行流水号",
    ]
    status_zh = {"draft": "草稿", "issued": "已出账", "paid": "已付款"}
    summary = [
        [b.period_label, b.invoice_title or b.organization.legal_name, b.tax_id, status_zh[b.status], b.net,
         b.vat,
         b.total, b.prepaid, b.amount_due, b.bank_reference]
        for b in bills
    ]  # fmt: skip
    total = ["合计", "", "", "", *(sum((getattr(b, k) for b in bills), start=0) for k in
             ("net", "vat", "total", "prepaid", "amount_due")), ""]  # fmt: skip
    summary.append(total)
    return _workbook_file(
        [
            (f"汇总 {period_label}", summary_header, summary, {4, 5, 6, 7, 8}),
            (f"明细 {period_label}", BILL_HEADERS, lines(), BILL_MONEY_COLS),
        ]
    )


def _consumption_rows(rows) -> Iterator[list]:
    for raw in rows.iterator(chunk_size=5000) if hasattr(rows, "iterator") else rows:
        row = consumption_row(raw)
        yield [row["day"], row["mcu"], row["region"], KIND_ZH.get(row["kind"], row["kind"]), row["allocated"],
               row["busy"], row["coefficient"], row["weighted"]]  # fmt: skip


def consumption_csv(rows) -> Iterator[str]:
    return csv_stream(CONSUMPTION_HEADERS, _consumption_rows(rows))


def consumption_xlsx(rows):
    return _workbook_file([("MCU 消耗明细", CONSUMPTION_HEADERS, _consumption_rows(rows), set())])


def bill_pdf(bill, *, provider: dict | None = None) -> bytes:
    """The bill as a Chinese PDF with the CJK font embedded (check with `pdffonts`)."""
    from weasyprint import HTML

    provider = provider or {
        "name": settings.PROVIDER_LEGAL_NAME,
        "bank": settings.PROVIDER_BANK_NAME,
        "account": settings.PROVIDER_BANK_ACCOUNT,
        "tax_id": settings.PROVIDER_TAX_ID,
        "address": settings.PROVIDER_ADDRESS,
    }
    lines = [(line, line_description_zh(line)) for line in bill.lines.all()]
    with translation.override("zh-hans"):
        html = render_to_string(
            "billing/bill_pdf.html",
            {
                "bill": bill, "lines": lines, "provider": provider, "font_url": font_path().as_uri(),
                "service_item": SERVICE_ITEM, "invoice_item": INVOICE_ITEM, "tz": display_tz(),
            },
        )  # fmt: skip
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
