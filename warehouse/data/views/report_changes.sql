-- Year-over-year change of the headline figures, per agency; a change of format
-- version between the two years is named (see field_comparability for what compares).
SELECT
  agency,
  city,
  county,
  report_year,
  lag(report_year) OVER agency_years AS previous_year,
  format_version,
  CASE
    WHEN lag(format_version) OVER agency_years IS NULL THEN NULL
    WHEN lag(format_version) OVER agency_years = format_version THEN 'same format'
    ELSE 'format changed from ' || lag(format_version) OVER agency_years
  END AS comparability,
  requests_new_total,
  requests_new_total - lag(requests_new_total) OVER agency_years AS requests_new_change,
  requests_granted_total,
  requests_granted_total - lag(requests_granted_total) OVER agency_years AS requests_granted_change,
  requests_handled_total,
  requests_handled_total - lag(requests_handled_total) OVER agency_years AS requests_handled_change,
  review_total,
  review_total - lag(review_total) OVER agency_years AS review_change,
  litigation_total,
  litigation_total - lag(litigation_total) OVER agency_years AS litigation_change,
  url AS report_url
FROM reports
WHERE agency IS NOT NULL AND report_year IS NOT NULL
WINDOW agency_years AS (PARTITION BY agency ORDER BY report_year, url)
