"""Shared fixtures: a small hand-made clean raw data set.

The tables are written by hand rather than simulated so that the writer and injector tests do
not depend on the simulation: a few rows per table, every foreign key valid, every rule of
docs/data_quality_rules.md satisfied (``test_dirty.py`` checks that with its reference checker),
and some awkward values (a comma, a quote, a line break, non-ASCII text) for the CSV writer.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from datagen.schema import ACCEPTED_VALUES, TABLES, TABLES_BY_NAME


def _ts(values: list[str | None]) -> pd.Series:
    return pd.Series(pd.to_datetime(values, format="mixed"), dtype="datetime64[s]")


def _int(values: list[int | None]) -> pd.Series:
    return pd.Series(values, dtype="Int64")


def _frame(table: str, columns: dict[str, object]) -> pd.DataFrame:
    """A DataFrame in the project's conventions, with the contract columns in order."""
    frame = pd.DataFrame(columns)
    names = TABLES_BY_NAME[table].column_names
    assert list(frame.columns[: len(names)]) == names, f"fixture columns of {table}"
    return frame


def _stores() -> pd.DataFrame:
    return _frame(
        "stores",
        {
            "store_id": ["S001", "S002"],
            "store_name": ["Pudong Service Centre", "Hangzhou, Xihu 4S"],
            "region": ["East", "East"],
            "city": ["上海", "Hangzhou"],
            "brand": ["Aurora", "Aurora"],
            "opened_on": _ts(["2019-05-01", "2023-12-01"]),
            "service_bays": _int([8, 4]),
            "floor_area_sqm": [1200.5, 650.0],
            "daily_open_hours": [10.0, 9.5],
        },
    )


def _employees() -> pd.DataFrame:
    return _frame(
        "employees",
        {
            "employee_id": ["E001", "E002", "E003", "E004", "E005", "E006"],
            "store_id": ["S001", "S001", "S001", "S002", "S002", "S001"],
            "role": [
                "technician",
                "technician",
                "service_advisor",
                "technician",
                "service_advisor",
                "technician",
            ],
            "technician_level": _int([3, 1, None, 2, None, 2]),
            "hired_on": _ts(
                ["2019-05-01", "2022-03-01", "2019-06-01", "2023-11-01", "2023-11-15", "2021-01-04"]
            ),
            "left_on": _ts([None, None, None, None, None, "2024-02-15"]),
        },
    )


def _customers() -> pd.DataFrame:
    return _frame(
        "customers",
        {
            "customer_id": ["C001", "C002", "C003", "C004", "C005", "C006"],
            "full_name": ["王伟", 'Li "Lucky" Na', "Zhang, Min", "Chen Jie", "Wu Fang", "Zhou Lei"],
            "phone": [
                "13800000001",
                "13800000002",
                "13800000003",
                "13800000004",
                "13800000005",
                "13800000006",
            ],
            "created_on": _ts(
                ["2021-03-02", "2022-07-15", "2023-01-20", "2023-12-05", "2023-12-20", "2024-01-03"]
            ),
            "acquisition_channel": [
                "new_car_sale",
                "online",
                "referral",
                "new_car_sale",
                "walk_in",
                "oem_lead",
            ],
            "referred_by_customer_id": [None, None, "C001", None, None, None],
        },
    )


def _vehicles() -> pd.DataFrame:
    return _frame(
        "vehicles",
        {
            "vin": [f"LSVAA4180E20000{i:02d}" for i in range(1, 7)],
            "customer_id": ["C001", "C002", "C003", "C004", "C005", "C006"],
            "model": ["Aurora A4", "Aurora A6", "Aurora Q5", "Aurora A4", "Aurora Q3", "Aurora A6"],
            "selling_store_id": ["S001", None, "S001", "S002", "S002", None],
            "delivered_on": _ts(
                ["2021-03-01", "2020-06-10", "2023-01-18", "2023-12-04", "2023-12-19", "2019-09-30"]
            ),
            "warranty_end_on": _ts(
                ["2024-03-01", "2023-06-10", "2026-01-18", "2026-12-04", "2026-12-19", "2022-09-30"]
            ),
            "aftersales_intro_done": [True, False, True, True, False, False],
        },
    )


_ORDER_COLUMNS = TABLES_BY_NAME["work_orders"].column_names


