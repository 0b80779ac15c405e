-- One row per satisfaction metric, entity and period: numerator, denominator and sample size.
-- Surveys belong to their order's month (delivery), complaints to the month they were opened,
-- reviews to the month they were posted. first_visit_satisfaction counts a customer's first
-- visit at the entity itself, so it is computed here for every grain instead of rolled up.
{% set survey_metrics = [
    {'metric_id': 'nps', 'numerator': 'promoters - detractors', 'denominator': 'nps_answers', 'sample_size': 'nps_answers'},
    {'metric_id': 'csi', 'numerator': 'csi_total', 'denominator': 'csi_answers', 'sample_size': 'csi_answers'},
    {'metric_id': 'advisor_satisfaction', 'numerator': 'attitude_total', 'denominator': 'attitude_answers', 'sample_size': 'attitude_answers'},
    {'metric_id': 'experience_score', 'numerator': 'experience_total', 'denominator': 'experience_answers', 'sample_size': 'experience_answers'},
    {'metric_id': 'survey_response_rate', 'numerator': 'answered_surveys', 'denominator': 'sent_surveys', 'sample_size': 'sent_surveys'},
] -%}
{%- set complaint_metrics = [
    {'metric_id': 'complaint_rate', 'numerator': 'complaints', 'denominator': 'entries', 'sample_size': 'entries'},
    {'metric_id': 'complaint_response_1h_rate', 'numerator': 'complaints_answered_within_1h', 'denominator': 'complaints', 'sample_size': 'complaints'},
    {'metric_id': 'complaint_resolution_24h_rate', 'numerator': 'complaints_resolved_within_24h', 'denominator': 'complaints', 'sample_size': 'complaints'},
] -%}
{%- set review_metrics = [
    {'metric_id': 'online_positive_rate', 'numerator': 'positive_reviews', 'denominator': 'reviews', 'sample_size': 'reviews'},
    {'metric_id': 'online_review_response_rate', 'numerator': 'responded_reviews', 'denominator': 'reviews', 'sample_size': 'reviews'},
] -%}
{%- set first_visit_metrics = [
    {'metric_id': 'first_visit_satisfaction', 'numerator': 'csi_total', 'denominator': 'csi_answers', 'sample_size': 'csi_answers'},
] -%}
{%- set survey_aggregates -%}
        sum(case when is_promoter then 1 else 0 end) as promoters,
        sum(case when is_detractor then 1 else 0 end) as detractors,
        sum(case when nps_score is not null then 1 else 0 end) as nps_answers,
        sum(csi_score) as csi_total,
        sum(case when csi_score is not null then 1 else 0 end) as csi_answers,
        sum(score_attitude) as attitude_total,
        sum(case when score_attitude is not null then 1 else 0 end) as attitude_answers,
        sum(experience_score) as experience_total,
        sum(case when experience_score is not null then 1 else 0 end) as experience_answers,
        sum(case when is_answered then 1 else 0 end) as answered_surveys,
        count(*) as sent_surveys
{%- endset -%}
{%- set first_visit_aggregates -%}
        sum(csi_score) as csi_total,
        sum(case when csi_score is not null then 1 else 0 end) as csi_answers
{%- endset -%}
with

surveys as (
    select * from {{ ref('int_surveys_scored') }}
),

orders as (
    select * from {{ ref('int_work_orders_enriched') }}
),

store_months as (
    select
        store_id,
        month_start
    from {{ ref('int_store_months') }}
),

complaints as (
    select
        complaints.complaint_id,
        complaints.store_id,
        orders.advisor_id,
        cast({{ dbt.date_trunc('month', 'complaints.opened_at') }} as date) as opened_month,
        complaints.first_response_at is not null
        and complaints.first_response_at <= {{ dbt.dateadd('hour', 1, 'complaints.opened_at') }}
            as is_answered_within_1h,
        complaints.resolved_at is not null
        and complaints.resolved_at <= {{ dbt.dateadd('hour', 24, 'complaints.opened_at') }}
            as is_resolved_within_24h
    from {{ ref('stg_crm__complaints') }} as complaints
    left join orders
        on complaints.work_order_id = orders.work_order_id
),

reviews as (
    select
        store_id,
        cast({{ dbt.date_trunc('month', 'posted_at') }} as date) as posted_month,
        rating >= 4 as is_positive,
        -- A negative review (1–2 stars) only counts as answered within 12 hours.
        case
            when responded_at is null then false
            when rating <= 2 then responded_at <= {{ dbt.dateadd('hour', 12, 'posted_at') }}
            else true
        end as is_responded
    from {{ ref('stg_crm__online_reviews') }}
),

entries_by_store_month as (
    select store_id, delivered_month as period_start, {{ work_order_totals() }}
    from orders
    group by store_id, delivered_month
),

entries_by_advisor_month as (
    select advisor_id, delivered_month as period_start, {{ work_order_totals() }}
    from orders
    group by advisor_id, delivered_month
),

complaints_by_store_month as (
    select
        store_id,
        opened_month as period_start,
        count(*) as complaints,
        sum(case when is_answered_within_1h then 1 else 0 end) as complaints_answered_within_1h,
        sum(case when is_resolved_within_24h then 1 else 0 end) as complaints_resolved_within_24h
    from complaints
    group by store_id, opened_month
),

