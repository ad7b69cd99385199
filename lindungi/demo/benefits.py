"""The 2025 story's claims: the insurer's December claim file and one death the province hears
of first, through the same services users call (benefits app).

About 40 families and Rp846 million paid, as the insurer's NTT office reported by December
2025 (DOMAIN.md §1), with the deliberate problems the checks must catch (see
benefits.simulator). The file is imported as of 20 December 2025, when December is billed
but not yet paid.
"""

from datetime import date

FILE_DATE = date(2025, 12, 20)
FAMILIES = 40


def add_claims(*, user, programme, seed: int) -> dict[str, int]:
    from lindungi.benefits.importing import import_claims
    from lindungi.benefits.services import HeirInput, report_death
    from lindungi.benefits.simulator import simulate_claims
    from lindungi.enrollment.choices import EnrollmentState
    from lindungi.enrollment.models import Enrollment

    content = simulate_claims(programme=programme, families=FAMILIES, seed=seed, as_of=FILE_DATE)
    result = import_claims(
        user=user, file_name="klaim-bpjstk-2025-12.csv", content=content, today=FILE_DATE
    )
    # A fisher drowned on 16 December; the village head told the province before the insurer.
    reported = (
        Enrollment.objects.filter(programme=programme, state=EnrollmentState.ACTIVE)
        .order_by("-pk")
        .values_list("person__nik", flat=True)
        .first()
    )
    if reported:
        report_death(
            user=user,
            nik=reported,
            died_on=date(2025, 12, 16),
            reported_by_name="Kepala Desa",
            note="Tenggelam saat melaut",
            heirs=(
                HeirInput("ISTRI NELAYAN", "spouse"),
                HeirInput("ANAK NELAYAN", "child", date(2014, 8, 1), "smp"),
            ),
            today=FILE_DATE,
        )
    return {
        "claim_rows": result.rows_read,
        "claim_rows_rejected": result.rows_rejected,
        "claims": result.claims_touched + (1 if reported else 0),
    }
