"""Danger-sign lexicon: hand-written patterns for each kind of danger, and the rule verdict.

Used as features by the learned safety classifier (knowledge/safety.py) and as a floor:
the kinds it names tell the urgent reply which channels to give. Urgent means a danger
happening now (locked in, beaten, sexually abused, held, threatened with death, suicidal,
abandoned abroad without papers); a question *about* such things is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.normalize import normalize

# Each kind of danger, as patterns over normalised text (slang already rewritten:
# "aku" -> "saya", "gak" -> "tidak", "pengen" -> "ingin", "bunuh diri" -> "bunuhdiri").
DANGER: dict[str, tuple[str, ...]] = {
    "violence": (
        r"\bdi ?(pukul|hajar|aniaya|siksa|tampar|tendang|cambuk|setrum|sundut|gebuk|injak|cekik|"
        r"bacok|tusuk|sakiti|lukai|siram|jambak|seret)\w*",
        r"\b(memukul|memukuli|menyiksa|menganiaya|menampar|menendang|mencekik|menjambak|"
        r"mukul|mukulin|nyiksa|nampar|nendang|gebukin|nyekik|ngehajar|hajar) (saya|kami|anak|"
        r"istri|adik|kakak|suami|ibu)",
        r"\b(nyekik|mencekik|nyiksa)\b",
        r"\b(pukul|pokol|tampar|tendang|hajar|siksa|setrum)\w* (kepala|muka|badan|perut|punggung)",
        r"\b(pegang pegang|megang megang|raba raba|grepe grepe)\b",
        r"\be (pukul|tampar|tendang|siksa|kunci|kurung)\b",  # Madurese passive: "e pokol"
        r"\b(berdarah|babak belur|memar|lebam)\b",
        r"\b(beat|beats|beating|hit|hits|hurt|hurts) (me|us|her|him|them)\b|\bblood\b",
        r"\bdibenturkan\b|\bdisundut\b",
        r"\bbeaten\b|\bbeat me\b|\bhit me\b|\babused\b",
    ),
    "sexual": (
        r"\bdi ?(perkosa|lecehkan|leceh|cabuli|raba|grepe|gerayangi)\w*",
        r"\b(memperkosa|melecehkan|mencabuli|meraba|merkosa|ngelecehin) "
        r"(saya|kami|anak|istri|adik)",
        r"\bdipaksa (berhubungan|tidur|melayani|layani|nemenin|menemani|temani|jadi pelacur|"
        r"menjual diri|jual diri)",
        r"\bmasuk (ke )?kamar( saya|ku)\b.*"
        r"\b(megang|memegang|pegang|raba|takut|paksa|maksa|malam|scared)",
        r"\b(maksa|memaksa)\w* (saya|aku|kami)\b",
        r"\b(comes|come) into my room\b|\btouch(es|ed)? me\b",
        r"\b(raped|rape me|sexually|harass)",
    ),
    "confinement": (
        r"\bdi ?(kurung|sekap|kunci|konci|kerangkeng|rantai|ikat)\w*",
        r"\b(tidak|dilarang) (boleh|bisa|diizinkan|dikasih|diberi) (keluar|pulang|kabur|turun|"
        r"pergi|kemana|ke mana)",
        r"\bdilarang keluar\b|\btidak bisa kemana\b",
        r"\btidak (diizinkan|boleh|bisa) (ke )?(keluar|pulang|masuk)\b",
        r"\b(mengunci|kunci) (saya|kami|aku|kamar|pintu)\b|\bdi ?gembok\b",
        r"\b(mengurung|menyekap|mengurungnya|menyekapnya)\b",
        r"\b(dijaga|diawasi) (orang|penjaga|satpam|preman)|\bpenjaga bersenjata\b",
        r"\bdon t let (us|me)\b|\bguards?\b|\blocked\b",
        r"\btebusan\b|\bransom\b",
        r"\btidak (dikasih|diberi|boleh|diizinkan) (berobat|ke dokter|ke rumah sakit)",
        r"\b(take|took|takes) (our|my) (phone|passport)s?\b",
        r"\b(handphone|telepon|telpon|paspor|dokumen)( saya)? (diambil|disita|dirampas|ditahan)\b"
        r".*\b(tidak|dilarang) (boleh|bisa)",
        r"\b(tidak|dilarang) (boleh|bisa|diizinkan) (telepon|menelepon|nelepon|menghubungi|hubungi|"
        r"kontak|pegang handphone|pakai handphone)",
        r"\btidak (dikasih|diberi|dipasihan) (makan|tuang|dahar)\b|\bkelaparan\b",
        r"\b(dipaksa|disuruh|paksa) (melakukan )?(menipu|nipu|jadi penipu|kerja paksa|"
        r"jadi scammer|scam|kerja scam|kerja penipuan|jadi penipuan|penipuan)",
        r"\b(tidak mau|tidak ingin|menolak|nolak)\b.*\bdipaksa\b",
        r"\bdipaksa\b.*\b(malam ini|sekarang|barusan)",
        r"\b(compound|kompon)\b.*\b(beat|pukul|siksa|setrum|tidak boleh|tidak bisa)",
        # "dijual" alone is also data or land being sold: only people sold to someone.
        r"\bdijual (ke|kepada|sama) "
        r"(majikan|tempat|orang|bos|agen|calo|karaoke|pub|kapal|mucikari|compound|perusahaan)",
        r"(?<!data )(?<!tanah )(?<!rumah )(?<!motor )(?<!handphone )"
        r"\b(saya|kami|anak|adik|istri|kakak|dia|perempuan|cewek) (saya )?dijual\b",
        r"\bdiperjualbelikan\b",
        r"\bkabur dari (majikan|penampungan|asrama|agen|bos|perusahaan|kapal)",
        r"\b(sembunyi|ngumpet|bersembunyi) di\b",
        r"\block(ed|s)? (in|up|the door|me)\b|\btrapped\b|\bheld against\b",
        r"\b(not allowed|cannot|can not|can t) (to )?(leave|go out|get out|go home)\b",
    ),
    "threat": (
        r"\bdiancam (akan )?(dibunuh|bunuh|mati|dipukul|disiksa|pisau|senjata|pistol|dijual)",
        r"\b(ancam|mengancam|ngancam|ngancem)\w* (saya |kami )?(akan |ingin |bakal "
        r")?(bunuh|membunuh|mati)",
        r"\b(mau|akan|ingin|bakal) dibunuh\b",
        r"\b(akan|bakal|ingin|mau) (bunuh|membunuh) (saya|kami|kamu|keluarga|anak)",
        r"\bdijual ke (compound|perusahaan|tempat|majikan) lain\b|\bbayar (denda|tebusan)\b",
        r"\bbunuh (saya|kami|aku)\b",
        r"\bthreat\w* to kill\b|\bkill me\b",
    ),
    "suicide": (
        r"\bbunuhdiri\b|\bbunuh diri\b",
        r"\b(ingin|mau|lebih baik) mati\b(?! (ketawa|tertawa|kaget|penasaran))",  # idioms
        r"\bmengakhiri hidup\b|\bgantung diri\b|\bminum racun\b|\bmati saja\b",
        r"\btidak (kuat|sanggup) (lagi )?(hidup|menjalani hidup)\b|\bcapek hidup\b|\blelah hidup\b",
        r"\b(ingin|mau) (loncat|lompat|terjun)\b|\bingin mati saja\b",
        r"\bminum (obat serangga|racun|baygon|pestisida|obat nyamuk|cairan pembersih)\b",
        r"\b(siapkan|menyiapkan) tali\b",
        r"\b(tidak ada|tidak) (gunanya|artinya) (hidup|lagi hidup)\b|\bnyiapin tali\b",
        r"\bsiapkan tali\b|\bpergi (untuk )?selamanya\b",
        r"\bsuicid\w*|\bkill myself\b|\bend my life\b|\bwant to die\b",
    ),
    # Someone hurt or unconscious now, or help refused: a life may hang on the next hour.
    "medical": (
        r"\b(tidak|sudah tidak|ga|gak|nggak) (bergerak|bernapas|bernafas|sadar|sadarkan diri)\b",
        r"\b(not|no|stop|stopped) (moving|breathing|responding|waking)\b|\bunconscious\b",
        r"\b(pingsan|kejang|pendarahan|muntah darah|batuk darah|sesak napas)\b.*"
        r"\b(tidak|dilarang|melarang|menolak|larang)\b.*\b(rumah sakit|dokter|ambulans|berobat)",
        r"\b(don t|dont|do not|not|never|refuse\w*) (let |allow )?(me |us |her |him )?"
        r"(call|go to|take)\w* (an |the )?(ambulance|hospital|doctor)",
        r"\b(tidak|dilarang|melarang|menolak) (boleh |mau )?(panggil|memanggil|telepon|"
        r"menelepon) (ambulans|ambulance|dokter)",
        r"\b(kritis|koma)\b.*\b(sekarang|saat ini|ayeuna|saiki|sateya|samangken)\b|"
        r"\b(sekarang|saat ini|ayeuna|saiki|sateya|samangken)\b.*\b(di )?(icu|kritis|koma)\b",
    ),
    "stranded": (
        r"\b(terlantar|ditelantar|terdampar|terlunta)\w*",
        r"\bditinggal\w* (agen|majikan|sponsor|calo|di jalan|di bandara|di pelabuhan|di "
        r"perbatasan)",
        r"\b(tanpa|tidak punya|tidak ada) (paspor|dokumen|identitas)\b.*\b(tidak bisa|tidak punya "
        r"uang|bingung) pulang",
        r"\b(tidak bisa|tidak punya uang( untuk| buat)?) pulang\b.*\b(paspor|dokumen)",
        r"\b(tidur|terjebak|tertahan) di (bandara|pelabuhan|perbatasan|jalan)",
        r"\btidak ada yang (jemput|menjemput|bantu|nolong|menolong|datang)\b",
        r"\b(diturunin|diturunkan|dibuang)\b.*\b(calo|agen|sponsor|tekong)",
        r"\b(calo|agen|sponsor|tekong)\b.*\b(diturunin|diturunkan|dibuang)\b",
        r"\bkabur\b.*\b(di jalan|tidak ada paspor|tidak punya paspor|tidak ada uang)",
        r"\btidak tahu (ini )?(dimana|di mana)\b",
        r"\bstranded\b|\babandoned\b",
    ),
}
# Threats are conditional by nature ("kalau lapor, dibunuh"): "kalau" is no hypothetical here.
# Suicidal thoughts are urgent however they are phrased ("kalau besok saya sudah tidak ada").
CONDITIONAL_EXEMPT = frozenset({"threat", "suicide"})
# A cry for help in the present overrides hypothetical wording.
CRY = re.compile(
    r"\b(tolong|help|sos|darurat|selamatkan|bantu saya|bantu kami|cepat bantu|minta tolong)\b"
    r"(?! (info|informasi|jelaskan|jelasin|kasih tahu|kasih tau|tanya|dijawab|bagaimana|apa|"
    r"kalau|jika|bila|nanti))"
)
# A danger word inside an "if" clause is hypothetical: "kalau nanti dipukul ...".
CONDITIONAL = re.compile(
    r"\b(kalau|jika|apabila|seandainya|andaikan|misal|misalnya|umpama|bila|if|what if|"
    r"takut|khawatir|cemas|jangan sampai|umpami)"
    r"( \w+){0,5} ?$"
)
# Past events are answered normally: the person is safe now.
PAST = re.compile(
    r"\b(pernah|dulu|dahulu|tahun lalu|bulan lalu|minggu lalu|waktu itu|sudah pulang|"
    r"sudah di rumah|sudah selamat|sudah aman|sekarang aman|sudah boleh pulang|sudah bisa pulang|"
    r"berita|baca berita|lihat berita|liat berita|nonton|film|video|viral|jenazah|almarhum|"
    r"seminggu lalu|sudah pindah|mimpi|bermimpi|dibebaskan|sudah bebas|diselamatkan|"
    r"sinetron|drama|ceritanya|pengajian|ceramah|"
    r"baik baik saja|sudah dibukakan|"
    # the same in English and the regional languages: "rumiyin"/"kapungkur" (krama), "biyen"
    # (ngoko), "baheula"/"kantos" (Sundanese); news is "pawarta". Not a bare "ago" ("an
    # hour ago" is now) nor Sundanese "beja" (also "tell").
    r"rumiyin|kapungkur|nate|biyen|baheula|kantos|kungsi|pawarta|pawartos|warta|"
    r"(years?|months?) ago|last (year|month)|used to|back home|in the news|news|rescued)\b"
    r"|\b(sekarang|sudah|sampun|tos|dah|now)( \w+){0,5} (?<!tidak )(?<!belum )(aman|selamat|safe)\b"
)
# Questions about the law or signs in general, not about a person now.
GENERAL = re.compile(
    r"\b(hukuman|hukumnya|sanksi|pasal|undang|dipidana|apa itu|artinya|definisi|termasuk|"
    r"mencegah|cegah|ciri|tanda|contoh|dituntut|nuntut|menuntut|tuntut|apakah|bolehkah|"
    r"apa benar|apa bener|benarkah|benar tidak|kenapa|mengapa|rawan|jaga diri|"
    # how often, how common, prevention: a question about others, also in the regional languages
    r"seberapa|secara umum|umumnya|banyak pmi|byk pmi|naha|nyegah\w*|"
    r"how (common|often)|is it true|why do)\b"
)
# "sejak minggu lalu ... masih dikunci": a present marker beats a past one.
PRESENT = re.compile(
    r"\b(masih (di|ter)\w+|sampai sekarang|barusan|baru saja|malam ini|just now|right now)\b"
)
VICTIM = re.compile(
    r"\b(saya|kami|anak|adik|adi|kakak|istri|suami|ibu|bapak|ayah|keluarga|teman|tetangga)\b"
)
OBJECT = re.compile(r"\b(saya|kami|kita|dia)\b")  # "memukul saya": the victim after the verb
SUICIDE_KIND = "suicide"


@dataclass(frozen=True, slots=True)
class RuleVerdict:
    """The rules' verdict: urgent or not, and which kinds of danger were seen."""

    urgent: bool
    kinds: tuple[str, ...] = ()


