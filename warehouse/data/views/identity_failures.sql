-- Reports failing a 勾稽关系 identity or a count check (quality flags that name one).
SELECT
  r.agency,
  r.province,
  r.city,
  r.county,
  r.report_year,
  r.format_version,
  q.code AS identity,
  json_extract(q.details, '$.scope') AS scope,
  json_extract(q.details, '$.expected') AS expected,
  json_extract(q.details, '$.found') AS found,
  q.message,
  r.url AS report_url
FROM quality_flags AS q
JOIN reports AS r ON r.url = q.report_url
WHERE json_extract(q.details, '$.identity') IS NOT NULL
