"""The rules a job offer is checked against, each with its severity and its source in facts.md.

Every figure and rule here comes from the project's verified fact sheet
(``/work/shared/spec/facts.md``); the section is named in ``source`` so an officer can look it up.
Texts are Indonesian gettext message ids: handlers translate them, the CLI prints them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["red", "amber"]


def lazy(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True, slots=True)
class FlagRule:
    """One warning sign: its code, its severity, the rule it breaks and where that is written."""

    code: str
    severity: Severity
    text: str
    source: str


# Figures from facts.md, used by the checker and the cost calculator.
MINIMUM_AGE = 18  # UU 18/2017 Pasal 5 (facts 1.1)
TAIWAN_DOMESTIC_CAP_RUPIAH = 9_622_000  # Kepka BP2MI 50/2023 (facts 8.5), plus NT$20.000
TAIWAN_DOMESTIC_CAP_TWD = 20_000
# facts 2: the NT$60.000 agency fee was "sekitar Rp32 juta"; the only NT$-to-rupiah ratio given.
RUPIAH_PER_TWD = 32_000_000 / 60_000
TAIWAN_FORMAL_BUY_JOB_RUPIAH = 25_000_000  # GANAS: "beli job" Rp25-100 juta (facts 8.5)
EPS_TOPIK_FEE_RUPIAH = 459_526  # USD 28 (facts 8.2)
KUR_PMI_RATE = 6.0  # % per year, effective (facts 6.2)
KUR_PMI_MAX_RUPIAH = 100_000_000
KUR_PMI_MAX_MONTHS = 36
HONG_KONG_DOMESTIC_MIN_HKD = 5_100  # MAW from 30 Sep / 1 Oct 2025 (facts 8.4)
TAIWAN_DOMESTIC_MIN_TWD = 20_000  # since August 2022 (facts 8.5)
TAIWAN_FORMAL_MIN_TWD = 26_400  # 1 January 2023, KDEI (facts 8.5)
SAUDI_PROMISED_MIN_SAR = 1_500  # promised by Saudi Arabia, March 2025 (facts 8.1)


def taiwan_domestic_cap_rupiah() -> int:
    """Return the Taiwan domestic cap in rupiah: Rp9.622.000 + NT$20.000 at the source's ratio."""
    return round(TAIWAN_DOMESTIC_CAP_RUPIAH + TAIWAN_DOMESTIC_CAP_TWD * RUPIAH_PER_TWD)


# The ten zero-cost jobs of Perban 9/2020, as the job categories the extractor uses.
ZERO_COST_JOBS = frozenset({"prt", "caregiver", "abk_perikanan", "perkebunan", "kebersihan"})
DOMESTIC_JOBS = frozenset({"prt", "caregiver"})

