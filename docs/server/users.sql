-- docs/server/users.sql: one group of logins that may read and change every record, for a
-- project that has not declared roles. A project with roles gives each person their own login
-- in their role's group instead (peer people add; docs/people.md): once the server enforces
-- roles, row-level security is on and a login in this group sees no records.
--
-- What coordinators' logins may do on a project's database, run once by
-- the login that made the project (peer init --database URL), which owns the tables:
--
--   psql "postgresql://OWNER@HOST:5432/DBNAME" -v users=peer_users -f docs/server/users.sql
--
-- Everyday logins are members of the group role (CREATE ROLE ann LOGIN IN ROLE peer_users;
-- then \password ann). They can read and change records and append to the audit trail, but not
-- change or remove what it holds, nor its trigger: only the owner could, so the owner's login
-- is kept for setting up and upgrading, not for everyday work.
\set ON_ERROR_STOP on
CREATE ROLE :users NOLOGIN;
GRANT USAGE ON SCHEMA public TO :users;
GRANT SELECT, INSERT, UPDATE, DELETE ON volunteers, mothers, matches, visits, endings, services, tasks TO :users;
GRANT SELECT, INSERT ON audit TO :users;
GRANT SELECT ON peer_schema TO :users;
GRANT SELECT, UPDATE ON peer_writes TO :users;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO :users;
