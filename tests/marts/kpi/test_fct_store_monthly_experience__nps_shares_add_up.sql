-- NPS groups split the answers MECE: promoter + passive + detractor shares = 1, and the NPS of
-- the BI contract equals 100 × (promoter share − detractor share) (METRICS.md: 45 % − 15 % = 30).
with

experience as (
    select * from {{ ref('fct_store_monthly_experience') }}
    where nps_answers > 0
),

nps as (
    select entity_id as store_id, period_start as month_start, value as nps
    from {{ ref('fct_metric_values') }}
    where metric_id = 'nps' and entity_type = 'store' and period_type = 'month'
)

select
    experience.store_id,
    experience.month_start,
    experience.promoter_share,
    experience.passive_share,
    experience.detractor_share,
    nps.nps
from experience
left join nps
    on experience.store_id = nps.store_id
    and experience.month_start = nps.month_start
where abs(experience.promoter_share + experience.passive_share + experience.detractor_share - 1) > 1e-9
    or experience.promoters + experience.passives + experience.detractors <> experience.nps_answers
    or nps.nps is null
    or abs(nps.nps - 100 * (experience.promoter_share - experience.detractor_share)) > 1e-9
