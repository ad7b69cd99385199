"""Table names for the contributions SQL (billing, payments, reconciliation).

Who is covered in a month is enrollment's rule: `lindungi.enrollment.coverage.covered_in_sql`.
"""

from django.db import connection

from lindungi.enrollment.models import Enrollment
from lindungi.registry.models import Person


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


ENROLLMENT = table(Enrollment)
PERSON = table(Person)