complaints_by_advisor_month as (
    select
        advisor_id,
        opened_month as period_start,
        count(*) as complaints,
        sum(case when is_answered_within_1h then 1 else 0 end) as complaints_answered_within_1h,
        sum(case when is_resolved_within_24h then 1 else 0 end) as complaints_resolved_within_24h
    from complaints
    where advisor_id is not null
    group by advisor_id, opened_month
),

reviews_by_store_month as (
    select
        store_id,
        posted_month as period_start,
        count(*) as reviews,
        sum(case when is_positive then 1 else 0 end) as positive_reviews,
        sum(case when is_responded then 1 else 0 end) as responded_reviews
    from reviews
    group by store_id, posted_month
),

surveys_by_store_month as (
    select store_id, delivered_month as period_start, {{ survey_aggregates }}
    from surveys
    group by store_id, delivered_month
),

first_visit_surveys_by_store_month as (
    select store_id, delivered_month as period_start, {{ first_visit_aggregates }}
    from surveys
    where is_first_visit_at_store
    group by store_id, delivered_month
),

-- Every store-month gets a row, with zero answers where there were none.
store_survey_facts as (
    select
        store_months.store_id,
        store_months.month_start as period_start,
        {%- for column in ['promoters', 'detractors', 'nps_answers', 'csi_total', 'csi_answers',
                           'attitude_total', 'attitude_answers', 'experience_total',
                           'experience_answers', 'answered_surveys', 'sent_surveys'] %}
        coalesce(surveys_by_store_month.{{ column }}, 0) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from store_months
    left join surveys_by_store_month
        on store_months.store_id = surveys_by_store_month.store_id
        and store_months.month_start = surveys_by_store_month.period_start
),

store_first_visit_facts as (
    select
        'store' as entity_type,
        store_months.store_id as entity_id,
        store_months.month_start as period_start,
        coalesce(first_visit_surveys_by_store_month.csi_total, 0) as csi_total,
        coalesce(first_visit_surveys_by_store_month.csi_answers, 0) as csi_answers
    from store_months
    left join first_visit_surveys_by_store_month
        on store_months.store_id = first_visit_surveys_by_store_month.store_id
        and store_months.month_start = first_visit_surveys_by_store_month.period_start
),

advisor_survey_facts as (
    select advisor_id, delivered_month as period_start, {{ survey_aggregates }}
    from surveys
    group by advisor_id, delivered_month
),

store_month_facts as (
    select
        store_months.store_id,
        store_months.month_start as period_start,
        coalesce(entries_by_store_month.entries, 0) as entries,
        coalesce(complaints_by_store_month.complaints, 0) as complaints,
        coalesce(complaints_by_store_month.complaints_answered_within_1h, 0) as complaints_answered_within_1h,
        coalesce(complaints_by_store_month.complaints_resolved_within_24h, 0) as complaints_resolved_within_24h,
        coalesce(reviews_by_store_month.reviews, 0) as reviews,
        coalesce(reviews_by_store_month.positive_reviews, 0) as positive_reviews,
        coalesce(reviews_by_store_month.responded_reviews, 0) as responded_reviews
    from store_months
    left join entries_by_store_month
        on store_months.store_id = entries_by_store_month.store_id
        and store_months.month_start = entries_by_store_month.period_start
    left join complaints_by_store_month
        on store_months.store_id = complaints_by_store_month.store_id
        and store_months.month_start = complaints_by_store_month.period_start
    left join reviews_by_store_month
        on store_months.store_id = reviews_by_store_month.store_id
        and store_months.month_start = reviews_by_store_month.period_start
),

advisor_complaint_facts as (
    select
        entries_by_advisor_month.advisor_id,
        entries_by_advisor_month.period_start,
        entries_by_advisor_month.entries,
        coalesce(complaints_by_advisor_month.complaints, 0) as complaints,
        coalesce(complaints_by_advisor_month.complaints_answered_within_1h, 0) as complaints_answered_within_1h,
        coalesce(complaints_by_advisor_month.complaints_resolved_within_24h, 0) as complaints_resolved_within_24h
    from entries_by_advisor_month
    left join complaints_by_advisor_month
        on entries_by_advisor_month.advisor_id = complaints_by_advisor_month.advisor_id
        and entries_by_advisor_month.period_start = complaints_by_advisor_month.period_start
),

first_visit_facts as (
    select * from store_first_visit_facts
    union all
    select 'city' as entity_type, city as entity_id, delivered_month as period_start, {{ first_visit_aggregates }}
    from surveys where is_first_visit_in_city
    group by city, delivered_month
    union all
    select 'region' as entity_type, region as entity_id, delivered_month as period_start, {{ first_visit_aggregates }}
    from surveys where is_first_visit_in_region
    group by region, delivered_month
    union all
    select 'network' as entity_type, 'network' as entity_id, delivered_month as period_start, {{ first_visit_aggregates }}
    from surveys where is_first_visit_in_network
    group by delivered_month
),

final as (
    {{ metric_components('store_survey_facts', "'store'", 'store_id', 'month', 'period_start', survey_metrics) }}
    union all
    {{ metric_components('advisor_survey_facts', "'advisor'", 'advisor_id', 'month', 'period_start', survey_metrics) }}
    union all
    {{ metric_components('store_month_facts', "'store'", 'store_id', 'month', 'period_start', complaint_metrics + review_metrics) }}
    union all
    {{ metric_components('advisor_complaint_facts', "'advisor'", 'advisor_id', 'month', 'period_start', complaint_metrics) }}
    union all
    {{ metric_components('first_visit_facts', 'entity_type', 'entity_id', 'month', 'period_start', first_visit_metrics) }}
)

select * from final