def _order(
    work_order_id: str,
    store: str,
    vehicle: int,
    advisor: str,
    technician: str,
    service_type: str,
    arrived: str,
    fault: tuple[str, str] | None = None,
    status: str = "closed",
    comeback_of: str | None = None,
) -> dict[str, object]:
    """One work order; process timestamps follow ``arrived`` in the contract's order."""
    start = pd.Timestamp(arrived)
    minutes = [0, 5, 20, 45, 165, 240, 250] if status == "closed" else None
    times: list[pd.Timestamp | None] = (
        [start + pd.Timedelta(minutes=m) for m in minutes] if minutes else [start] + [None] * 6
    )
    arrived_at, rec_start, rec_end, work_start, work_done, promised, delivered = times
    return {
        "work_order_id": work_order_id,
        "store_id": store,
        "vin": f"LSVAA4180E20000{vehicle:02d}",
        "customer_id": f"C{vehicle:03d}",
        "advisor_id": advisor,
        "technician_id": technician,
        "service_type": service_type,
        "fault_code": fault[0] if fault else None,
        "fault_system": fault[1] if fault else None,
        "booking_channel": "app" if vehicle % 2 else "walk_in",
        "arrived_at": arrived_at,
        "reception_started_at": rec_start,
        "reception_ended_at": rec_end,
        "work_started_at": work_start,
        "work_completed_at": work_done,
        "promised_at": promised,
        "delivered_at": delivered,
        "odometer_km": 10_000 * vehicle + 1234,
        "payer": {"repair": "warranty", "accident": "insurance"}.get(service_type, "customer")
        if comeback_of is None
        else "internal",
        "is_comeback": comeback_of is not None,
        "comeback_of_work_order_id": comeback_of,
        "comeback_reason": "misdiagnosis" if comeback_of else None,
        "status": status,
    }


def _work_orders() -> pd.DataFrame:
    rows = [
        _order("W0001", "S001", 1, "E003", "E001", "maintenance", "2024-01-03 09:00:00"),
        _order(
            "W0002",
            "S001",
            2,
            "E003",
            "E002",
            "repair",
            "2024-01-05 10:30:00",
            ("ELE-012", "electrical"),
        ),
        _order(
            "W0003",
            "S001",
            2,
            "E003",
            "E001",
            "repair",
            "2024-01-20 08:15:00",
            ("ELE-012", "electrical"),
            comeback_of="W0002",
        ),
        _order(
            "W0004",
            "S001",
            3,
            "E003",
            "E006",
            "accident",
            "2024-01-22 14:00:00",
            ("BOD-003", "body"),
        ),
        _order("W0005", "S001", 6, "E003", "E002", "accessory", "2024-01-25 11:00:00"),
        _order("W0006", "S002", 4, "E005", "E004", "maintenance", "2024-01-10 09:30:00"),
        _order(
            "W0007",
            "S002",
            5,
            "E005",
            "E004",
            "repair",
            "2024-01-15 13:00:00",
            ("ENG-021", "engine"),
        ),
        _order(
            "W0008",
            "S002",
            4,
            "E005",
            "E004",
            "maintenance",
            "2024-02-02 09:00:00",
            status="cancelled",
        ),
        _order("W0009", "S001", 1, "E003", "E001", "maintenance", "2024-02-12 10:00:00"),
        _order(
            "W0010",
            "S002",
            5,
            "E005",
            "E004",
            "repair",
            "2024-03-04 15:00:00",
            ("CHS-005", "chassis"),
        ),
    ]
    frame = pd.DataFrame(rows, columns=_ORDER_COLUMNS)
    for column in TABLES_BY_NAME["work_orders"].columns:
        if column.type == "timestamp":
            frame[column.name] = frame[column.name].astype("datetime64[s]")
    frame["odometer_km"] = frame["odometer_km"].astype("Int64")
    frame["is_comeback"] = frame["is_comeback"].astype(bool)
    frame["_experience"] = np.linspace(6.0, 9.5, len(frame))  # internal: never written
    return frame


def _line(
    line_id: str,
    order: str,
    line_type: str,
    category: str,
    description: str,
    list_amount: float,
    discount: float = 0.0,
    accepted: bool = True,
    recommended: bool = False,
    hours: float = 0.0,
) -> dict[str, object]:
    return {
        "line_id": line_id,
        "work_order_id": order,
        "line_type": line_type,
        "revenue_category": category,
        "item_code": f"{line_type[:3].upper()}-{line_id[-3:]}",
        "description": description,
        "quantity": 1.0 if line_type != "part" else 2.0,
        "sold_hours": hours,
        "list_amount": list_amount,
        "discount_amount": discount,
        "net_amount": round(list_amount - discount, 2) if accepted else 0.0,
        "cost_amount": round(list_amount * 0.55, 2),
        "recommended_by_advisor": recommended,
        "accepted": accepted,
        "part_in_stock": (line_id[-1] != "9") if line_type == "part" else None,
        "supplier_id": "SUP01" if line_type == "part" else None,
    }


