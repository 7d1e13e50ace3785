"""Migrations only: the tables of actions, appeals, counter_notices, suspensions, webhooks and
notifications were created here before those apps existed (see docs/architecture.md). Kept so
installed databases and fresh ones reach the same schema; its models now live in those apps."""
