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


@dataclass(frozen=True, slots=True)
class AllOf:
    """A danger said in parts that may come in any order: every part must match somewhere.

    The earliest part's position stands for the whole when an "if" clause is looked for.
    `victim` says when the person in danger is named as someone's ("anak saya", "warga kami").
    """

    parts: tuple[str, ...]
    victim: str


# An age made older on paper: both a sign of a minor and of hands that are not safe.
_FAKED_AGE = (
    r"(umur|age)( \w+){0,3} (dituakan|dituakno|dituain|dipalsukan|dipalsu|dipalsuin)|"
    r"(paspor|passport)s?( \w+){0,2} (berumur|umur|age) dewasa|fake ages?"
)
# Ages a child can be: digits and the words for them in Indonesian, Javanese, Sundanese,
# Madurese and English (after normalising, so without diacritics).
_CHILD_AGE = (
    r"(1[0-7]|[5-9]|sepuluh|sebelas|(dua|tiga|empat|opat|papat|pa|apa|lima|lema|enam|genep|"
    r"tujuh|pitu) ?(belas|welas|bellas)|rolas|telulas|"
    r"patbelas|limolas|nembelas|pitulas|sewelas|sapuluh|sapolo|(opat|lima|genep|tujuh) ?welas|"
    r"(empa|lema|nem|petto) ?bellas|sedasa|(kalih|tiga|sekawan|gangsal|nem|pitu) ?welas|"
    r"ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen)"
)
_PERSON = (
    r"(anak|anakku|adik|adikku|adhik|ale|bocah|lare|budak|ana|kompoy|incu|putu|wayah|cucu|"
    r"ponakan|ponakanku|keponakan|putri|putra|gadis|remaja|niece|nephew|daughter|son|girls?|"
    r"boys?|sister|brother)"
)
# Who: a child or under-age person, in the words of each register (lare, bocah: Javanese;
# budak, murangkalih: Sundanese and Malay; ana' kene': Madurese), by age or school, or with
# an age made older on paper.
_MINOR = (
    # the child word first when there is one: an "if" clause is looked for before it
    r"\b("
    + _PERSON
    + r"\w* (\w+ )?)?(di ?bawah umur|belum cukup umur|under ?age|minors?|anak (anak )?kecil|"
    r"anak (sd|smp|sekolah|usia sekolah)|usia sekolah|bocil|bocah|murangkalih|"
    r"budak (leutik|awewe|lalaki|perempuan|lelaki)|ana kene|lare alit|remaja putri|siswi|"
    r"schoolgirls?|teenage\w*|little (brother|sister|girl|boy)s?|kids?|child|children|"
    r"(belum|durung|dereng|can|ghi|masih|isih|taksih) (dewasa|sekolah|smp|sd|sma|kecil|cilik|"
    r"alit|kene|leutik|kelas)|(msh|gi) (smp|sd)|kelas \w+ (smp|sd)|"
    r"(umur|usia|umurnya|umure|umurna|yuswa|omor|omorra|omorre|berusia|aged?) (\w+ ){0,2}"
    + _CHILD_AGE
    + r"|"
    r"(is|only) (only )?" + _CHILD_AGE + r"(?! (minutes?|hours?|days?|percent|million|am|pm)\b)|"
    r"(baru|"
    + _PERSON
    + r"( \w+){0,3}) "
    + _CHILD_AGE
    + r" (thn|tahun|th|taun|taon|years?)|"
    + _FAKED_AGE
    + r")\b"
)
# What: taken, fetched, lured, carried off, hidden, sent away, or on the way out now.
_TAKEN = (
    r"\b(di ?bawa|bawa|membawa|digowo|digawa|nggowo|dipunbekta|dibekta|ebakta|ekala|diambil|"
    r"egiba|e giba|dipunpendhet|dijupuk|dijemput|dipethuk|diajak|dijak|ngajak|mengajak|"
    r"dibujuk|diculik|"
    r"dikirim|dipunkintun|ekirim|diberangkatkan|dipunberangkataken|diterbangkan|"
    r"disembunyikan|dipunumpetaken|diumpetke|diumpetno|disumputkeun|esembunye|diangkut|"
    r"angkut|mengangkut|dinaikkan|dinaikan|dilarikan|diangkat|disimpan|simpan|"
    r"took|taken|taking|takes|pick\w* (\w+ )?up|hid|hidden|hiding|smuggl\w*|traffick\w*|"
    r"sending|driving|dalam perjalanan|menunggu keberangkatan|di mobil|"
    # Malay "hantar" (send, deliver); in a vehicle now: "dalam van", "numpak bis" (Javanese)
    r"hantar|dihantar|menghantar|"
    r"(dalam|di|naik|numpak|nitih|tumpak) (van|bas|bis|bus|kereta|mobil|lori|bot|kapal|speedboat)|"
    r"(di|ke|menuju|nang|ka|at|to) (the |a )?(bandara|pelabuhan|terminal|airport|boat))\b"
)
# Why it is danger: a recruiter or a stranger takes them, or the parents do not know.
_UNSAFE_HANDS = (
    r"\b(calo|sponsor|perekrut|recruiter|broker|tekong|penyalur|mucikari|germo|laoban|"
    # a travel or pilgrimage agent taking a child on a trip is no recruiter
    r"agen(si)?(?! (travel|perjalanan|umrah|umroh|haji|tiket|wisata)\b)|(?<!travel )agen(t|cy)|"
    r"sajangnim|orang asing|(orang|wong|oreng|jalma|urang) (yang|sing|se|nu) (janji|menjanjikan|"
    r"nawari|nawarin|menawarkan|ngajak)|"
    r"(orang|wong|oreng|jalma|tiyang|urang) (tidak|boten) (dikenal|kenal|"
    r"ekenal|tepang)|stranger|(ngaku|mengaku) dari|"
    r"(orang tua|oreng tua|wong tuwa|wong tuo|ortu|kolot|tiyang sepuh|parents?|mother|father|"
    r"mak|ibunya|ayahnya)"
    r"\w*( \w+){0,4} (tidak|belum|never|did not|didn t|does not|doesn t|don t|tak|boten) "
    r"(tahu|tau|taoh|terang|ngerti|agree\w*|know\w*|dikasih|izin|ngolehi|setuju|rela|restu|"
    r"mengizinkan|ngizinin|ngidini|paring idin)|"
    r"tanpa (izin|ijin|idin|sepengetahuan|persetujuan)|without (permission|consent|telling)|"
    + _FAKED_AGE
    + r")\b"
)
# Whose: a child named as someone's (anak saya, adikku, lare kula, anak tetangga, warga kami,
# my niece), so a question about children in general stays general.
_CHILD = (
    r"(anak|adik|adek|adi|adhik|ale|bocah|lare|budak|murangkalih|ana|kompoy|incu|putu|wayah|"
    r"cucu|ponakan|keponakan|putri|putra|gadis|remaja|siswi)"
)
_SOMEONES = (
    r"\b" + _CHILD + r"(ku|ne|e|na|nya)?( \w+){0,2} (saya|kami|kula|kaule|kaula|tetangga|"
    r"tatangga|tonggo|tonggoku|jiran|warga)\b|\b" + _CHILD + r"(ku|ne|e|na|nya)\b|"
    r"\b(my|our)\b|\bwarga (kami|kita)\b"
)