def _work_order_lines() -> pd.DataFrame:
    rows = [
        _line("L0001", "W0001", "labor", "maintenance", "Oil service", 180.0, hours=0.8),
        _line("L0002", "W0001", "part", "maintenance", "Oil filter, OEM", 95.5, discount=5.5),
        _line(
            "L0003",
            "W0001",
            "value_added",
            "accessory_value_added",
            "Wash & wax",
            60.0,
            accepted=False,
            recommended=True,
        ),
        _line("L0004", "W0002", "labor", "repair", 'Diagnose "no start"', 320.0, hours=1.5),
        _line("L0005", "W0002", "part", "repair", "Starter relay", 210.0),
        _line("L0006", "W0003", "labor", "repair", "Rework: relay\nand harness", 0.0, hours=1.0),
        _line("L0007", "W0004", "labor", "repair", "Body panel repair", 1500.0, hours=6.0),
        _line("L0009", "W0004", "part", "repair", "Front bumper", 2300.0, discount=300.0),
        _line(
            "L0010",
            "W0005",
            "accessory",
            "accessory_value_added",
            "Roof rack",
            899.0,
            recommended=True,
        ),
        _line("L0011", "W0006", "labor", "maintenance", "Annual inspection", 260.0, hours=1.2),
        _line("L0012", "W0007", "labor", "repair", "Engine misfire", 640.0, hours=2.5),
        _line("L0013", "W0007", "part", "repair", "Ignition coil", 380.0, discount=38.0),
        _line("L0014", "W0009", "labor", "maintenance", "Oil service", 180.0, hours=0.8),
        _line("L0015", "W0010", "labor", "repair", "Suspension noise", 420.0, hours=1.8),
    ]
    return _frame("work_order_lines", pd.DataFrame(rows).to_dict("list")).astype(
        {"part_in_stock": "boolean"}
    )


def _technician_time() -> pd.DataFrame:
    rows = [
        (employee, store, day, available, clocked)
        for employee, store in (("E001", "S001"), ("E002", "S001"), ("E004", "S002"))
        for day, available, clocked in (
            ("2024-01-03", 8.0, 6.5),
            ("2024-01-04", 8.0, 7.25),
            ("2024-01-05", 4.0, 0.0),
        )
    ]
    frame = pd.DataFrame(
        rows, columns=["employee_id", "store_id", "work_date", "available_hours", "clocked_hours"]
    )
    frame["work_date"] = frame["work_date"].astype("datetime64[s]")
    return frame


def _surveys() -> pd.DataFrame:
    scores = [
        [9, 91.5, 9, 9, 8, 9, 8, 9, 10, 9],
        [None] * 10,
        [3, 42.0, 4, 3, 2, 3, 5, 2, 6, 6],
        [10, 98.0, 10, 10, 10, 10, 9, 10, 10, 10],
    ]
    score_columns = TABLES_BY_NAME["surveys"].column_names[6:]
    frame = pd.DataFrame(
        {
            "survey_id": ["SV001", "SV002", "SV003", "SV004"],
            "work_order_id": ["W0001", "W0002", "W0003", "W0006"],
            "customer_id": ["C001", "C002", "C002", "C004"],
            "store_id": ["S001", "S001", "S001", "S002"],
            "sent_at": _ts(
                [
                    "2024-01-03 16:00:00",
                    "2024-01-06 09:00:00",
                    "2024-01-21 09:00:00",
                    "2024-01-11 09:00:00",
                ]
            ),
            "responded_at": _ts(
                ["2024-01-03 19:30:00", None, "2024-01-21 12:00:00", "2024-01-12 08:00:00"]
            ),
        }
    )
    for index, column in enumerate(score_columns):
        values = [row[index] for row in scores]
        frame[column] = pd.Series(values, dtype="float64" if column == "csi_score" else "Int64")
    return _frame("surveys", frame.to_dict("series"))


def _contacts() -> pd.DataFrame:
    return _frame(
        "contacts",
        {
            "contact_id": ["CT001", "CT002", "CT003", "CT004", "CT005"],
            "customer_id": ["C001", "C002", "C004", "C005", "C006"],
            "vin": ["LSVAA4180E2000001", "LSVAA4180E2000002", None, "LSVAA4180E2000005", None],
            "store_id": ["S001", "S001", "S002", "S002", "S001"],
            "contact_type": [
                "maintenance_reminder",
                "care_call",
                "first_maintenance_reminder",
                "winback_campaign",
                "seasonal_check_invite",
            ],
            "channel": ["sms", "phone", "app", "wechat", "sms"],
            "planned_on": _ts(
                ["2024-01-01", "2024-01-08", "2024-01-05", "2024-02-01", "2024-03-01"]
            ),
            "sent_at": _ts(
                [
                    "2024-01-01 10:00:00",
                    "2024-01-08 15:30:00",
                    None,
                    "2024-02-01 11:00:00",
                    "2024-03-01 09:00:00",
                ]
            ),
            "reached": [True, True, False, False, True],
            "related_work_order_id": [None, "W0002", None, None, None],
        },
    )


