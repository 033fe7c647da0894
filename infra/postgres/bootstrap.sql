-- Database bootstrap for the concert booking system. Idempotent: safe to re-run.
-- Run as a superuser with psql (it uses psql meta-commands):
--   psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -v dbname=concert -f infra/postgres/bootstrap.sql
-- Without -v dbname it bootstraps `concert`. Used by infra/scripts/db-bootstrap.sh and, in
-- infra/docker-compose.yml, as a docker-entrypoint-initdb.d script.
--
-- Creates: roles booking_svc, payment_svc, queue_svc (LOGIN, password = role name; LOCAL USE ONLY),
-- the database, schemas booking (owned by booking_svc) and payment (owned by payment_svc).
-- Isolation: no PUBLIC access to the database or schema public; each service role can use only
-- its own schema (booking_svc has no USAGE on payment and vice versa).

\set ON_ERROR_STOP on
\if :{?dbname}
\else
  \set dbname concert
\endif

-- Roles (cluster-wide).
SELECT format('CREATE ROLE %I LOGIN', r)
FROM unnest(ARRAY['booking_svc', 'payment_svc', 'queue_svc']) AS r
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)
\gexec
ALTER ROLE booking_svc LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'booking_svc';
ALTER ROLE payment_svc LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'payment_svc';
ALTER ROLE queue_svc   LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'queue_svc';

-- Database.
SELECT format('CREATE DATABASE %I ENCODING ''UTF8'' TEMPLATE template0', :'dbname')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'dbname')
\gexec

SELECT format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', :'dbname') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO booking_svc, payment_svc, queue_svc', :'dbname') \gexec

\connect :"dbname"
SET client_min_messages = warning;

-- Nobody but superusers (and the owner) may use schema public.
REVOKE ALL ON SCHEMA public FROM PUBLIC;

-- One schema per service, owned by that service's role.
CREATE SCHEMA IF NOT EXISTS booking AUTHORIZATION booking_svc;
CREATE SCHEMA IF NOT EXISTS payment AUTHORIZATION payment_svc;
ALTER SCHEMA booking OWNER TO booking_svc;
ALTER SCHEMA payment OWNER TO payment_svc;

REVOKE ALL ON SCHEMA booking FROM PUBLIC;
REVOKE ALL ON SCHEMA payment FROM PUBLIC;
REVOKE ALL ON SCHEMA payment FROM booking_svc, queue_svc;
REVOKE ALL ON SCHEMA booking FROM payment_svc, queue_svc;

-- Unqualified names resolve to the role's own schema in this database.
SELECT format('ALTER ROLE booking_svc IN DATABASE %I SET search_path = booking', :'dbname') \gexec
SELECT format('ALTER ROLE payment_svc IN DATABASE %I SET search_path = payment', :'dbname') \gexec

-- Check the isolation; fail loudly if something grants cross-schema access.
DO $$
BEGIN
  IF has_schema_privilege('booking_svc', 'payment', 'USAGE')
     OR has_schema_privilege('payment_svc', 'booking', 'USAGE')
     OR has_schema_privilege('queue_svc', 'booking', 'USAGE')
     OR has_schema_privilege('queue_svc', 'payment', 'USAGE')
     OR has_schema_privilege('booking_svc', 'public', 'USAGE')
     OR has_schema_privilege('payment_svc', 'public', 'USAGE') THEN
    RAISE EXCEPTION 'schema isolation check failed in database %', current_database();
  END IF;
  IF NOT has_schema_privilege('booking_svc', 'booking', 'USAGE,CREATE')
     OR NOT has_schema_privilege('payment_svc', 'payment', 'USAGE,CREATE') THEN
    RAISE EXCEPTION 'service roles lack privileges on their own schema in database %', current_database();
  END IF;
END
$$;
