"""Signals complaints sends at its edge, for apps downstream (complaints cannot import them).

`report_submitted` is sent inside report_submit's transaction with `report`; receivers that
cause side effects (e-mail) defer them with transaction.on_commit.
"""

from django.dispatch import Signal

report_submitted = Signal()