_COMPILED = {kind: tuple(re.compile(p) for p in patterns) for kind, patterns in DANGER.items()}


def danger_kinds(normalised: str) -> tuple[tuple[str, ...], bool]:
    """Return the kinds of danger mentioned outside an 'if' clause, and whether one names a victim.

    A victim is named when a person word stands right before the danger ("anak saya disekap")
    or right after it ("memukul saya"); "orang-orang di kamboja disiksa?" names nobody.
    """
    kinds: list[str] = []
    victim = False
    for kind, patterns in _COMPILED.items():
        for pattern in patterns:
            for match in pattern.finditer(normalised):
                before = normalised[: match.start()]
                if kind in CONDITIONAL_EXEMPT or not CONDITIONAL.search(before):
                    if kind not in kinds:
                        kinds.append(kind)
                    near = " ".join(before.split()[-3:]) + " " + match.group(0)
                    after = " ".join(normalised[match.end() :].split()[:1])
                    victim = victim or bool(VICTIM.search(near) or OBJECT.search(after))
    return tuple(kinds), victim


def rule_assess(text: str) -> RuleVerdict:
    """Decide whether a message says someone is in danger now."""
    return rule_verdict(normalize(text))


def rule_verdict(normalised: str, found: tuple[tuple[str, ...], bool] | None = None) -> RuleVerdict:
    """Decide on already normalised text (callers that normalise once pass it here).

    `found` is what danger_kinds already returned for this text, so it is not searched twice.
    """
    kinds, victim_named = found if found is not None else danger_kinds(normalised)
    if not kinds:
        return RuleVerdict(False)
    if CRY.search(normalised):
        return RuleVerdict(True, kinds)
    if PAST.search(normalised) and not PRESENT.search(normalised):
        return RuleVerdict(False, kinds)
    if GENERAL.search(normalised) and not victim_named:
        return RuleVerdict(False, kinds)
    return RuleVerdict(True, kinds)
