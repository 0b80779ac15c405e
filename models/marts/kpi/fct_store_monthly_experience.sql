-- One row per store and month (surveys in their order's delivery month): the NPS split into
-- promoter, passive and detractor shares (MECE: they add up to 1) and the experience tree's
-- three dimensions (process, result, environment), on complete answers, with
-- experience_score = 3/8 process + 3/8 result + 2/8 environment.
with

surveys as (
    select * from {{ ref('int_surveys_scored') }}
),

store_months as (
    select * from {{ ref('int_store_months') }}
),

survey_totals as (
    select
        store_id,
        delivered_month as month_start,
        count(*) as surveys_sent,
        sum(case when is_answered then 1 else 0 end) as surveys_answered,
        sum(case when nps_score is not null then 1 else 0 end) as nps_answers,
        sum(case when is_promoter then 1 else 0 end) as promoters,
        sum(case when is_passive then 1 else 0 end) as passives,
        sum(case when is_detractor then 1 else 0 end) as detractors,
        avg(process_score) as process_score,
        avg(result_score) as result_score,
        avg(environment_score) as environment_score,
        avg(experience_score) as experience_score
    from surveys
    group by store_id, delivered_month
),

final as (
    select
        store_months.store_id,
        store_months.month_start,
        store_months.region,
        store_months.city,
        store_months.maturity_tier,
        cast(coalesce(survey_totals.surveys_sent, 0) as {{ dbt.type_bigint() }}) as surveys_sent,
        cast(coalesce(survey_totals.surveys_answered, 0) as {{ dbt.type_bigint() }}) as surveys_answered,
        cast(coalesce(survey_totals.nps_answers, 0) as {{ dbt.type_bigint() }}) as nps_answers,
        cast(coalesce(survey_totals.promoters, 0) as {{ dbt.type_bigint() }}) as promoters,
        cast(coalesce(survey_totals.passives, 0) as {{ dbt.type_bigint() }}) as passives,
        cast(coalesce(survey_totals.detractors, 0) as {{ dbt.type_bigint() }}) as detractors,
        cast(survey_totals.promoters as {{ type_double() }}) / nullif(survey_totals.nps_answers, 0)
            as promoter_share,
        cast(survey_totals.passives as {{ type_double() }}) / nullif(survey_totals.nps_answers, 0)
            as passive_share,
        cast(survey_totals.detractors as {{ type_double() }}) / nullif(survey_totals.nps_answers, 0)
            as detractor_share,
        survey_totals.process_score,
        survey_totals.result_score,
        survey_totals.environment_score,
        survey_totals.experience_score
    from store_months
    left join survey_totals
        on store_months.store_id = survey_totals.store_id
        and store_months.month_start = survey_totals.month_start
)

select * from final
