{#-
    The raw data contract (../shared/RAW_DATA.md, docs/data_quality_rules.md) as data.

    One entry per raw table: the system it comes from, its key, its columns in contract order with
    their types and whether they are required, and the rules a row must keep. The base and
    violation models of `models/staging/*/base/` are generated from it, and
    tests/python/test_contract.py checks it against scripts/datagen/schema.py and rules.py, which
    the generator uses: the contract is declared here for SQL and there for Python, and a test
    keeps the two equal.

    Rule conditions are SQL over the typed columns:
      ranges:        the condition a valid value meets (a row breaks it when it is false);
      order:         [later column, column it must not precede];
      inconsistent:  the condition that is TRUE when the row is broken;
      required_when: columns that are required when a condition holds;
      references:    column -> [parent table, parent key column].
-#}
{% macro raw_contract() %}
{% set contract = {
    'stores': {
        'system': 'reference',
        'key': ['store_id'],
        'columns': [
            {'name': 'store_id', 'type': 'varchar'},
            {'name': 'store_name', 'type': 'varchar'},
            {'name': 'region', 'type': 'varchar'},
            {'name': 'city', 'type': 'varchar'},
            {'name': 'brand', 'type': 'varchar'},
            {'name': 'opened_on', 'type': 'date'},
            {'name': 'service_bays', 'type': 'integer'},
            {'name': 'floor_area_sqm', 'type': 'decimal'},
            {'name': 'daily_open_hours', 'type': 'decimal'},
        ],
        'ranges': {
            'service_bays': 'service_bays > 0',
            'floor_area_sqm': 'floor_area_sqm > 0',
            'daily_open_hours': 'daily_open_hours > 0 and daily_open_hours <= 24',
        },
    },
    'employees': {
        'system': 'reference',
        'key': ['employee_id'],
        'columns': [
            {'name': 'employee_id', 'type': 'varchar'},
            {'name': 'store_id', 'type': 'varchar'},
            {'name': 'role', 'type': 'varchar'},
            {'name': 'technician_level', 'type': 'integer', 'nullable': true},
            {'name': 'hired_on', 'type': 'date'},
            {'name': 'left_on', 'type': 'date', 'nullable': true},
        ],
        'accepted_values': {'role': ['technician', 'service_advisor']},
        'ranges': {'technician_level': 'technician_level between 1 and 3'},
        'order': [['left_on', 'hired_on']],
        'inconsistent': {
            'technician_level': "(role = 'technician' and technician_level is null) or (role = 'service_advisor' and technician_level is not null)",
        },
        'references': {'store_id': ['stores', 'store_id']},
    },
    'customers': {
        'system': 'dms',
        'key': ['customer_id'],
        'columns': [
            {'name': 'customer_id', 'type': 'varchar'},
            {'name': 'full_name', 'type': 'varchar', 'pii': true},
            {'name': 'phone', 'type': 'varchar', 'pii': true},
            {'name': 'created_on', 'type': 'date'},
            {'name': 'acquisition_channel', 'type': 'varchar'},
            {'name': 'referred_by_customer_id', 'type': 'varchar', 'nullable': true},
        ],
        'accepted_values': {
            'acquisition_channel': ['new_car_sale', 'referral', 'online', 'walk_in', 'oem_lead'],
        },
        'references': {'referred_by_customer_id': ['customers', 'customer_id']},
    },
    'vehicles': {
        'system': 'dms',
        'key': ['vin'],
        'columns': [
            {'name': 'vin', 'type': 'varchar', 'length': 17},
            {'name': 'customer_id', 'type': 'varchar'},
            {'name': 'model', 'type': 'varchar'},
            {'name': 'selling_store_id', 'type': 'varchar', 'nullable': true},
            {'name': 'delivered_on', 'type': 'date'},
            {'name': 'warranty_end_on', 'type': 'date'},
            {'name': 'aftersales_intro_done', 'type': 'boolean'},
        ],
        'order': [['warranty_end_on', 'delivered_on']],
        'references': {
            'customer_id': ['customers', 'customer_id'],
            'selling_store_id': ['stores', 'store_id'],
        },
    },
    'work_orders': {
        'system': 'dms',
        'key': ['work_order_id'],
        'columns': [
            {'name': 'work_order_id', 'type': 'varchar'},
            {'name': 'store_id', 'type': 'varchar'},
            {'name': 'vin', 'type': 'varchar'},
            {'name': 'customer_id', 'type': 'varchar'},
            {'name': 'advisor_id', 'type': 'varchar'},
            {'name': 'technician_id', 'type': 'varchar'},
            {'name': 'service_type', 'type': 'varchar'},
            {'name': 'fault_code', 'type': 'varchar', 'nullable': true},
            {'name': 'fault_system', 'type': 'varchar', 'nullable': true},
            {'name': 'booking_channel', 'type': 'varchar'},
            {'name': 'arrived_at', 'type': 'timestamp'},
            {'name': 'reception_started_at', 'type': 'timestamp', 'nullable': true},
            {'name': 'reception_ended_at', 'type': 'timestamp', 'nullable': true},
            {'name': 'work_started_at', 'type': 'timestamp', 'nullable': true},
            {'name': 'work_completed_at', 'type': 'timestamp', 'nullable': true},
            {'name': 'promised_at', 'type': 'timestamp', 'nullable': true},
            {'name': 'delivered_at', 'type': 'timestamp', 'nullable': true},
            {'name': 'odometer_km', 'type': 'integer'},
            {'name': 'payer', 'type': 'varchar'},
            {'name': 'is_comeback', 'type': 'boolean'},
            {'name': 'comeback_of_work_order_id', 'type': 'varchar', 'nullable': true},
            {'name': 'comeback_reason', 'type': 'varchar', 'nullable': true},
            {'name': 'status', 'type': 'varchar'},
        ],
        'accepted_values': {
            'service_type': ['maintenance', 'repair', 'accident', 'accessory'],
            'fault_system': ['electrical', 'engine', 'chassis', 'body', 'hvac', 'other'],
            'booking_channel': ['app', 'phone', 'walk_in'],
            'payer': ['customer', 'warranty', 'insurance', 'internal'],
            'comeback_reason': ['misdiagnosis', 'parts_unavailable', 'insufficient_time', 'workmanship'],
            'status': ['closed', 'cancelled'],
        },
        'ranges': {'odometer_km': 'odometer_km >= 0'},
        'order': [
            ['reception_started_at', 'arrived_at'],
            ['reception_ended_at', 'reception_started_at'],
            ['work_started_at', 'reception_ended_at'],
            ['work_completed_at', 'work_started_at'],
            ['delivered_at', 'work_completed_at'],
            ['promised_at', 'arrived_at'],
        ],
        'required_when': {
            'condition': "status = 'closed'",
            'columns': [
                'reception_started_at', 'reception_ended_at', 'work_started_at',
                'work_completed_at', 'promised_at', 'delivered_at',
            ],
        },
        'inconsistent': {
            'fault_code': "(service_type in ('repair', 'accident') and fault_code is null) or (service_type in ('maintenance', 'accessory') and fault_code is not null)",
            'fault_system': '(fault_code is null and fault_system is not null) or (fault_code is not null and fault_system is null)',
            'comeback_reason': 'comeback_reason is not null and not is_comeback',
        },
        'references': {
            'store_id': ['stores', 'store_id'],
            'vin': ['vehicles', 'vin'],
            'customer_id': ['customers', 'customer_id'],
            'advisor_id': ['employees', 'employee_id'],
            'technician_id': ['employees', 'employee_id'],
            'comeback_of_work_order_id': ['work_orders', 'work_order_id'],
        },
    },
    'work_order_lines': {
        'system': 'dms',
        'key': ['line_id'],
        'columns': [
            {'name': 'line_id', 'type': 'varchar'},
            {'name': 'work_order_id', 'type': 'varchar'},
            {'name': 'line_type', 'type': 'varchar'},
            {'name': 'revenue_category', 'type': 'varchar'},
            {'name': 'item_code', 'type': 'varchar'},
            {'name': 'description', 'type': 'varchar'},
            {'name': 'quantity', 'type': 'decimal'},
            {'name': 'sold_hours', 'type': 'decimal'},
            {'name': 'list_amount', 'type': 'decimal'},
            {'name': 'discount_amount', 'type': 'decimal'},
            {'name': 'net_amount', 'type': 'decimal'},
            {'name': 'cost_amount', 'type': 'decimal'},
            {'name': 'recommended_by_advisor', 'type': 'boolean'},
            {'name': 'accepted', 'type': 'boolean'},
            {'name': 'part_in_stock', 'type': 'boolean', 'nullable': true},
            {'name': 'supplier_id', 'type': 'varchar', 'nullable': true},
        ],
        'accepted_values': {
            'line_type': ['labor', 'part', 'accessory', 'value_added'],
            'revenue_category': ['repair', 'maintenance', 'accessory_value_added'],
        },
        'ranges': {
            'quantity': 'quantity > 0',
            'sold_hours': 'sold_hours >= 0',
            'list_amount': 'list_amount >= 0',
            'discount_amount': 'discount_amount >= 0',
            'net_amount': 'net_amount >= 0',
            'cost_amount': 'cost_amount >= 0',
        },
        'inconsistent': {
            'net_amount': '(accepted and abs(net_amount - (list_amount - discount_amount)) > 0.01) or (not accepted and net_amount <> 0)',
            'part_in_stock': "part_in_stock is not null and line_type <> 'part'",
        },
        'references': {'work_order_id': ['work_orders', 'work_order_id']},
    },
    'technician_time': {
        'system': 'dms',
        'key': ['employee_id', 'work_date'],
        'columns': [
            {'name': 'employee_id', 'type': 'varchar'},
            {'name': 'store_id', 'type': 'varchar'},
            {'name': 'work_date', 'type': 'date'},
            {'name': 'available_hours', 'type': 'decimal'},
            {'name': 'clocked_hours', 'type': 'decimal'},
        ],
        'ranges': {
            'available_hours': 'available_hours >= 0 and available_hours <= 24',
            'clocked_hours': 'clocked_hours >= 0 and clocked_hours <= 24',
        },
        'references': {
            'employee_id': ['employees', 'employee_id'],
            'store_id': ['stores', 'store_id'],
        },
    },
    'surveys': {
        'system': 'crm',
        'key': ['survey_id'],
        'columns': [
            {'name': 'survey_id', 'type': 'varchar'},
            {'name': 'work_order_id', 'type': 'varchar'},
            {'name': 'customer_id', 'type': 'varchar'},
            {'name': 'store_id', 'type': 'varchar'},
            {'name': 'sent_at', 'type': 'timestamp'},
            {'name': 'responded_at', 'type': 'timestamp', 'nullable': true},
            {'name': 'nps_score', 'type': 'integer', 'nullable': true},
            {'name': 'csi_score', 'type': 'decimal', 'nullable': true},
            {'name': 'score_attitude', 'type': 'integer', 'nullable': true},
            {'name': 'score_communication', 'type': 'integer', 'nullable': true},
            {'name': 'score_waiting', 'type': 'integer', 'nullable': true},
            {'name': 'score_repair_quality', 'type': 'integer', 'nullable': true},
            {'name': 'score_price', 'type': 'integer', 'nullable': true},
            {'name': 'score_resolution', 'type': 'integer', 'nullable': true},
            {'name': 'score_comfort', 'type': 'integer', 'nullable': true},
            {'name': 'score_cleanliness', 'type': 'integer', 'nullable': true},
        ],
        'ranges': {
            'nps_score': 'nps_score between 0 and 10',
            'csi_score': 'csi_score between 0 and 100',
            'score_attitude': 'score_attitude between 1 and 10',
            'score_communication': 'score_communication between 1 and 10',
            'score_waiting': 'score_waiting between 1 and 10',
            'score_repair_quality': 'score_repair_quality between 1 and 10',
            'score_price': 'score_price between 1 and 10',
            'score_resolution': 'score_resolution between 1 and 10',
            'score_comfort': 'score_comfort between 1 and 10',
            'score_cleanliness': 'score_cleanliness between 1 and 10',
        },
        'order': [['responded_at', 'sent_at']],
        'references': {
            'work_order_id': ['work_orders', 'work_order_id'],
            'customer_id': ['customers', 'customer_id'],
            'store_id': ['stores', 'store_id'],
        },
    },
    'contacts': {
        'system': 'crm',
        'key': ['contact_id'],
        'columns': [
            {'name': 'contact_id', 'type': 'varchar'},
            {'name': 'customer_id', 'type': 'varchar'},
            {'name': 'vin', 'type': 'varchar', 'nullable': true},
            {'name': 'store_id', 'type': 'varchar'},
            {'name': 'contact_type', 'type': 'varchar'},
            {'name': 'channel', 'type': 'varchar'},
            {'name': 'planned_on', 'type': 'date'},
            {'name': 'sent_at', 'type': 'timestamp', 'nullable': true},
            {'name': 'reached', 'type': 'boolean'},
            {'name': 'related_work_order_id', 'type': 'varchar', 'nullable': true},
        ],
        'accepted_values': {
            'contact_type': [
                'first_maintenance_reminder', 'maintenance_reminder', 'warranty_expiry_reminder',
                'care_call', 'winback_campaign', 'seasonal_check_invite',
            ],
            'channel': ['sms', 'app', 'phone', 'wechat'],
        },
        'references': {
            'customer_id': ['customers', 'customer_id'],
            'vin': ['vehicles', 'vin'],
            'store_id': ['stores', 'store_id'],
            'related_work_order_id': ['work_orders', 'work_order_id'],
        },
    },
    'coupons': {
        'system': 'crm',
        'key': ['coupon_id'],
        'columns': [
            {'name': 'coupon_id', 'type': 'varchar'},
            {'name': 'customer_id', 'type': 'varchar'},
            {'name': 'store_id', 'type': 'varchar'},
            {'name': 'campaign', 'type': 'varchar'},
            {'name': 'issued_on', 'type': 'date'},
            {'name': 'expires_on', 'type': 'date'},
            {'name': 'face_value', 'type': 'decimal'},
            {'name': 'redeemed_work_order_id', 'type': 'varchar', 'nullable': true},
        ],
        'ranges': {'face_value': 'face_value >= 0'},
        'order': [['expires_on', 'issued_on']],
        'references': {
            'customer_id': ['customers', 'customer_id'],
            'store_id': ['stores', 'store_id'],
            'redeemed_work_order_id': ['work_orders', 'work_order_id'],
        },
    },
    'complaints': {
        'system': 'crm',
        'key': ['complaint_id'],
        'columns': [
            {'name': 'complaint_id', 'type': 'varchar'},
            {'name': 'customer_id', 'type': 'varchar'},
            {'name': 'store_id', 'type': 'varchar'},
            {'name': 'work_order_id', 'type': 'varchar', 'nullable': true},
            {'name': 'category', 'type': 'varchar'},
            {'name': 'opened_at', 'type': 'timestamp'},
            {'name': 'first_response_at', 'type': 'timestamp', 'nullable': true},
            {'name': 'resolved_at', 'type': 'timestamp', 'nullable': true},
        ],
        'accepted_values': {'category': ['quality', 'price', 'waiting', 'attitude', 'other']},
        'order': [['first_response_at', 'opened_at'], ['resolved_at', 'opened_at']],
        'references': {
            'customer_id': ['customers', 'customer_id'],
            'store_id': ['stores', 'store_id'],
            'work_order_id': ['work_orders', 'work_order_id'],
        },
    },
    'online_reviews': {
        'system': 'crm',
        'key': ['review_id'],
        'columns': [
            {'name': 'review_id', 'type': 'varchar'},
            {'name': 'store_id', 'type': 'varchar'},
            {'name': 'platform', 'type': 'varchar'},
            {'name': 'posted_at', 'type': 'timestamp'},
            {'name': 'rating', 'type': 'integer'},
            {'name': 'responded_at', 'type': 'timestamp', 'nullable': true},
        ],
        'accepted_values': {'platform': ['dianping', 'autohome', 'douyin', 'xiaohongshu']},
        'ranges': {'rating': 'rating between 1 and 5'},
        'order': [['responded_at', 'posted_at']],
        'references': {'store_id': ['stores', 'store_id']},
    },
    'finance_ledger': {
        'system': 'erp',
        'key': ['store_id', 'period_month', 'account'],
        'columns': [
            {'name': 'store_id', 'type': 'varchar'},
            {'name': 'period_month', 'type': 'date'},
            {'name': 'account', 'type': 'varchar'},
            {'name': 'amount', 'type': 'decimal'},
        ],
        'accepted_values': {
            'account': [
                'revenue_repair', 'revenue_maintenance', 'revenue_accessory_value_added',
                'cogs_parts', 'cogs_labor', 'cogs_accessory',
                'opex_commission', 'opex_rework', 'opex_consumables',
                'opex_rent', 'opex_salaries', 'opex_depreciation', 'opex_other_fixed',
                'marketing_spend', 'inventory_parts_value',
            ],
        },
        'ranges': {'amount': 'amount >= 0'},
        'inconsistent': {'period_month': 'extract(day from period_month) <> 1'},
        'references': {'store_id': ['stores', 'store_id']},
    },
} %}
{{ return(contract) }}
{% endmacro %}


{#- The contract entry of one raw table; a clear error for a name the contract does not know. -#}
{% macro raw_table_contract(table_name) %}
    {% set contract = raw_contract() %}
    {% if table_name not in contract %}
        {{ exceptions.raise_compiler_error(
            "Unknown raw table '" ~ table_name ~ "'. The raw contract knows: "
            ~ (contract.keys() | list | sort | join(', '))) }}
    {% endif %}
    {{ return(contract[table_name]) }}
{% endmacro %}


{#- Prints the contract as JSON, so Python tests can compare it with scripts/datagen. -#}
{% macro print_raw_contract_json() %}
    {{ print(tojson(raw_contract())) }}
{% endmacro %}
