-- Least privilege for the application role, in the database the session is
-- connected to. Run by the owner (or a superuser) with psql variables
--   owner  the role that owns the tables and runs migrations (hemgenix_owner)
--   app    the role the application connects as (hemgenix_app)
-- Idempotent: bin/create-db-roles runs it before and after `manage.py migrate`,
-- and tests/operations/test_db_roles.py applies it to the test database.

-- Nobody but the owner creates anything; the app may connect and use the schema.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";

-- Rows only: no TRUNCATE, REFERENCES or TRIGGER, and no DDL (the app owns
-- nothing, so it cannot ALTER, DROP or disable a trigger).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM :"app";

-- Tables the owner creates later (the next migration) get the same grants.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app";

-- Append-only records (migration 0004's triggers refuse UPDATE and DELETE as
-- well): the app may add rows and read them, never change or remove one.
-- Infusions too: a correction is a new version (0016_state_triggers).
-- The migrations table and the schema belong to the owner alone.
SET hemgenix.app = :'app';
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['authorizations_auditevent', 'authorizations_determination',
                             'authorizations_letter', 'authorizations_membercopy',
                             'authorizations_decisionreason', 'authorizations_answerversion',
                             'authorizations_documentreceipt', 'authorizations_infusion',
                             'django_migrations',
                             -- Issue 21: the mailing of members' copies, an appeal's receipt.
                             'authorizations_mailingbatch', 'authorizations_mailedcopy',
                             'authorizations_appealreceipt'] LOOP
        IF to_regclass('public.' || t) IS NOT NULL THEN
            EXECUTE format('REVOKE UPDATE, DELETE ON public.%I FROM %I', t,
                           current_setting('hemgenix.app'));
        END IF;
    END LOOP;
    IF to_regclass('public.django_migrations') IS NOT NULL THEN
        EXECUTE format('REVOKE INSERT ON public.django_migrations FROM %I',
                       current_setting('hemgenix.app'));
    END IF;
END $$;
