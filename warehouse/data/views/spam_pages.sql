-- One row per page and spam kind: where injected spam was found, with how much of it.
SELECT
  coalesce(r.city, s.name) AS city,
  r.county,
  r.agency,
  f.site,
  f.kind,
  count(*) AS findings,
  min(f.text) AS example,
  r.spam_score,
  f.page_url
FROM spam_findings AS f
LEFT JOIN reports AS r ON r.url = f.page_url
LEFT JOIN sites AS s ON s.id = f.site
GROUP BY f.page_url, f.kind
