"""The NTT 2025 story, built on an empty database through the same services users call.

Every step goes through the public service of its app (import, selection, approval, submission,
the insurer's response, exits and replacements, billing and payments), so the demo exercises the
real code paths and leaves a complete audit trail. Nothing here writes a model directly.
"""

import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings

from lindungi.core.dates import Month
from lindungi.core.permissions import Action, require
from lindungi.core.progress import NULL_PROGRESS, Progress
from lindungi.demo.benefits import add_claims

PROGRAMME_2025 = "Perlindungan Pekerja Rentan NTT 2025"
PROGRAMME_2026 = "Perlindungan Pekerja Rentan NTT 2026"
COVERAGE_START = date(2025, 7, 18)
COVERAGE_END = date(2025, 12, 31)
REPLACEMENT_CUTOFF = date(2025, 10, 31)


@dataclass
class DemoResult:
    created: bool
    figures: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoScale:
    """The full story by default; tests shrink it."""

    candidates: int = 150_000
    target: int = 100_000
    seed: int = 2025
    exit_share: float = 0.004


def demo_exists() -> bool:
    from lindungi.programs.models import Programme

    return Programme.objects.filter(name=PROGRAMME_2025).exists()


def load_demo(
    *, user, scale: DemoScale = DemoScale(), progress: Progress = NULL_PROGRESS
) -> DemoResult:
    """Build the 2025 story once; a second call changes nothing and says so. Every step is a
    service that checks `user`'s permission; building the demo needs them all."""
    require(user, Action.MANAGE_USERS)
    if demo_exists():
        return DemoResult(created=False)
    steps = _Steps(user=user, scale=scale, progress=progress)
    return DemoResult(created=True, figures=steps.run())


