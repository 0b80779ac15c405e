"""The raw data contract (../shared/RAW_DATA.md) as code.

One entry per raw table, columns in contract order. The generator writes exactly these columns,
the dbt seeds declare them, and `tests/python/test_contract.py` checks that the three agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["varchar", "integer", "decimal", "date", "timestamp", "boolean"]
System = Literal["reference", "dms", "crm", "erp"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    nullable: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    system: System
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def _c(name: str, type_: ColumnType = "varchar", nullable: bool = False) -> Column:
    return Column(name, type_, nullable)


TABLES: tuple[Table, ...] = (
    Table(
        "stores",
        "reference",
        ("store_id",),
        (
            _c("store_id"),
            _c("store_name"),
            _c("region"),
            _c("city"),
            _c("brand"),
            _c("opened_on", "date"),
            _c("service_bays", "integer"),
            _c("floor_area_sqm", "decimal"),
            _c("daily_open_hours", "decimal"),
        ),
    ),
    Table(
        "employees",
        "reference",
        ("employee_id",),
        (
            _c("employee_id"),
            _c("store_id"),
            _c("role"),
            _c("technician_level", "integer", nullable=True),
            _c("hired_on", "date"),
            _c("left_on", "date", nullable=True),
        ),
    ),
    Table(
        "customers",
        "dms",
        ("customer_id",),
        (
            _c("customer_id"),
            _c("full_name"),
            _c("phone"),
            _c("created_on", "date"),
            _c("acquisition_channel"),
            _c("referred_by_customer_id", nullable=True),
        ),
    ),
    Table(
        "vehicles",
        "dms",
        ("vin",),
        (
            _c("vin"),
            _c("customer_id"),
            _c("model"),
            _c("selling_store_id", nullable=True),
            _c("delivered_on", "date"),
            _c("warranty_end_on", "date"),
            _c("aftersales_intro_done", "boolean"),
        ),
    ),
    Table(
        "work_orders",
        "dms",
        ("work_order_id",),
        (
            _c("work_order_id"),
            _c("store_id"),
            _c("vin"),
            _c("customer_id"),
            _c("advisor_id"),
            _c("technician_id"),
            _c("service_type"),
            _c("fault_code", nullable=True),
            _c("fault_system", nullable=True),
            _c("booking_channel"),
            _c("arrived_at", "timestamp"),
            _c("reception_started_at", "timestamp", nullable=True),
            _c("reception_ended_at", "timestamp", nullable=True),
            _c("work_started_at", "timestamp", nullable=True),
            _c("work_completed_at", "timestamp", nullable=True),
            _c("promised_at", "timestamp", nullable=True),
            _c("delivered_at", "timestamp", nullable=True),
            _c("odometer_km", "integer"),
            _c("payer"),
            _c("is_comeback", "boolean"),
            _c("comeback_of_work_order_id", nullable=True),
            _c("comeback_reason", nullable=True),
            _c("status"),
        ),
    ),
    Table(
        "work_order_lines",
        "dms",
        ("line_id",),
        (
            _c("line_id"),
            _c("work_order_id"),
            _c("line_type"),
            _c("revenue_category"),
            _c("item_code"),
            _c("description"),
            _c("quantity", "decimal"),
            _c("sold_hours", "decimal"),
            _c("list_amount", "decimal"),
            _c("discount_amount", "decimal"),
            _c("net_amount", "decimal"),
            _c("cost_amount", "decimal"),
            _c("recommended_by_advisor", "boolean"),
            _c("accepted", "boolean"),
            _c("part_in_stock", "boolean", nullable=True),
            _c("supplier_id", nullable=True),
        ),
    ),
    Table(
        "technician_time",
        "dms",
        ("employee_id", "work_date"),
        (
            _c("employee_id"),
            _c("store_id"),
            _c("work_date", "date"),
            _c("available_hours", "decimal"),
            _c("clocked_hours", "decimal"),
        ),
    ),
    Table(
        "surveys",
        "crm",
        ("survey_id",),
        (
            _c("survey_id"),
            _c("work_order_id"),
            _c("customer_id"),
            _c("store_id"),
            _c("sent_at", "timestamp"),
            _c("responded_at", "timestamp", nullable=True),
            _c("nps_score", "integer", nullable=True),
            _c("csi_score", "decimal", nullable=True),
            _c("score_attitude", "integer", nullable=True),
            _c("score_communication", "integer", nullable=True),
            _c("score_waiting", "integer", nullable=True),
            _c("score_repair_quality", "integer", nullable=True),
            _c("score_price", "integer", nullable=True),
            _c("score_resolution", "integer", nullable=True),
            _c("score_comfort", "integer", nullable=True),
            _c("score_cleanliness", "integer", nullable=True),
        ),
    ),
    Table(
        "contacts",
        "crm",
        ("contact_id",),
        (
            _c("contact_id"),
            _c("customer_id"),
            _c("vin", nullable=True),
            _c("store_id"),
            _c("contact_type"),
            _c("channel"),
            _c("planned_on", "date"),
            _c("sent_at", "timestamp", nullable=True),
            _c("reached", "boolean"),
            _c("related_work_order_id", nullable=True),
        ),
    ),
    Table(
        "coupons",
        "crm",
        ("coupon_id",),
        (
            _c("coupon_id"),
            _c("customer_id"),
            _c("store_id"),
            _c("campaign"),
            _c("issued_on", "date"),
            _c("expires_on", "date"),
            _c("face_value", "decimal"),
            _c("redeemed_work_order_id", nullable=True),
        ),
    ),
    Table(
        "complaints",
        "crm",
        ("complaint_id",),
        (
            _c("complaint_id"),
            _c("customer_id"),
            _c("store_id"),
            _c("work_order_id", nullable=True),
            _c("category"),
            _c("opened_at", "timestamp"),
            _c("first_response_at", "timestamp", nullable=True),
            _c("resolved_at", "timestamp", nullable=True),
        ),
    ),
    Table(
        "online_reviews",
        "crm",
        ("review_id",),
        (
            _c("review_id"),
            _c("store_id"),
            _c("platform"),
            _c("posted_at", "timestamp"),
            _c("rating", "integer"),
            _c("responded_at", "timestamp", nullable=True),
        ),
    ),
    Table(
        "finance_ledger",
        "erp",
        ("store_id", "period_month", "account"),
        (
            _c("store_id"),
            _c("period_month", "date"),
            _c("account"),
            _c("amount", "decimal"),
        ),
    ),
)

TABLES_BY_NAME: dict[str, Table] = {table.name: table for table in TABLES}

#: Tables the DMS simulation writes (reference data and DMS); the CRM/ERP step writes the rest.
DMS_SIMULATED_TABLES: tuple[str, ...] = tuple(
    table.name for table in TABLES if table.system in ("reference", "dms")
)

#: The survey's eight 1–10 experience items, in contract order.
SURVEY_SCORE_COLUMNS: tuple[str, ...] = tuple(
    name for name in TABLES_BY_NAME["surveys"].column_names if name.startswith("score_")
)

# Closed code lists of the contract. The dbt checks use the same lists (macros/quarantine).
ACCEPTED_VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    ("employees", "role"): ("technician", "service_advisor"),
    ("customers", "acquisition_channel"): (
        "new_car_sale",
        "referral",
        "online",
        "walk_in",
        "oem_lead",
    ),
    ("work_orders", "service_type"): ("maintenance", "repair", "accident", "accessory"),
    ("work_orders", "fault_system"): ("electrical", "engine", "chassis", "body", "hvac", "other"),
    ("work_orders", "booking_channel"): ("app", "phone", "walk_in"),
    ("work_orders", "payer"): ("customer", "warranty", "insurance", "internal"),
    ("work_orders", "comeback_reason"): (
        "misdiagnosis",
        "parts_unavailable",
        "insufficient_time",
        "workmanship",
    ),
    ("work_orders", "status"): ("closed", "cancelled"),
    ("work_order_lines", "line_type"): ("labor", "part", "accessory", "value_added"),
    ("work_order_lines", "revenue_category"): ("repair", "maintenance", "accessory_value_added"),
    ("contacts", "contact_type"): (
        "first_maintenance_reminder",
        "maintenance_reminder",
        "warranty_expiry_reminder",
        "care_call",
        "winback_campaign",
        "seasonal_check_invite",
    ),
    ("contacts", "channel"): ("sms", "app", "phone", "wechat"),
    ("complaints", "category"): ("quality", "price", "waiting", "attitude", "other"),
    ("online_reviews", "platform"): ("dianping", "autohome", "douyin", "xiaohongshu"),
    ("finance_ledger", "account"): (
        "revenue_repair",
        "revenue_maintenance",
        "revenue_accessory_value_added",
        "cogs_parts",
        "cogs_labor",
        "cogs_accessory",
        "opex_commission",
        "opex_rework",
        "opex_consumables",
        "opex_rent",
        "opex_salaries",
        "opex_depreciation",
        "opex_other_fixed",
        "marketing_spend",
        "inventory_parts_value",
    ),
}

# Text formats of the contract ("Conventions" in RAW_DATA.md).
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"
