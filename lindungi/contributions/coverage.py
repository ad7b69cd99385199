"""Table names the contributions SQL uses most (billing, payments, reconciliation).

Names come from `core.sql.table` (the one home of raw SQL); who is covered in a month is
enrollment's rule: `lindungi.enrollment.coverage.covered_in_sql`.
"""

from lindungi.core.sql import table
from lindungi.enrollment.models import Enrollment
from lindungi.registry.models import Person

ENROLLMENT = table(Enrollment)
PERSON = table(Person)