RULES: dict[str, FlagRule] = {
    rule.code: rule
    for rule in (
        FlagRule(
            "usia_di_bawah_18",
            "red",
            lazy("Usia di bawah 18 tahun: syarat PMI minimal 18 tahun untuk semua pekerjaan."),
            "UU 18/2017 Pasal 5 (facts 1.1)",
        ),
        FlagRule(
            "umur_dipalsukan",
            "red",
            lazy(
                "Umur atau identitas akan diubah: memalsukan data dokumen adalah pidana "
                "dan tanda perdagangan orang."
            ),
            "UU 18/2017 Pasal 79-80 (facts 1.8, 4.4)",
        ),
        FlagRule(
            "visa_bukan_kerja",
            "red",
            lazy(
                "Berangkat dengan visa turis, kunjungan atau umrah: PMI wajib punya visa kerja; "
                "ini modus perdagangan orang."
            ),
            "UU 18/2017 Pasal 13; Menteri P2MI 28/4/2025 (facts 1.2, 4.4)",
        ),
        FlagRule(
            "perekrut_perorangan",
            "red",
            lazy(
                "Direkrut perorangan (sponsor/calo) tanpa perusahaan: hanya P3MI berizin "
                "SIP3MI yang boleh menempatkan; perorangan diancam penjara paling lama 10 tahun."
            ),
            "UU 18/2017 Pasal 51 dan 81 (facts 1.4, 1.8)",
        ),
        FlagRule(
            "negara_rawan_scam",
            "red",
            lazy(
                "Tujuan Kamboja, Myanmar, Laos atau Thailand: tidak ada kerja sama penempatan, "
                "banyak korban dipaksa jadi penipu online."
            ),
            "Wamen P2MI April 2025; Kemenlu (facts 4.4)",
        ),
        FlagRule(
            "kerja_online_scam",
            "red",
            lazy(
                "Pekerjaan 'online' (admin, CS, kripto, judi): ciri lowongan penipuan "
                "online scam di luar negeri."
            ),
            "Kemenlu, MetroTV (facts 4.4)",
        ),
        FlagRule(
            "prt_timur_tengah",
            "red",
            lazy(
                "PRT untuk majikan perorangan di Timur Tengah: dilarang sejak 2015, "
                "kecuali skema SPSK lewat syarikah."
            ),
            "Kepmenaker 260/2015; Kepmenaker 291/2018 (facts 8.1)",
        ),
        FlagRule(
            "biaya_jabatan_bebas",
            "red",
            lazy(
                "Diminta biaya untuk jabatan yang bebas biaya penempatan "
                "(PRT, pengasuh, perawat lansia, ABK perikanan, perkebunan, dll.)."
            ),
            "Perban BP2MI 9/2020; UU 18/2017 Pasal 30 (facts 2, 1.5)",
        ),
        FlagRule(
            "biaya_melebihi_taiwan",
            "red",
            lazy(
                "Biaya melebihi batas cost structure Taiwan untuk PRT/caregiver: "
                "paling banyak Rp9.622.000 ditambah NT$20.000."
            ),
            "Kepka BP2MI 50/2023 (facts 8.5)",
        ),
        FlagRule(
            "tanpa_pelatihan",
            "red",
            lazy(
                "Dijanjikan tanpa pelatihan: PMI wajib punya kompetensi dan sertifikat "
                "kompetensi; pelatihan tidak sesuai aturan adalah modus TPPO."
            ),
            "UU 18/2017 Pasal 5 dan 13; Menteri P2MI 28/4/2025 (facts 1.1, 1.2, 4.4)",
        ),
        FlagRule(
            "gaji_tinggi_tanpa_syarat",
            "red",
            lazy(
                "Gaji tinggi tanpa syarat keahlian, pengalaman atau bahasa: "
                "ciri lowongan penipuan menurut Kemenlu."
            ),
            "Kemenlu, Direktur PWNI (facts 4.4)",
        ),
        FlagRule(
            "dokumen_ditahan",
            "red",
            lazy(
                "Paspor atau dokumen dipegang agen/majikan: PMI berhak menguasai "
                "dokumen perjalanannya sendiri."
            ),
            "UU 18/2017 Pasal 6 ayat 1; indikator kerja paksa ILO (facts 1.3, 4.5)",
        ),
        FlagRule(
            "uang_muka_keluarga",
            "red",
            lazy(
                "Diberi uang muka / uang saku / DP sebelum berangkat: modus calo untuk "
                "mengikat calon pekerja dan keluarganya."
            ),
            "Poskota 2025; MetroTV 2023; Menteri P2MI 12/2024 (facts 4.4)",
        ),
        FlagRule(
            "jalur_tikus",
            "red",
            lazy(
                "Berangkat lewat transit atau jalur tidak resmi (jalur tikus, Batam, Kalbar): "
                "modus perdagangan orang."
            ),
            "Menteri P2MI 28/4/2025; MetroTV 2023 (facts 4.4)",
        ),
        FlagRule(
            "perusahaan_belum_jelas",
            "amber",
            lazy(
                "Belum jelas siapa yang merekrut: penempatan hanya lewat P3MI berizin, "
                "BP2MI (G to G) atau perusahaan sendiri; cek di SISKOP2MI."
            ),
            "UU 18/2017 Pasal 49 dan 51; SISKOP2MI (facts 1.4, 3.3)",
        ),
        FlagRule(
            "berangkat_cepat",
            "amber",
            lazy(
                "Dijanjikan berangkat dalam sebulan atau kurang: proses resmi meliputi "
                "pendaftaran di LTSA, pemeriksaan kesehatan, pelatihan dan OPP."
            ),
            "UU 18/2017 Pasal 13; PP 59/2021 (facts 1.2, 1.7, 9.1)",
        ),
        FlagRule(
            "biaya_perlu_cek",
            "amber",
            lazy(
                "Diminta biaya: PMI tidak dapat dibebani biaya penempatan di luar ketentuan; "
                "minta rinciannya dan cocokkan dengan cost structure resmi di BP3MI."
            ),
            "UU 18/2017 Pasal 30; Permen P2MI 17/2025 (facts 1.5, 2)",
        ),
        FlagRule(
            "beli_job",
            "amber",
            lazy(
                "Biaya Rp25 juta atau lebih untuk pabrik Taiwan: praktik 'beli job' "
                "yang dilaporkan jauh di atas ketentuan."
            ),
            "Focus Taiwan, GANAS (facts 8.5)",
        ),
        FlagRule(
            "bunga_tinggi",
            "amber",
            lazy(
                "Bunga pinjaman di atas KUR PMI: KUR PMI berbunga 6% per tahun "
                "(plafon Rp100 juta), pinjaman tidak resmi 20-50%."
            ),
            "KP2MI 17/9/2025; BNI (facts 6.2)",
        ),
        FlagRule(
            "cek_arab_saudi",
            "amber",
            lazy(
                "Tujuan Arab Saudi: pencabutan moratorium belum terverifikasi; "
                "cek ke KP2MI sebelum menerima tawaran."
            ),
            "Menteri P2MI 14/3/2025 (facts 8.1)",
        ),
        FlagRule(
            "gaji_di_bawah_minimum",
            "amber",
            lazy(
                "Gaji di bawah upah minimum negara tujuan "
                "(Hong Kong PRT HK$5.100; Taiwan PRT/caregiver NT$20.000)."
            ),
            "Upah minimum Hong Kong 2025; Taiwan 2022 (facts 8.4, 8.5)",
        ),
        FlagRule(
            "korea_bukan_g2g",
            "amber",
            lazy(
                "Korea Selatan lewat sponsor/agen atau dengan biaya: program resmi adalah "
                "G to G EPS, daftar lewat SISKOP2MI, biaya ujian USD 28."
            ),
            "Pengumuman KP2MI 2025, HRD Korea EPS (facts 8.2)",
        ),
    )
}

__all__ = [
    "DOMESTIC_JOBS",
    "RULES",
    "ZERO_COST_JOBS",
    "FlagRule",
    "Severity",
    "taiwan_domestic_cap_rupiah",
]
