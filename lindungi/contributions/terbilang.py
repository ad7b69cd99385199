"""Integer rupiah in Indonesian words ("terbilang"), as printed on invoices and receipts.

Rules: 1 is "satu" except as the leading unit of 10, 11-19, 100 and 1,000, which become
"sepuluh", "sebelas", "seratus" and "seribu"; "seribu" only for exactly one thousand in the
thousands group (1,000,000 is "satu juta", never "sejuta", as bank forms write it). Scales go
up to triliun, so any amount below 1,000 trillion is accepted.
"""

_UNITS = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
# Group scale words, from 10^3 upwards.
_SCALES = ("", "ribu", "juta", "miliar", "triliun")
LIMIT = 1000 ** len(_SCALES)


def _below_thousand(number: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(number, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_UNITS[hundreds], "ratus"]
    tens, units = divmod(rest, 10)
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif tens == 1:
        words += [_UNITS[units], "belas"]
    else:
        if tens:
            words += [_UNITS[tens], "puluh"]
        if units:
            words.append(_UNITS[units])
    return words


def terbilang(number: int) -> str:
    """The number in words: 1_680_000_000 -> "satu miliar enam ratus delapan puluh juta"."""
    if not isinstance(number, int) or isinstance(number, bool):
        raise TypeError(f"terbilang needs an integer, got {type(number).__name__}")
    if number < 0:
        return "minus " + terbilang(-number)
    if number >= LIMIT:
        raise ValueError(f"{number} is too large for terbilang (limit {LIMIT - 1})")
    if number == 0:
        return "nol"
    groups: list[int] = []
    while number:
        number, group = divmod(number, 1000)
        groups.append(group)
    words: list[str] = []
    for scale in range(len(groups) - 1, -1, -1):
        group = groups[scale]
        if not group:
            continue
        if scale == 1 and group == 1:
            words.append("seribu")
            continue
        words += _below_thousand(group)
        if _SCALES[scale]:
            words.append(_SCALES[scale])
    return " ".join(words)


def terbilang_rupiah(amount: int) -> str:
    """ "satu miliar enam ratus delapan puluh juta rupiah" """
    return f"{terbilang(amount)} rupiah"
