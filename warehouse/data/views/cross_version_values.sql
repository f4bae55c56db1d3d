-- Table values with the measure they compare on across format versions (the format
-- reference's cross_version_mapping): identical, approximate, not comparable, dropped.
SELECT
  r.agency,
  r.city,
  r.county,
  r.report_year,
  r.format_version,
  m.measure,
  c.field,
  c.value,
  m.comparability,
  m.note,
  r.url AS report_url
FROM report_cells AS c
JOIN reports AS r ON r.url = c.report_url
JOIN field_comparability AS m ON m.version = r.format_version AND m.field = c.field
