"""Exports open with the same totals; the API answers JSON and files; another tenant gets 404 JSON."""

import csv
import io
import subprocess
from decimal import Decimal

import openpyxl
import pytest

pytestmark = pytest.mark.django_db
D = Decimal


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_bill_csv_has_lines_and_totals_row_equal_to_the_bill(alice_client, november_bill):
    text = _body(alice_client.get("/billing/2026-11/bill.csv")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, lines, total = rows[0], rows[1:-1], rows[-1]
    assert header[14:19] == ["不含税金额", "增值税(6%)", "价税合计", "已预付", "应付金额"]
    assert len(lines) == 3
    assert sum(D(r[16]) for r in lines) == D(total[16]) == november_bill.total == D("8739.00")
    assert D(total[14]) + D(total[15]) == D(total[16])


def test_bill_xlsx_opens_in_openpyxl_with_numbers_and_the_same_totals(alice_client, november_bill):
    response = alice_client.get("/billing/2026-11/bill.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(_body(response))).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][16] == "价税合计"
    lines, total = rows[1:-1], rows[-1]
    assert all(isinstance(r[16], int | float) for r in lines)  # numbers, not text
    assert total[1] == "合计" and D(str(total[16])) == D("8739.00")
    assert sum(D(str(r[16])) for r in lines) == D(str(total[16]))
    assert D(str(total[14])) == november_bill.net and D(str(total[15])) == november_bill.vat


def test_bill_pdf_is_a_pdf_with_the_cjk_font_embedded(alice_client, november_bill, tmp_path):
    pdf = _body(alice_client.get("/billing/2026-11/bill.pdf"))
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "bill.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout  # noqa: S603,S607
    font_rows = fonts.strip().splitlines()[2:]
    assert any("MCU-CJK" in row for row in font_rows)  # the @font-face family: the WenQuanYi file
    assert all(
        row.split()[-5] == "yes" for row in font_rows
    )  # every font embedded, nothing left to the reader
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout  # noqa: S603,S607
    assert "¥8,739.00" in text and "信息技术服务费" in text and "华北-北京" in text


def test_api_bills_list_and_detail(alice_api, november_bill):
    body = alice_api.get("/api/v1/bills").json()
    assert [b["period"] for b in body] == ["2026-11"] and D(body[0]["total"]) == D("8739.00")
    detail = alice_api.get("/api/v1/bills/2026-11").json()
    assert detail["invoice_item"] == "信息技术服务费" and len(detail["lines"]) == 3
    assert sum(D(line["gross"]) for line in detail["lines"]) == D(detail["total"])
    assert all(D(line["net"]) + D(line["vat"]) == D(line["gross"]) for line in detail["lines"])


@pytest.mark.parametrize("fmt, magic", [("csv", "\ufeff账期".encode()), ("xlsx", b"PK"), ("pdf", b"%PDF")])
def test_api_bill_files(alice_api, november_bill, fmt, magic):
    response = alice_api.get(f"/api/v1/bills/2026-11?format={fmt}")
    assert response.status_code == 200 and _body(response).startswith(magic)


def test_api_errors_are_json(alice_api, bob_api, november_bill):
    response = bob_api.get("/api/v1/bills/2026-11")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert bob_api.get("/api/v1/bills").json() == []
    response = alice_api.get("/api/v1/bills/november")
    assert response.status_code == 422 and set(response.json()) == {"code", "message", "details"}
    response = alice_api.get("/api/v1/bills/2026-11?format=doc")
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    assert alice_api.get("/api/v1/bills/2026-10").status_code == 404