class _Steps:
    LABELS = (
        "Membuat data calon",
        "Mengimpor calon",
        "Membuat program 2025",
        "Menjalankan seleksi",
        "Mengirim ke BPJS Ketenagakerjaan",
        "Mencatat peserta keluar dan pengganti",
        "Menagih iuran Juli-Desember",
        "Memperpanjang program ke 2026",
        "Merangkum dasbor",
        "Menyiapkan Paritrana Award",
    )

    def __init__(self, *, user, scale: DemoScale, progress: Progress) -> None:
        self.user = user
        self.scale = scale
        self.progress = progress
        self.figures: dict[str, int] = {}
        self.directory = Path(settings.VAR_DIR) / "demo"
        self.directory.mkdir(parents=True, exist_ok=True)

    def run(self) -> dict[str, int]:
        self.progress.start(len(self.LABELS), "Demo NTT 2025")
        path = self._generate()
        self._import(path)
        programme = self._programme_2025()
        run = self._select(programme)
        self._enroll(programme, run)
        self._exits_and_replacements(programme)
        self._bill_and_pay(programme)
        self.figures.update(add_claims(user=self.user, programme=programme, seed=self.scale.seed))
        self._programme_2026(programme)
        self._summarise()
        self._awards()
        self.progress.finish()
        return self.figures

    def _preparer(self):
        """The province officer who prepares what the administrator approves (a second
        person: issue 19, point 3): the demo login "provinsi", made if it is missing."""
        from django.conf import settings as django_settings

        from lindungi.accounts.models import User
        from lindungi.accounts.services import DEMO_LOGINS, create_user
        from lindungi.core.roles import Role

        officers = User.objects.filter(role=Role.PROVINCE_OFFICER, is_active=True).exclude(
            pk=self.user.pk
        )
        if not officers.exists():
            login = next(item for item in DEMO_LOGINS if item.role == Role.PROVINCE_OFFICER)
            create_user(
                username=login.username,
                password=django_settings.LINDUNGI_DEMO_PASSWORD,
                role=login.role,
                regency_code=None,
            )
        return officers.order_by("pk").first()

    def _step(self) -> None:
        self.progress.advance()

    def _generate(self) -> Path:
        from lindungi.demo.generation import generate_candidates, write_csv

        path = self.directory / f"kandidat-dtsen-{self.scale.seed}.csv"
        rows = generate_candidates(count=self.scale.candidates, seed=self.scale.seed)
        write_csv(path, rows, total=self.scale.candidates)
        self._step()
        return path

    def _import(self, path: Path) -> None:
        from lindungi.registry.importing import import_candidates

        result = import_candidates(
            file=path, file_name=path.name, user=self.user, source="DTSEN", edition="2025-03"
        )
        self.figures.update(
            read=result.rows_read,
            accepted=result.rows_accepted,
            rejected=result.rows_rejected,
        )
        self._step()

    def _create_programme(self, *, name, year, start, end, cohorts):
        """A province-wide JKK + JKM programme with quotas by poor population, and its cohorts."""
        from lindungi.programs.choices import Package, QuotaMethod
        from lindungi.programs.services import add_cohort, create_programme

        programme = create_programme(
            user=self.user,
            name=name,
            year=year,
            coverage_start=start,
            coverage_end=end,
            target_headcount=sum(cohort["headcount"] for cohort in cohorts),
            province_code="53",
            package=Package.JKK_JKM,
            income_basis=1_000_000,
            quota_method=QuotaMethod.POOR_POPULATION,
        )
        for cohort in cohorts:
            add_cohort(user=self.user, programme=programme, **cohort)
        return programme

    def _province_cohort(self, year: int, headcount: int) -> dict:
        from lindungi.programs.choices import FundingSource, PayerType

        return {
            "name": f"APBD Provinsi NTT {year}",
            "payer_type": PayerType.PROVINCE,
            "payer_name": "Pemerintah Provinsi Nusa Tenggara Timur",
            "funding_source": FundingSource.APBD,
            "headcount": headcount,
        }

    def _budget(self, programme, *, months: int, document: str) -> None:
        """Each payer's APBD appropriation: its cohort's places for the programme's months."""
        from lindungi.contributions.budget import add_appropriation
        from lindungi.contributions.policy import cohort_shares
        from lindungi.programs.choices import Sector
        from lindungi.programs.rates import monthly_contribution

        for share in cohort_shares(programme):
            monthly = monthly_contribution(
                package=programme.package,
                basis=programme.income_basis,
                month=Month.of(programme.coverage_start),
                sector=Sector.OTHER,
                funding_source=share.payer.funding_source,
            ).total
            add_appropriation(
                payer=share.payer,
                fiscal_year=programme.year,
                account_code="5.1.02.01.01.0024",  # belanja iuran jaminan sosial (APBD)
                amount=share.cohort.headcount * monthly * months,
                document_reference=f"{document} {share.payer.name}",
                user=self.user,
            )

    def _programme_2025(self):
        from lindungi.demo.payments import lapsing_cohort

        lapsing = lapsing_cohort(self.scale.target)
        programme = self._create_programme(
            name=PROGRAMME_2025,
            year=2025,
            start=COVERAGE_START,
            end=COVERAGE_END,
            cohorts=[
                self._province_cohort(2025, self.scale.target - lapsing["headcount"]),
                lapsing,
            ],
        )
        # July to December: Rp10.08 billion at the full scale (DOMAIN.md §1).
        self._budget(programme, months=6, document="DPA 2025")
        self._step()
        return programme

    def _select(self, programme):
        from lindungi.programs.approval import approve_run
        from lindungi.programs.selection import run_selection

        # Maker-checker: a province officer runs the selection, the administrator approves it.
        summary = run_selection(user=self._preparer(), programme=programme)
        run = programme.runs.get(pk=summary.run_id)
        run = approve_run(user=self.user, run=run)
        self.figures.update(eligible=summary.eligible, selected=summary.selected)
        self._step()
        return run

    def _submit_and_answer(
        self, programme, *, start_date: date, seed: int, answered_on: date | None = None
    ) -> None:
        from lindungi.enrollment.batches import batch_csv_path, make_submission, mark_batch_sent
        from lindungi.enrollment.responses import import_insurer_response
        from lindungi.enrollment.simulator import simulate_response

        batch = make_submission(user=self.user, programme=programme, start_date=start_date)
        mark_batch_sent(user=self.user, batch=batch)
        response = simulate_response(batch_csv_path(batch).read_bytes(), seed=seed)
        import_insurer_response(
            user=self.user,
            file_name=f"respons-{batch.number}.csv",
            content=response,
            batch=batch,
            on=answered_on,
        )

    def _enroll(self, programme, run) -> None:
        from lindungi.enrollment.choices import EnrollmentState, ReplacementMode
        from lindungi.enrollment.models import Enrollment
        from lindungi.enrollment.services import enroll_selected, set_replacement_policy

        set_replacement_policy(
            user=self.user,
            programme=programme,
            cutoff_date=REPLACEMENT_CUTOFF,
            mode=ReplacementMode.AUTOMATIC,
        )
        enroll_selected(run=run, user=self.user)
        # The insurer answers a week later; the places it refuses are refilled from the
        # waitlist (before the cut-off) and those people ride a batch from 1 August.
        self._submit_and_answer(
            programme,
            start_date=COVERAGE_START,
            seed=self.scale.seed,
            answered_on=date(2025, 7, 25),
        )
        if Enrollment.objects.filter(programme=programme, state=EnrollmentState.SELECTED).exists():
            self._submit_and_answer(
                programme,
                start_date=date(2025, 8, 1),
                seed=self.scale.seed + 2,
                answered_on=date(2025, 8, 8),
            )
        self.figures["refilled_refusals"] = Enrollment.objects.filter(
            programme=programme, replaces__state=EnrollmentState.REJECTED
        ).count()
        self._step()

    def _exits_and_replacements(self, programme) -> None:
        from lindungi.enrollment.choices import EnrollmentState
        from lindungi.enrollment.exits import import_exits
        from lindungi.enrollment.models import Enrollment

        active = list(
            Enrollment.objects.filter(programme=programme, state=EnrollmentState.ACTIVE)
            .order_by("person__nik")
            .values_list("person__nik", flat=True)
        )
        rng = random.Random(self.scale.seed)
        leaving = rng.sample(active, max(1, int(len(active) * self.scale.exit_share)))
        # Two files: one recorded on 15 October (its places are refilled: before the 31 October
        # cut-off), one on 30 November (after it: those places stay empty).
        files: dict[date, list[str]] = {date(2025, 10, 15): [], date(2025, 11, 30): []}
        for index, nik in enumerate(sorted(leaving)):
            reason = "meninggal dunia" if index % 3 == 0 else "penerima upah"
            # Spread over August to November.
            ended = date(2025, 8 + index % 4, 1 + index % 28)
            recorded = min(day for day in files if day >= ended)
            files[recorded].append(f"{nik},{reason},{ended:%d/%m/%Y}")
        for recorded, lines in files.items():
            if not lines:
                continue
            result = import_exits(
                user=self.user,
                file_name=f"keluar-{recorded:%Y-%m-%d}.csv",
                content="\n".join(["NIK,ALASAN,TANGGAL", *lines]).encode(),
                today=recorded,
            )
            self.figures["exit_replacements"] = (
                self.figures.get("exit_replacements", 0) + result.replacements
            )
        self.figures["exits"] = len(leaving)
        # Replacements ride a second batch, starting the first day of December.
        if Enrollment.objects.filter(programme=programme, state=EnrollmentState.SELECTED).exists():
            self._submit_and_answer(
                programme,
                start_date=date(2025, 12, 1),
                seed=self.scale.seed + 1,
                answered_on=date(2025, 12, 5),
            )
        self._step()

    def _bill_and_pay(self, programme) -> None:
        from lindungi.demo.payments import bill_pay_and_lapse

        figures = bill_pay_and_lapse(
            user=self.user, programme=programme, start=COVERAGE_START, end=COVERAGE_END
        )
        self.figures.update(
            billed=figures.billed,
            paid=figures.paid,
            late_payments=figures.late_payments,
            lapsed=figures.lapsed,
        )
        self._step()

    def _programme_2026(self, programme_2025) -> None:
        """The second year (issue 13): renewed, re-verified, selected, billed per payer."""
        from lindungi.demo.second_year import run_second_year

        self.figures.update(
            run_second_year(
                user=self.user,
                preparer=self._preparer(),
                programme_2025=programme_2025,
                target=self.scale.target,
                candidates=self.scale.candidates,
                seed=self.scale.seed,
                directory=self.directory,
            )
        )
        self._step()

    def _awards(self) -> None:
        from lindungi.demo.awards import build_awards

        self.figures.update(build_awards(user=self.user))
        self._step()

    def _summarise(self) -> None:
        from lindungi.reports.services import refresh_summaries

        refresh_summaries(user=self.user)
        self._step()
