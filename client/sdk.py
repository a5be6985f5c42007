"""A small SDK over /api/v1/: one method per operation, JSON in and out, errors as ApiError.

from client import McuClient
mcu = McuClient("https://console.example.com", token="mcu_…")
mcu.inventory()
mcu.place_order(lines=[{"region": "cn-east-hz", "quantity": 8, "domain_kind": "tightly_coupled",
                        "sales_form": "annual", "term_months": 12}], idempotency_key="po-4711")
"""

from __future__ import annotations

import os
from typing import Any

import httpx

DEFAULT_URL = "http://127.0.0.1:8000"


class ApiError(Exception):
    """The API refused: carries its status and the {"code", "message", "details"} body."""

    def __init__(self, status: int, code: str, message: str, details: Any = None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


class McuClient:
    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        *,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ):
        self.base_url = (base_url or os.environ.get("MCU_API_URL") or DEFAULT_URL).rstrip("/")
        token = token or os.environ.get("MCU_API_TOKEN", "")
        self._http = httpx.Client(
            base_url=f"{self.base_url}/api/v1",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> McuClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- transport ---------------------------------------------------------------------
    def _request(self, method: str, path: str, **kwargs) -> httpx.Response:
        response = self._http.request(method, path, **kwargs)
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            raise ApiError(
                response.status_code,
                body.get("code", "http_error"),
                body.get("message") or response.reason_phrase,
                body.get("details"),
            )
        return response

    def _json(self, method: str, path: str, **kwargs) -> Any:
        return self._request(method, path, **kwargs).json()

    @staticmethod
    def _params(**params) -> dict:
        return {k: v for k, v in params.items() if v is not None}

    # --- account and catalog -------------------------------------------------------------
    def me(self) -> dict:
        return self._json("GET", "/me")

    def regions(self) -> list[dict]:
        return self._json("GET", "/regions")

    def inventory(self) -> Any:
        return self._json("GET", "/inventory")

    def quote(self, lines: list[dict]) -> dict:
        return self._json("POST", "/quotes", json={"lines": lines})

    # --- orders ----------------------------------------------------------------------------
    def place_order(self, lines: list[dict], *, idempotency_key: str | None = None) -> dict:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return self._json("POST", "/orders", json={"lines": lines}, headers=headers)

    def orders(self) -> Any:
        return self._json("GET", "/orders")

    def order(self, order_id: int) -> dict:
        return self._json("GET", f"/orders/{order_id}")

    def cancel_order(self, order_id: int) -> dict:
        return self._json("POST", f"/orders/{order_id}/cancel")

    def contract_pdf(self, order_id: int) -> bytes:
        return self._request("GET", f"/orders/{order_id}/contract.pdf").content

    # --- assets and workloads -----------------------------------------------------------
    def assets_summary(self) -> dict:
        return self._json("GET", "/assets/summary")

    def mcus(self, *, region: str | None = None, status: str | None = None) -> Any:
        return self._json("GET", "/assets/mcus", params=self._params(region=region, status=status))

    def usage(
        self, *, start: str | None = None, end: str | None = None, granularity: str = "day", **extra
    ) -> Any:
        params = self._params(granularity=granularity, **extra)
        params.update(self._params(**{"from": start, "to": end}))
        return self._json("GET", "/usage", params=params)

    def workloads(self) -> Any:
        return self._json("GET", "/workloads")

    def workload(self, workload_id: int) -> dict:
        return self._json("GET", f"/workloads/{workload_id}")

    def submit_workload(self, **fields) -> dict:
        return self._json("POST", "/workloads", json=fields)

    def stop_workload(self, workload_id: int) -> dict:
        return self._json("POST", f"/workloads/{workload_id}/stop")

    # --- bills -----------------------------------------------------------------------------
    def bills(self) -> Any:
        return self._json("GET", "/bills")

    def bill(self, period: str) -> dict:
        return self._json("GET", f"/bills/{period}")

    def bill_file(self, period: str, fmt: str) -> bytes:
        return self._request("GET", f"/bills/{period}", params={"format": fmt}).content
