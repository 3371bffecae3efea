-- Benchmarks/report-quarterly.sql in PostgreSQL's dialect: the figures of the quarterly report
-- for Q2 2026/27, as a data analyst would write them, for Benchmarks/server.sh.
SELECT count(*) FROM mothers WHERE referral_date BETWEEN '2026-07-01' AND '2026-09-30';
SELECT count(*) FROM matches WHERE started_on BETWEEN '2026-07-01' AND '2026-09-30';
SELECT round(sum(minutes) / 60.0), count(*) FROM visits WHERE date BETWEEN '2026-07-01' AND '2026-09-30';
SELECT referrer, count(*) AS referrals FROM mothers WHERE referral_date BETWEEN '2026-07-01' AND '2026-09-30'
  GROUP BY referrer ORDER BY referrals DESC;
SELECT CASE status WHEN 'declined' THEN 'declined' ELSE 'accepted' END, count(*) FROM mothers
  WHERE referral_date BETWEEN '2026-07-01' AND '2026-09-30' GROUP BY 1;
SELECT count(*), avg(m.started_on - mo.referral_date) FROM matches m
  JOIN mothers mo ON mo.id = m.mother_id WHERE m.started_on BETWEEN '2026-07-01' AND '2026-09-30';
SELECT m.started_on - mo.referral_date AS d FROM matches m
  JOIN mothers mo ON mo.id = m.mother_id WHERE m.started_on BETWEEN '2026-07-01' AND '2026-09-30' ORDER BY d;
SELECT min(v.date) - m.started_on AS d FROM matches m JOIN visits v ON v.match_id = m.id
  WHERE m.started_on BETWEEN '2026-07-01' AND '2026-09-30' GROUP BY m.id ORDER BY d;
SELECT kind, count(*) AS contacts, sum(minutes) FROM visits WHERE date BETWEEN '2026-07-01' AND '2026-09-30'
  GROUP BY kind ORDER BY contacts DESC;
SELECT to_char(date, 'YYYY-MM'), count(*) FROM visits WHERE date BETWEEN '2026-04-01' AND '2026-09-30' GROUP BY 1 ORDER BY 1;
SELECT vo.site, count(*), sum(v.minutes) / 60.0 FROM visits v JOIN matches m ON m.id = v.match_id
  JOIN volunteers vo ON vo.id = m.volunteer_id WHERE v.date BETWEEN '2026-07-01' AND '2026-09-30'
  GROUP BY vo.site ORDER BY vo.site;
