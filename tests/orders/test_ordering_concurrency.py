"""Many clients ordering the last capacity at once (issue 4, Bad input): never oversold; losers get a 409.

PostgreSQL only: real row locks between real connections, one per client thread, through the API.
"""

import json
import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.test import Client

from accounts.services import api_token_create
from orders.models import Order
from scheduler.capacity import domain_capacities
from tests.factories import make_org, make_user
from tests.orders.ordering import build_regions, line

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _clients(n):
    clients = []
    for _ in range(n):
        user = make_user(make_org())
        client = Client()
        client.defaults["HTTP_AUTHORIZATION"] = (
            "Bearer " + api_token_create(membership=user.membership, name="c")[1]
        )
        clients.append(client)
    return clients


def _race(clients, bodies):
    barrier = threading.Barrier(len(clients))
    results, errors = [None] * len(clients), []

    def worker(i):
        try:
            barrier.wait()
            response = clients[i].post(
                "/api/v1/orders", data=json.dumps(bodies[i]), content_type="application/json"
            )
            results[i] = (response.status_code, response.json())
        except Exception as exc:  # a deadlock or a 500 fails the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    return results


def _never_oversold():
    for cap in domain_capacities():
        assert cap.allocated + cap.held <= cap.capacity, cap


def test_the_last_capacity_goes_to_exactly_as_many_as_fit():
    build_regions()  # Hangzhou tightly-coupled: blocks of 16 and 32 → six lines of 8
    clients = _clients(10)
    results = _race(clients, [{"lines": [line("cn-east-hz", 8, "tightly_coupled")]}] * 10)
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 6, 409: 4}, results
    for status, body in results:
        if status == 409:
            assert body["code"] == "insufficient_capacity" and body["message"]
    assert Order.objects.count() == 6
    _never_oversold()


def test_multi_region_orders_in_opposite_order_neither_deadlock_nor_oversell():
    build_regions()  # Beijing normal: 8; Hangzhou tightly-coupled: 48
    clients = _clients(12)
    forward = {"lines": [line("cn-east-hz", 8, "tightly_coupled"), line("cn-north-bj", 2, "normal")]}
    backward = {"lines": [line("cn-north-bj", 2, "normal"), line("cn-east-hz", 8, "tightly_coupled")]}
    results = _race(clients, [forward if i % 2 else backward for i in range(12)])
    statuses = Counter(status for status, _ in results)
    assert set(statuses) <= {201, 409}, results
    assert statuses[201] == 4  # Beijing's 8 normal MCUs bound it: 4 orders of 2
    assert Order.objects.count() == 4
    _never_oversold()