def _coupons() -> pd.DataFrame:
    return _frame(
        "coupons",
        {
            "coupon_id": ["CP001", "CP002", "CP003", "CP004"],
            "customer_id": ["C001", "C003", "C005", "C006"],
            "store_id": ["S001", "S001", "S002", "S001"],
            "campaign": ["Spring check", "Spring check", "Welcome", "Winback 2024"],
            "issued_on": _ts(["2024-01-01", "2024-01-01", "2023-12-20", "2024-02-01"]),
            "expires_on": _ts(["2024-03-31", "2024-03-31", "2024-06-20", "2024-04-30"]),
            "face_value": [100.0, 100.0, 50.0, 0.0],
            "redeemed_work_order_id": ["W0009", None, "W0007", None],
        },
    )


def _complaints() -> pd.DataFrame:
    return _frame(
        "complaints",
        {
            "complaint_id": ["CM001", "CM002", "CM003", "CM004"],
            "customer_id": ["C002", "C003", "C005", "C001"],
            "store_id": ["S001", "S001", "S002", "S001"],
            "work_order_id": ["W0003", "W0004", None, "W0009"],
            "category": ["quality", "waiting", "attitude", "price"],
            "opened_at": _ts(
                [
                    "2024-01-20 18:00:00",
                    "2024-01-23 09:00:00",
                    "2024-02-03 10:00:00",
                    "2024-02-13 08:00:00",
                ]
            ),
            "first_response_at": _ts(
                ["2024-01-20 19:00:00", "2024-01-23 09:30:00", None, "2024-02-13 08:00:00"]
            ),
            "resolved_at": _ts(["2024-01-22 12:00:00", None, None, "2024-02-14 17:00:00"]),
        },
    )


def _online_reviews() -> pd.DataFrame:
    return _frame(
        "online_reviews",
        {
            "review_id": ["R001", "R002", "R003", "R004", "R005"],
            "store_id": ["S001", "S001", "S002", "S002", "S001"],
            "platform": ["dianping", "autohome", "douyin", "xiaohongshu", "dianping"],
            "posted_at": _ts(
                [
                    "2024-01-04 20:00:00",
                    "2024-01-21 21:00:00",
                    "2024-01-16 12:00:00",
                    "2024-03-05 19:00:00",
                    "2024-02-14 10:00:00",
                ]
            ),
            "rating": _int([5, 1, 4, 2, 3]),
            "responded_at": _ts(
                ["2024-01-05 09:00:00", "2024-01-22 10:00:00", None, "2024-03-06 09:00:00", None]
            ),
        },
    )


def _finance_ledger() -> pd.DataFrame:
    """Every account for each store-month with a closed, delivered order (W0009 in February for
    S001, W0010 in March for S002; the cancelled W0008 is no activity)."""
    accounts = ACCEPTED_VALUES[("finance_ledger", "account")]
    store_months = [
        ("S001", "2024-01-01"),
        ("S001", "2024-02-01"),
        ("S002", "2024-01-01"),
        ("S002", "2024-03-01"),
    ]
    rows = [
        (store, month, account, round(1000.0 + 37.5 * i + 11.25 * j, 2))
        for i, (store, month) in enumerate(store_months)
        for j, account in enumerate(accounts)
    ]
    frame = pd.DataFrame(rows, columns=["store_id", "period_month", "account", "amount"])
    frame["period_month"] = frame["period_month"].astype("datetime64[s]")
    return frame


_BUILDERS: dict[str, Callable[[], pd.DataFrame]] = {
    "stores": _stores,
    "employees": _employees,
    "customers": _customers,
    "vehicles": _vehicles,
    "work_orders": _work_orders,
    "work_order_lines": _work_order_lines,
    "technician_time": _technician_time,
    "surveys": _surveys,
    "contacts": _contacts,
    "coupons": _coupons,
    "complaints": _complaints,
    "online_reviews": _online_reviews,
    "finance_ledger": _finance_ledger,
}


def make_clean_tables() -> dict[str, pd.DataFrame]:
    """A fresh copy of the hand-made clean tables (callers may modify it)."""
    return {table.name: _BUILDERS[table.name]() for table in TABLES}


@pytest.fixture
def clean_tables() -> dict[str, pd.DataFrame]:
    """The hand-made clean raw tables, all 13 of the contract."""
    return make_clean_tables()