# Held by police or immigration (arrested, in a lockup or depot): who is held, in the words of
# each register (putra/lare: krama; bojo/semah: Javanese; bini/laki: Malay; lake: Madurese).
_HELD = (
    r"(saya|kami|suami|istri|isteri|anak|adik|adek|kakak|abang|ibu|bapak|ayah|teman|kawan|"
    r"keponakan|ponakan|paman|sepupu|putra|putri|lare|warga|mereka|dia|bojo|semah|bini|laki|"
    r"lake|lakè|kakang|kangmas|mas|mbak|mbakyu|rayi|lanceuk|salaki|pamajikan|tretan|taretan)"
)
# Arrested or held, in Indonesian, Javanese ("dicekel" is normalised to "ditahan"; krama
# "dipuncepeng", "dipuntahan"), Sundanese "ditewak", Madurese "etangkep", Malay "kena cekup".
_ARREST = (
    r"(ditangkap|ditangkep|ketangkap|ketangkep|kena tangkap|kena tahan|kena cekup|dicekup|"
    r"diringkus|dicepeng|di cepeng|dipuncepeng|dipun cepeng|dipuntahan|dipun tahan|ditewak|"
    r"etangkep|"
    r"etahan|e tahan|ditahan|dirazia|kena razia|digelandang|arrested|detained|locked up|jailed|"
    # taken away (Madurese "èkala'", Javanese "digowo"), counted only before police or a cell
    r"ekala|diambil|digowo)"
)
# Who holds them, or where: police, immigration, a lockup, a cell, a depot.
_AUTHORITY = (
    r"(polisi|polis|pulisi|imigrasi|imigresen|immigration|police|rela|aparat|lokap|lockup|"
    r"sel|penjara|jail|prison|depo|depot|detensi|detention|tahanan|balai polis|kantor polisi)"
)
# Thrown out by an employer or agent, or out on the street at night.
_BOSS = (
    r"(majikan|employer|madam|mam|boss|bos|taukeh|tauke|taitai|kafil|agen|agency|agent|"
    r"sponsor|laoban|sajangnim|juragan)"
)
_EXPEL = r"(diusir|diusirin|ditundung|ditundhung|dihalau|kena halau|kicked out|thrown out)"
_OUT_AT_NIGHT = (
    r"(malam|tengah malam|dini hari|midnight|tonight|jalan|street|bus stop|halte|"
    r"pinggir jalan|luar|outside|wengi|peuting|dalu)"
)

