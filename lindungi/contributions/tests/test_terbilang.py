import pytest

from lindungi.contributions.terbilang import terbilang, terbilang_rupiah


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (9, "sembilan"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (99, "sembilan puluh sembilan"),
        (100, "seratus"),
        (101, "seratus satu"),
        (110, "seratus sepuluh"),
        (111, "seratus sebelas"),
        (115, "seratus lima belas"),
        (200, "dua ratus"),
        (999, "sembilan ratus sembilan puluh sembilan"),
        (1_000, "seribu"),
        (1_001, "seribu satu"),
        (1_100, "seribu seratus"),
        (1_111, "seribu seratus sebelas"),
        (2_000, "dua ribu"),
        (11_000, "sebelas ribu"),
        (16_800, "enam belas ribu delapan ratus"),
        (100_000, "seratus ribu"),
        (101_000, "seratus satu ribu"),
        (111_111, "seratus sebelas ribu seratus sebelas"),
        (1_000_000, "satu juta"),
        (1_001_000, "satu juta seribu"),
        (1_680_000, "satu juta enam ratus delapan puluh ribu"),
        (10_000_000, "sepuluh juta"),
        (250_000_000, "dua ratus lima puluh juta"),
        (1_000_000_000, "satu miliar"),
        (1_680_000_000, "satu miliar enam ratus delapan puluh juta"),
        (10_080_000_000, "sepuluh miliar delapan puluh juta"),
        (1_000_000_001, "satu miliar satu"),
        (1_000_000_000_000, "satu triliun"),
        (2_001_000_001_000, "dua triliun satu miliar seribu"),
        (
            999_999_999_999_999,
            "sembilan ratus sembilan puluh sembilan triliun "
            "sembilan ratus sembilan puluh sembilan miliar "
            "sembilan ratus sembilan puluh sembilan juta "
            "sembilan ratus sembilan puluh sembilan ribu "
            "sembilan ratus sembilan puluh sembilan",
        ),
    ],
)
def test_terbilang(number, words):
    assert terbilang(number) == words


def test_rupiah_suffix_matches_the_invoice_example():
    assert terbilang_rupiah(1_680_000_000) == "satu miliar enam ratus delapan puluh juta rupiah"


def test_negative_amounts_for_credit_notes():
    assert terbilang_rupiah(-16_800) == "minus enam belas ribu delapan ratus rupiah"


def test_refuses_a_quadrillion():
    with pytest.raises(ValueError, match="too large"):
        terbilang(1_000_000_000_000_000)


@pytest.mark.parametrize("value", [1.5, "100", True, None])
def test_refuses_non_integers(value):
    with pytest.raises(TypeError):
        terbilang(value)
