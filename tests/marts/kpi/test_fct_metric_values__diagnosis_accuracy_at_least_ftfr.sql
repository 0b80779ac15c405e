-- Originals that came back for misdiagnosis are a subset of the originals that came back, so for
-- every entity and period diagnosis accuracy (1 − misdiagnosed ÷ originals) is at least FTFR
-- (1 − came back ÷ originals). Catches an inverted or mis-scaled diagnosis_accuracy.
with

pivoted as (
    select
        entity_type,
        entity_id,
        period_type,
        period_start,
        max(case when metric_id = 'ftfr' then value end) as ftfr,
        max(case when metric_id = 'diagnosis_accuracy' then value end) as diagnosis_accuracy
    from {{ ref('fct_metric_values') }}
    where metric_id in ('ftfr', 'diagnosis_accuracy')
    group by entity_type, entity_id, period_type, period_start
)

select *
from pivoted
where diagnosis_accuracy < ftfr - 1e-9