# Each kind of danger, as patterns over normalised text (slang already rewritten:
# "aku" -> "saya", "gak" -> "tidak", "pengen" -> "ingin", "bunuh diri" -> "bunuhdiri").
DANGER: dict[str, tuple[str | AllOf, ...]] = {
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
        # get off a boat or go home in Javanese and Sundanese: mudhun, mandhap, lungsur, mulih
        r"\b(tidak|dilarang) (boleh|bisa|diizinkan|dikasih|diberi|angsal|kenging) (keluar|pulang|"
        r"kabur|turun|pergi|kemana|ke mana|mudhun|medhun|mandhap|lungsur|mulih|wangsul)",
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
        # held at a place that is no prison; "paspor saya ditahan di rumah majikan" is a document
        r"(?<!paspor )(?<!dokumen )(?<!gaji )(?<!ijazah )(?<!ktp )(?<!uang )"
        r"\b(saya|kami|warga|mereka|dia|anak|adik|kakak|suami|istri|ibu|bapak|ayah|teman|"
        r"keponakan|ponakan|paman|om|sepupu)( sedang| masih| lagi)? (di ?tahan|etahan) "
        r"(\w+ ){0,2}(di|e) (penampungan|gudang|mess|asrama|ruko|kamar|kongsi|kapal|"
        r"rumah (majikan|agen|sponsor|calo|bos))\b",
        r"\bkabur dari (majikan|penampungan|asrama|agen|bos|perusahaan|kapal)",
        r"\b(sembunyi|ngumpet|bersembunyi) di\b",
        r"\block(ed|s)? (in|up|the door|me)\b|\btrapped\b|\bheld against\b",
        # arrested or held by police or immigration: a person held, then by whom or where.
        # "paspor saya ditahan" is a document: the person word must not follow one.
        r"(?<!paspor )(?<!dokumen )(?<!ktp )(?<!ijazah )(?<!gaji )(?<!passport )\b"
        + _HELD
        + r"\w*( (jaler|estri|lanang|wedok|lelaki|perempuan|pameget|istri|saya|kami|kula|kaula|"
        r"abdi|sengko|kita|ku))*( (sekarang|masih|sedang|lagi|"
        r"barusan|tadi|baru|sudah|saat ini|sapunika|sakmenika|samangken|nembe|anyar|mentas|"
        r"ayeuna|sateya|wau))* " + _ARREST + r"\b( \w+){0,3} " + _AUTHORITY + r"\b",
        r"\b(polisi|polis|pulisi|imigrasi|imigresen|police|immigration|rela)( \w+){0,2} "
        r"(tangkap|menangkap|nangkap|nangkep|cekup|ringkus|arrested|detained|took|picked up) "
        r"(\w+ )?(saya|kami|suami|istri|anak|adik|kakak|my|him|her|me|us)\b",
        r"\b(i|we|he|she|my (husband|wife|son|daughter|brother|sister|friend|cousin|father|"
        r"mother|dad|mum|mom|uncle|aunt|niece|nephew|boyfriend|girlfriend))"
        r"( (was|were|is|got|has|have|been|am|m|s|just))* (arrested|detained|locked up|jailed)\b",
        r"\b(sekarang|now|masih|still|sapunika|sakmenika|samangken)( \w+){0,2} "
        r"(di|dalam|kat|in|wonten) (the )?"
        r"(lokap|lockup|penjara|jail|depo|depot|detensi|detention|sel tahanan)\b",
        r"\b(not allowed|cannot|can not|can t) (to )?(leave|go out|get out|go home)\b",
        # whoever asks to go home or for their pay is beaten, punished or threatened
        r"\b(yang|ingkang|sing|nu|se|siapa|who|anyone|whoever)( \w+){0,2} (minta|ingin|mau|pamit|"
        r"naros|tanya|nanya|protes|menolak|nolak|nyuwun|asks?|asked|wants?|tries|tried)( \w+){0,2} "
        r"(pulang|keluar|berhenti|resign|mandhap|turun|gaji|balik|mulih|leave|quit|home|salary|"
        r"pay|wages?)\b( \w+){0,5} (di ?(pukul|hajar|siksa|tampar|tendang|ukum|hukum|teunggeul|"
        r"gebuk|patah|ancam|setrum|kurung)\w*|ancam\w*|mengancam|ngancam|beaten|punished|"
        r"threaten\w*)",
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
        r"\b(pingsan|kejang|pendarahan|perdarahan|muntah darah|batuk darah|sesak napas|"
        r"bleeding|patah tulang|luka (parah|bakar|robek)|kepala bocor|severed|crushed|"
        # a severed or broken limb ("jarinya putus kena mesin", "kakinya patah")
        r"(jari|tangan|kaki|lengan|tulang)\w*( \w+)? (putus|patah|hancur|remuk|terpotong)|"
        r"(broken|broke (his|her|my|their)) (arm|leg|hand|finger|bone)s?)\b"
        r".*\b(tidak|belum|dilarang|melarang|menolak|larang|not|no|won t|refuse\w*)\b"
        r".*\b(rumah sakit|rs|klinik|dokter|ambulans|berobat|hospital|doctor|clinic)",
        r"\b(don t|dont|do not|not|never|refuse\w*) (let |allow )?(me |us |her |him )?"
        r"(call|go to|take)\w* (an |the )?(ambulance|hospital|doctor)",
        r"\b(tidak|dilarang|melarang|menolak) (boleh |mau )?(panggil|memanggil|telepon|"
        r"menelepon) (ambulans|ambulance|dokter)",
        # the hospital will not treat before a deposit is paid, and nobody pays it
        r"\b(rumah sakit|rs|hospital|klinik|clinic)\b( \w+){0,2} (minta|meminta|mintak|nyuwun|"
        r"menta|wants?|asks?|asked|requires?|needs?)( \w+){0,2} (deposit|uang muka|dp|"
        r"jaminan|panjar|down payment|bayar dulu|pay first)\b",
        r"\b(kritis|koma)\b.*\b(sekarang|saat ini|ayeuna|saiki|sateya|samangken)\b|"
        r"\b(sekarang|saat ini|ayeuna|saiki|sateya|samangken)\b.*\b(di )?(icu|kritis|koma)\b",
    ),
    # A child or under-age person taken, carried off, hidden or sent away by a recruiter or a
    # stranger, or behind the parents' back. Past, news and "if" are read as for every kind.
    "minor": (AllOf((_MINOR, _TAKEN, _UNSAFE_HANDS), _SOMEONES),),
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
        # thrown out by the employer or agent ("majikan ngusir saya", "employer kicked me out"),
        # not a threat to ("mengancam akan mengusir", "wants to kick me out")
        r"\b" + _BOSS + r"\w*( (?!akan|ingin|bakal|mengancam|ancam|ngancam|ngancem|will|going|"
        r"want|wants|threaten\w*|may|might|could|would)\w+){0,3} (usir|mengusir|ngusir|nundung|"
        r"menghalau|halau|kicked|threw|chased)\b",
        r"\b" + _EXPEL + r"( \w+){0,5} (" + _BOSS + r"|" + _OUT_AT_NIGHT + r")\b",
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
    # "please tell me a joke", "help me write a letter", "tolong buatkan surat": a polite
    # request for something ordinary, not a cry ("please" arrives as "tolong")
    r"(?! (help )?(me |saya |aku |kami )?(tell|explain|write|translate|understand|find|check|"
    r"make|recommend|show|give me|cek|ceritakan|ceritain|buatkan|bikinkan|bikinin|carikan|"
    r"cariin|terjemahkan|jawab|artikan)\b)"
)
# A danger word inside an "if" clause is hypothetical: "kalau nanti dipukul ...".
CONDITIONAL = re.compile(
    # "dia bilang kalau dikunci", "ngabari menawi dipun kunci": after a verb of telling,
    # "kalau" (and the regional words rewritten to it) means "that", not "if"
    r"(?<!bilang )(?<!ngabari )(?<!ngabarin )(?<!mengabarkan )(?<!cerita )(?<!bercerita )"
    r"(?<!ngomong )(?<!mengatakan )(?<!berkata )(?<!katanya )(?<!kabar )(?<!ngendika )"
    r"(?<!nyarios )(?<!dibayar )(?<!digaji )(?<!dibayarkan )(?<!cair )"
    r"\b(kalau|jika|apabila|seandainya|andaikan|misal|misalnya|umpama|bila|if|what if|"
    r"takut|khawatir|cemas|jangan sampai|umpami|mon)"
    # "kalau tidak capai target disetrum": a punishment for refusing is coercion now, no "if"
    r"(?!( \w+)? (tidak|tak|ta|ora|teu|mboten|boten|nolak|menolak)\b)( \w+){0,5} ?$"
    # an "if" that also says "later" or "a resident who ..." reaches further: "kalau nanti ada
    # warga yang melapor anaknya disekap", "misal ini ya nanti di sana saya dikurung"
    r"|\b(kalau|jika|apabila|seandainya|andaikan|misal|misalnya|umpama|umpami|bila|if)"
    # ("kalau besok", Javanese "nek sesuk" reach as far: tomorrow is no danger now)
    r"(?=( \w+){0,4} (nanti|engke|mengko|benjing|later|sesuk|besok|besuk|isukan|tomorrow|"
    r"ada (warga|orang|pmi|yang|keluarga)))"
    r"( \w+){0,10} ?$"
)
# Past events are answered normally: the person is safe now.
PAST = re.compile(
    # "never" is no past event: "tidak pernah mengizinkan", krama "boten nate paring idin";
    # "dulu" after a verb or a payment is "first" ("kami tahan dulu", "tunggu dulu", "minta
    # deposit dulu"), not "formerly"
    r"(?<!tidak )(?<!belum )(?<!boten )(?<!mboten )(?<!dereng )(?<!durung )(?<!never )"
    r"\b(pernah|(?<!tahan )(?<!tunggu )(?<!tanya )(?<!sabar )(?<!sembunyi )(?<!deposit )"
    r"(?<!muka )(?<!bayar )(?<!dp )(?<!jaminan )(?<!panjar )dulu|"
    r"dahulu|tahun lalu|bulan lalu|minggu lalu|waktu itu|sudah pulang|"
    r"sudah di rumah|sudah selamat|sudah aman|sekarang aman|sudah boleh pulang|sudah bisa pulang|"
    r"berita|baca berita|lihat berita|liat berita|nonton|film|video(?! call)|viral|"
    r"jenazah|almarhum|"
    r"seminggu lalu|sudah pindah|mimpi|bermimpi|dibebaskan|sudah bebas|diselamatkan|"
    r"sinetron|drama|ceritanya|pengajian|ceramah|"
    r"baik baik saja|sudah dibukakan|"
    # the same in English and the regional languages: "rumiyin"/"kapungkur" (krama), "biyen"
    # (ngoko, also "mbiyen"), "riyin" (krama), "lamba'" (Madurese), "baheula"/"kantos"
    # (Sundanese); news is "pawarta". Not a bare "ago" ("an hour ago" is now) nor Sundanese
    # "beja" (also "tell").
    r"rumiyin|riyin|kapungkur|nate|m?biyen|lamba|baheula|kantos|kungsi|pawarta|pawartos|warta|"
    r"(years?|months?) ago|last (year|month)|used to|back home|in the news|news|rescued|"
    r"koran|surat kabar|newspaper|(baca|membaca|maca) kabar|"
    # role play and drills: "simulasi kabur", "memerankan pekerja yang dipukul", "pura pura
    # keur dikonci" (Sundanese), "role play"
    r"simulasi|main peran|bermain peran|memerankan|diperankan|role ?play\w*|"
    r"latihan (main peran|pura pura)|pura pura (keur |lagi |sedang )?di ?(kunci|konci|kurung|"
    r"sekap|pukul|usir|siksa|tahan)|"
    # treated already: "sudah dijahit", "sampun dipunrawat", "tos diubaran", "la e obhati"
    r"(sudah|sampun|tos|la|dah) (di ?|dipun ?|e )?(jahit|rawat|obati|obhati|ubaran|operasi|"
    r"tangani)\w*)\b"
    # seen on social media or heard as news: "weruh di facebook", Sundanese "maca beja"
    r"|\b(weruh|lihat|liat|nonton|baca|maca|tengok|saw|read)( \w+)? (di|kat|on|ing) "
    r"(facebook|fb|tiktok|youtube|medsos|instagram|ig)\b|\b(maca|aya|ngadenge|nguping) beja\b"
    r"|\b(di|kat|on|in) (grup |group )?(facebook|fb|tiktok|youtube|medsos|instagram|ig) "
    r"(rame|ramai|ada (pmi|orang|tki|tkw|berita|video|kabar))\b"
    # safe or healed now: "sekarang sudah aman", "kini sudah sadar", "saiki wis mari" (ngoko),
    # "ayeuna tos damang"/"cageur" (Sundanese), "sateya la baras" (Madurese), "sampun saras"
    r"|\b(sekarang|kini|sudah|sampun|tos|dah|now|la)( \w+){0,9} (?<!tidak )(?<!belum )"
    r"(?<!ingin )(?<!mau )(?<!bisa )(?<!yang )(?<!juga )(?<!nanti )(?<!akan )(?<!biar )"
    r"(?<!agar )(?<!supaya )(aman|selamat|safe|sembuh|mari|damang|cageur|baras|saras|"
    r"pulih|wilujeng|salamet|sehat|sadar|baikan|membaik|ok|oke|fine|recovered|healed)\b"
    # at or fetched by the embassy: "sudah di kbri", "sampun di tampi kbri", "now in embassy"
    r"|\b(sudah|kini|sekarang|now|sampun|tos|la|is|are)( \w+){0,4} (di|dalam|in|at|e) (the )?"
    r"(penampungan |shelter |rumah aman )?(kbri|kjri|embassy|consulate|kedutaan|konsulat)\b"
    r"|\b(dijemput|diselamatkan|ditampung|diterima|di tampi|rescued by|picked up by) "
    r"(\w+ ){0,2}(kbri|kjri|embassy|consulate|kedutaan|konsulat)\b"
)
# Questions about the law or signs in general, not about a person now.
GENERAL = re.compile(
    r"\b(hukuman|hukumnya|sanksi|pasal|undang|dipidana|apa itu|artinya|definisi|termasuk|"
    r"mencegah|cegah|ciri|tanda|contoh|dituntut|nuntut|menuntut|tuntut|apakah|bolehkah|"
    r"apa benar|apa bener|benarkah|benar tidak|kenapa|mengapa|rawan|jaga diri|"
    # how often, how common, prevention: a question about others, also in the regional languages
    r"seberapa|secara umum|umumnya|banyak pmi|byk pmi|naha|nyegah\w*|"
    # making teaching material for others: "penyuluhan", "sosialisasi", "konten"
    # (not krama "konten", a door)
    r"penyuluhan|sosialisasi|(bikin|buat|membuat|nggawe|gawe) (konten|materi)|"
    r"konten (ig|instagram|tiktok|youtube|edukasi|medsos)|"
    r"betul (ke|tak|kah)|how (common|often)|is it true|why do)\b"
)
# "sejak minggu lalu ... masih dikunci": a present marker beats a past one.
PRESENT = re.compile(
    # "masih dibuka" (still open, of a job market) says nothing about a person
    r"\b(masih (?!(dibuka|diterima|dibutuhkan|diperlukan|dicari)\b)(di|ter)\w+|"
    r"sampai sekarang|sekarang juga|barusan|baru saja|malam ini|just now|"
    # tonight: Javanese ngoko and krama, Sundanese, Madurese
    r"right now|bengi iki|wengi iki|dalu menika|peuting ieu|malem (a?reya|ariya|riya))\b"
)
VICTIM = re.compile(
    r"\b(saya|kami|anak|adik|adi|kakak|istri|suami|ibu|bapak|ayah|keluarga|teman|tetangga)\b"
)
OBJECT = re.compile(r"\b(saya|kami|kita|dia)\b")  # "memukul saya": the victim after the verb
SUICIDE_KIND = "suicide"
MEDICAL_KIND = "medical"


