"""The contract PDF (SPEC R-3.4 step 1, §6): Chinese, embedded CJK font, the right fields and amounts."""

import io
import subprocess
from decimal import Decimal

import pypdf
import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.choices import SalesForm
from contracts.pdf import fingerprint
from contracts.selectors import contract_data
from contracts.services import contract_current
from tests.contracts.helpers import make_order

pytestmark = pytest.mark.django_db


def pdf_text(contract) -> str:
    with contract.pdf.open("rb") as fh:
        reader = pypdf.PdfReader(io.BytesIO(fh.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def two_region_order(org):
    # 32 MCU annual in Hangzhou + 8 MCU annual in Beijing, hand-computed:
    # monthly fee = 32 × 1,080 + 8 × 1,080 = 34,560 + 8,640 = 43,200; term value = 12 × 43,200 = 518,400.
    org.address = "浙江省杭州市滨江区网商路 1 号"
    org.save()
    return make_order(org, lines=[(32, SalesForm.ANNUAL, "cn-hangzhou"), (8, SalesForm.ANNUAL, "cn-beijing")])


def test_contract_states_parties_lines_amounts_and_payment(two_region_order, org):
    order = two_region_order
    assert order.total == Decimal("518400.00")
    contract = contract_current(order=order)
    text = squash(pdf_text(contract))
    for expected in [
        "MemoryLakeCompute智能计算平台服务",
        org.legal_name,
        org.credit_code,
        django_settings.PROVIDER_LEGAL_NAME,  # 杭州质变科技有限公司
        squash(django_settings.PROVIDER_BANK_ACCOUNT),
        "32MCU（AI总算力≥32×125TFLOPS=4000TFLOPS，FP16/BF16）",
        "8MCU（AI总算力≥8×125TFLOPS=1000TFLOPS，FP16/BF16）",
        "华东（杭州）",
        "华北（北京）",
        "¥34,560.00",  # Hangzhou monthly fee
        "¥8,640.00",  # Beijing monthly fee
        "¥43,200.00",  # monthly fee in total
        "¥518,400.00",  # order total = amount to transfer
        "12个月",
        "年度资源池",
        "信息技术服务费",
        "6%",
        "¥489,056.60",  # 518,400 / 1.06 = 489,056.603… → before tax
        "¥29,343.40",  # VAT = 518,400 − 489,056.60
        order.number,  # the transfer reference
        "99.9%",
        "30分钟",
        "甲方（盖章）",
        "乙方（盖章）",
    ]:
        assert expected in text, expected
    # Customers never see hardware.
    for hidden in ("GPU型号", "H100", "A100", "H20", "节点", "卡"):
        assert hidden not in text


def test_cjk_font_is_embedded(two_region_order, tmp_path):
    contract = contract_current(order=two_region_order)
    path = tmp_path / "c.pdf"
    with contract.pdf.open("rb") as fh:
        path.write_bytes(fh.read())
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [row.split() for row in out.splitlines()[2:]]
    assert rows, out
    # Every font is our shipped WenQuanYi font (no fallback, no tofu), embedded and subset.
    for row in rows:
        assert "MCUCJK" in row[0] or "MCU" in row[0], out
        assert row[-5:-2] == ["yes", "yes", "yes"], out


def test_pay_as_you_go_contract_states_ceiling_hourly_price_and_deposit(org):
    order = make_order(org, lines=[(16, SalesForm.PAYG, "cn-hangzhou", Decimal("50000.00"))])
    text = squash(pdf_text(contract_current(order=order)))
    assert "最多16MCU" in text
    assert "¥2.20/MCU·h" in text
    assert "¥50,000.00" in text
    assert "按量计费" in text
    assert "普通调度域" in text


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(
        st.tuples(st.integers(1, 512), st.sampled_from([SalesForm.ANNUAL, SalesForm.MONTHLY])),
        min_size=1,
        max_size=4,
    )
)
def test_contract_figures_add_up(org, lines):
    """I-4 on the contract: monthly fee, term value and total are Σ of the lines; net + VAT = total."""
    order = make_order(
        org, lines=[(q, form, "cn-hangzhou" if i % 2 else "cn-beijing") for i, (q, form) in enumerate(lines)]
    )
    data = contract_data(order)
    assert data["monthly_fee"] == sum(line["monthly_fee"] for line in data["lines"])
    assert data["term_value"] == sum(line["term_value"] for line in data["lines"])
    assert data["total"] == sum(line["amount_due"] for line in data["lines"]) == order.total
    assert data["total_net"] + data["total_vat"] == data["total"]
    assert data["total_vat"] == data["total"] - (data["total"] / Decimal("1.06")).quantize(Decimal("0.01"))
    for (q, _form), line in zip(lines, data["lines"], strict=True):
        assert line["tflops"] == 125 * q
    assert fingerprint(data) == fingerprint(contract_data(order))  # stable: no new version without a change
