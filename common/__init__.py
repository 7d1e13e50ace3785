"""Helpers with no domain, shared by every app: bulk SQL (db), the business-day calendar, bar
charts, the read-only admin base. Imports no app of the portal."""