@dataclass(frozen=True, slots=True)
class RuleVerdict:
    """The rules' verdict: urgent or not, and which kinds of danger were seen."""

    urgent: bool
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _CompiledAllOf:
    """An AllOf with its patterns compiled."""

    parts: tuple[re.Pattern[str], ...]
    victim: re.Pattern[str]


def _compile(pattern: str | AllOf) -> re.Pattern[str] | _CompiledAllOf:
    """Compile a plain pattern, or every part of an AllOf."""
    if isinstance(pattern, AllOf):
        return _CompiledAllOf(
            tuple(re.compile(p) for p in pattern.parts), re.compile(pattern.victim)
        )
    return re.compile(pattern)


_COMPILED = {kind: tuple(_compile(p) for p in patterns) for kind, patterns in DANGER.items()}


def _all_of(pattern: _CompiledAllOf, normalised: str) -> int | None:
    """Return where the earliest part matched when every part did, else None."""
    starts = []
    for part in pattern.parts:
        match = part.search(normalised)
        if match is None:
            return None
        starts.append(match.start())
    return min(starts)


def danger_kinds(normalised: str) -> tuple[tuple[str, ...], bool]:
    """Return the kinds of danger mentioned outside an 'if' clause, and whether one names a victim.

    A victim is named when a person word stands right before the danger ("anak saya disekap")
    or right after it ("memukul saya"); "orang-orang di kamboja disiksa?" names nobody.
    A danger said in parts (AllOf) names one by its own `victim` pattern.
    """
    kinds: list[str] = []
    victim = False
    for kind, patterns in _COMPILED.items():
        for pattern in patterns:
            if isinstance(pattern, re.Pattern):
                for match in pattern.finditer(normalised):
                    before = normalised[: match.start()]
                    if kind in CONDITIONAL_EXEMPT or not CONDITIONAL.search(before):
                        if kind not in kinds:
                            kinds.append(kind)
                        near = " ".join(before.split()[-3:]) + " " + match.group(0)
                        after = " ".join(normalised[match.end() :].split()[:1])
                        victim = victim or bool(VICTIM.search(near) or OBJECT.search(after))
                continue
            start = _all_of(pattern, normalised)
            if start is not None and (
                kind in CONDITIONAL_EXEMPT or not CONDITIONAL.search(normalised[:start])
            ):
                if kind not in kinds:
                    kinds.append(kind)
                victim = victim or bool(pattern.victim.search(normalised))
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
