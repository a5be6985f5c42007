"""`mcu`: the MemoryLake Compute CLI, a thin shell over client.sdk (SPEC R-3.6).

Configure with MCU_API_URL and MCU_API_TOKEN (create a token under Organization → API tokens), or pass
--url/--token. Every command prints a table; --json prints the API's JSON unchanged, for scripts.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from client.sdk import ApiError, McuClient

app = typer.Typer(
    help="MemoryLake Compute: inventory, orders, assets, workloads and bills.", no_args_is_help=True
)
order_app = typer.Typer(help="Quote, place, list and cancel orders.", no_args_is_help=True)
assets_app = typer.Typer(help="Your MCUs and their usage.", no_args_is_help=True)
workload_app = typer.Typer(help="Submit, list and stop workloads.", no_args_is_help=True)
bill_app = typer.Typer(help="Monthly bills and their exports.", no_args_is_help=True)
app.add_typer(order_app, name="order")
app.add_typer(assets_app, name="assets")
app.add_typer(workload_app, name="workload")
app.add_typer(bill_app, name="bill")

console = Console()
err_console = Console(stderr=True)


class State:
    url: str | None = None
    token: str | None = None
    as_json: bool = False
    transport = None  # tests inject an httpx transport


state = State()


@app.callback()
def main(
    url: Annotated[str | None, typer.Option(envvar="MCU_API_URL", help="Console URL")] = None,
    token: Annotated[str | None, typer.Option(envvar="MCU_API_TOKEN", help="API token")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print raw JSON")] = False,
):
    state.url, state.token, state.as_json = url, token, as_json


def _client() -> McuClient:
    return McuClient(state.url, state.token, transport=state.transport)


def _call(fn, *args, **kwargs) -> Any:
    with _client() as client:
        try:
            return fn(client, *args, **kwargs)
        except ApiError as exc:
            err_console.print(f"[red]Error {exc.status} ({exc.code}):[/red] {exc.message}")
            if exc.details:
                err_console.print_json(data=exc.details)
            raise typer.Exit(1) from None


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def _is_nested(value: Any) -> bool:
    return isinstance(value, dict | list)


def _rows_table(rows: list[dict], title: str | None) -> Table:
    """One row per item; nested fields are left to --json so the table stays readable."""
    keys = list(dict.fromkeys(key for row in rows for key in row))
    columns = [k for k in keys if not any(_is_nested(row.get(k)) for row in rows)]
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    return table


def _show(data: Any, title: str | None = None) -> None:
    if state.as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if isinstance(data, list):
        rows = [row for row in data if isinstance(row, dict)]
        console.print(_rows_table(rows, title) if rows else "(none)")
    elif isinstance(data, dict):
        table = Table(title=title, show_header=False)
        table.add_column("field", style="bold")
        table.add_column("value")
        nested = {}
        for key, value in data.items():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                nested[key] = value
            else:
                table.add_row(key, _cell(value))
        console.print(table)
        for key, rows in nested.items():  # e.g. an order's lines, a bill's lines
            console.print(_rows_table(rows, key))
    else:
        console.print(data)


def parse_line(spec: str) -> dict:
    """`region=cn-east-hz,quantity=8,domain_kind=tightly_coupled,sales_form=annual,term_months=12` → dict."""
    line: dict[str, Any] = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"expected key=value pairs separated by commas, got {part!r}")
        value = value.strip()
        line[key.strip()] = int(value) if value.isdigit() else value
    return line


LineOption = Annotated[
    list[str],
    typer.Option(
        "--line",
        "-l",
        help="key=value,… e.g. region=cn-east-hz,quantity=8,domain_kind=normal,"
        "sales_form=annual,term_months=12 (repeat for more lines)",
    ),
]


@app.command()
def me():
    """Who the token acts for."""
    _show(_call(McuClient.me))


@app.command()
def regions():
    """Regions on sale."""
    _show(_call(McuClient.regions), "Regions")


@app.command()
def inventory():
    """What can be ordered now, per region and scheduling domain."""
    _show(_call(McuClient.inventory), "Inventory")


@order_app.command("quote")
def order_quote(line: LineOption):
    """Price lines from the current price book (nothing is held)."""
    _show(_call(McuClient.quote, [parse_line(s) for s in line]), "Quote")


@order_app.command("place")
def order_place(
    line: LineOption,
    idempotency_key: Annotated[str | None, typer.Option(help="Same key and lines → the same order")] = None,
):
    """Place an order; its capacity is held until payment (or expiry)."""
    _show(
        _call(McuClient.place_order, [parse_line(s) for s in line], idempotency_key=idempotency_key), "Order"
    )


@order_app.command("list")
def order_list():
    _show(_call(McuClient.orders), "Orders")


@order_app.command("show")
def order_show(order_id: int):
    _show(_call(McuClient.order, order_id), "Order")


@order_app.command("cancel")
def order_cancel(order_id: int):
    """Cancel an unpaid order and release its capacity."""
    _show(_call(McuClient.cancel_order, order_id), "Order")


@order_app.command("contract")
def order_contract(
    order_id: int, output: Annotated[Path, typer.Option("--output", "-o")] = Path("contract.pdf")
):
    """Download the service contract PDF."""
    output.write_bytes(_call(McuClient.contract_pdf, order_id))
    console.print(f"saved {output}")


@assets_app.command("summary")
def assets_summary():
    _show(_call(McuClient.assets_summary), "Assets")


@assets_app.command("mcus")
def assets_mcus(region: str | None = None, status: str | None = None):
    _show(_call(McuClient.mcus, region=region, status=status), "MCUs")


@assets_app.command("usage")
def assets_usage(
    start: Annotated[str | None, typer.Option("--from")] = None,
    end: Annotated[str | None, typer.Option("--to")] = None,
    granularity: str = "day",
):
    _show(_call(McuClient.usage, start=start, end=end, granularity=granularity), "Usage")


@workload_app.command("list")
def workload_list():
    _show(_call(McuClient.workloads), "Workloads")


@workload_app.command("show")
def workload_show(workload_id: int):
    _show(_call(McuClient.workload, workload_id), "Workload")


@workload_app.command("submit")
def workload_submit(
    name: str,
    kind: Annotated[str, typer.Option(help="training, inference, development or data_processing")],
    mcus: Annotated[int, typer.Option(help="MCU count")],
    region: str,
    tightly_coupled: bool = False,
):
    fields = {
        "name": name,
        "kind": kind,
        "mcu_count": mcus,
        "region": region,
        "tightly_coupled": tightly_coupled,
    }
    _show(_call(McuClient.submit_workload, **fields), "Workload")


@workload_app.command("stop")
def workload_stop(workload_id: int):
    _show(_call(McuClient.stop_workload, workload_id), "Workload")


@bill_app.command("list")
def bill_list():
    _show(_call(McuClient.bills), "Bills")


@bill_app.command("show")
def bill_show(period: str):
    """A bill by period (YYYY-MM)."""
    _show(_call(McuClient.bill, period), f"Bill {period}")


@bill_app.command("download")
def bill_download(
    period: str,
    fmt: Annotated[str, typer.Option("--format", help="csv, xlsx or pdf")] = "xlsx",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
):
    output = output or Path(f"bill-{period}.{fmt}")
    output.write_bytes(_call(McuClient.bill_file, period, fmt))
    console.print(f"saved {output}")


if __name__ == "__main__":
    app()
